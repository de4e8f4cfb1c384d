/**
 * The state machine against AWS's own API models (botocore's, from the project's Python environment):
 * every AWS call's Parameters, every read of its answer, every error it retries or catches.
 * Lambda invocations are not here: the plan function is our own contract, tested with its handler.
 */
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DynamoIcebergMirror, ExportViewType } from '../../src';
import { startJobRunAnswer } from '../e2e/job-run-answer';
import { definitionOf, mirrorStack, newStack, ordersTable } from '../helpers';
import { botocoreDataDir, errorProblems, inputProblems, outputPathProblems, outputProblems } from './aws-models';
import { awsTasks, definitionProblems } from './task-contract';

/** A mirror that encrypts with its own key and exports new and old images. */
function encryptedNewAndOld(): any {
  const stack = newStack();
  const table = ordersTable(stack);
  const encryptionKey = new kms.Key(stack, 'Key');
  new DynamoIcebergMirror(stack, 'OrdersMirror', { table, encryptionKey, exportViewType: ExportViewType.NEW_AND_OLD_IMAGES });
  return definitionOf(Template.fromStack(stack));
}

const variants: Array<[string, () => any]> = [
  ['default props', () => definitionOf(mirrorStack().template)],
  ['a KMS key and NEW_AND_OLD_IMAGES exports', encryptedNewAndOld],
];

describe.each(variants)('with %s', (_name, synthesize) => {
  const definition = synthesize();

  test('every AWS call the state machine makes is found', () => {
    const calls = awsTasks(definition).map(([name, , call]) => `${name}: ${call.service} ${call.operation}`);
    expect(calls.sort()).toEqual([
      'Apply exports (Spark): emr-serverless StartJobRun',
      'Full export: describe: dynamodb DescribeExport',
      'Full export: start: dynamodb ExportTableToPointInTime',
      'Maintain table (Spark): emr-serverless StartJobRun',
      'Publish the verification metrics: cloudwatch PutMetricData',
      'Read the verification report: s3 GetObject',
      'Release the run lease after a failure: dynamodb DeleteItem',
      'Release the run lease: dynamodb DeleteItem',
      'Verification export: describe: dynamodb DescribeExport',
      'Verification export: start: dynamodb ExportTableToPointInTime',
      'Verify table (Spark): emr-serverless StartJobRun',
      'Window export: describe: dynamodb DescribeExport',
      'Window export: start: dynamodb ExportTableToPointInTime',
    ]);
  });

  test('every AWS call matches the AWS model: parameters, reads of the answer, error names', () => {
    const problems = definitionProblems(definition);
    if (problems.length > 0) {
      throw new Error(`${problems.length} contract problem(s):\n${problems.join('\n')}`);
    }
  });
});

test('the variant reaches the parameters it should change', () => {
  const [, start] = awsTasks(encryptedNewAndOld()).find(([name]) => name === 'Window export: start')!;
  expect(start.Parameters).toMatchObject({
    S3SseAlgorithm: 'KMS',
    S3SseKmsKeyId: expect.any(String),
    IncrementalExportSpecification: { ExportViewType: 'NEW_AND_OLD_IMAGES' },
  });
});

