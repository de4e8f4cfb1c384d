/**
 * S3 bucket-level actions (ListBucket, GetBucketLocation...) apply to a bucket ARN, object-level ones
 * (GetObject, PutObject...) to object ARNs. A statement that mixes them grants each on both kinds of
 * resource: wider than meant, and a finding for policy linters. Every identity policy the construct
 * writes (and grantRead's) keeps them in separate statements.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DynamoIcebergMirror, DynamoIcebergMirrorProps } from '../../src';
import { everyProp, newStack, ordersTable } from '../helpers';
import { policiesOf } from './template-policies';

type Level = 'bucket' | 'object';

/** S3's bucket-level actions all name the bucket (ListBucket, GetBucketLocation, ListBucketVersions...). */
function actionLevel(action: string): Level {
  if (action.includes('*')) {
    throw new Error(`${action}: a wildcard S3 action has no single level; name the actions`);
  }
  return /^s3:[A-Za-z]*Bucket/.test(action) ? 'bucket' : 'object';
}

function resourceLevel(arn: string): Level {
  return /^arn:[^:]+:s3:::[^/]+\/./.test(arn) ? 'object' : 'bucket';
}

/** The identity policies of a stack with one mirror, read by an analyst through grantRead. */
function identityPolicies(label: string, props: (stack: Stack) => Partial<DynamoIcebergMirrorProps>) {
  const stack = newStack();
  const mirror = new DynamoIcebergMirror(stack, 'OrdersMirror', { table: ordersTable(stack), ...props(stack) });
  mirror.grantRead(new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() }));
  const template = Template.fromStack(stack).toJSON() as any;
  const identity = Object.keys(template.Resources).filter((id) => template.Resources[id].Type === 'AWS::IAM::Policy');
  return policiesOf(label, template).filter((p) => identity.includes(p.name.split('/')[1]));
}

const STACKS: Record<string, (stack: Stack) => Partial<DynamoIcebergMirrorProps>> = {
  'defaults': () => ({}),
  'every-prop': everyProp,
  'imported': (stack) => ({
    table: dynamodb.Table.fromTableName(stack, 'Legacy', 'legacy'),
    partitionKeyName: 'pk',
    bucket: s3.Bucket.fromBucketName(stack, 'Lake', 'my-lake'),
    database: glue.Database.fromDatabaseArn(stack, 'Db', 'arn:aws:glue:eu-north-1:123456789012:database/analytics'),
  }),
};

describe.each(Object.entries(STACKS))('S3 action levels (%s)', (label, props) => {
  const statements = identityPolicies(label, props).flatMap((policy) =>
    [(policy.document as any).Statement].flat().map((statement: any) => ({ policy: policy.name, statement })));
  const s3Statements = statements.filter(({ statement }) => [statement.Action].flat().some((a: string) => a.startsWith('s3:')));

  test('the policies hold S3 statements of both levels (the check below has something to check)', () => {
    const levels = new Set(s3Statements.flatMap(({ statement }) => [statement.Action].flat().map(actionLevel)));
    expect([...levels].sort()).toEqual(['bucket', 'object']);
  });

  test('each S3 statement has actions of one level, on resources of that level', () => {
    const mixed = s3Statements.filter(({ statement }) => {
      const levels = new Set([
        ...[statement.Action].flat().map(actionLevel),
        ...[statement.Resource].flat().map(resourceLevel),
      ]);
      return levels.size !== 1;
    });
    expect(mixed.map(({ policy, statement }) => `${policy}: ${JSON.stringify(statement)}`)).toEqual([]);
  });
});
