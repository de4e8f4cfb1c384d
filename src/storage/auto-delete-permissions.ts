import { Lazy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';

/** The actions CDK's `autoDeleteObjects` grants its custom resource in the bucket policy. */
const CDK_ACTIONS = ['s3:PutBucketPolicy', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*'];

/**
 * What the auto-delete handler calls: GetBucketTagging (is the bucket marked for it), ListObjectVersions,
 * DeleteObjects with version ids. Left out: GetBucketPolicy and PutBucketPolicy, with which it adds a
 * deny of new writes before deleting; the handler logs and goes on when that fails, and PutBucketPolicy
 * would let its function rewrite the bucket's policy (grant itself or anyone anything on the bucket).
 */
const NEEDED_ACTIONS = ['s3:GetBucketTagging', 's3:ListBucketVersions', 's3:DeleteObject', 's3:DeleteObjectVersion'];

/**
 * Narrows the bucket policy statement of CDK's auto-delete custom resource to the actions its handler
 * needs. Synth fails if that statement is not found as CDK writes it today, so a CDK upgrade that
 * changes it is reviewed here rather than silently left broad or narrowed wrongly.
 */
export function narrowAutoDeletePermissions(bucket: s3.Bucket): void {
  const policy = bucket.policy;
  if (!policy) {
    throw new Error('narrowAutoDeletePermissions: the bucket has no policy; is autoDeleteObjects on?');
  }
  (policy.node.defaultChild as s3.CfnBucketPolicy).policyDocument = Lazy.any({
    produce: () => {
      const document = Stack.of(bucket).resolve(policy.document);
      const statements: any[] = document.Statement ?? [];
      const autoDelete = statements.filter((s) => sameActions(s.Action, CDK_ACTIONS));
      if (autoDelete.length !== 1) {
        throw new Error(`${bucket.node.path}: expected one auto-delete statement with ${CDK_ACTIONS.join(', ')} in the bucket policy, found ${autoDelete.length}; review narrowAutoDeletePermissions against the CDK version`);
      }
      return { ...document, Statement: statements.map((s) => s === autoDelete[0] ? { ...s, Action: NEEDED_ACTIONS } : s) };
    },
  });
}

function sameActions(actions: unknown, expected: string[]): boolean {
  const list = Array.isArray(actions) ? actions : [actions];
  return list.length === expected.length && expected.every((a) => list.includes(a));
}
