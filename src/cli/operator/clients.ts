import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { EMRServerlessClient } from '@aws-sdk/client-emr-serverless';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';

/** The AWS clients the operator commands call. */
export interface OperatorClients {
  readonly sfn: SFNClient;
  readonly cloudformation: CloudFormationClient;
  readonly emr: EMRServerlessClient;
  readonly glue: GlueClient;
  readonly s3: S3Client;
}

/**
 * Settings shared by every client. Without them the SDK's own chain applies (AWS_REGION, AWS_PROFILE,
 * AWS_ENDPOINT_URL...), as with the AWS CLI.
 */
export interface ClientSettings {
  readonly region?: string;
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export function createClients(settings: ClientSettings = {}): OperatorClients {
  const config = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
  return {
    sfn: new SFNClient(config),
    cloudformation: new CloudFormationClient(config),
    emr: new EMRServerlessClient(config),
    glue: new GlueClient(config),
    // An endpoint given by hand (here or in the SDK's environment variables) is an emulator or a VPC
    // endpoint: virtual-hosted bucket names need DNS it rarely has.
    s3: new S3Client({ ...config, forcePathStyle: customS3Endpoint(settings) }),
  };
}

function customS3Endpoint(settings: ClientSettings): boolean {
  return (settings.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL) !== undefined;
}
