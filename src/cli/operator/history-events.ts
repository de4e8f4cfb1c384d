import { HistoryEvent } from '@aws-sdk/client-sfn';

/** A state an execution entered. */
export interface StateEntered {
  readonly name: string;
  readonly type: string;
  readonly timestamp?: Date;
}

/** Where and why an execution failed. */
export interface ExecutionFailure {
  /** The state that failed first; a Fail state that only passes an error on (the mirror's `Run failed`) is not it. */
  readonly state?: string;
  readonly error?: string;
  readonly cause?: string;
}

/** An EMR Serverless job run an execution started. */
export interface JobRunRef {
  readonly applicationId: string;
  readonly jobRunId: string;
}

/** The events' details as one record: each event has exactly one `...EventDetails` member. */
function detailsOf(event: HistoryEvent): Record<string, any> {
  const key = Object.keys(event).find((k) => k.endsWith('EventDetails'));
  return key ? (event as Record<string, any>)[key] ?? {} : {};
}

function outputOf(event: HistoryEvent): any {
  const output = detailsOf(event).output;
  if (typeof output !== 'string') {
    return undefined;
  }
  try {
    return JSON.parse(output);
  } catch {
    return undefined;
  }
}

export function statesEntered(events: HistoryEvent[]): StateEntered[] {
  return events
    .filter((e) => e.type?.endsWith('StateEntered') && e.stateEnteredEventDetails?.name)
    .map((e) => ({ name: e.stateEnteredEventDetails!.name!, type: e.type!.replace(/StateEntered$/, ''), timestamp: e.timestamp }));
}

/**
 * The newest job run the history names. Step Functions records the StartJobRun answer
 * (`ApplicationId`, `JobRunId`) as the `.sync` task's TaskSubmitted output, and GetJobRun's (`JobRun`)
 * as its TaskSucceeded output: the job run is known from nowhere else.
 */
export function lastJobRun(events: HistoryEvent[]): JobRunRef | undefined {
  for (const event of [...events].reverse()) {
    const output = outputOf(event);
    for (const candidate of [output, output?.JobRun]) {
      if (typeof candidate?.ApplicationId === 'string' && typeof candidate?.JobRunId === 'string') {
        return { applicationId: candidate.ApplicationId, jobRunId: candidate.JobRunId };
      }
    }
  }
  return undefined;
}

/** The newest export description the history holds (the answers of exportTableToPointInTime and describeExport). */
export function lastExport(events: HistoryEvent[]): Record<string, any> | undefined {
  for (const event of [...events].reverse()) {
    const description = outputOf(event)?.ExportDescription;
    if (description && typeof description.ExportArn === 'string') {
      return description;
    }
  }
  return undefined;
}

/** Events that end a state's work in failure (a retry may follow). */
const STATE_FAILURES = new Set([
  'TaskFailed', 'TaskTimedOut', 'TaskStartFailed', 'TaskSubmitFailed',
  'LambdaFunctionFailed', 'LambdaFunctionTimedOut', 'LambdaFunctionStartFailed', 'LambdaFunctionScheduleFailed',
  'ActivityFailed', 'ActivityTimedOut', 'ActivityScheduleFailed',
]);
/** Events after which a failure only travels outwards: the root cause came before the first of them. */
const PROPAGATION = new Set(['ParallelStateFailed', 'MapStateFailed', 'ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted']);

/** The name of the state an event belongs to: the nearest StateEntered event back along previousEventId. */
function stateOfEvent(event: HistoryEvent, byId: Map<number, HistoryEvent>): string | undefined {
  let current: HistoryEvent | undefined = event;
  for (let hops = 0; current && hops < 100; hops++) {
    if (current.stateEnteredEventDetails?.name) {
      return current.stateEnteredEventDetails.name;
    }
    current = byId.get(current.previousEventId ?? -1);
  }
  return undefined;
}

/** The failing state and the error and cause of a failed, timed-out or aborted execution. */
export function failureOf(events: HistoryEvent[]): ExecutionFailure {
  const byId = new Map(events.map((e) => [e.id ?? 0, e]));
  const end = events.find((e) => e.type === 'ExecutionFailed' || e.type === 'ExecutionTimedOut' || e.type === 'ExecutionAborted');
  const endDetails = end ? detailsOf(end) : {};
  const boundary = events.findIndex((e) => PROPAGATION.has(e.type ?? ''));
  const before = boundary < 0 ? events : events.slice(0, boundary);
  const point = [...before].reverse().find((e) => STATE_FAILURES.has(e.type ?? '') || e.type === 'FailStateEntered');
  if (point) {
    const details = detailsOf(point);
    return {
      state: stateOfEvent(point, byId),
      error: details.error ?? endDetails.error,
      cause: details.cause ?? endDetails.cause,
    };
  }
  // Timed out or aborted in the middle of a state: the last state entered and not left.
  const exited = new Set(events.filter((e) => e.stateExitedEventDetails?.name).map((e) => e.stateExitedEventDetails!.name));
  const open = statesEntered(events).reverse().find((s) => !exited.has(s.name));
  return { state: open?.name, error: endDetails.error, cause: endDetails.cause };
}
