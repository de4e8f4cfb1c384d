/**
 * What the operator commands read from an execution history and from the mirror's definition, on
 * histories shaped as Step Functions writes them for the mirror's state machine (each checked against
 * AWS's model of GetExecutionHistory's answer) and on the construct's own synthesized definition.
 */
import { HistoryEvent } from '@aws-sdk/client-sfn';
import { failureOf, lastExport, lastJobRun, statesEntered } from '../../../src/cli/operator/history-events';
import { glueNamesOf } from '../../../src/cli/operator/mirror-definition';
import { outputProblems } from '../../contract/aws-models';
import { definitionOf, mirrorStack } from '../../helpers';

/** A history from a compact list: [type, details] pairs, ids in order, each event after the one before. */
function history(...items: Array<[string, Record<string, unknown>?]>): HistoryEvent[] {
  const events = items.map(([type, details], i) => {
    const key = detailsKey(type);
    return {
      timestamp: new Date(Date.UTC(2026, 10, 30, 6, 0, i)),
      type,
      id: i + 1,
      previousEventId: i,
      ...(key && details ? { [key]: details } : {}),
    } as HistoryEvent;
  });
  expect(outputProblems('stepfunctions', 'GetExecutionHistory', { events }, { modelCase: true })).toEqual([]);
  return events;
}

/** The details member Step Functions uses for each event type. */
function detailsKey(type: string): string | undefined {
  if (type.endsWith('StateEntered')) {
    return 'stateEnteredEventDetails';
  }
  if (type.endsWith('StateExited')) {
    return 'stateExitedEventDetails';
  }
  const known: Record<string, string> = {
    ExecutionStarted: 'executionStartedEventDetails',
    ExecutionFailed: 'executionFailedEventDetails',
    ExecutionTimedOut: 'executionTimedOutEventDetails',
    TaskScheduled: 'taskScheduledEventDetails',
    TaskSubmitted: 'taskSubmittedEventDetails',
    TaskSucceeded: 'taskSucceededEventDetails',
    TaskFailed: 'taskFailedEventDetails',
  };
  return known[type];
}

const entered = (type: string, name: string): [string, Record<string, unknown>] => [`${type}StateEntered`, { name, input: '{}' }];
const exited = (type: string, name: string): [string, Record<string, unknown>] => [`${type}StateExited`, { name, output: '{}' }];
const SPARK = { resourceType: 'emr-serverless', resource: 'startJobRun.sync' };
const submitted = (jobRunId: string): [string, Record<string, unknown>] => ['TaskSubmitted', {
  ...SPARK, output: JSON.stringify({ ApplicationId: '00fabc', Arn: `arn:aws:emr-serverless:eu-north-1:123456789012:/applications/00fabc/jobruns/${jobRunId}`, JobRunId: jobRunId }),
}];
const sparkFailed: [string, Record<string, unknown>] = ['TaskFailed', { ...SPARK, error: 'States.TaskFailed', cause: 'Job run failed: exit code 1' }];

