/**
 * The example app of the README: an orders table mirrored into Iceberg, and an analyst role that may
 * query it in the mirror's Athena workgroup. `npx projen example:cfn-lint` synthesizes it and checks it with cfn-lint.
 */
import { App, CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DynamoIcebergMirror } from '../../src';

export class OrdersStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const ordersTable = new dynamodb.TableV2(this, 'Orders', {
      partitionKey: { name: 'customerId', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'orderId', type: dynamodb.AttributeType.STRING },
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });

    // The one line: a self-driving Iceberg mirror of the table, with an Athena workgroup to query it in.
    const mirror = new DynamoIcebergMirror(this, 'OrdersMirror', { table: ordersTable, athenaWorkGroup: true });

    const analyst = new iam.Role(this, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
    mirror.grantRead(analyst);

    new CfnOutput(this, 'IcebergTable', { value: `${mirror.databaseName}.${mirror.tableName}` });
    new CfnOutput(this, 'StateMachine', { value: mirror.stateMachine.stateMachineArn });
    new CfnOutput(this, 'Bucket', { value: mirror.bucket.bucketName });
    new CfnOutput(this, 'WorkGroup', { value: mirror.workGroup!.name });
  }
}

/** Builds the example app; the output folder comes from CDK_OUTDIR when set. */
export function exampleApp(): App {
  const app = new App();
  new OrdersStack(app, 'OrdersMirrorExample', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT ?? '123456789012', region: process.env.CDK_DEFAULT_REGION ?? 'eu-north-1' },
  });
  return app;
}

if (require.main === module) {
  exampleApp().synth();
}
