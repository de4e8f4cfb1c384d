import * as fs from 'fs';
import * as path from 'path';
import { Duration, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ColumnType, DynamoIcebergMirror, DynamoIcebergMirrorProps } from '../src';
import { stateNamed } from './definition-states';
import { definitionOf, everyProp, mirrorStack, newStack, ordersTable, statementsOf } from './helpers';

function nagErrors(stack: Stack): string[] {
  Template.fromStack(stack); // runs the aspects that acknowledge the intended wildcards
  const report = new AwsSolutionsChecks().validateScope(stack);
  return report.violations
    .filter((v) => v.severity === 'error')
    .map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
}

describe('DynamoIcebergMirror with defaults', () => {
  const { mirror, template } = mirrorStack();

  test('creates one of each part', () => {
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.resourceCountIs('AWS::Glue::Database', 1);
    template.resourceCountIs('AWS::EMRServerless::Application', 1);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
  });

  test('no verification schedule by default; the verification alarm keeps the last verdict on any difference', () => {
    const modes = Object.values<any>(template.findResources('AWS::Scheduler::Schedule')).map((r) => JSON.parse(r.Properties.Target.Input).mode);
    expect(modes.sort()).toEqual(['MAINTAIN', 'MIRROR']);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'DynamoIcebergMirror',
      MetricName: 'VerificationDifferences',
      Statistic: 'Maximum',
      Period: 3600,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'ignore',
      Dimensions: [{ Name: 'Mirror', Value: Match.stringLikeRegexp('\\.orders_mirror$') }],
    });
    expect(mirror.verificationAlarm).toBeDefined();
    const metric = mirror.metricVerificationDifferences({ period: Duration.days(1) });
    expect(metric.metricName).toBe('VerificationDifferences');
    expect(metric.period.toDays()).toBe(1);
  });

  test('the state machine reads only the verification reports and puts metrics only in the mirror\'s namespace', () => {
    const statements = statementsOf(template, 'StateMachineRole');
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({
        Action: 'cloudwatch:PutMetricData',
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': 'DynamoIcebergMirror' } },
      }),
      expect.objectContaining({
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [expect.anything(), '/emr-logs/verification/*']] },
      }),
    ]));
    // No other statement of the role reads objects.
    const reads = statements.filter((st: any) => [st.Action].flat().includes('s3:GetObject'));
    expect(reads).toHaveLength(1);
  });

  test('the job may look for a verification report before it writes it, under the reports\' prefix only', () => {
    const statements = statementsOf(template, 'JobRole');
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Sid: 'CheckVerificationReports', Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [expect.anything(), '/emr-logs/verification/*']] } }),
      expect.objectContaining({
        Sid: 'ListMirrorPrefixes',
        Condition: { StringLike: { 's3:prefix': expect.arrayContaining(['emr-logs/verification', 'emr-logs/verification/*']) } },
      }),
    ]));
  });

  test('verify arguments follow the Spark job contract: a difference exits 0, the state machine reads the report', () => {
    const definition = definitionOf(template);
    expect(stateNamed(definition, 'Verification run').Result.verifyArguments).toEqual([
      'verify', '--catalog', 'glue',
      '--warehouse', expect.stringMatching(/^s3:\/\/<OrdersMirrorStorageBucket\w+>\/warehouse$/),
      '--table', expect.stringMatching(/^test_stack_orders_mirror_mirror_\w{8}\.orders_mirror$/),
      '--exit-zero-when-different',
    ]);
  });

  test('the bucket is encrypted, TLS only, private, retained, and expires exports after 7 days', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
        },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({ Id: 'ExpireAppliedExports', Prefix: 'exports/', ExpirationInDays: 7, Status: 'Enabled' }),
            Match.objectLike({ Id: 'ExpireJobLogs', Prefix: 'emr-logs/', ExpirationInDays: 30 }),
          ]),
        },
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        })]),
      },
    });
  });

  test('the Glue database has a lower-case name and is retained', () => {
    template.hasResource('AWS::Glue::Database', {
      DeletionPolicy: 'Retain',
      Properties: { DatabaseInput: { Name: Match.stringLikeRegexp('^[a-z0-9_]+$') } },
    });
  });

  test('the EMR Serverless application is pinned, auto-starts, auto-stops and is capped', () => {
    template.hasResourceProperties('AWS::EMRServerless::Application', {
      Type: 'SPARK',
      ReleaseLabel: 'emr-7.12.0',
      AutoStartConfiguration: { Enabled: true },
      AutoStopConfiguration: { Enabled: true, IdleTimeoutMinutes: 15 },
      MaximumCapacity: { Cpu: '16 vCPU', Memory: '64 GB' },
    });
  });

  test('the plan function runs on Node.js 24', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Timeout: 60 });
  });

  test('the state machine logs everything and is traced', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
      TracingConfiguration: { Enabled: true },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  test('the mirror runs every hour at minute 0 and maintenance every day at 03:30, between two mirror runs, through the same state machine', () => {
    const machine = { Ref: Match.stringLikeRegexp('StateMachine') };
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 * * * ? *)',
      Target: { Arn: machine, Input: '{"mode":"MIRROR"}' },
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 3 * * ? *)',
      Target: { Arn: machine, Input: '{"mode":"MAINTAIN"}' },
    });
  });

  test.each([
    [15, 'cron(0/15 * * * ? *)', 'cron(7 3 * * ? *)'],
    [20, 'cron(0/20 * * * ? *)', 'cron(10 3 * * ? *)'],
    [180, 'cron(0 0/3 * * ? *)', 'cron(30 4 * * ? *)'],
    [360, 'cron(0 0/6 * * ? *)', 'cron(0 3 * * ? *)'],
    [1440, 'cron(0 0 * * ? *)', 'cron(0 12 * * ? *)'],
    [45, 'rate(45 minutes)', 'rate(1 day)'],
    [420, 'rate(7 hours)', 'rate(1 day)'],
  ])('GIVEN scheduleInterval %d minutes THEN the mirror runs %s and maintenance %s', (minutes, mirrorExpression, maintenanceExpression) => {
    const { template: t } = mirrorStack({ scheduleInterval: Duration.minutes(minutes) });
    const expressions = Object.values<any>(t.findResources('AWS::Scheduler::Schedule')).map((r) => [
      JSON.parse(r.Properties.Target.Input).mode, r.Properties.ScheduleExpression,
    ]);
    expect(Object.fromEntries(expressions)).toEqual({ MIRROR: mirrorExpression, MAINTAIN: maintenanceExpression });
  });

  test('the freshness alarm fires after three schedule intervals; the failure alarm on any failed run', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'DynamoIcebergMirror',
      MetricName: 'FreshnessLagSeconds',
      Statistic: 'Maximum',
      Period: 3600,
      Threshold: 3 * 3600,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [{ Name: 'Mirror', Value: Match.stringLikeRegexp('^test_stack_orders_mirror_mirror_[0-9a-f]{8}\\.orders_mirror$') }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)' }),
        Match.objectLike({ Id: 'failed', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ExecutionsFailed' }) }) }),
      ]),
    });
  });

  test('public members name the table and expose the parts', () => {
    expect(mirror.tableName).toBe('orders_mirror');
    expect(mirror.databaseName).toMatch(/^test_stack_orders_mirror_mirror_[0-9a-f]{8}$/);
    expect(mirror.stateMachine).toBeDefined();
    expect(mirror.application.releaseLabel).toBe('emr-7.12.0');
    expect(mirror.freshnessAlarm).toBeDefined();
    expect(mirror.failureAlarm).toBeDefined();
    expect(mirror.bucket).toBeDefined();
  });

  test('apply arguments follow the Spark job contract', () => {
    const definition = definitionOf(template);
    expect(stateNamed(definition, 'Mirror run').Result.applyArguments).toEqual([
      'apply', '--catalog', 'glue',
      '--warehouse', expect.stringMatching(/^s3:\/\/<OrdersMirrorStorageBucket\w+>\/warehouse$/),
      '--table', expect.stringMatching(/^test_stack_orders_mirror_mirror_\w{8}\.orders_mirror$/),
      '--key', '[["pk","S"],["sk","S"]]',
    ]);
  });
});

