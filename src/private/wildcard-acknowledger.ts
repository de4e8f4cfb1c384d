import { CfnResource, IAspect, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/** Decides whether one wildcard in one policy statement is intended, and why. */
export interface WildcardRule {
  /** Matches the wildcard as cdk-nag prints it: `Action::kms:ReEncrypt*` or `Resource::<Bucket.Arn>/exports/*`. */
  readonly pattern: RegExp;
  /** Why this wildcard is as narrow as it can be. */
  readonly reason: string;
  /** When set, every action of the statement must match it. */
  readonly actions?: RegExp;
}

/** Renders a resolved CloudFormation value the way cdk-nag names it in a finding. */
export function renderReference(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map(renderReference).join('');
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [fn, args] = entries[0];
      if (fn === 'Ref') {
        return `<${String(args)}>`;
      }
      if (fn === 'Fn::GetAtt') {
        return `<${(args as string[]).join('.')}>`;
      }
      if (fn === 'Fn::Join') {
        const [separator, parts] = args as [string, unknown[]];
        return parts.map(renderReference).join(separator);
      }
      if (fn === 'Fn::Sub') {
        const template = Array.isArray(args) ? String(args[0]) : String(args);
        return template.replace(/\$\{/g, '<').replace(/\}/g, '>');
      }
    }
  }
  return JSON.stringify(value);
}

/** `text` as a regular expression that matches it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/**
 * Acknowledges, for the AwsSolutions-IAM5 check, exactly the wildcards of this construct's IAM
 * policies that a rule explains; any other wildcard stays a finding.
 */
export class WildcardAcknowledger implements IAspect {
  constructor(private readonly rules: WildcardRule[]) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof iam.CfnPolicy) && !(node instanceof iam.CfnRole)) {
      return;
    }
    const stack = Stack.of(node);
    const documents: unknown[] = node instanceof iam.CfnPolicy
      ? [stack.resolve(node.policyDocument)]
      : asArray(stack.resolve(node.policies)).map((p) => (p as { policyDocument?: unknown }).policyDocument);
    for (const document of documents) {
      for (const statement of asArray((document as { Statement?: unknown })?.Statement)) {
        const s = statement as { Effect?: string; Action?: unknown; Resource?: unknown };
        if (s.Effect !== 'Allow') {
          continue;
        }
        const actions = asArray(s.Action).map(renderReference);
        const findings = [
          ...asArray(s.Action).map((a) => `Action::${renderReference(a)}`),
          ...asArray(s.Resource).map((r) => `Resource::${renderReference(r)}`),
        ].filter((f) => f.includes('*') && !Token.isUnresolved(f));
        for (const finding of findings) {
          const rule = this.rules.find((r) => r.pattern.test(finding)
            && (!r.actions || actions.every((a) => r.actions!.test(a))));
          if (rule) {
            Validations.of(node as CfnResource).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason: rule.reason });
          }
        }
      }
    }
  }
}
