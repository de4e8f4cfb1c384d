/** Walks of a state machine definition (Amazon States Language, as JSON). */

/** Every state of a definition as [name, state], those inside Map (ItemProcessor, or the older Iterator) and Parallel states included. */
export function allStates(definition: any): Array<[string, any]> {
  const found: Array<[string, any]> = [];
  const visit = (states: Record<string, any>) => {
    for (const [name, state] of Object.entries(states)) {
      found.push([name, state]);
      for (const inner of [state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])]) {
        if (inner?.States) {
          visit(inner.States);
        }
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
