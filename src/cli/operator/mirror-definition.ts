/** What the operator commands need to know of a mirror, read from its state machine's definition. */
export interface MirrorTarget {
  readonly stateMachineArn: string;
  readonly glueDatabase: string;
  readonly glueTable: string;
}

/** Every state of a definition, with those inside Parallel branches and Map item processors. */
function allStates(definition: any): any[] {
  const states = Object.values<any>(definition?.States ?? {});
  return states.flatMap((state) => [
    state,
    ...(state.Branches ?? []).flatMap(allStates),
    ...allStates(state.ItemProcessor ?? state.Iterator),
  ]);
}

/**
 * The Glue names of the mirror's Iceberg table, from the plan task's payload (its `config`): the one
 * place a deployed mirror records them, so that a state machine ARN is all an operator has to give.
 * Undefined for a state machine that is not a mirror.
 */
export function glueNamesOf(definition: any): { glueDatabase: string; glueTable: string } | undefined {
  for (const state of allStates(definition)) {
    // The plan task calls the function directly (payloadResponseOnly): its parameters are the payload.
    const config = state.Parameters?.config;
    if (typeof config?.glueDatabase === 'string' && typeof config?.glueTable === 'string') {
      return { glueDatabase: config.glueDatabase, glueTable: config.glueTable };
    }
  }
  return undefined;
}
