import type { MirrorStorage } from './mirror-storage';
import { escapeRegExp, WildcardRule } from '../private/wildcard-acknowledger';

/**
 * The wildcards on the storage's objects, catalog entries and key that the mirror's roles are given
 * (by the storage's grants), and why each is as narrow as it can be.
 */
export function storageWildcardRules(storage: MirrorStorage): WildcardRule[] {
  const { exportPrefix, warehousePrefix, logPrefix, verificationPrefix, tableName } = storage;
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
      pattern: new RegExp(`^Resource::.*/${escapeRegExp(verificationPrefix)}/\\*$`),
      reason: `Verification reports are named after the execution at run time; the job's checks before it writes one and the state machine's reads are limited to '${verificationPrefix}/'.`,
    },
    {
      pattern: new RegExp(`^Resource::arn:.*:glue:.*:table/.*/${escapeRegExp(tableName)}_\\*$`),
      reason: 'Work tables the Spark job may create next to the mirrored table, named after it.',
    },
    {
      pattern: /^Action::kms:(ReEncrypt|GenerateDataKey)\*$/,
      reason: 'Data-key operations needed for SSE-KMS, on the mirror\'s own KMS key only.',
    },
  ];
}
