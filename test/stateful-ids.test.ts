/**
 * CloudFormation replaces a resource whose logical id changes, and a resource whose name changes. For the
 * resources below that loses or orphans the user's data: the bucket (exports, the Iceberg files), the
 * Glue database (and the Iceberg table in it), the log groups, the run lease, the Athena workgroup (its
 * saved queries and query history, and the name users and tools query through); and with
 * `removalPolicy: DESTROY`, a replaced auto-delete custom resource empties the bucket when the old one is
 * deleted. Their logical ids, and the names derived from construct paths, are pinned here: a refactor
 * that moves or renames a construct on their path fails this test. Never update the values to make it
 * pass; keep the old construct ids (or pin the ids with `overrideLogicalId`) instead.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DynamoIcebergMirror, DynamoIcebergMirrorProps } from '../src';
import { everyProp, newStack, ordersTable } from './helpers';

/** The resource types that hold data or are named from construct paths. */
const STATEFUL_TYPES = [
  'AWS::S3::Bucket', 'AWS::Glue::Database', 'AWS::Logs::LogGroup', 'AWS::DynamoDB::Table',
  'AWS::StepFunctions::StateMachine', 'Custom::S3AutoDeleteObjects', 'AWS::Athena::WorkGroup',
];

/** `type logicalId [name]` of each stateful resource of the mirror (the test's own table left out). */
function statefulResources(props: (stack: Stack) => Partial<DynamoIcebergMirrorProps>): string[] {
  const stack = newStack();
  const table = ordersTable(stack);
  new DynamoIcebergMirror(stack, 'OrdersMirror', { table, ...props(stack) });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties?: any }>;
  const tableId = stack.getLogicalId(table.node.defaultChild as any);
  return Object.entries(resources)
    .filter(([id, resource]) => STATEFUL_TYPES.includes(resource.Type) && id !== tableId)
    .map(([id, { Type, Properties: p }]) => {
      const name = p?.DatabaseInput?.Name ?? p?.LogGroupName ?? p?.StateMachineName ?? p?.Name;
      return [Type, id, name].filter((part) => part !== undefined).join(' ');
    })
    .sort();
}

describe('logical ids and names of stateful resources', () => {
  test('GIVEN the defaults THEN they are the released ones', () => {
    expect(statefulResources(() => ({}))).toEqual([
      'AWS::DynamoDB::Table OrdersMirrorWorkflowRunLease65F15570',
      'AWS::Glue::Database OrdersMirrorStorageDatabase5B12A582 test_stack_orders_mirror_mirror_c8358faa',
      'AWS::Logs::LogGroup OrdersMirrorWorkflowLogs7FCC859B /aws/vendedlogs/states/TestStack-OrdersMirror-Workflow-E1352F5C',
      'AWS::Logs::LogGroup OrdersMirrorWorkflowPlanLogs5CA60C30',
      'AWS::S3::Bucket OrdersMirrorStorageBucket43A34ADE',
      'AWS::StepFunctions::StateMachine OrdersMirrorWorkflowStateMachineD36FB907 TestStack-OrdersMirror-Workflow-E1352F5C',
    ]);
  });

  test('GIVEN every prop (a KMS key, DESTROY, a workgroup) THEN the same ids, and the auto-delete custom resource\'s and the workgroup\'s are pinned too', () => {
    expect(statefulResources(everyProp)).toEqual([
      'AWS::Athena::WorkGroup OrdersMirrorAthenaWorkGroup1F5AF0EC TestStack-OrdersMirror-AthenaWorkGroup-99A06647',
      'AWS::DynamoDB::Table OrdersMirrorWorkflowRunLease65F15570',
      'AWS::Glue::Database OrdersMirrorStorageDatabase5B12A582 sales',
      'AWS::Logs::LogGroup OrdersMirrorWorkflowLogs7FCC859B /aws/vendedlogs/states/TestStack-OrdersMirror-Workflow-E1352F5C',
      'AWS::Logs::LogGroup OrdersMirrorWorkflowPlanLogs5CA60C30',
      'AWS::S3::Bucket OrdersMirrorStorageBucket43A34ADE',
      'AWS::StepFunctions::StateMachine OrdersMirrorWorkflowStateMachineD36FB907 TestStack-OrdersMirror-Workflow-E1352F5C',
      'Custom::S3AutoDeleteObjects OrdersMirrorStorageBucketAutoDeleteObjectsCustomResource1F3B68A8',
    ]);
  });
});
