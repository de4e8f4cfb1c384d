import { OperatorArguments, parseOperatorArguments, UsageError } from './arguments';
import { createClients, OperatorClients } from './clients';
import { formatTime } from './format';
import { resolveMirror } from './resolve-mirror';
import { runMirror, RunResult } from './run';
import { mirrorStatus } from './status';
import { statusText } from './status-text';

export const OPERATOR_USAGE = `Operator commands (a deployed mirror; AWS credentials and region as for the AWS CLI):
  dynamo-iceberg-mirror status (--stack NAME | --state-machine ARN) [--region REGION] [--json]
  dynamo-iceberg-mirror run (--stack NAME | --state-machine ARN) [--mode mirror|maintain|verify] [--region REGION] [--json]
Exit status: 0 done (run: the execution succeeded), 1 failed (run: the execution did not succeed), 2 usage.`;

/** Where the commands write, and what they talk to: replaceable in tests. */
export interface OperatorIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Built from the command line (`--region`) when absent. */
  readonly clients?: OperatorClients;
  readonly now?: () => Date;
  /** Milliseconds between two looks at a running execution. */
  readonly pollMs?: number;
}

const CONSOLE: OperatorIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

const DEFAULT_POLL_MS = 5_000;

/** Runs `status` or `run`; returns the exit status. */
export async function operatorMain(command: 'status' | 'run', args: string[], io: OperatorIo = CONSOLE): Promise<number> {
  let parsed: OperatorArguments;
  try {
    parsed = parseOperatorArguments(command, args);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}\n\n${OPERATOR_USAGE}`);
      return 2;
    }
    throw error;
  }
  const clients = io.clients ?? createClients({ region: parsed.region });
  try {
    const mirror = await resolveMirror(clients, parsed);
    if (command === 'status') {
      const report = await mirrorStatus(clients, mirror, (io.now ?? (() => new Date()))());
      (parsed.json ? [JSON.stringify(report, null, 2)] : statusText(report)).forEach(io.out);
      return 0;
    }
    // With --json, stdout holds only the final JSON document; progress goes to stderr.
    const progress = parsed.json ? io.err : io.out;
    progress(`starting a ${parsed.mode} run of ${mirror.glueDatabase}.${mirror.glueTable} (${mirror.stateMachineArn})`);
    const result = await runMirror(clients, mirror, parsed.mode, {
      pollMs: io.pollMs ?? DEFAULT_POLL_MS,
      progress: (state) => progress(`  ${formatTime(state.timestamp?.toISOString())}  ${state.name}`),
    });
    if (parsed.json) {
      io.out(JSON.stringify(result, null, 2));
    } else {
      runOutcome(result).forEach(io.out);
    }
    return result.status === 'SUCCEEDED' ? 0 : 1;
  } catch (error) {
    const e = error as Error;
    io.err(`error: ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}`);
    return 1;
  }
}

/** The last lines of a run: how it ended, then the execution (for the console or `aws stepfunctions`). */
function runOutcome(result: RunResult): string[] {
  const where = result.failedState ? ` in state '${result.failedState}'` : '';
  const why = [result.error, result.cause].filter((part) => part).join(': ');
  const outcome = result.status === 'SUCCEEDED' ? 'SUCCEEDED' : `${result.status}${where}${why ? `: ${why}` : ''}`;
  return [outcome, `execution: ${result.executionArn}`];
}
