import { allStates } from './definition-states';

/**
 * The local Step Functions interpreter, ready for Node 20: aws-local-stepfunctions 3 calls
 * Promise.withResolvers (Node >= 22), added here when missing.
 */
if (typeof (Promise as any).withResolvers !== 'function') {
  (Promise as any).withResolvers = function withResolvers<T>() {
    let resolve!: (value: T) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}

export { StateMachine } from 'aws-local-stepfunctions';
export { allStates };

/** Run options that make every Wait state and every retry interval take no time. */
export function withoutDelays(definition: any) {
  const zero = (names: string[]) => Object.fromEntries(names.map((name) => [name, 0]));
  const states = allStates(definition);
  return {
    waitTimeOverrides: zero(states.filter(([, s]) => s.Type === 'Wait').map(([name]) => name)),
    retryIntervalOverrides: zero(states.filter(([, s]) => s.Retry).map(([name]) => name)),
  };
}
