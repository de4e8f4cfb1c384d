import * as iam from 'aws-cdk-lib/aws-iam';
import { FRESHNESS_NAMESPACE } from './freshness';
import { grantWithSid } from '../private/grant-with-sid';

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
