/**
 * Synthesizes the end-to-end test's app and "deploys" it on paper: every CloudFormation reference in
 * the state machine definition is replaced by the physical name the resource gets in the emulator.
 *
 * Usage: synth.ts OUTDIR TABLE_ARN  (account and region are taken from the ARN)
 * Writes OUTDIR/cdk.out (the cloud assembly) and OUTDIR/deployment.json, read by the Python test
 * (which creates the buckets and the Glue database in the emulator and publishes the file assets)
 * and by execute.ts (which runs the definition).
 */
import { createHash } from 'crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { DynamoIcebergMirror } from '../../src';

const [outdir, tableArn] = process.argv.slice(2);
if (!outdir || !tableArn) {
  throw new Error('usage: synth.ts OUTDIR TABLE_ARN');
}
const [, partition, , region, account] = tableArn.split(':');

const app = new App({ outdir: join(outdir, 'cdk.out') });
const stack = new Stack(app, 'MirrorEndToEnd', { env: { account, region } });
const table = dynamodb.Table.fromTableArn(stack, 'Source', tableArn);
const mirror = new DynamoIcebergMirror(stack, 'OrdersMirror', {
  table,
  partitionKeyName: 'pk',
  sortKeyName: 'sk',
  databaseName: 'shop',
  icebergTableName: 'orders_mirror',
});
const assembly = app.synth();
const artifact = assembly.getStackByName(stack.stackName);
const assetManifest = join(artifact.assembly.directory, `${stack.stackName}.assets.json`);
const resources: Record<string, { Type: string; Properties?: any }> = artifact.template.Resources;

/** The physical name or attribute a deployment would give each referenced resource. */
function physical(logicalId: string, attribute?: string): string {
  const resource = resources[logicalId];
  const arn = (service: string, what: string) => `arn:${partition}:${service}:${region}:${account}:${what}`;
  switch (resource?.Type) {
    case 'AWS::S3::Bucket':
      return resource.Properties?.BucketName ?? `e2e-${logicalId.toLowerCase()}`.slice(0, 63);
    case 'AWS::Glue::Database':
      return resource.Properties.DatabaseInput.Name;
    case 'AWS::EMRServerless::Application':
      // Shaped like EMR Serverless' ids (lowercase letters and digits): it goes into the job run's ARN.
      return `00f${createHash('sha256').update(logicalId).digest('hex').slice(0, 13)}`;
    case 'AWS::IAM::Role':
      return `arn:${partition}:iam::${account}:role/${logicalId}`;
    case 'AWS::Lambda::Function':
      return arn('lambda', `function:${logicalId}`);
    case 'AWS::DynamoDB::Table':
      return attribute === 'Arn' ? arn('dynamodb', `table/e2e-${logicalId}`) : `e2e-${logicalId}`;
    case 'AWS::KMS::Key':
      return arn('kms', `key/${logicalId}`);
    default:
      throw new Error(`no physical name for ${logicalId}${attribute ? `.${attribute}` : ''} (${resource?.Type ?? 'not in the template'})`);
  }
}

const PSEUDO: Record<string, string> = { 'AWS::Partition': partition, 'AWS::Region': region, 'AWS::AccountId': account, 'AWS::URLSuffix': 'amazonaws.com' };

function render(part: any): string {
  if (typeof part === 'string') {
    return part;
  }
  if (part.Ref) {
    return PSEUDO[part.Ref] ?? physical(part.Ref);
  }
  if (part['Fn::GetAtt']) {
    return physical(part['Fn::GetAtt'][0], part['Fn::GetAtt'][1]);
  }
  if (part['Fn::Join']) {
    return part['Fn::Join'][1].map(render).join(part['Fn::Join'][0]);
  }
  throw new Error(`cannot render ${JSON.stringify(part)}`);
}

/** The folder or file in the cloud assembly that a deployment would publish under `objectKey`. */
function assetPath(objectKey: string): string {
  const manifest = JSON.parse(readFileSync(assetManifest, 'utf-8'));
  for (const file of Object.values<any>(manifest.files)) {
    if (Object.values<any>(file.destinations).some((d) => d.objectKey === objectKey)) {
      return join(artifact.assembly.directory, file.source.path);
    }
  }
  throw new Error(`no asset is published as ${objectKey}`);
}

const byType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const [[machineId, machine]] = byType('AWS::StepFunctions::StateMachine');
const [[planId, plan]] = byType('AWS::Lambda::Function');
const deployment = {
  region,
  account,
  tableArn,
  buckets: byType('AWS::S3::Bucket').map(([id]) => physical(id)),
  databases: byType('AWS::Glue::Database').map(([id]) => physical(id)),
  /** DynamoDB tables the construct creates (the run lease), with their key schema. */
  tables: byType('AWS::DynamoDB::Table').map(([id, lease]) => ({
    TableName: physical(id),
    KeySchema: lease.Properties!.KeySchema,
    AttributeDefinitions: lease.Properties!.AttributeDefinitions,
    BillingMode: lease.Properties!.BillingMode,
  })),
  database: mirror.databaseName,
  table: mirror.tableName,
  stateMachine: {
    name: machineId,
    arn: `arn:${partition}:states:${region}:${account}:stateMachine:${machineId}`,
    roleArn: render(machine.Properties!.RoleArn),
    definition: JSON.parse(render(machine.Properties!.DefinitionString)),
  },
  planFunction: {
    arn: physical(planId),
    asset: assetPath(plan.Properties!.Code.S3Key),
    handler: plan.Properties!.Handler,
    environment: plan.Properties!.Environment?.Variables ?? {},
  },
  assetManifest,
};
mkdirSync(outdir, { recursive: true });
writeFileSync(join(outdir, 'deployment.json'), JSON.stringify(deployment, null, 2));