describe('DynamoIcebergMirror with every prop set', () => {
  const stack = newStack();
  const table = ordersTable(stack);
  const props = everyProp(stack);
  const mirror = new DynamoIcebergMirror(stack, 'OrdersMirror', { table, ...props });
  const template = Template.fromStack(stack);
  const definition = definitionOf(template);

  test('the bucket uses the KMS key, is destroyed with the stack and keeps exports 14 days', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Delete',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
            BucketKeyEnabled: true,
          }],
        },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([Match.objectLike({ Prefix: 'ddb/exports/', ExpirationInDays: 14 })]),
        },
      },
    });
  });

  test('the database and the table have the given names', () => {
    template.hasResource('AWS::Glue::Database', { DeletionPolicy: 'Delete', Properties: { DatabaseInput: { Name: 'sales' } } });
    expect(mirror.tableName).toBe('orders');
    expect(mirror.databaseName).toBe('sales');
  });

  test('the log group follows the removal policy', () => {
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete', Properties: { RetentionInDays: 90 } });
  });

  test('release label and capacity', () => {
    template.hasResourceProperties('AWS::EMRServerless::Application', {
      ReleaseLabel: 'emr-7.13.0',
      MaximumCapacity: { Cpu: '32 vCPU', Memory: '128 GB' },
    });
  });

  test('schedules follow the interval and the maintenance cron', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0/30 * * * ? *)' });
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 3 * * ? *)' });
  });

  test('the verification schedule starts a VERIFY run of the same state machine', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(15 4 ? * SUN *)',
      Target: { Arn: { Ref: Match.stringLikeRegexp('StateMachine') }, Input: '{"mode":"VERIFY"}' },
    });
  });

  test('the freshness threshold is the given one', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'FreshnessLagSeconds', Threshold: 4 * 3600, Period: 1800 });
  });

  test('the plan gets the window size, view type and re-bootstrap policy', () => {
    expect(stateNamed(definition, 'Plan').Parameters.config).toEqual(expect.objectContaining({
      maxWindowSeconds: 6 * 3600,
      minWindowSeconds: 900,
      exportViewType: 'NEW_AND_OLD_IMAGES',
      rebootstrap: 'ALARM_AND_WAIT',
      glueDatabase: 'sales',
      glueTable: 'orders',
    }));
  });

  test('exports use the prefix, the view type and SSE-KMS with the key', () => {
    const windowStart = stateNamed(definition, 'Window export: start');
    expect(windowStart.Parameters).toEqual(expect.objectContaining({
      S3Prefix: 'ddb/exports',
      S3SseAlgorithm: 'KMS',
      S3SseKmsKeyId: expect.stringMatching(/^<Key\w+\.Arn>$/),
      ExportType: 'INCREMENTAL_EXPORT',
      IncrementalExportSpecification: {
        'ExportFromTime.$': '$.window.from',
        'ExportToTime.$': '$.window.to',
        'ExportViewType': 'NEW_AND_OLD_IMAGES',
      },
    }));
  });

  test('column types and the warehouse prefix reach the apply arguments', () => {
    const args: string[] = stateNamed(definition, 'Mirror run').Result.applyArguments;
    expect(args[args.indexOf('--warehouse') + 1]).toMatch(/\/lake\/warehouse$/);
    expect(args[args.indexOf('--table') + 1]).toBe('sales.orders');
    expect(JSON.parse(args[args.indexOf('--column-types') + 1])).toEqual({ price: 'decimal(38,2)', note: 'string', payload: 'json' });
    expect(args[args.indexOf('--partition-buckets') + 1]).toBe('16');
  });

  test('job logs are encrypted with the key', () => {
    const job = stateNamed(definition, 'Apply exports (Spark)');
    expect(job.Parameters.ConfigurationOverrides.MonitoringConfiguration.S3MonitoringConfiguration).toEqual({
      LogUri: expect.stringMatching(/\/emr-logs\/$/),
      EncryptionKeyArn: expect.stringMatching(/^<Key\w+\.Arn>$/),
    });
  });

  test('the job role and the state machine role may use the key', () => {
    for (const name of ['JobRole', 'StateMachineRole']) {
      expect(statementsOf(template, name)).toEqual(expect.arrayContaining([expect.objectContaining({
        Action: expect.arrayContaining(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*']),
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] },
      })]));
    }
  });

  test('a non-default release gets no warning when it is emr-7.x', () => {
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('releaseLabel'));
  });
});

