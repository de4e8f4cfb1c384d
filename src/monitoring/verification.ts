/**
 * The metrics a verification run publishes (namespace and dimension of the freshness metric): the keys
 * the job's report counts of each kind, and their sum, which the verification alarm watches.
 */
export const VERIFICATION_DIFFERENCES_METRIC = 'VerificationDifferences';
/** Report field to metric name, for each kind of difference. */
export const VERIFICATION_KIND_METRICS: ReadonlyArray<[string, string]> = [
  ['missing', 'VerificationMissingItems'],
  ['extra', 'VerificationExtraItems'],
  ['different', 'VerificationDifferentItems'],
];
