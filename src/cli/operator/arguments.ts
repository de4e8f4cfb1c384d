/** The run modes the state machine's input accepts (`{"mode": ...}`), by their command-line names. */
export const RUN_MODES: Record<string, string> = { mirror: 'MIRROR', maintain: 'MAINTAIN', verify: 'VERIFY' };

/** A parsed operator command line. */
export interface OperatorArguments {
  readonly stack?: string;
  readonly stateMachine?: string;
  /** The state machine's input mode (`MIRROR`, `MAINTAIN`, `VERIFY`). */
  readonly mode: string;
  readonly json: boolean;
  readonly region?: string;
}

/** Raised for a command line that cannot be run; the message says why. */
export class UsageError extends Error {}

const VALUE_OPTIONS = new Set(['--stack', '--state-machine', '--mode', '--region']);

export function parseOperatorArguments(command: 'status' | 'run', args: string[]): OperatorArguments {
  const values = new Map<string, string>();
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--json') {
      json = true;
    } else if (VALUE_OPTIONS.has(arg)) {
      const value = args[++i];
      if (value === undefined || value.startsWith('--')) {
        throw new UsageError(`${arg} needs a value`);
      }
      values.set(arg, value);
    } else {
      throw new UsageError(`unknown argument ${arg} for ${command}`);
    }
  }
  const stack = values.get('--stack');
  const stateMachine = values.get('--state-machine');
  if ((stack === undefined) === (stateMachine === undefined)) {
    throw new UsageError(`${command} needs exactly one of --stack NAME or --state-machine ARN`);
  }
  const modeName = values.get('--mode') ?? 'mirror';
  if (command === 'status' && values.has('--mode')) {
    throw new UsageError('--mode is for run only');
  }
  const mode = RUN_MODES[modeName];
  if (!mode) {
    throw new UsageError(`--mode must be one of ${Object.keys(RUN_MODES).join(', ')}, got ${modeName}`);
  }
  return { stack, stateMachine, mode, json, region: values.get('--region') };
}
