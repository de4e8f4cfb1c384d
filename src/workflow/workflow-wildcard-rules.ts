import { WildcardRule } from '../private/wildcard-acknowledger';

/**
 * The wildcards of the workflow's own statements (the state machine's tasks, tracing and logging, the
 * plan function's), and why each is as narrow as it can be.
 */
export const WORKFLOW_WILDCARD_RULES: WildcardRule[] = [
  {
    pattern: /^Resource::.*\/export\/\*$/,
    reason: 'DynamoDB assigns export ids at run time; DescribeExport is limited to the exports of the mirrored table.',
  },
  {
    pattern: /^Resource::arn:.*:states:.*:execution:[A-Za-z0-9-]+:\*$/,
    reason: 'Step Functions names executions at run time; the plan function describes the executions of the mirror\'s own state machine only (the holder of the run lease).',
  },
  {
    pattern: /^Resource::<[A-Za-z0-9]*PlanFunction[A-Za-z0-9]*\.Arn>:\*$/,
    reason: 'Versions and aliases of the mirror\'s own plan function.',
  },
  {
    pattern: /^Resource::\*$/,
    actions: /^(xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets)|logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups))$/,
    reason: 'X-Ray tracing and CloudWatch Logs delivery of the state machine take no resource-level permissions.',
  },
];
