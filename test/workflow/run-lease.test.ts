/**
 * The run lease against moto's DynamoDB and Step Functions, served over HTTP: conditional writes and
 * execution states evaluated by the emulator, not by the test.
 */
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateStateMachineCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { Template } from 'aws-cdk-lib/assertions';
import { LEASE_KEY_ATTRIBUTE } from '../../src/workflow/lease-item';
import { claimRunLease, LeaseClaim } from '../../src/workflow/run-lease';
import { definitionOf, mirrorStack } from '../helpers';
import { allStates } from '../local-stepfunctions';
import { MotoServer, motoClientConfig, startMoto } from '../moto-server';

jest.setTimeout(60_000);

let moto: MotoServer;
let dynamodb: DynamoDBClient;
let sfn: SFNClient;
let stateMachineArn: string;
let tableCount = 0;

beforeAll(async () => {
  moto = await startMoto();
  dynamodb = new DynamoDBClient(motoClientConfig(moto));
  sfn = new SFNClient(motoClientConfig(moto));
  const machine = await sfn.send(new CreateStateMachineCommand({
    name: 'mirror',
    definition: JSON.stringify({ StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 3600, End: true } } }),
    roleArn: 'arn:aws:iam::123456789012:role/mirror',
  }));
  stateMachineArn = machine.stateMachineArn!;
});

afterAll(async () => {
  dynamodb?.destroy();
  sfn?.destroy();
  await moto?.stop();
});

/** A fresh lease table, shaped as the construct creates it. */
async function leaseTable(): Promise<string> {
  const { template } = mirrorStack();
  const [table] = Object.values(template.findResources('AWS::DynamoDB::Table', {
    Properties: { KeySchema: [{ AttributeName: LEASE_KEY_ATTRIBUTE, KeyType: 'HASH' }] },
  }));
  const name = `lease-${++tableCount}`;
  await dynamodb.send(new CreateTableCommand({
    TableName: name,
    KeySchema: table.Properties.KeySchema,
    AttributeDefinitions: table.Properties.AttributeDefinitions,
    BillingMode: table.Properties.BillingMode,
  }));
  return name;
}

async function startExecution(name: string): Promise<string> {
  const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: `${name}-${tableCount}`, input: '{}' }));
  return started.executionArn!;
}

function claim(tableName: string, executionArn: string, startTime = new Date()): LeaseClaim {
  return { tableName, executionArn, startTime, mode: 'MIRROR', staleAfterSeconds: 86400 };
}

async function holderOf(tableName: string): Promise<string | undefined> {
  const item = await dynamodb.send(new GetItemCommand({ TableName: tableName, Key: { lease: { S: 'run' } }, ConsistentRead: true }));
  return item.Item?.holder?.S;
}

/** The state machine's release step, with the Parameters of the synthesized definition, for one execution. */
async function release(tableName: string, executionArn: string): Promise<void> {
  const definition = definitionOf(mirrorStack().template as Template);
  const [, state] = allStates(definition).find(([name]) => name === 'Release the run lease')!;
  expect(state.Resource).toMatch(/:states:::aws-sdk:dynamodb:deleteItem$/);
  const parameters = JSON.parse(JSON.stringify(state.Parameters).replace('"S.$":"$$.Execution.Id"', `"S":${JSON.stringify(executionArn)}`));
  await dynamodb.send(new DeleteItemCommand({ ...parameters, TableName: tableName }));
}

describe('run lease on moto', () => {
  test('GIVEN no lease WHEN two executions claim it at once THEN exactly one gets it and the other is told who', async () => {
    // GIVEN
    const table = await leaseTable();
    const [a, b] = [await startExecution('a'), await startExecution('b')];
    // WHEN
    const outcomes = await Promise.all([claimRunLease({ dynamodb, sfn }, claim(table, a)), claimRunLease({ dynamodb, sfn }, claim(table, b))]);
    // THEN
    expect(outcomes.filter((o) => o.acquired)).toHaveLength(1);
    const winner = outcomes.find((o) => o.acquired)!.holder;
    const loser = outcomes.find((o) => !o.acquired)!;
    expect(loser.holder).toBe(winner);
    expect(await holderOf(table)).toBe(winner);
  });

  test('GIVEN the lease WHEN its holder claims again (a retried plan) THEN it still holds it', async () => {
    const table = await leaseTable();
    const a = await startExecution('a');
    await claimRunLease({ dynamodb, sfn }, claim(table, a));
    await expect(claimRunLease({ dynamodb, sfn }, claim(table, a))).resolves.toMatchObject({ acquired: true, holder: a });
  });

  test('GIVEN a holder stopped without releasing WHEN another execution claims THEN it takes the lease over', async () => {
    const table = await leaseTable();
    const [a, b] = [await startExecution('a'), await startExecution('b')];
    await claimRunLease({ dynamodb, sfn }, claim(table, a));
    await sfn.send(new StopExecutionCommand({ executionArn: a }));
    await expect(claimRunLease({ dynamodb, sfn }, claim(table, b))).resolves.toMatchObject({ acquired: true, holder: b, tookOverFrom: a });
    expect(await holderOf(table)).toBe(b);
  });

  test('GIVEN a holder that Step Functions does not list yet (eventual consistency) WHEN another claims THEN the lease stays with it', async () => {
    // GIVEN a lease held by an execution that DescribeExecution cannot see (as just after it started)
    const table = await leaseTable();
    const unseen = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:not-visible-yet`;
    await claimRunLease({ dynamodb, sfn }, claim(table, unseen));
    const b = await startExecution('b');
    // WHEN / THEN
    await expect(claimRunLease({ dynamodb, sfn }, claim(table, b))).resolves.toMatchObject({ acquired: false, holder: unseen });
  });

  test('GIVEN a running holder older than the run timeout WHEN another claims THEN it takes the lease over', async () => {
    const table = await leaseTable();
    const [a, b] = [await startExecution('a'), await startExecution('b')];
    await claimRunLease({ dynamodb, sfn }, claim(table, a, new Date(Date.now() - 86_401_000)));
    await expect(claimRunLease({ dynamodb, sfn }, claim(table, b))).resolves.toMatchObject({ acquired: true, tookOverFrom: a });
  });

  test('GIVEN the lease WHEN the state machine releases it for its holder THEN it is gone, and another execution may take it', async () => {
    const table = await leaseTable();
    const [a, b] = [await startExecution('a'), await startExecution('b')];
    await claimRunLease({ dynamodb, sfn }, claim(table, a));
    await release(table, a);
    expect(await holderOf(table)).toBeUndefined();
    await expect(claimRunLease({ dynamodb, sfn }, claim(table, b))).resolves.toMatchObject({ acquired: true, holder: b });
  });

  test('GIVEN the lease held by another WHEN the state machine releases it for this execution THEN the delete is refused and the lease stays', async () => {
    const table = await leaseTable();
    const [a, b] = [await startExecution('a'), await startExecution('b')];
    await claimRunLease({ dynamodb, sfn }, claim(table, a));
    await expect(release(table, b)).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    expect(await holderOf(table)).toBe(a);
  });
});
