import type * as LocalStepFunctions from 'aws-local-stepfunctions' with { 'resolution-mode': 'import' };
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

/*
 * The package runs from CommonJS (its `require` export is a CommonJS build), but its only type
 * declarations sit in a `"type": "module"` package, so TypeScript takes them for an ES module that a
 * CommonJS file cannot import (TS1479). Its types are imported type-only (erased; `resolution-mode`
 * says they are an ES module's) and its value is required, which ts-jest and ts-node did anyway.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const localStepFunctions: typeof LocalStepFunctions = require('aws-local-stepfunctions');

export const StateMachine = localStepFunctions.StateMachine;
export type StateMachine = LocalStepFunctions.StateMachine;
/** A JSON value: what an execution takes as input (the package does not export its name for it). */
export type JsonValue = Parameters<StateMachine['run']>[0];
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