describe('existing bucket and database', () => {
  test('GIVEN a bucket and a database WHEN mirroring THEN neither is created and the names are used', () => {
    // GIVEN
    const stack = newStack();
    const table = ordersTable(stack);
    const bucket = s3.Bucket.fromBucketName(stack, 'Lake', 'my-lake');
    const database = glue.Database.fromDatabaseArn(stack, 'Db', 'arn:aws:glue:eu-north-1:123456789012:database/analytics');
    // WHEN
    const mirror = new DynamoIcebergMirror(stack, 'OrdersMirror', { table, bucket, database });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.resourceCountIs('AWS::Glue::Database', 0);
    expect(mirror.databaseName).toBe('analytics');
    const args: string[] = stateNamed(definitionOf(template), 'Mirror run').Result.applyArguments;
    expect(args).toEqual(expect.arrayContaining(['s3://my-lake/warehouse', 'analytics.orders_mirror']));
  });

  test('GIVEN a bucket and exportRetention WHEN mirroring THEN a warning says it does not apply', () => {
    const stack = newStack();
    const table = ordersTable(stack);
    new DynamoIcebergMirror(stack, 'OrdersMirror', {
      table,
      bucket: s3.Bucket.fromBucketName(stack, 'Lake', 'my-lake'),
      exportRetention: Duration.days(3),
    });
    Annotations.fromStack(stack).hasWarning('/TestStack/OrdersMirror', Match.stringLikeRegexp('exportRetention only applies'));
  });
});