describe('failureOf', () => {
  test('a Spark job that failed twice (retry): the Spark state, with its own error, not Run failed', () => {
    const events = history(
      ['ExecutionStarted', { input: '{}', roleArn: 'arn:aws:iam::123456789012:role/r' }],
      entered('Parallel', 'Run'), ['ParallelStateStarted'],
      entered('Task', 'Apply exports (Spark)'),
      submitted('j1'), sparkFailed, submitted('j2'), sparkFailed,
      ['ParallelStateFailed'], exited('Parallel', 'Run'),
      entered('Task', 'Release the run lease after a failure'), exited('Task', 'Release the run lease after a failure'),
      entered('Fail', 'Run failed'),
      ['ExecutionFailed', { error: 'States.TaskFailed', cause: 'Job run failed: exit code 1' }],
    );
    expect(failureOf(events)).toEqual({ state: 'Apply exports (Spark)', error: 'States.TaskFailed', cause: 'Job run failed: exit code 1' });
    expect(lastJobRun(events)).toEqual({ applicationId: '00fabc', jobRunId: 'j2' });
  });

  test('a Fail state of the plan after a task that failed once and then succeeded: the Fail state, with the execution\'s error', () => {
    const events = history(
      entered('Parallel', 'Run'),
      entered('Task', 'Plan'),
      ['TaskFailed', { resourceType: 'lambda', resource: 'invoke', error: 'Lambda.ServiceException', cause: 'throttled' }], exited('Task', 'Plan'),
      entered('Fail', 'Watermark outside the PITR window'),
      ['ParallelStateFailed'],
      entered('Fail', 'Run failed'),
      ['ExecutionFailed', { error: 'WatermarkOutsidePitrWindow', cause: 'watermark 2026-10-01 is older than the earliest restorable time' }],
    );
    expect(failureOf(events)).toEqual({
      state: 'Watermark outside the PITR window',
      error: 'WatermarkOutsidePitrWindow',
      cause: 'watermark 2026-10-01 is older than the earliest restorable time',
    });
  });

  test('a timed-out execution: the state it was in', () => {
    const events = history(
      entered('Parallel', 'Run'),
      entered('Task', 'Full export: start'), exited('Task', 'Full export: start'),
      entered('Wait', 'Full export: wait'),
      ['ExecutionTimedOut', { error: 'States.Timeout' }],
    );
    expect(failureOf(events)).toEqual({ state: 'Full export: wait', error: 'States.Timeout', cause: undefined });
  });
});

describe('what the history names', () => {
  test('the last job run: from GetJobRun\'s answer (TaskSucceeded) as well as StartJobRun\'s (TaskSubmitted)', () => {
    const events = history(
      submitted('j1'),
      ['TaskSucceeded', { ...SPARK, output: JSON.stringify({ JobRun: { ApplicationId: '00fabc', JobRunId: 'j1', State: 'SUCCESS' } }) }],
      entered('Task', 'Maintain table (Spark)'), submitted('j3'),
    );
    expect(lastJobRun(events)).toEqual({ applicationId: '00fabc', jobRunId: 'j3' });
    expect(lastJobRun(events.slice(1, 2))).toEqual({ applicationId: '00fabc', jobRunId: 'j1' });
    expect(lastJobRun(history(entered('Task', 'Plan')))).toBeUndefined();
  });

  test('the last export: the newest describeExport answer', () => {
    const arn = 'arn:aws:dynamodb:eu-north-1:123456789012:table/orders/export/01764-abc';
    const answer = (status: string) => ['TaskSucceeded', {
      resourceType: 'aws-sdk:dynamodb',
      resource: 'describeExport',
      output: JSON.stringify({ ExportDescription: { ExportArn: arn, ExportStatus: status, ExportType: 'INCREMENTAL_EXPORT' } }),
    }] as [string, Record<string, unknown>];
    expect(lastExport(history(answer('IN_PROGRESS'), answer('COMPLETED')))).toMatchObject({ ExportArn: arn, ExportStatus: 'COMPLETED' });
  });

  test('states entered, in order, with their type', () => {
    const events = history(entered('Choice', 'Which run?'), exited('Choice', 'Which run?'), entered('Pass', 'Mirror run'));
    expect(statesEntered(events).map((s) => `${s.type} ${s.name}`)).toEqual(['Choice Which run?', 'Pass Mirror run']);
  });
});

describe('glueNamesOf', () => {
  test('reads the Glue names from the plan task of the construct\'s own definition', () => {
    const { mirror, template } = mirrorStack({ databaseName: 'sales', icebergTableName: 'orders' });
    expect(mirror.databaseName).toBe('sales');
    expect(glueNamesOf(definitionOf(template))).toEqual({ glueDatabase: 'sales', glueTable: 'orders' });
  });

  test('is undefined for any other state machine', () => {
    expect(glueNamesOf({ StartAt: 'A', States: { A: { Type: 'Pass', Parameters: { config: {} }, End: true } } })).toBeUndefined();
  });
});
