import { createHash } from 'crypto';

/**
 * What EMR Serverless' StartJobRun answers, as the end-to-end runner's Spark job gives it back to the
 * interpreter: `emr-serverless:startJobRun.sync` returns StartJobRun's output once the run succeeded.
 * The id is shaped like EMR Serverless' (lowercase letters and digits), made from `seed`.
 */
export function startJobRunAnswer(applicationArnPrefix: string, applicationId: string, seed: string) {
  const jobRunId = `00f${createHash('sha256').update(seed).digest('hex').slice(0, 13)}`;
  return {
    ApplicationId: applicationId,
    JobRunId: jobRunId,
    Arn: `${applicationArnPrefix}:/applications/${applicationId}/jobruns/${jobRunId}`,
  };
}
