/**
 * The contract with the Spark job, read from the file the job reads too (assets/spark/mirror_job/contract.json):
 * table property names, command-line arguments and column type names are spelled there once.
 *
 * A static require: it resolves from src/ (tests) and lib/ (compiled) alike, and esbuild inlines it in the
 * plan function's bundle. An import would make the compiler copy the file out of the package's sources.
 */
import type { KeyAttribute } from '../source-table';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const CONTRACT: JobContract = require('../../assets/spark/mirror_job/contract.json');

interface NamedColumnType {
  /** The name `--column-types` takes. */
  readonly name: string;
}

interface JobContract {
  readonly tableProperties: {
    readonly watermark: string;
    readonly tableArn: string;
  };
  readonly commands: {
    readonly apply: string;
    readonly verify: string;
    readonly maintain: string;
  };
  readonly options: {
    readonly catalog: string;
    readonly warehouse: string;
    readonly table: string;
    readonly key: string;
    readonly columnTypes: string;
    readonly partitionBuckets: string;
    readonly report: string;
    readonly exitZeroWhenDifferent: string;
    readonly local: string;
  };
  readonly catalogs: {
    readonly glue: string;
    readonly hadoop: string;
  };
  readonly key: {
    readonly types: string[];
  };
  readonly verificationReport: {
    readonly counts: {
      readonly missing: string;
      readonly extra: string;
      readonly different: string;
    };
  };
  readonly partitionBuckets: {
    readonly max: number;
  };
  readonly columnTypes: {
    readonly named: {
      readonly long: NamedColumnType;
      readonly double: NamedColumnType;
      readonly numberAsText: NamedColumnType;
      readonly json: NamedColumnType;
    };
    readonly decimal: {
      readonly name: string;
      readonly precision: number;
      readonly maxScale: number;
    };
  };
}

/** Table properties the job records in the Iceberg table. */
export const TABLE_PROPERTIES = CONTRACT.tableProperties;
/** The job's subcommands. */
export const JOB_COMMANDS = CONTRACT.commands;
/** The job's options, e.g. `JOB_OPTIONS.key` is `--key`. */
export const JOB_OPTIONS = CONTRACT.options;
/** The values of the job's `--catalog`. */
export const JOB_CATALOGS = CONTRACT.catalogs;
/** The key attribute types `--key` takes (DynamoDB's key types): the job bootstraps an empty table with them. */
export const KEY_TYPES: readonly string[] = CONTRACT.key.types;
/** The counts of the job's verification report (keys of each kind of difference). */
export const REPORT_COUNTS = CONTRACT.verificationReport.counts;
/** The most buckets of `--partition-buckets`. */
export const MAX_PARTITION_BUCKETS = CONTRACT.partitionBuckets.max;
/** The names of `--column-types`. */
export const NAMED_COLUMN_TYPES = CONTRACT.columnTypes.named;
/** `decimal(precision,scale)` of `--column-types`. */
export const DECIMAL_COLUMN_TYPE = CONTRACT.columnTypes.decimal;

/**
 * `--key`'s JSON form: the names, partition key first, each as `[name, type]` when the type is known.
 * Any attribute name passes through JSON, where the job's human form splits names at `,` and `:`.
 */
export function keyArgument(attributes: readonly KeyAttribute[]): string {
  return JSON.stringify(attributes.map(({ name, type }) => (type === undefined ? name : [name, type])));
}
