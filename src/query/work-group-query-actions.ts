/**
 * The actions `grantRead` adds for querying through the mirror's Athena workgroup, one list per
 * statement (on top of the table read actions in storage/table-read-actions.ts).
 */

/** Athena: run a query in the workgroup, follow it, read its results, cancel it. On the workgroup only. */
export const WORK_GROUP_QUERY_ACTIONS = [
  'athena:StartQueryExecution',
  'athena:GetQueryExecution',
  'athena:GetQueryResults',
  'athena:StopQueryExecution',
  'athena:GetWorkGroup',
];

/**
 * Object-level, under the results prefix: Athena writes each query's results (multipart for large
 * ones) and reads them back with the caller's credentials.
 */
export const QUERY_RESULTS_OBJECT_ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];

/** Bucket-level, conditioned on the results prefix (`s3:prefix` exists on list requests only). */
export const QUERY_RESULTS_LIST_ACTIONS = ['s3:ListBucket'];

/** Writing results encrypted with the mirror's key (reading them needs `kms:Decrypt`, which the table read grant has). */
export const QUERY_RESULTS_KEY_ACTIONS = ['kms:GenerateDataKey'];
