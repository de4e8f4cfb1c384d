import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DynamoIcebergMirror } from '../../src';
import { ordersTable, statementsOf } from '../helpers';

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
      'IcebergGlueCatalog', 'ListMirrorPrefixes', 'ReadExports', 'ReadSparkJob', 'ReadWriteWarehouse', 'WriteJobLogs',
    ]);
    const objects = (prefix: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/Bucket/), 'Arn'] }, `/${prefix}/*`]] });
    expect(bySid.ReadExports).toEqual(expect.objectContaining({ Action: 's3:GetObject', Resource: objects('exports') }));
    expect(bySid.ReadWriteWarehouse).toEqual(expect.objectContaining({
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
      Resource: objects('warehouse'),
    }));
    expect(bySid.WriteJobLogs).toEqual(expect.objectContaining({ Action: 's3:PutObject', Resource: objects('emr-logs') }));
    expect(bySid.ListMirrorPrefixes.Condition).toEqual({
      StringLike: { 's3:prefix': ['exports', 'exports/*', 'warehouse', 'warehouse/*'] },
    });
    expect(bySid.ReadSparkJob.Resource).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, expect.stringMatching(/^:s3:::cdk-[a-z0-9]+-assets-123456789012-eu-north-1\/[0-9a-f]{64}\.py$/)]] },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, expect.stringMatching(/^:s3:::cdk-[a-z0-9]+-assets-123456789012-eu-north-1\/[0-9a-f]{64}\.zip$/)]] },
    ]);
  });

  test('the job role manages the mirrored table (and its work tables) in the Glue catalog only', () => {
    const glue = statementsOf(template, 'JobRole').find((s) => s.Sid === 'IcebergGlueCatalog');
    expect(glue.Action).toEqual(expect.arrayContaining(['glue:CreateTable', 'glue:UpdateTable', 'glue:GetTable']));
    expect(JSON.stringify(glue.Resource)).toMatch(/:catalog".*database\/.*table\/.*\/orders_mirror".*table\/.*\/orders_mirror_\*"/);
  });

  test('the job runs entry.py with the package zip on --py-files and Iceberg enabled', () => {
    expect(job).toMatch(/"EntryPoint\\":\\"s3:\/\/cdk-[a-z0-9]+-assets-123456789012-eu-north-1\/[0-9a-f]{64}\.py\\"/);
    expect(job).toMatch(new RegExp([
      '"SparkSubmitParameters\\\\":\\\\"--py-files s3://cdk-[a-z0-9]+-assets-123456789012-eu-north-1/[0-9a-f]{64}\\.zip',
      '--conf spark\\.jars=/usr/share/aws/iceberg/lib/iceberg-spark3-runtime\\.jar',
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
  });
});
