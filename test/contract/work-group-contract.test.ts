/**
 * The Athena workgroup's CloudFormation properties against Athena's own API model (botocore's): the
 * resource's properties are CreateWorkGroup's input (`WorkGroupConfiguration` is its `Configuration`)
 * plus DeleteWorkGroup's `RecursiveDeleteOption`, so member names, enums, patterns and lengths are
 * checked where cfn-lint (run on the example app) only knows the resource schema.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { DynamoIcebergMirror } from '../../src';
import { everyProp, newStack, ordersTable } from '../helpers';
import { inputProblems } from './aws-models';
import { CfnResource, resolveIntrinsics } from './cfn-resolver';

/** The workgroup of a mirror with every prop set (a KMS key, DESTROY), its intrinsics resolved. */
function workGroupProperties(): Record<string, any> {
  const stack = newStack();
  new DynamoIcebergMirror(stack, 'OrdersMirror', { table: ordersTable(stack), ...everyProp(stack) });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, CfnResource>;
  const workGroups = Object.values(resources).filter((r) => r.Type === 'AWS::Athena::WorkGroup');
  expect(workGroups).toHaveLength(1);
  return resolveIntrinsics(workGroups[0].Properties, resources);
}

describe('Athena workgroup against the Athena API model', () => {
  const properties = workGroupProperties();

  test('every property is one this test maps to an API member', () => {
    expect(Object.keys(properties).sort()).toEqual(['Description', 'Name', 'RecursiveDeleteOption', 'WorkGroupConfiguration']);
  });

  test('CreateWorkGroup takes the name, the description and the configuration', () => {
    const { Name, Description, WorkGroupConfiguration } = properties;
    expect(inputProblems('athena', 'CreateWorkGroup', { Name, Description, Configuration: WorkGroupConfiguration })).toEqual([]);
  });

  test('DeleteWorkGroup takes the recursive delete option', () => {
    const { Name, RecursiveDeleteOption } = properties;
    expect(inputProblems('athena', 'DeleteWorkGroup', { WorkGroup: Name, RecursiveDeleteOption })).toEqual([]);
  });

  test('the results location and key are real ones (the check above saw values, not references)', () => {
    expect(properties.WorkGroupConfiguration.ResultConfiguration).toEqual({
      OutputLocation: expect.stringMatching(/^s3:\/\/[a-z0-9.-]+\/athena-results\/$/),
      EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: expect.stringMatching(/^arn:aws:kms:eu-north-1:123456789012:key\//) },
    });
  });
});
