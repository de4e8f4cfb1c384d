import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { LEASE_HOLDER_ATTRIBUTE, LEASE_KEY, LEASE_KEY_ATTRIBUTE } from './lease-item';
import { RunLeaseFact } from './plan';

/**
 * The run lease: one item in a small DynamoDB table, taken with a conditional write by each execution
 * before it plans, and deleted by the state machine when the execution ends (only by its holder).
 * `states:ListExecutions` is eventually consistent, so two executions started together could both see
 * "no other run"; a conditional write cannot be won twice.
 *
 * A holder that ended without deleting the item (timed out, aborted, or its release call failed) is
 * taken over once DescribeExecution shows it ended, or once it is older than the state machine's
 * timeout. A stale read of DescribeExecution can only show a running execution as RUNNING or not yet
 * visible, never as ended, so no take-over ever steals a live lease.
 */

/** The AWS calls the lease makes. */
export interface LeaseClients {
  readonly dynamodb: Pick<DynamoDBClient, 'send'>;
  readonly sfn: Pick<SFNClient, 'send'>;
}

/** The execution asking for the lease. */
export interface LeaseClaim {
  readonly tableName: string;
  /** `$$.Execution.Id` */
  readonly executionArn: string;
  /** `$$.Execution.StartTime` */
  readonly startTime: Date;
  readonly mode: string;
  /** A holder older than this has ended whatever DescribeExecution says (the state machine's timeout). */
  readonly staleAfterSeconds: number;
}

/** Who holds the lease after a claim. */
export interface LeaseOutcome extends RunLeaseFact {
  /** The ended execution whose lease this claim took over, if any. */
  readonly tookOverFrom?: string;
}

interface Holder {
  readonly holder: string;
  readonly since: string;
}

const ENDED = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

async function put(clients: LeaseClients, claim: LeaseClaim, condition: { expression: string; holder: string }): Promise<boolean> {
  try {
    await clients.dynamodb.send(new PutItemCommand({
      TableName: claim.tableName,
      Item: {
        [LEASE_KEY_ATTRIBUTE]: { S: LEASE_KEY },
        [LEASE_HOLDER_ATTRIBUTE]: { S: claim.executionArn },
        since: { S: claim.startTime.toISOString() },
        mode: { S: claim.mode },
      },
      ConditionExpression: condition.expression,
      ExpressionAttributeNames: { '#holder': LEASE_HOLDER_ATTRIBUTE },
      ExpressionAttributeValues: { ':holder': { S: condition.holder } },
    }));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === 'ConditionalCheckFailedException') {
      return false;
    }
    throw error;
  }
}

async function currentHolder(clients: LeaseClients, tableName: string): Promise<Holder | undefined> {
  const result = await clients.dynamodb.send(new GetItemCommand({
    TableName: tableName,
    Key: { [LEASE_KEY_ATTRIBUTE]: { S: LEASE_KEY } },
    ConsistentRead: true,
  }));
  const holder = result.Item?.[LEASE_HOLDER_ATTRIBUTE]?.S;
  return holder ? { holder, since: result.Item?.since?.S ?? '' } : undefined;
}

async function holderEnded(clients: LeaseClients, claim: LeaseClaim, current: Holder): Promise<boolean> {
  const since = Date.parse(current.since);
  if (!Number.isNaN(since) && claim.startTime.getTime() - since > claim.staleAfterSeconds * 1000) {
    return true;
  }
  try {
    const execution = await clients.sfn.send(new DescribeExecutionCommand({ executionArn: current.holder }));
    return ENDED.has(execution.status ?? '');
  } catch (error) {
    if ((error as { name?: string }).name === 'ExecutionDoesNotExist') {
      // Possibly not visible yet: only age can end such a holder.
      return false;
    }
    throw error;
  }
}

/** Takes the run lease for this execution, or says who holds it. Idempotent for the same execution. */
export async function claimRunLease(clients: LeaseClients, claim: LeaseClaim): Promise<LeaseOutcome> {
  const mine = { acquired: true, holder: claim.executionArn, since: claim.startTime.toISOString() };
  // A few rounds at most: each lost round means another execution just took or released the lease.
  for (let round = 0; round < 3; round++) {
    if (await put(clients, claim, { expression: `attribute_not_exists(${LEASE_KEY_ATTRIBUTE}) OR #holder = :holder`, holder: claim.executionArn })) {
      return mine;
    }
    const current = await currentHolder(clients, claim.tableName);
    if (current === undefined) {
      continue;
    }
    if (!await holderEnded(clients, claim, current)) {
      return { acquired: false, ...current };
    }
    if (await put(clients, claim, { expression: '#holder = :holder', holder: current.holder })) {
      return { ...mine, tookOverFrom: current.holder };
    }
  }
  const current = await currentHolder(clients, claim.tableName);
  return { acquired: false, holder: current?.holder ?? '(unknown)', since: current?.since ?? '' };
}
