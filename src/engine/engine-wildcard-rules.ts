import { WildcardRule } from '../private/wildcard-acknowledger';

/** The wildcards of the engine's grants (`SparkEngine.grantStartJobRun`), and why each is as narrow as it can be. */
export const ENGINE_WILDCARD_RULES: WildcardRule[] = [
  {
    pattern: /^Resource::.*\/jobruns\/\*$/,
    reason: 'EMR Serverless assigns job run ids at run time; GetJobRun and CancelJobRun are limited to the runs of the mirror\'s application.',
  },
];
