import { Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { PLAN_ACTIONS } from '../../src/workflow/plan';
import { planChoice, PlanRoutes } from '../../src/workflow/plan-routes';
import { stateNamed } from '../definition-states';
import { definitionOf, mirrorStack } from '../helpers';

/** The actions a Choice rule matches: `Variable == value`, alone or in an `Or`. */
function actionsOf(rule: any): string[] {
  const conditions = rule.Or ?? [rule];
  return conditions.map((condition: any) => {
    expect(condition).toEqual(expect.objectContaining({ Variable: '$.plan.action', StringEquals: expect.any(String) }));
    return condition.StringEquals;
  });
}

/** Each rule of a Choice state as [actions, next state]. */
function rulesOf(choice: any): Array<[string[], string]> {
  return choice.Choices.map((rule: any) => [actionsOf(rule), rule.Next]);
}

describe('plan routes', () => {
  test('actions routed to one state share a rule; actions routed to `otherwise` get none', () => {
    const stack = new Stack();
    const state = (name: string): sfn.IChainable => new sfn.Pass(stack, name);
    const [first, second, otherwise] = [state('first'), state('second'), state('otherwise')];
    // Object.fromEntries types its keys as any string: the map over PLAN_ACTIONS names each action.
    const routes = Object.fromEntries(PLAN_ACTIONS.map((action) => [action, otherwise])) as PlanRoutes;
    const choice = planChoice(stack, 'Route', { ...routes, APPLY: first, BOOTSTRAP: second, REBOOTSTRAP: second }, otherwise);
    const json = choice.toStateJson() as any;
    // BOOTSTRAP comes first in PLAN_ACTIONS: its rule does too.
    expect(rulesOf(json)).toEqual([[['BOOTSTRAP', 'REBOOTSTRAP'], 'second'], [['APPLY'], 'first']]);
    expect(json.Default).toBe('otherwise');
  });

  describe('in the mirror\'s definition', () => {
    const definition = definitionOf(mirrorStack().template);

    test('a run routes every action it can plan to a state of its own; only CANNOT_VERIFY (a verification export\'s) is an unknown plan', () => {
      const route = stateNamed(definition, 'What does the plan say?');
      const routed = rulesOf(route).flatMap(([actions]) => actions);
      expect([...routed].sort()).toEqual(PLAN_ACTIONS.filter((action) => action !== 'CANNOT_VERIFY').sort());
      expect(rulesOf(route).map(([, next]) => next)).not.toContain('Unknown plan');
      expect(route.Default).toBe('Unknown plan');
    });

    test('a verification export goes on for VERIFY, ends for NOTHING_TO_VERIFY, and fails for anything else', () => {
      const route = stateNamed(definition, 'Can the table be verified?');
      expect(rulesOf(route)).toEqual([[['VERIFY'], 'Verification export: prepare'], [['NOTHING_TO_VERIFY'], 'Nothing to verify']]);
      expect(route.Default).toBe('Verification not possible');
    });
  });
});
