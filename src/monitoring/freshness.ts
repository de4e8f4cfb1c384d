/** Namespace, name and dimension of the freshness metric (written by the plan function, alarmed on by the construct). */
export const FRESHNESS_NAMESPACE = 'DynamoIcebergMirror';
export const FRESHNESS_METRIC_NAME = 'FreshnessLagSeconds';
export const FRESHNESS_DIMENSION = 'Mirror';
