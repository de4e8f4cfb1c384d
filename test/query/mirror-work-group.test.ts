import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DynamoIcebergMirror, DynamoIcebergMirrorProps } from '../../src';
import { mirrorStack, newStack, ordersTable, statementsOf } from '../helpers';

const BUCKET = Match.stringLikeRegexp('^OrdersMirrorStorageBucket');
const WORK_GROUP_ARN = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, Match.stringLikeRegexp('^:athena:eu-north-1:123456789012:workgroup/TestStack-OrdersMirror-AthenaWorkGroup-[0-9A-F]{8}$')]],
};

/** A mirror with the given props, and an analyst role granted read through `grantRead`. */
function readByAnalyst(props: (stack: Stack) => Partial<DynamoIcebergMirrorProps>) {
  const stack = newStack();
  const mirror = new DynamoIcebergMirror(stack, 'OrdersMirror', { table: ordersTable(stack), ...props(stack) });
  const analyst = new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
  const grant = mirror.grantRead(analyst);
  const template = Template.fromStack(stack);
  return { stack, mirror, grant, template, statements: statementsOf(template, 'Analyst') };
}

describe('Athena workgroup', () => {
  test('GIVEN the defaults THEN there is none, and grantRead grants no Athena action', () => {
    const { mirror, template, statements } = readByAnalyst(() => ({}));
    template.resourceCountIs('AWS::Athena::WorkGroup', 0);
    expect(mirror.workGroup).toBeUndefined();
    expect(JSON.stringify(statements)).not.toMatch(/athena/);
  });

  describe('GIVEN athenaWorkGroup', () => {
    const { stack, mirror, grant, template, statements } = readByAnalyst(() => ({ athenaWorkGroup: true }));

    test('THEN one workgroup, enforced, with metrics, automatic engine version and SSE-S3 results in the bucket', () => {
      template.resourceCountIs('AWS::Athena::WorkGroup', 1);
      template.hasResource('AWS::Athena::WorkGroup', {
        DeletionPolicy: 'Retain',
        Properties: {
          Name: Match.stringLikeRegexp('^TestStack-OrdersMirror-AthenaWorkGroup-[0-9A-F]{8}$'),
          RecursiveDeleteOption: Match.absent(),
          WorkGroupConfiguration: {
            EnforceWorkGroupConfiguration: true,
            PublishCloudWatchMetricsEnabled: true,
            EngineVersion: { SelectedEngineVersion: 'AUTO' },
            ResultConfiguration: {
              OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: BUCKET }, '/athena-results/']] },
              EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
            },
          },
        },
      });
      expect(mirror.workGroup).toBeDefined();
      expect(template.toJSON().Resources[stack.getLogicalId(mirror.workGroup!)].Type).toBe('AWS::Athena::WorkGroup');
    });

    test('THEN query results expire with Athena\'s query history (45 days)', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: {
          Rules: Match.arrayWith([{ Id: 'ExpireQueryResults', Prefix: 'athena-results/', ExpirationInDays: 45, Status: 'Enabled' }]),
        },
      });
    });

    test('THEN grantRead also lets the grantee query in the workgroup only, and read and write its results only', () => {
      expect(grant.principalStatements).toHaveLength(statements.length);
      const athena = statements.filter((s) => JSON.stringify(s.Action).includes('athena:'));
      expect(athena).toEqual([{
        Effect: 'Allow',
        Action: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution', 'athena:GetWorkGroup'],
        Resource: expect.anything(),
      }]);
      Template.fromJSON({ Resources: { P: { Type: 'T', Properties: athena[0] } } }).hasResourceProperties('T', { Resource: WORK_GROUP_ARN });
      expect(statements).toEqual(expect.arrayContaining([
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^OrdersMirrorStorageBucket/), 'Arn'] }, '/athena-results/*']] },
        },
        {
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Condition: { StringLike: { 's3:prefix': ['athena-results/*', 'athena-results'] } },
          Resource: { 'Fn::GetAtt': [expect.stringMatching(/^OrdersMirrorStorageBucket/), 'Arn'] },
        },
      ]));
      expect(JSON.stringify(statements)).not.toMatch(/kms:/);
    });
  });

  test('GIVEN a KMS key and DESTROY THEN results use SSE-KMS with the key, the grantee may encrypt with it, and the workgroup goes with its saved queries', () => {
    const stack = newStack();
    const encryptionKey = new kms.Key(stack, 'Key');
    const mirror = new DynamoIcebergMirror(stack, 'OrdersMirror', {
      table: ordersTable(stack), athenaWorkGroup: true, encryptionKey, removalPolicy: RemovalPolicy.DESTROY,
    });
    mirror.grantRead(new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() }));
    const template = Template.fromStack(stack);
    template.hasResource('AWS::Athena::WorkGroup', {
      DeletionPolicy: 'Delete',
      Properties: {
        RecursiveDeleteOption: true,
        WorkGroupConfiguration: {
          ResultConfiguration: {
            EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
          },
        },
      },
    });
    expect(statementsOf(template, 'Analyst')).toEqual(expect.arrayContaining([
      { Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] } },
    ]));
  });

  test('GIVEN an existing bucket THEN results go to it, under their own prefix', () => {
    const { template } = readByAnalyst((stack) => ({ athenaWorkGroup: true, bucket: s3.Bucket.fromBucketName(stack, 'Lake', 'my-lake') }));
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: { ResultConfiguration: { OutputLocation: 's3://my-lake/athena-results/' } },
    });
  });

  test.each([
    ['exportPrefix', 'athena-results'],
    ['warehousePrefix', 'athena-results/iceberg'],
    ['exportPrefix', 'athena-results/x'],
  ])('GIVEN %s %s THEN it overlaps the results prefix: a synth error', (prop, prefix) => {
    const stack = newStack();
    const props = { table: ordersTable(stack), athenaWorkGroup: true, [prop]: prefix };
    expect(() => new DynamoIcebergMirror(stack, 'OrdersMirror', props))
      .toThrow(`TestStack/OrdersMirror: ${prop} must not overlap the Athena workgroup's results prefix 'athena-results', got '${prefix}'`);
  });

  test('GIVEN no workgroup THEN the prefix athena-results is the user\'s to take', () => {
    expect(() => mirrorStack({ warehousePrefix: 'athena-results' })).not.toThrow();
  });
});
