/** Table properties the Spark job records in the Iceberg table (read by the plan function and the operator commands). */
export const WATERMARK_PROPERTY = 'dynamo-iceberg-mirror.watermark';
export const TABLE_ARN_PROPERTY = 'dynamo-iceberg-mirror.table-arn';
