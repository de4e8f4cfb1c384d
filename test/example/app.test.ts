import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { exampleApp, OrdersStack } from './app';

describe('example app', () => {
  test('GIVEN the README example WHEN synthesized THEN one mirror of a TableV2, cdk-nag clean', () => {
    // GIVEN / WHEN
    const app = exampleApp();
    const stack = app.node.findChild('OrdersMirrorExample') as OrdersStack;
    const template = Template.fromStack(stack);
    // THEN
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.resourceCountIs('AWS::EMRServerless::Application', 1);
    template.resourceCountIs('AWS::Athena::WorkGroup', 1);
    template.hasOutput('IcebergTable', { Value: 'orders_mirror_example_orders_mirror_mirror_' + stack.node.findChild('OrdersMirror').node.addr.slice(0, 8) + '.orders_mirror' });
    const errors = new AwsSolutionsChecks().validateScope(stack).violations
      .filter((v) => v.severity === 'error')
      // The analyst role is the app's own: reading an Iceberg table needs objects/* under the warehouse
      // prefix, and querying in the workgroup objects/* under its results prefix.
      .filter((v) => !(/\/(warehouse|athena-results)\/\*\]$/.test(v.ruleName) && v.violatingResources.every((r) => r.constructPath?.includes('/Analyst/') ?? false)));
    expect(errors).toEqual([]);
  });
});