describe('deliberate breaks are reported', () => {
  const original = definitionOf(mirrorStack().template);
  const before = new Set(definitionProblems(original));

  /** The problems a change to one Task state adds to those of the definition as synthesized. */
  function added(stateName: string, change: (state: any) => void): string[] {
    const copy = JSON.parse(JSON.stringify(original));
    const [, state] = awsTasks(copy).find(([name]) => name === stateName)!;
    change(state);
    return definitionProblems(copy).filter((p) => !before.has(p));
  }

  test('a misspelt member, nested in a Map state', () => {
    expect(added('Window export: start', (state) => {
      const spec = state.Parameters.IncrementalExportSpecification;
      spec.ExportViewTyp = spec.ExportViewType;
      delete spec.ExportViewType;
    })).toEqual([
      'Window export: start: ExportTableToPointInTime: IncrementalExportSpecification.ExportViewTyp: no such member (did you mean ExportViewType?)',
    ]);
  });

  test('a member in the model\'s camelCase where Step Functions wants PascalCase', () => {
    expect(added('Apply exports (Spark)', (state) => {
      state.Parameters.applicationId = state.Parameters.ApplicationId;
      delete state.Parameters.ApplicationId;
    })).toEqual([
      'Apply exports (Spark): StartJobRun: applicationId: no such member (did you mean ApplicationId?)',
      'Apply exports (Spark): StartJobRun: ApplicationId: required member missing',
    ]);
  });

  test('an enum value that does not exist', () => {
    expect(added('Full export: start', (state) => {
      state.Parameters.ExportFormat = 'PARQUET';
    })).toEqual(['Full export: start: ExportTableToPointInTime: ExportFormat: "PARQUET" is not one of DYNAMODB_JSON, ION']);
  });

  test('a required member missing', () => {
    expect(added('Full export: start', (state) => {
      delete state.Parameters.S3Bucket;
    })).toEqual(['Full export: start: ExportTableToPointInTime: S3Bucket: required member missing']);
  });

  test('a literal of the wrong type, and an intrinsic function whose result has the wrong type', () => {
    expect(added('Apply exports (Spark)', (state) => {
      state.Parameters.ExecutionTimeoutMinutes = '480';
      state.Parameters['ExecutionRoleArn.$'] = 'States.ArrayLength($.x)';
      delete state.Parameters.ExecutionRoleArn;
    })).toEqual([
      expect.stringMatching(/^Apply exports \(Spark\): StartJobRun: ExecutionTimeoutMinutes: expected an integer \(\w+\), got "480"$/),
      expect.stringMatching(/^Apply exports \(Spark\): StartJobRun: ExecutionRoleArn\.\$: States\.ArrayLength\(\$\.x\) yields a number, the member is a string/),
    ]);
  });

  test('a malformed JSONPath', () => {
    expect(added('Full export: describe', (state) => {
      state.Parameters['ExportArn.$'] = '$.export.started.';
    })).toEqual(['Full export: describe: DescribeExport: ExportArn.$: "$.export.started.": a "." must be followed by a member name']);
  });

  test('a read of an undocumented output member in a ResultSelector', () => {
    expect(added('Window export: describe', (state) => {
      state.ResultSelector['status.$'] = '$.ExportDescription.Status';
    })).toEqual([
      expect.stringMatching(/^Window export: describe: DescribeExport: \$\.ExportDescription\.Status: Status is not a member of ExportDescription \(members: ExportArn, ExportStatus, /),
    ]);
  });

  test('a read inside an intrinsic function, and through OutputPath when nothing selects', () => {
    expect(added('Full export: start', (state) => {
      state.ResultSelector['arn.$'] = 'States.ArrayLength($.ExportDescriptions)';
    })).toEqual([
      expect.stringMatching(/^Full export: start: ExportTableToPointInTime: \$\.ExportDescriptions: ExportDescriptions is not a member of \w+ \(did you mean ExportDescription\?\)$/),
    ]);
    expect(added('Full export: describe', (state) => {
      delete state.ResultSelector;
      delete state.ResultPath;
      state.OutputPath = '$.ExportDescription.ExportStatus.Code';
    })).toEqual([
      'Full export: describe: DescribeExport: $.ExportDescription.ExportStatus.Code: .Code reads into ExportStatus, a string',
    ]);
  });

  test('a metric datum with a misspelt member and a value of the wrong kind', () => {
    expect(added('Publish the verification metrics', (state) => {
      const [datum] = state.Parameters.MetricData;
      datum.Unit = 'Keys';
      datum['Value.$'] = "States.Format('{}', $.verification.read.report.missing)";
    })).toEqual([
      expect.stringMatching(/^Publish the verification metrics: PutMetricData: MetricData\[0\]\.Unit: "Keys" is not one of /),
      expect.stringMatching(/^Publish the verification metrics: PutMetricData: MetricData\[0\]\.Value\.\$: .* yields a string, the member is a double/),
    ]);
  });

  test('an error name the operation does not declare', () => {
    expect(added('Full export: start', (state) => {
      state.Retry[0].ErrorEquals.push('DynamoDb.ExportNotFoundException');
    })).toEqual([expect.stringMatching(
      /^Full export: start: ExportTableToPointInTime: error DynamoDb.ExportNotFoundException is not declared by the operation/)]);
  });
});

describe('the validator API', () => {
  test('errors: States.*, declared ones with the Exception suffix, the service catch-all; nothing else', () => {
    expect(errorProblems('dynamodb', 'DescribeExport', 'States.ALL')).toEqual([]);
    expect(errorProblems('dynamodb', 'DescribeExport', 'DynamoDb.ExportNotFoundException')).toEqual([]);
    expect(errorProblems('dynamodb', 'DescribeExport', 'DynamoDb.InternalServerErrorException')).toEqual([]);
    expect(errorProblems('dynamodb', 'DescribeExport', 'DynamoDb.DynamoDbException')).toEqual([]);
    expect(errorProblems('dynamodb', 'DescribeExport', 'DynamoDb.InternalServerError')).toHaveLength(1);
    expect(errorProblems('dynamodb', 'DescribeExport', 'DynamoDB.ExportNotFoundException')).toHaveLength(1);
  });

  test('a fake StartJobRun answer with a job run state is reported; the documented answer passes', () => {
    expect(outputProblems('emr-serverless', 'StartJobRun', { JobRun: { State: 'SUCCESS' } })).toEqual([
      'StartJobRun: $.JobRun: no such member (members: ApplicationId, JobRunId, Arn)',
      'StartJobRun: $.ApplicationId: required member missing',
      'StartJobRun: $.JobRunId: required member missing',
      'StartJobRun: $.Arn: required member missing',
    ]);
    expect(outputProblems('emr-serverless', 'StartJobRun', {
      ApplicationId: '00fabcd1234', JobRunId: '00fjob5678', Arn: 'arn:aws:emr-serverless:eu-north-1:123456789012:/applications/00fabcd1234/jobruns/00fjob5678',
    })).toEqual([]);
  });

  test('the end-to-end runner\'s Spark job answers what StartJobRun documents', () => {
    // The application id as test/e2e/synth.ts makes it.
    const answer = startJobRunAnswer('arn:aws:emr-serverless:eu-north-1:123456789012', '00f1a2b3c4d5e6f7', 'run-1');
    expect(outputProblems('emr-serverless', 'StartJobRun', answer)).toEqual([]);
  });

  test('a fake DescribeExport answer with an unknown status, a wrong type and an unknown member is reported', () => {
    const good = {
      ExportDescription: {
        ExportArn: 'arn:aws:dynamodb:eu-north-1:123456789012:table/orders/export/01700000000000-abcdef12',
        ExportStatus: 'COMPLETED',
        StartTime: '2026-11-30T01:00:00Z',
        EndTime: new Date(),
        ItemCount: 3,
      },
    };
    expect(outputProblems('dynamodb', 'DescribeExport', good)).toEqual([]);
    expect(outputProblems('dynamodb', 'DescribeExport', {
      ExportDescription: { ...good.ExportDescription, ExportStatus: 'DONE', ItemCount: '3', Folder: 'x', StartTime: 'yesterday' },
    })).toEqual([
      'DescribeExport: $.ExportDescription.ExportStatus: "DONE" is not one of IN_PROGRESS, COMPLETED, FAILED',
      'DescribeExport: $.ExportDescription.StartTime: expected an ISO-8601 time (ExportStartTime), got "yesterday"',
      'DescribeExport: $.ExportDescription.ItemCount: expected an integer (ItemCount), got "3"',
      expect.stringMatching(/^DescribeExport: \$\.ExportDescription\.Folder: no such member \(members: ExportArn, ExportStatus, /),
    ]);
  });

  test('inputs and output paths by hand', () => {
    expect(inputProblems('dynamodb', 'DescribeExport', { ExportArn: 'arn' })).toEqual([
      'DescribeExport: ExportArn: length 3 is below the minimum 37',
    ]);
    expect(outputProblems('emr-serverless', 'StartJobRun', {
      ApplicationId: 'app-orders', JobRunId: '00fjob5678', Arn: 'arn:aws:emr-serverless:eu-north-1:123456789012:/applications/app-orders/jobruns/00fjob5678',
    })).toEqual([expect.stringMatching(/^StartJobRun: \$\.Arn: ".*" does not match JobArn's pattern /)]);
    expect(outputPathProblems('emr-serverless', 'StartJobRun', '$.JobRunId')).toEqual([]);
    expect(outputPathProblems('emr-serverless', 'StartJobRun', '$$.Execution.Id')).toEqual([]);
  });

  test('a missing Python environment is named, with the command that creates it', () => {
    const saved = process.env.DYNAMO_ICEBERG_MIRROR_HOME;
    process.env.DYNAMO_ICEBERG_MIRROR_HOME = '/nonexistent/dynamo-iceberg-mirror';
    try {
      expect(() => botocoreDataDir()).toThrow(/npx projen spark:env/);
    } finally {
      if (saved === undefined) {
        delete process.env.DYNAMO_ICEBERG_MIRROR_HOME;
      } else {
        process.env.DYNAMO_ICEBERG_MIRROR_HOME = saved;
      }
    }
  });
});
