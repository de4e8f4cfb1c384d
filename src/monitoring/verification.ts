import { REPORT_COUNTS } from '../private/job-contract';

/**
 * The metrics a verification run publishes (namespace and dimension of the freshness metric): the keys
 * the job's report counts of each kind, and their sum, which the verification alarm watches.
 */
export const VERIFICATION_DIFFERENCES_METRIC = 'VerificationDifferences';
/** Report field to metric name, for each kind of difference. */
export const VERIFICATION_KIND_METRICS: ReadonlyArray<[string, string]> = [
  [REPORT_COUNTS.missing, 'VerificationMissingItems'],
  [REPORT_COUNTS.extra, 'VerificationExtraItems'],
  [REPORT_COUNTS.different, 'VerificationDifferentItems'],
];
