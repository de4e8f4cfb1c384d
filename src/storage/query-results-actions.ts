/**
 * The actions `grantRead` adds on the Athena workgroup's query results in the mirror's bucket, one list
 * per statement (the workgroup's own actions are in query/work-group-query-actions.ts).
 */

/**
 * Object-level, under the results prefix: Athena writes each query's results (multipart for large
 * ones) and reads them back with the caller's credentials.
 */
export const QUERY_RESULTS_OBJECT_ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];

/** Bucket-level, conditioned on the results prefix (`s3:prefix` exists on list requests only). */
export const QUERY_RESULTS_LIST_ACTIONS = ['s3:ListBucket'];

/** Writing results encrypted with the mirror's key (reading them needs `kms:Decrypt`, which the table read grant has). */
export const QUERY_RESULTS_KEY_ACTIONS = ['kms:GenerateDataKey'];
