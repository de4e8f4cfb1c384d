/**
 * Every AWS call a state machine definition makes, checked against AWS's models: what each Task sends
 * (Parameters), what it reads of the answer (ResultSelector, or OutputPath when nothing selects), and
 * which errors it retries or catches.
 */
import { callOfResource, errorProblems, inputProblems, outputPathProblems, TaskCall } from './aws-models';
import { allStates } from '../definition-states';

/** The Task states that call AWS, with the call each stands for (Lambda invocations are left out: our own contract). */
export function awsTasks(definition: any): Array<[string, any, TaskCall]> {
  return allStates(definition)
    .filter(([, state]) => state.Type === 'Task')
    .map(([name, state]) => [name, state, callOfResource(state.Resource)] as [string, any, TaskCall | undefined])
    .filter((entry): entry is [string, any, TaskCall] => entry[2] !== undefined);
}

/** The `.$` values of a ResultSelector (nested objects included). */
function selectedPaths(selector: unknown): string[] {
  if (!selector || typeof selector !== 'object') {
    return [];
  }
  return Object.entries(selector).flatMap(([key, value]) =>
    key.endsWith('.$') && typeof value === 'string' ? [value] : selectedPaths(value));
}

/** Problems of one Task state, each prefixed with the state's name. */
export function taskProblems(name: string, state: any, call: TaskCall): string[] {
  const { service, operation } = call;
  const problems = [
    ...inputProblems(service, operation, state.Parameters ?? {}, { renderedReferences: true }),
    ...selectedPaths(state.ResultSelector).flatMap((path) => outputPathProblems(service, operation, path)),
    // OutputPath reads the raw answer only when nothing selects from it and ResultPath keeps it whole.
    ...(state.OutputPath && !state.ResultSelector && (state.ResultPath ?? '$') === '$'
      ? outputPathProblems(service, operation, state.OutputPath) : []),
    ...[...(state.Retry ?? []), ...(state.Catch ?? [])]
      .flatMap((rule: any) => rule.ErrorEquals as string[])
      .flatMap((error) => errorProblems(service, operation, error)),
  ];
  return problems.map((p) => `${name}: ${p}`);
}

/** Problems of every AWS call in a definition. */
export function definitionProblems(definition: any): string[] {
  return awsTasks(definition).flatMap(([name, state, call]) => taskProblems(name, state, call));
}