describe('key schema', () => {
  test('GIVEN a table without sort key THEN --key is the partition key', () => {
    const stack = newStack();
    new DynamoIcebergMirror(stack, 'M', { table: ordersTable(stack, { sortKey: false }) });
    const args: string[] = stateNamed(definitionOf(Template.fromStack(stack)), 'Mirror run').Result.applyArguments;
    expect(args[args.indexOf('--key') + 1]).toBe('[["pk","S"]]');
  });

  test('GIVEN a TableV2 THEN its keys and their types are read (the job can bootstrap an empty table)', () => {
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'T', {
      partitionKey: { name: 'tenant', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'id', type: dynamodb.AttributeType.NUMBER },
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });
    new DynamoIcebergMirror(stack, 'M', { table });
    const args: string[] = stateNamed(definitionOf(Template.fromStack(stack)), 'Mirror run').Result.applyArguments;
    expect(args[args.indexOf('--key') + 1]).toBe('[["tenant","S"],["id","N"]]');
  });

  test('GIVEN an imported table with keys THEN they are used', () => {
    const stack = newStack();
    const table = dynamodb.Table.fromTableName(stack, 'T', 'legacy');
    new DynamoIcebergMirror(stack, 'M', { table, partitionKeyName: 'PK', sortKeyName: 'SK' });
    const args: string[] = stateNamed(definitionOf(Template.fromStack(stack)), 'Mirror run').Result.applyArguments;
    expect(args[args.indexOf('--key') + 1]).toBe('["PK","SK"]');
  });

  test('GIVEN an empty key name THEN an error names the prop', () => {
    const stack = newStack();
    const table = dynamodb.Table.fromTableName(stack, 'T', 'legacy');
    expect(() => new DynamoIcebergMirror(stack, 'M', { table, partitionKeyName: '' }))
      .toThrow(new Error("TestStack/M: partitionKeyName must be a non-empty attribute name, got ''"));
    expect(() => new DynamoIcebergMirror(stack, 'N', { table, partitionKeyName: 'pk', sortKeyName: '' }))
      .toThrow(/^TestStack\/N: sortKeyName must be .* got ''$/);
  });

  test('GIVEN an imported table without keys THEN an error names partitionKeyName', () => {
    const stack = newStack();
    const table = dynamodb.Table.fromTableName(stack, 'T', 'legacy');
    expect(() => new DynamoIcebergMirror(stack, 'M', { table })).toThrow(/^TestStack\/M: partitionKeyName is required/);
  });

  test('GIVEN keys that differ from the table THEN an error names the prop and both values', () => {
    const stack = newStack();
    const table = ordersTable(stack);
    expect(() => new DynamoIcebergMirror(stack, 'M', { table, partitionKeyName: 'id' }))
      .toThrow(new Error("TestStack/M: partitionKeyName 'id' differs from the table's partition key 'pk'"));
    expect(() => new DynamoIcebergMirror(stack, 'N', { table, sortKeyName: 'x' }))
      .toThrow(new Error("TestStack/N: sortKeyName 'x' differs from the table's sort key 'sk'"));
  });
});

