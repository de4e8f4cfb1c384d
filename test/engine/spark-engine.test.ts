import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DynamoIcebergMirror } from '../../src';
import { SparkEngine } from '../../src/engine/spark-engine';
import { newStack, ordersTable, statementsOf } from '../helpers';

describe('Spark engine', () => {
  const app = new App();
  const stack = new Stack(app, 'TestStack', { env: { account: '123456789012', region: 'eu-north-1' } });
  new DynamoIcebergMirror(stack, 'OrdersMirror', { table: ordersTable(stack) });
  const template = Template.fromStack(stack);
  const assembly = app.synth();
  const job = JSON.stringify(template.toJSON());

  test('the job role is assumed by EMR Serverless for this account and application only', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'emr-serverless.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('EngineApplication'), 'Arn'] } },
          },
        }],
      },
    });
  });

  test('the job role reads exports, reads and writes the warehouse, writes logs, and nothing else in S3', () => {
    const statements = statementsOf(template, 'JobRole');
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(Object.keys(bySid).sort()).toEqual([
      'CheckVerificationReports', 'IcebergGlueCatalog', 'ListMirrorPrefixes', 'LocateMirrorBucket', 'ReadExports', 'ReadSparkJob',
      'ReadWriteWarehouse', 'WriteJobLogs',
    ]);
    const objects = (prefix: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/Bucket/), 'Arn'] }, `/${prefix}/*`]] });
    expect(bySid.ReadExports).toEqual(expect.objectContaining({ Action: 's3:GetObject', Resource: objects('exports') }));
    expect(bySid.ReadWriteWarehouse).toEqual(expect.objectContaining({
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
      Resource: objects('warehouse'),
    }));
    expect(bySid.WriteJobLogs).toEqual(expect.objectContaining({ Action: 's3:PutObject', Resource: objects('emr-logs') }));
    expect(bySid.CheckVerificationReports).toEqual(expect.objectContaining({
      Action: 's3:GetObject', Resource: objects('emr-logs/verification'),
    }));
    // s3:prefix only exists on list requests: an action without it in the same statement is never allowed.
    expect(bySid.ListMirrorPrefixes).toEqual(expect.objectContaining({
      Action: 's3:ListBucket',
      Condition: {
        StringLike: { 's3:prefix': ['exports', 'exports/*', 'warehouse', 'warehouse/*', 'emr-logs/verification', 'emr-logs/verification/*'] },
      },
    }));
    expect(bySid.LocateMirrorBucket).toEqual({
      Sid: 'LocateMirrorBucket',
      Effect: 'Allow',
      Action: 's3:GetBucketLocation',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/Bucket/), 'Arn'] },
    });
    expect(bySid.ReadSparkJob.Resource).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, expect.stringMatching(/^:s3:::cdk-[a-z0-9]+-assets-123456789012-eu-north-1\/[0-9a-f]{64}\.py$/)]] },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, expect.stringMatching(/^:s3:::cdk-[a-z0-9]+-assets-123456789012-eu-north-1\/[0-9a-f]{64}\.zip$/)]] },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, expect.stringMatching(/^:s3:::cdk-[a-z0-9]+-assets-123456789012-eu-north-1\/[0-9a-f]{64}\.jar$/)]] },
    ]);
  });

  test('the job role manages the mirrored table (and its work tables) in the Glue catalog only', () => {
    const glue = statementsOf(template, 'JobRole').find((s) => s.Sid === 'IcebergGlueCatalog');
    expect(glue.Action).toEqual(expect.arrayContaining(['glue:CreateTable', 'glue:UpdateTable', 'glue:GetTable']));
    expect(JSON.stringify(glue.Resource)).toMatch(/:catalog".*database\/.*table\/.*\/orders_mirror".*table\/.*\/orders_mirror_\*"/);
  });

  test('the job runs entry.py with the package zip on --py-files, Iceberg enabled and the JVM reader on the classpath', () => {
    expect(job).toMatch(/"EntryPoint\\":\\"s3:\/\/cdk-[a-z0-9]+-assets-123456789012-eu-north-1\/[0-9a-f]{64}\.py\\"/);
    expect(job).toMatch(new RegExp([
      '"SparkSubmitParameters\\\\":\\\\"--py-files s3://cdk-[a-z0-9]+-assets-123456789012-eu-north-1/[0-9a-f]{64}\\.zip',
      '--conf spark\\.jars=/usr/share/aws/iceberg/lib/iceberg-spark3-runtime\\.jar,s3://cdk-[a-z0-9]+-assets-123456789012-eu-north-1/[0-9a-f]{64}\\.jar',
      '--conf spark\\.sql\\.extensions=org\\.apache\\.iceberg\\.spark\\.extensions\\.IcebergSparkSessionExtensions\\\\"',
    ].join(' ')));
  });

  test('the zipped asset holds mirror_job/ at its root, without caches', () => {
    const assets = fs.readdirSync(assembly.directory).filter((f) => f.startsWith('asset.'));
    const zipped = assets.map((a) => path.join(assembly.directory, a)).find((dir) =>
      fs.statSync(dir).isDirectory() && fs.existsSync(path.join(dir, 'mirror_job')));
    expect(zipped).toBeDefined();
    expect(fs.existsSync(path.join(zipped!, 'mirror_job', '__init__.py'))).toBe(true);
    const all: string[] = [];
    const walk = (dir: string) => fs.readdirSync(dir, { withFileTypes: true }).forEach((e) => {
      all.push(e.name);
      if (e.isDirectory()) walk(path.join(dir, e.name));
    });
    walk(zipped!);
    expect(all.filter((n) => n === '__pycache__' || n.endsWith('.pyc'))).toEqual([]);
    // The JVM reader ships as its own jar asset: neither its sources nor the jar are in the zip.
    expect(all.filter((n) => n === 'engine' || n.endsWith('.jar') || n.endsWith('.java'))).toEqual([]);
  });
});

