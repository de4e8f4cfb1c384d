/**
 * The actions the mirror's own parts get on the storage, one list per statement (object-level actions
 * on a prefix, Glue actions on the catalog entries).
 */

/** Object-level, under the export prefix: DynamoDB writes an export's objects with its caller's permissions. */
export const EXPORT_WRITE_ACTIONS = ['s3:PutObject', 's3:AbortMultipartUpload', 's3:PutObjectAcl'];

/** Glue: the table's entry, whose parameters name its current metadata file. */
export const TABLE_METADATA_READ_ACTIONS = ['glue:GetTable'];

/** Object-level, under the warehouse prefix: the metadata file the Glue entry names. */
export const WAREHOUSE_METADATA_READ_ACTIONS = ['s3:GetObject'];

/** Object-level, under the export prefix: the Spark job reads the exports it folds. */
export const EXPORT_READ_ACTIONS = ['s3:GetObject'];

/** Object-level, under the warehouse prefix: the Spark job writes, rewrites and expires Iceberg files. */
export const WAREHOUSE_READ_WRITE_ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'];

/** Object-level, under the log prefix: EMR Serverless writes the job's logs with the job role. */
export const JOB_LOG_WRITE_ACTIONS = ['s3:PutObject'];

/** Object-level, under the verification prefix: Hadoop's create() looks for the report's key before it writes. */
export const VERIFICATION_REPORT_CHECK_ACTIONS = ['s3:GetObject'];

/** Bucket-level, conditioned on the prefixes the Spark job lists (`s3:prefix` exists on list requests only). */
export const JOB_PREFIX_LIST_ACTIONS = ['s3:ListBucket'];

/** Glue: the Spark job's Iceberg catalog creates, updates and drops the table and its work tables. */
export const ICEBERG_CATALOG_ACTIONS = [
  'glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:CreateTable', 'glue:UpdateTable',
  'glue:DeleteTable', 'glue:GetPartitions',
];
