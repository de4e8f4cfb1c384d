import { randomBytes } from 'crypto';
import { DescribeExecutionCommand, HistoryEvent, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { OperatorClients } from './clients';
import { historyEvents } from './execution-history';
import { failureOf, StateEntered, statesEntered } from './history-events';
import { MirrorTarget } from './mirror-definition';

/** How an execution started by `run` ended. */
export interface RunResult {
  readonly executionArn: string;
  readonly name: string;
  readonly mode: string;
  /** SUCCEEDED, FAILED, TIMED_OUT or ABORTED. */
  readonly status: string;
  readonly states: string[];
  readonly failedState?: string;
  readonly error?: string;
  readonly cause?: string;
}

export interface FollowOptions {
  /** Milliseconds between two looks at the execution. */
  readonly pollMs: number;
  /** Called once per state entered, in order. */
  readonly progress: (state: StateEntered) => void;
}

/** An execution name that says who started it and when: `operator-20261130T071500Z-1a2b3c`. */
export function executionName(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `operator-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Starts an execution in the given mode and follows its history until it ends. */
export async function runMirror(clients: OperatorClients, mirror: MirrorTarget, mode: string, options: FollowOptions): Promise<RunResult> {
  const name = executionName(new Date());
  const { executionArn } = await clients.sfn.send(new StartExecutionCommand({
    stateMachineArn: mirror.stateMachineArn, name, input: JSON.stringify({ mode }),
  }));
  const events: HistoryEvent[] = [];
  for (;;) {
    // Described before the history is read: once it has ended, the history read after it is complete.
    const described = await clients.sfn.send(new DescribeExecutionCommand({ executionArn: executionArn! }));
    const fresh = await historyEvents(clients, executionArn!, events.at(-1)?.id ?? 0);
    events.push(...fresh);
    statesEntered(fresh).forEach(options.progress);
    if (described.status !== 'RUNNING' && described.status !== 'PENDING_REDRIVE') {
      const failure = described.status === 'SUCCEEDED' ? undefined : failureOf(events);
      return {
        executionArn: executionArn!,
        name,
        mode,
        status: described.status ?? 'UNKNOWN',
        states: statesEntered(events).map((s) => s.name),
        failedState: failure?.state,
        error: described.error ?? failure?.error,
        cause: described.cause ?? failure?.cause,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
}