describe('Spark engine with a customer-managed key', () => {
  const emrServerlessStatement = (statements: any[]) =>
    statements.filter((s) => JSON.stringify(s.Principal ?? {}).includes('emr-serverless.amazonaws.com'));

  test('GIVEN a key defined in the app THEN its policy lets EMR Serverless encrypt job logs for this application only', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    new DynamoIcebergMirror(stack, 'OrdersMirror', { table: ordersTable(stack), encryptionKey: key });
    const template = Template.fromStack(stack);
    const [keyResource] = Object.values(template.findResources('AWS::KMS::Key'));
    expect(emrServerlessStatement(keyResource.Properties.KeyPolicy.Statement)).toEqual([{
      Sid: 'EmrServerlessJobLogs',
      Effect: 'Allow',
      Principal: { Service: 'emr-serverless.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: {
        StringLike: { 'aws:SourceArn': { 'Fn::GetAtt': [expect.stringMatching(/^OrdersMirrorEngineApplication/), 'Arn'] } },
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      },
    }]);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('emr-serverless.amazonaws.com'));
  });

  test('GIVEN an imported key THEN a warning gives the statement to add to its policy', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    new DynamoIcebergMirror(stack, 'OrdersMirror', { table: ordersTable(stack), encryptionKey: key });
    const warnings = Annotations.fromStack(stack).findWarning('/TestStack/OrdersMirror/Engine', Match.anyValue());
    expect(warnings).toHaveLength(1);
    const text = JSON.stringify(warnings[0].entry.data);
    for (const part of [
      'dynamo-iceberg-mirror:encryptionKey', 'emr-serverless.amazonaws.com', 'kms:Decrypt', 'kms:GenerateDataKey',
      'aws:SourceArn', 'arn:aws:emr-serverless:eu-north-1:123456789012:/applications/', 'aws:SourceAccount',
    ]) {
      expect(text).toContain(part);
    }
  });

  test('GIVEN a key of another stack THEN no cross-stack cycle: a warning instead of a policy statement', () => {
    const app = new App();
    const env = { account: '123456789012', region: 'eu-north-1' };
    const keys = new Stack(app, 'Keys', { env });
    const key = new kms.Key(keys, 'Key');
    const stack = new Stack(app, 'Mirror', { env });
    new DynamoIcebergMirror(stack, 'OrdersMirror', { table: ordersTable(stack), encryptionKey: key });
    expect(() => app.synth()).not.toThrow();
    const [keyResource] = Object.values(Template.fromStack(keys).findResources('AWS::KMS::Key'));
    expect(emrServerlessStatement(keyResource.Properties.KeyPolicy.Statement)).toEqual([]);
    Annotations.fromStack(stack).hasWarning('/Mirror/OrdersMirror/Engine', Match.stringLikeRegexp('emr-serverless.amazonaws.com'));
  });
});

describe('SparkEngine.grantStartJobRun', () => {
  test('GIVEN a role WHEN granted THEN one grant holds the job starts, the watching and the PassRole to EMR Serverless only', () => {
    // GIVEN
    const stack = newStack();
    const mirror = new DynamoIcebergMirror(stack, 'OrdersMirror', { table: ordersTable(stack) });
    const engine = mirror.node.findChild('Engine') as SparkEngine;
    const starter = new iam.Role(stack, 'Starter', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
    // WHEN
    const grant = engine.grantStartJobRun(starter);
    // THEN
    const statements = statementsOf(Template.fromStack(stack), 'Starter');
    expect(grant.principalStatements).toHaveLength(statements.length);
    const application = { 'Fn::GetAtt': [expect.stringMatching(/^OrdersMirrorEngineApplication/), 'Arn'] };
    expect(statements).toEqual([
      { Sid: 'StartSparkJobRuns', Effect: 'Allow', Action: 'emr-serverless:StartJobRun', Resource: application },
      {
        Sid: 'WatchSparkJobRuns',
        Effect: 'Allow',
        Action: ['emr-serverless:GetJobRun', 'emr-serverless:CancelJobRun'],
        Resource: { 'Fn::Join': ['', [application, '/jobruns/*']] },
      },
      {
        Sid: 'PassJobRole',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^OrdersMirrorEngineJobRole/), 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'emr-serverless.amazonaws.com' } },
      },
    ]);
  });
});