describe('point-in-time recovery', () => {
  test('GIVEN a table without PITR WHEN synthesizing THEN an error names the table', () => {
    const stack = newStack();
    new DynamoIcebergMirror(stack, 'M', { table: ordersTable(stack, { pitr: false }) });
    expect(() => Template.fromStack(stack)).toThrow(/table: point-in-time recovery is not enabled on TestStack\/Orders/);
  });

  test('GIVEN PITR turned on after the mirror was added WHEN synthesizing THEN no error', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Orders', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    new DynamoIcebergMirror(stack, 'M', { table });
    (table.node.defaultChild as dynamodb.CfnTable).pointInTimeRecoverySpecification = { pointInTimeRecoveryEnabled: true };
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('GIVEN a TableV2 without PITR WHEN synthesizing THEN an error', () => {
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'T', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    new DynamoIcebergMirror(stack, 'M', { table });
    expect(() => Template.fromStack(stack)).toThrow(/point-in-time recovery is not enabled/);
  });

  test('GIVEN an imported table WHEN synthesizing THEN no error (checked at run time)', () => {
    const stack = newStack();
    const table = dynamodb.Table.fromTableName(stack, 'T', 'legacy');
    new DynamoIcebergMirror(stack, 'M', { table, partitionKeyName: 'pk' });
    expect(() => Template.fromStack(stack)).not.toThrow();
    expect(stateNamed(definitionOf(Template.fromStack(stack)), 'Point-in-time recovery disabled')).toEqual(expect.objectContaining({
      Type: 'Fail', Error: 'PointInTimeRecoveryDisabled', CausePath: '$.plan.reason',
    }));
  });
});

describe('validation', () => {
  test.each<[Partial<DynamoIcebergMirrorProps>, RegExp]>([
    [{ scheduleInterval: Duration.minutes(5) }, /scheduleInterval must be whole minutes from 15 minutes to 1 day, got 5 minutes/],
    [{ scheduleInterval: Duration.hours(25) }, /scheduleInterval .* got 1 day 1 hour/],
    [{ scheduleInterval: Duration.seconds(1000) }, /scheduleInterval .* got 16 minutes 40 seconds/],
    [{ maxWindow: Duration.minutes(10) }, /maxWindow must be whole minutes from 15 minutes to 1 day, got 10 minutes/],
    [{ maxWindow: Duration.days(2) }, /maxWindow .* got 2 days/],
    [{ exportPrefix: '/exports' }, /exportPrefix must be an S3 key prefix .* got '\/exports'/],
    [{ warehousePrefix: 'warehouse/' }, /warehousePrefix must be an S3 key prefix .* got 'warehouse\/'/],
    [{ exportPrefix: 'data', warehousePrefix: 'data/iceberg' }, /exportPrefix and warehousePrefix must not overlap, got 'data' and 'data\/iceberg'/],
    [{ databaseName: 'Sales-DB' }, /databaseName must be 1 to 255 lower case letters, digits or underscores .* got 'Sales-DB'/],
    [{ icebergTableName: 'Orders' }, /icebergTableName must be .* got 'Orders'/],
    [{ releaseLabel: '7.12.0' }, /releaseLabel must look like 'emr-7.12.0', got '7.12.0'/],
    [{ maxVcpu: 0 }, /maxVcpu must be a whole number of at least 8 vCPU \(a Spark driver and one executor of 4 vCPU, EMR Serverless' default worker\), got 0/],
    [{ maxVcpu: 4 }, /maxVcpu must be a whole number of at least 8 vCPU .* got 4/],
    [{ maxVcpu: 8.5 }, /maxVcpu must be a whole number of at least 8 vCPU .* got 8.5/],
    [{ maxMemory: Size.mebibytes(1536) }, /maxMemory must be a whole number of GiB \(EMR Serverless takes whole GB\), got 1.5 GiB/],
    [{ maxMemory: Size.mebibytes(40000) }, /maxMemory must be a whole number of GiB .* got 39.06 GiB/],
    [{ maxMemory: Size.gibibytes(16) }, /maxMemory must be at least 32 GiB \(a Spark driver and one executor of 16 GB, EMR Serverless' default worker\), got 16 GiB/],
    [{ exportRetention: Duration.hours(12) }, /exportRetention must be at least 1 day, got 12 hours/],
    [{ columnTypes: { '': ColumnType.LONG } }, /columnTypes: attribute names must not be empty/],
    [{ partitionBuckets: 0 }, /partitionBuckets must be an integer from 1 to 1024, got 0/],
    [{ partitionBuckets: 2048 }, /partitionBuckets must be an integer from 1 to 1024, got 2048/],
    [{ freshnessThreshold: Duration.seconds(30) }, /freshnessThreshold must be at least 1 minute, got 30 seconds/],
  ])('GIVEN %j THEN %s, after the construct\'s path', (props, error) => {
    const stack = newStack();
    expect(() => new DynamoIcebergMirror(stack, 'M', { table: ordersTable(stack), ...props }))
      .toThrow(new RegExp(`^TestStack/M: ${error.source.replace(/^\^/, '')}`));
  });

  test('GIVEN the smallest capacity one Spark job needs, in any unit THEN it is the application maximum', () => {
    const { template } = mirrorStack({ maxVcpu: 8, maxMemory: Size.mebibytes(32 * 1024) });
    template.hasResourceProperties('AWS::EMRServerless::Application', { MaximumCapacity: { Cpu: '8 vCPU', Memory: '32 GB' } });
  });

  test('GIVEN database and databaseName THEN an error names both', () => {
    const stack = newStack();
    const database = glue.Database.fromDatabaseArn(stack, 'Db', 'arn:aws:glue:eu-north-1:123456789012:database/analytics');
    expect(() => new DynamoIcebergMirror(stack, 'M', { table: ordersTable(stack), database, databaseName: 'x' }))
      .toThrow(new Error('TestStack/M: databaseName names the database the construct creates; it cannot be combined with database'));
  });

  test('GIVEN a freshness threshold within one interval THEN a warning', () => {
    const stack = newStack();
    new DynamoIcebergMirror(stack, 'M', { table: ordersTable(stack), freshnessThreshold: Duration.minutes(30) });
    Annotations.fromStack(stack).hasWarning('/TestStack/M', Match.stringLikeRegexp('the alarm will fire in normal operation'));
  });

  test('GIVEN windows too short to keep up with the schedule THEN a warning', () => {
    const stack = newStack();
    new DynamoIcebergMirror(stack, 'M', { table: ordersTable(stack), maxWindow: Duration.minutes(15), scheduleInterval: Duration.hours(24) });
    Annotations.fromStack(stack).hasWarning('/TestStack/M', Match.stringLikeRegexp('would fall further behind every run'));
  });

  test('GIVEN a release that is not emr-7 THEN a warning', () => {
    const stack = newStack();
    new DynamoIcebergMirror(stack, 'M', { table: ordersTable(stack), releaseLabel: 'emr-6.15.0' });
    Annotations.fromStack(stack).hasWarning('/TestStack/M', Match.stringLikeRegexp("releaseLabel 'emr-6.15.0' is not an emr-7.x release"));
  });

  test('ColumnType.decimal rejects a bad scale', () => {
    expect(() => ColumnType.decimal(39)).toThrow('ColumnType.decimal(scale): scale must be an integer from 0 to 38, got 39');
    expect(ColumnType.decimal(0).typeName).toBe('decimal(38,0)');
    expect([ColumnType.LONG, ColumnType.DOUBLE, ColumnType.NUMBER_AS_TEXT, ColumnType.JSON].map((t) => t.typeName))
      .toEqual(['long', 'double', 'string', 'json']);
  });

  test('ColumnType.STRING, the deprecated name of NUMBER_AS_TEXT, is the same type and is marked deprecated in every language', () => {
    expect(ColumnType.STRING).toBe(ColumnType.NUMBER_AS_TEXT);
    // jsii-pacmak turns the manifest's `deprecated` into Python's and Java's deprecation markers.
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '.jsii'), 'utf8'));
    const columnType = Object.values<any>(manifest.types).find((t) => t.name === 'ColumnType');
    const docsOf = (name: string) => columnType.properties.find((p: any) => p.name === name).docs;
    expect(docsOf('STRING').deprecated).toMatch(/^use `NUMBER_AS_TEXT`/);
    expect(docsOf('NUMBER_AS_TEXT').deprecated).toBeUndefined();
  });

  test('the default table name is the construct id in snake case', () => {
    const stack = newStack();
    const mirror = new DynamoIcebergMirror(stack, 'CustomerOrders-Mirror2', { table: ordersTable(stack) });
    expect(mirror.tableName).toBe('customer_orders_mirror2');
  });
});

describe('grantRead', () => {
  test('GIVEN a role WHEN granted THEN it reads the warehouse, the Glue table and decrypts', () => {
    // GIVEN
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    const mirror = new DynamoIcebergMirror(stack, 'M', { table: ordersTable(stack), encryptionKey: key });
    const analyst = new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
    // WHEN
    const grant = mirror.grantRead(analyst);
    // THEN
    const statements = statementsOf(Template.fromStack(stack), 'Analyst');
    expect(grant.principalStatements).toHaveLength(statements.length);
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/Bucket/), 'Arn'] }, '/warehouse/*']] },
      }),
      expect.objectContaining({
        Action: 's3:ListBucket',
        Condition: { StringLike: { 's3:prefix': ['warehouse/*', 'warehouse'] } },
      }),
      { Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: { 'Fn::GetAtt': [expect.stringMatching(/Bucket/), 'Arn'] } },
      expect.objectContaining({
        Action: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartitions'],
        Resource: [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':glue:eu-north-1:123456789012:catalog']] },
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, expect.stringMatching(/:glue:eu-north-1:123456789012:database\/test_st\w+$/)]] },
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, expect.stringMatching(/:glue:eu-north-1:123456789012:table\/test_st\w+\/m$/)]] },
        ],
      }),
      expect.objectContaining({ Action: 'kms:Decrypt' }),
    ]));
    expect(JSON.stringify(statements)).not.toContain('s3:PutObject');
  });
});

