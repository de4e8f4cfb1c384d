import { TABLE_PROPERTIES } from '../private/job-contract';

/** Table properties the Spark job records in the Iceberg table (read by the plan function and the operator commands). */
export const WATERMARK_PROPERTY = TABLE_PROPERTIES.watermark;
export const TABLE_ARN_PROPERTY = TABLE_PROPERTIES.tableArn;
