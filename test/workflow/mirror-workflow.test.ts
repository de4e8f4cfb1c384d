import { definitionOf, mirrorStack, statementsOf } from '../helpers';

describe('mirror workflow', () => {
  const { template } = mirrorStack();
  const definition = definitionOf(template);
  const statements = statementsOf(template, 'StateMachineRole');

  test('the definition uses JSONPath only', () => {
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(JSON.stringify(definition)).not.toContain('JSONata');
  });

  test('the Spark job is an EMR Serverless startJobRun.sync task with the job role and logs in S3', () => {
    const job = definition.States['Apply exports (Spark)'];
    expect(job).toEqual(expect.objectContaining({
      Type: 'Task',
      Resource: 'arn:<AWS::Partition>:states:::emr-serverless:startJobRun.sync',
      Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 120, MaxAttempts: 1, BackoffRate: 2 }],
    }));
    expect(job.Parameters).toEqual(expect.objectContaining({
      'ApplicationId': expect.stringMatching(/^<OrdersMirrorEngineApplication\w+\.ApplicationId>$/),
      'ExecutionRoleArn': expect.stringMatching(/^<OrdersMirrorEngineJobRole\w+\.Arn>$/),
      'Name.$': "States.Format('{}-apply', $$.Execution.Name)",
      'ClientToken.$': 'States.UUID()',
    }));
    expect(job.Parameters.JobDriver.SparkSubmit['EntryPointArguments.$']).toBe('$.job.parts[*][*]');
  });

  test('exports are DynamoDB SDK tasks with deterministic client tokens', () => {
    const start = definition.States['Full export: start'];
    expect(start.Resource).toBe('arn:<AWS::Partition>:states:::aws-sdk:dynamodb:exportTableToPointInTime');
    expect(start.Parameters['ClientToken.$']).toBe("States.Format('{}-{}', $.export.token, $.export.attempt)");
    expect(start.Retry[0]).toEqual(expect.objectContaining({ ErrorEquals: expect.arrayContaining(['DynamoDb.LimitExceededException']), MaxAttempts: 5 }));
    expect(definition.States['Full export: describe'].Resource).toBe('arn:<AWS::Partition>:states:::aws-sdk:dynamodb:describeExport');
  });

  test('the state machine role has the IAM that Step Functions documents for EMR Serverless .sync', () => {
    const bySid = Object.fromEntries(statements.filter((s) => s.Sid).map((s) => [s.Sid, s]));
    expect(bySid.StartSparkJobRuns).toEqual(expect.objectContaining({
      Action: 'emr-serverless:StartJobRun',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/EngineApplication/), 'Arn'] },
    }));
    expect(bySid.WatchSparkJobRuns).toEqual(expect.objectContaining({
      Action: ['emr-serverless:GetJobRun', 'emr-serverless:CancelJobRun'],
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/EngineApplication/), 'Arn'] }, '/jobruns/*']] },
    }));
    expect(bySid.PassJobRole).toEqual(expect.objectContaining({
      Action: 'iam:PassRole',
      Condition: { StringEquals: { 'iam:PassedToService': 'emr-serverless.amazonaws.com' } },
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/EngineJobRole/), 'Arn'] },
    }));
    expect(bySid.SyncEventsRule).toEqual(expect.objectContaining({
      Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-north-1:123456789012:rule/StepFunctionsGetEventsForEMRServerlessJobRule']] },
    }));
  });

  test('the state machine role may export the table to the export prefix and list its own executions', () => {
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 'dynamodb:ExportTableToPointInTime', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Orders/), 'Arn'] } }),
      expect.objectContaining({
        Action: 'dynamodb:DescribeExport',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Orders/), 'Arn'] }, '/export/*']] },
      }),
      expect.objectContaining({
        Sid: 'WriteExports',
        Action: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:PutObjectAcl'],
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/Bucket/), 'Arn'] }, '/exports/*']] },
      }),
      expect.objectContaining({
        Action: 'states:ListExecutions',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, expect.stringMatching(/^:states:eu-north-1:123456789012:stateMachine:TestStack-OrdersMirror-Workflow-[0-9A-F]{8}$/)]] },
      }),
    ]));
    const own = statements.find((st) => st.Action === 'states:ListExecutions').Resource['Fn::Join'][1][2];
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineName: own.split(':').pop() });
  });

  test('the plan function reads the Glue table, the warehouse metadata and the PITR status only', () => {
    const plan = statementsOf(template, 'PlanFunction');
    expect(plan.map((s) => s.Action)).toEqual(['glue:GetTable', 's3:GetObject', 'dynamodb:DescribeContinuousBackups']);
  });
});
