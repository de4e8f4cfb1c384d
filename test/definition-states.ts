/** Walks of a state machine definition (Amazon States Language, as JSON). */

/** Every state of a definition as [name, state], those inside Map and Parallel states included. */
export function allStates(definition: any): Array<[string, any]> {
  const found: Array<[string, any]> = [];
  const visit = (states: Record<string, any>) => {
    for (const [name, state] of Object.entries(states)) {
      found.push([name, state]);
      if (state.ItemProcessor) {
        visit(state.ItemProcessor.States);
      }
      for (const branch of state.Branches ?? []) {
        visit(branch.States);
      }
    }
  };
  visit(definition.States);
  return found;
}

/** The state of that name, wherever it is nested; throws when there is none. */
export function stateNamed(definition: any, name: string): any {
  const found = allStates(definition).find(([stateName]) => stateName === name);
  if (!found) {
    throw new Error(`no state named ${JSON.stringify(name)} in the definition`);
  }
  return found[1];
}
