import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { PlanAction } from './plan';

/** Where the plan Lambda's result puts the action in the state's input. */
const PLAN_ACTION_PATH = '$.plan.action';

/**
 * The state each plan action leads to. Every action must be named: a new action without a state is
 * a compile error, not a run that ends in the choice's `otherwise`.
 */
export type PlanRoutes = Record<PlanAction, sfn.IChainable>;

/**
 * A Choice on the plan's action. An action routed to `otherwise` gets no rule of its own (it ends
 * there anyway); actions routed to the same state share one rule, in the order they are first named.
 */
export function planChoice(scope: Construct, id: string, routes: PlanRoutes, otherwise: sfn.IChainable): sfn.Choice {
  const actionsByState = new Map<sfn.IChainable, PlanAction[]>();
  for (const [action, state] of Object.entries(routes) as Array<[PlanAction, sfn.IChainable]>) {
    if (state !== otherwise) {
      actionsByState.set(state, [...actionsByState.get(state) ?? [], action]);
    }
  }
  const choice = new sfn.Choice(scope, id);
  for (const [state, actions] of actionsByState) {
    const conditions = actions.map((action) => sfn.Condition.stringEquals(PLAN_ACTION_PATH, action));
    choice.when(conditions.length === 1 ? conditions[0] : sfn.Condition.or(...conditions), state);
  }
  return choice.otherwise(otherwise);
}
