import { GetDashboardForJobRunCommand, GetJobRunCommand } from '@aws-sdk/client-emr-serverless';
import { OperatorClients } from './clients';
import { JobRunRef } from './history-events';

/** A Spark job run as an operator wants to see it. */
export interface JobRunStatus extends JobRunRef {
  readonly state?: string;
  readonly stateDetails?: string;
  readonly createdAt?: string;
  readonly updatedAt?: string;
  readonly durationSeconds?: number;
  /** The Spark UI (live or history server): a pre-signed URL, valid for an hour. */
  readonly dashboardUrl?: string;
  /** Why there is no dashboard URL (the call failed, for example without `emr-serverless:GetDashboardForJobRun`). */
  readonly dashboardError?: string;
  /** The job run's log folder in S3 (driver and executor logs). */
  readonly logs?: string;
}

export async function readJobRun(clients: Pick<OperatorClients, 'emr'>, ref: JobRunRef): Promise<JobRunStatus> {
  const { jobRun } = await clients.emr.send(new GetJobRunCommand({ applicationId: ref.applicationId, jobRunId: ref.jobRunId }));
  const logUri = jobRun?.configurationOverrides?.monitoringConfiguration?.s3MonitoringConfiguration?.logUri;
  let dashboardUrl: string | undefined;
  let dashboardError: string | undefined;
  try {
    ({ url: dashboardUrl } = await clients.emr.send(new GetDashboardForJobRunCommand({
      applicationId: ref.applicationId, jobRunId: ref.jobRunId,
    })));
  } catch (error) {
    // Status is still worth showing without the link.
    dashboardError = `${(error as Error).name}: ${(error as Error).message}`;
  }
  return {
    ...ref,
    state: jobRun?.state,
    stateDetails: jobRun?.stateDetails || undefined,
    createdAt: jobRun?.createdAt?.toISOString(),
    updatedAt: jobRun?.updatedAt?.toISOString(),
    durationSeconds: jobRun?.totalExecutionDurationSeconds,
    dashboardUrl,
    dashboardError,
    logs: logUri ? `${logUri.replace(/\/?$/, '/')}applications/${ref.applicationId}/jobs/${ref.jobRunId}/` : undefined,
  };
}
