import { ListStackResourcesCommand, StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { OperatorClients } from './clients';
import { glueNamesOf, MirrorTarget } from './mirror-definition';

/** The physical ids (ARNs) of the stack's state machines. */
export async function stateMachinesOfStack(clients: Pick<OperatorClients, 'cloudformation'>, stackName: string): Promise<string[]> {
  const resources: StackResourceSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await clients.cloudformation.send(new ListStackResourcesCommand({ StackName: stackName, NextToken: nextToken }));
    resources.push(...(page.StackResourceSummaries ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return resources
    .filter((r) => r.ResourceType === 'AWS::StepFunctions::StateMachine' && r.PhysicalResourceId)
    .map((r) => r.PhysicalResourceId!);
}

/** The mirror a state machine drives, or undefined when its definition is not a mirror's. */
export async function mirrorOfStateMachine(clients: Pick<OperatorClients, 'sfn'>, stateMachineArn: string): Promise<MirrorTarget | undefined> {
  const described = await clients.sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
  const names = glueNamesOf(JSON.parse(described.definition ?? '{}'));
  return names && { stateMachineArn, ...names };
}

/** The mirror named on the command line: a state machine ARN, or the one mirror of a CloudFormation stack. */
export async function resolveMirror(clients: OperatorClients, target: { stack?: string; stateMachine?: string }): Promise<MirrorTarget> {
  if (target.stateMachine) {
    const mirror = await mirrorOfStateMachine(clients, target.stateMachine);
    if (!mirror) {
      throw new Error(`${target.stateMachine} is not a dynamo-iceberg-mirror state machine (its definition has no plan step)`);
    }
    return mirror;
  }
  const machines = await stateMachinesOfStack(clients, target.stack!);
  const mirrors = (await Promise.all(machines.map((arn) => mirrorOfStateMachine(clients, arn))))
    .filter((m): m is MirrorTarget => m !== undefined);
  if (mirrors.length === 0) {
    throw new Error(`stack ${target.stack} has no dynamo-iceberg-mirror state machine`);
  }
  if (mirrors.length > 1) {
    throw new Error(`stack ${target.stack} has ${mirrors.length} mirrors: name one with --state-machine `
      + `(${mirrors.map((m) => m.stateMachineArn).join(', ')})`);
  }
  return mirrors[0];
}