describe('cdk-nag AwsSolutions', () => {
  test('GIVEN defaults THEN no unacknowledged error', () => {
    const { stack } = mirrorStack();
    expect(nagErrors(stack)).toEqual([]);
  });

  test('GIVEN every prop set THEN no unacknowledged error', () => {
    const stack = newStack();
    new DynamoIcebergMirror(stack, 'OrdersMirror', { table: ordersTable(stack), ...everyProp(stack) });
    // removalPolicy DESTROY: the auto-delete custom resource and its provider function are checked too.
    Template.fromStack(stack).resourceCountIs('Custom::S3AutoDeleteObjects', 1);
    expect(nagErrors(stack)).toEqual([]);
  });

  test('GIVEN an existing bucket and database THEN no unacknowledged error', () => {
    const stack = newStack();
    new DynamoIcebergMirror(stack, 'OrdersMirror', {
      table: ordersTable(stack),
      bucket: s3.Bucket.fromBucketName(stack, 'Lake', 'my-lake'),
      database: glue.Database.fromDatabaseArn(stack, 'Db', 'arn:aws:glue:eu-north-1:123456789012:database/analytics'),
    });
    expect(nagErrors(stack)).toEqual([]);
  });

  test('GIVEN the run-failed rule THEN no unacknowledged error', () => {
    const stack = newStack();
    new DynamoIcebergMirror(stack, 'OrdersMirror', { table: ordersTable(stack) }).onRunFailed('RunFailed');
    Template.fromStack(stack).resourceCountIs('AWS::Events::Rule', 1);
    expect(nagErrors(stack)).toEqual([]);
  });

  test('GIVEN a wildcard nobody explained THEN it is still reported', () => {
    const { stack, mirror } = mirrorStack();
    mirror.jobRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::other/*'] }));
    expect(nagErrors(stack)).toEqual([expect.stringContaining('AwsSolutions-IAM5[Resource::arn:aws:s3:::other/*]')]);
  });
});
