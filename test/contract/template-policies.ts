/**
 * Every IAM policy document of a synthesized template, with its intrinsics resolved (cfn-resolver.ts),
 * ready for a policy linter.
 *
 * Read: identity policies (AWS::IAM::Policy, AWS::IAM::ManagedPolicy, a role's inline `Policies`) and
 * resource policies (AWS::S3::BucketPolicy, a KMS key's `KeyPolicy`). Not read: role trust policies
 * (`AssumeRolePolicyDocument`), which have no `Resource` element, so parliament reports them malformed
 * and checks nothing else (its own Statement code says so); and AWS managed policies named by ARN in
 * `ManagedPolicyArns`, whose documents are not in the template.
 */
import { CfnResource, resolveIntrinsics } from './cfn-resolver';

export interface NamedPolicy {
  /** `<label>/<logical id>`, plus `/<policy name>` for a role's inline policy. */
  readonly name: string;
  readonly document: unknown;
}

/** Where each policy-holding resource type keeps its documents. */
const READERS: Record<string, (properties: Record<string, any>) => Array<{ suffix: string; document: unknown }>> = {
  'AWS::IAM::Policy': (p) => [{ suffix: '', document: p.PolicyDocument }],
  'AWS::IAM::ManagedPolicy': (p) => [{ suffix: '', document: p.PolicyDocument }],
  'AWS::IAM::Role': (p) => (p.Policies ?? []).map((inline: any) => ({ suffix: `/${inline.PolicyName}`, document: inline.PolicyDocument })),
  'AWS::S3::BucketPolicy': (p) => [{ suffix: '', document: p.PolicyDocument }],
  'AWS::KMS::Key': (p) => [{ suffix: '', document: p.KeyPolicy }],
};

/** Properties that hold a policy document but are deliberately not linted (see the file comment). */
const NOT_LINTED = new Set(['AssumeRolePolicyDocument', 'ManagedPolicyArns', 'PolicyName']);

/** A property name that looks like it holds a policy: a type with one must have a reader above. */
const POLICY_PROPERTY = /polic/i;

export function policiesOf(label: string, template: { Resources: Record<string, CfnResource> }): NamedPolicy[] {
  const resources = template.Resources;
  const policies: NamedPolicy[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    const properties = resource.Properties ?? {};
    const read = READERS[resource.Type];
    if (!read) {
      const missed = Object.keys(properties).filter((k) => POLICY_PROPERTY.test(k) && !NOT_LINTED.has(k));
      if (missed.length > 0) {
        throw new Error(`${resource.Type} ${id} holds ${missed.join(', ')}: add a reader for it to template-policies.ts`);
      }
      continue;
    }
    for (const { suffix, document } of read(properties)) {
      policies.push({ name: `${label}/${id}${suffix}`, document: resolveIntrinsics(document, resources) });
    }
  }
  return policies;
}
