/**
 * The IAM wildcards of the mirror's policies that cdk-nag's AwsSolutions-IAM5 reports, each with the
 * reason it cannot be narrower (applied by WildcardAcknowledger).
 */
import { WildcardRule } from './wildcard-acknowledger';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The wildcards this construct's policies need, each with the reason it cannot be narrower. */
export function wildcardRules(exportPrefix: string, warehousePrefix: string, logPrefix: string, tableName: string): WildcardRule[] {
  return [
    {
      pattern: new RegExp(`^Resource::.*/${escapeRegExp(exportPrefix)}/\\*$`),
      reason: `DynamoDB names export objects at run time; access is limited to the export prefix '${exportPrefix}/' of the mirror bucket.`,
    },
    {
      pattern: new RegExp(`^Resource::.*/${escapeRegExp(warehousePrefix)}/\\*$`),
      reason: `Iceberg names data and metadata files at run time; access is limited to the warehouse prefix '${warehousePrefix}/' of the mirror bucket.`,
    },
    {
      pattern: new RegExp(`^Resource::.*/${escapeRegExp(logPrefix)}/\\*$`),
      reason: `EMR Serverless names job log objects at run time; writes are limited to the log prefix '${logPrefix}/'.`,
    },
    {
      pattern: new RegExp(`^Resource::.*/${escapeRegExp(logPrefix)}/verification/\\*$`),
      reason: `Verification reports are named after the execution at run time; the job's checks before it writes one and the state machine's reads are limited to '${logPrefix}/verification/'.`,
    },
    {
      pattern: /^Resource::\*$/,
      actions: /^cloudwatch:PutMetricData$/,
      reason: 'PutMetricData takes no resource-level permissions; the statement is limited to the mirror\'s namespace by its cloudwatch:namespace condition.',
    },
    {
      pattern: /^Resource::.*\/export\/\*$/,
      reason: 'DynamoDB assigns export ids at run time; DescribeExport is limited to the exports of the mirrored table.',
    },
    {
      pattern: /^Resource::.*\/jobruns\/\*$/,
      reason: 'EMR Serverless assigns job run ids at run time; GetJobRun and CancelJobRun are limited to the runs of the mirror\'s application.',
    },
    {
      pattern: new RegExp(`^Resource::arn:.*:glue:.*:table/.*/${escapeRegExp(tableName)}_\\*$`),
      reason: 'Work tables the Spark job may create next to the mirrored table, named after it.',
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
    {
      pattern: /^Action::kms:(ReEncrypt|GenerateDataKey)\*$/,
      reason: 'Data-key operations needed for SSE-KMS, on the mirror\'s own KMS key only.',
    },
  ];
}
