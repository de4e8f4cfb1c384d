import { App, Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { ColumnType, DynamoIcebergMirror, DynamoIcebergMirrorProps, ExportViewType, RebootstrapPolicy } from '../src';
import { PlanConfig } from '../src/workflow/plan';

/** A stack in a fixed account and region. */
export function newStack(): Stack {
  return new Stack(new App(), 'TestStack', { env: { account: '123456789012', region: 'eu-north-1' } });
}

/** A table with a partition and a sort key and point-in-time recovery on. */
export function ordersTable(stack: Stack, options: { pitr?: boolean; sortKey?: boolean } = {}): dynamodb.Table {
  return new dynamodb.Table(stack, 'Orders', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: options.sortKey === false ? undefined : { name: 'sk', type: dynamodb.AttributeType.STRING },
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: options.pitr ?? true },
  });
}

/** Every prop set (with the construct's own bucket and database). */
export function everyProp(stack: Stack): Partial<DynamoIcebergMirrorProps> {
  return {
    exportPrefix: 'ddb/exports',
    warehousePrefix: 'lake/warehouse',
    databaseName: 'sales',
    icebergTableName: 'orders',
    scheduleInterval: Duration.minutes(30),
    maxWindow: Duration.hours(6),
    exportViewType: ExportViewType.NEW_AND_OLD_IMAGES,
    releaseLabel: 'emr-7.13.0',
    maxVcpu: 32,
    maxMemory: Size.gibibytes(128),
    columnTypes: { price: ColumnType.decimal(2), note: ColumnType.NUMBER_AS_TEXT, payload: ColumnType.JSON },
    partitionBuckets: 16,
    maintenanceSchedule: scheduler.ScheduleExpression.cron({ hour: '3', minute: '0' }),
    verificationSchedule: scheduler.ScheduleExpression.cron({ weekDay: 'SUN', hour: '4', minute: '15' }),
    rebootstrapPolicy: RebootstrapPolicy.ALARM_AND_WAIT,
    encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
    athenaWorkGroup: true,
    exportRetention: Duration.days(14),
    freshnessThreshold: Duration.hours(4),
    removalPolicy: RemovalPolicy.DESTROY,
  };
}

/** A stack with one mirror of `ordersTable`, plus its template. */
export function mirrorStack(props: Partial<DynamoIcebergMirrorProps> = {}) {
  const stack = newStack();
  const table = ordersTable(stack);
  const mirror = new DynamoIcebergMirror(stack, 'OrdersMirror', { table, ...props });
  return { stack, table, mirror, template: Template.fromStack(stack) };
}

/** The state machine definition as a JSON object, with CloudFormation references rendered as `<Ref>`. */
export function definitionOf(template: Template): any {
  const machines = template.findResources('AWS::StepFunctions::StateMachine');
  const [machine] = Object.values(machines);
  const body = machine.Properties.DefinitionString;
  const render = (part: unknown): string => {
    if (typeof part === 'string') {
      return part;
    }
    const value = part as Record<string, any>;
    if (value.Ref) {
      return `<${value.Ref}>`;
    }
    if (value['Fn::GetAtt']) {
      return `<${value['Fn::GetAtt'].join('.')}>`;
    }
    if (value['Fn::Join']) {
      return value['Fn::Join'][1].map(render).join(value['Fn::Join'][0]);
    }
    return JSON.stringify(value);
  };
  return JSON.parse(render(body));
}

/** All IAM statements of a policy resource whose logical id contains `name`. */
export function statementsOf(template: Template, name: string): any[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.entries(policies)
    .filter(([id]) => id.includes(name))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);
}

export const TABLE_ARN = 'arn:aws:dynamodb:eu-north-1:123456789012:table/orders';

/** The planning settings shared by the plan tests and the plan handler tests. */
export const PLAN_CONFIG: PlanConfig = {
  tableArn: TABLE_ARN,
  exportViewType: 'NEW_IMAGE',
  minWindowSeconds: 900,
  maxWindowSeconds: 86400,
  safetyLagSeconds: 300,
  maxWindowsPerRun: 10,
  rebootstrap: 'AUTOMATIC',
};
