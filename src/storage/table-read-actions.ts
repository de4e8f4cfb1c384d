/**
 * The actions `grantRead` gives a reader of the Iceberg table, one list per statement. S3's object-level
 * and bucket-level actions are in separate lists: they apply to different resources (objects under the
 * warehouse prefix, the bucket itself), and a statement that mixed them would grant each on both.
 */

/** Object-level: the table's data and metadata files under the warehouse prefix. */
export const WAREHOUSE_OBJECT_READ_ACTIONS = ['s3:GetObject'];

/** Bucket-level, unconditioned: query engines ask where the bucket is before reading it. */
export const BUCKET_LOCATION_ACTIONS = ['s3:GetBucketLocation'];

/** Bucket-level, conditioned on the warehouse prefix (`s3:prefix` exists on list requests only). */
export const WAREHOUSE_LIST_ACTIONS = ['s3:ListBucket'];

/** Glue Data Catalog: the database, and the table whose parameters point at its current metadata file. */
export const CATALOG_READ_ACTIONS = ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartitions'];
