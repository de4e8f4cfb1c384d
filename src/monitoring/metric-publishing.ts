import * as iam from 'aws-cdk-lib/aws-iam';
import { FRESHNESS_NAMESPACE } from './freshness';
import { grantWithSid } from '../private/grant-with-sid';
import { WildcardRule } from '../private/wildcard-acknowledger';

/**
 * Publishing metrics in the mirror's namespace (a verification run's counts). PutMetricData takes no
 * resource-level permission: the grant is limited to the namespace by a condition.
 */
export function grantPublishMirrorMetrics(grantee: iam.IGrantable): iam.Grant {
  return grantWithSid('PublishVerificationMetrics', {
    grantee,
    actions: ['cloudwatch:PutMetricData'],
    resourceArns: ['*'],
    conditions: { StringEquals: { 'cloudwatch:namespace': FRESHNESS_NAMESPACE } },
  });
}

/** The wildcard `grantPublishMirrorMetrics` needs, and why. */
export const METRIC_PUBLISHING_WILDCARD_RULES: WildcardRule[] = [
  {
    pattern: /^Resource::\*$/,
    actions: /^cloudwatch:PutMetricData$/,
    reason: 'PutMetricData takes no resource-level permissions; the statement is limited to the mirror\'s namespace by its cloudwatch:namespace condition.',
  },
];
