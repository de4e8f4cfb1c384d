import { Match } from 'aws-cdk-lib/assertions';
import { stateNamed } from '../definition-states';
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
    const job = stateNamed(definition, 'Apply exports (Spark)');
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
      'ExecutionTimeoutMinutes': 480,
    }));
    expect(job.Parameters.JobDriver.SparkSubmit['EntryPointArguments.$']).toBe('$.job.parts[*][*]');
  });

  test('nothing of a Spark task\'s output is read: StartJobRun documents only ApplicationId, JobRunId and Arn', () => {
    for (const name of ['Apply exports (Spark)', 'Maintain table (Spark)']) {
      const job = stateNamed(definition, name);
      expect(job.ResultSelector).toBeUndefined();
      expect(job.OutputPath).toBeUndefined();
      expect(job.ResultPath).toBeNull();
    }
  });

  test('every run after the mode is one Parallel branch whose success and failure both release the lease', () => {
    const run = stateNamed(definition, 'Run');
    expect(run.Type).toBe('Parallel');
    expect(run.Next).toBe('Release the run lease');
    expect(run.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Release the run lease after a failure' }]);
    expect(run.Branches[0].StartAt).toBe('Plan');
    expect(stateNamed(definition, 'Release the run lease after a failure').Next).toBe('Run failed');
    expect(stateNamed(definition, 'Run failed')).toEqual(expect.objectContaining({ Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' }));
    const release = stateNamed(definition, 'Release the run lease');
    expect(release.Resource).toBe('arn:<AWS::Partition>:states:::aws-sdk:dynamodb:deleteItem');
    expect(release.Parameters).toEqual(expect.objectContaining({
      ConditionExpression: '#holder = :me',
      ExpressionAttributeValues: { ':me': { 'S.$': '$$.Execution.Id' } },
    }));
    expect(release.Catch).toEqual([{ ErrorEquals: ['DynamoDb.ConditionalCheckFailedException'], ResultPath: null, Next: 'Done' }]);
  });

  test('the lease table: on demand, one string key, encrypted, removed with the mirror', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: [{ AttributeName: 'lease', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
      DeletionPolicy: 'Delete',
    });
  });

  test('the log groups: Step Functions\' under /aws/vendedlogs/states, the plan function\'s with a retention', () => {
    const name = template.findResources('AWS::StepFunctions::StateMachine');
    const machineName = Object.values<any>(name)[0].Properties.StateMachineName;
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: `/aws/vendedlogs/states/${machineName}`, RetentionInDays: 90 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('PlanLogs') } },
    });
    expect(Object.values<any>(template.findResources('AWS::Logs::LogGroup')).map((g) => g.Properties.RetentionInDays)).toEqual([90, 90]);
  });

  test('exports are DynamoDB SDK tasks with deterministic client tokens', () => {
    const start = stateNamed(definition, 'Full export: start');
    expect(start.Resource).toBe('arn:<AWS::Partition>:states:::aws-sdk:dynamodb:exportTableToPointInTime');
    expect(start.Parameters['ClientToken.$']).toBe("States.Format('{}-{}', $.export.token, $.export.attempt)");
    expect(start.Retry[0]).toEqual(expect.objectContaining({ ErrorEquals: expect.arrayContaining(['DynamoDb.LimitExceededException']), MaxAttempts: 5 }));
    expect(stateNamed(definition, 'Full export: describe').Resource).toBe('arn:<AWS::Partition>:states:::aws-sdk:dynamodb:describeExport');
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

  test('the state machine role may export the table to the export prefix and release the lease', () => {
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
      expect.objectContaining({ Action: 'dynamodb:DeleteItem', Resource: { 'Fn::GetAtt': [expect.stringMatching(/RunLease/), 'Arn'] } }),
    ]));
    expect(JSON.stringify(statements)).not.toContain('states:ListExecutions');
  });

  test('the plan function takes the lease, describes its own state machine\'s executions, reads the Glue table, the warehouse metadata and the PITR status', () => {
    const plan = statementsOf(template, 'PlanFunction');
    expect(plan.map((s) => s.Action)).toEqual([
      ['dynamodb:PutItem', 'dynamodb:GetItem'], 'glue:GetTable', 's3:GetObject', 'dynamodb:DescribeContinuousBackups', 'states:DescribeExecution',
    ]);
    const executions = plan.find((s) => s.Action === 'states:DescribeExecution').Resource['Fn::Join'][1][2];
    const machine = Object.values<any>(template.findResources('AWS::StepFunctions::StateMachine'))[0];
    expect(executions).toBe(`:states:eu-north-1:123456789012:execution:${machine.Properties.StateMachineName}:*`);
  });
});
