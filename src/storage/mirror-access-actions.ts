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
