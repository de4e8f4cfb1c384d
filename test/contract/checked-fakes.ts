import { callOfResource, outputProblems } from './aws-models';
import { stateNamed } from '../definition-states';

/**
 * Fakes held to AWS's models: every answer a fake gives is checked against the output shape of the
 * operation it stands in for, and each mismatch is kept, so that a test can require none.
 */
export class AnswerChecker {
  public readonly problems: string[] = [];

  /** Task handlers of a definition's states, each answer checked against its state's AWS call (Lambda states are our own contract). */
  public taskHandlers(definition: any, handlers: Record<string, (input: any) => Promise<any>>): Record<string, (input: any) => Promise<any>> {
    return Object.fromEntries(Object.entries(handlers).map(([name, handler]) => {
      const call = callOfResource(stateNamed(definition, name).Resource);
      if (!call) {
        return [name, handler];
      }
      return [name, async (input: any) => {
        const answer = await handler(input);
        this.keep(`${name} (${call.operation})`, outputProblems(call.service, call.operation, answer));
        return answer;
      }];
    }));
  }

  /** An AWS SDK v3 client's `send` whose answers are checked (the SDK keeps the model's own casing). */
  public sdkSend(service: string, send: (command: any) => Promise<any>): (command: any) => Promise<any> {
    return async (command) => {
      const answer = await send(command);
      const operation = command.constructor.name.replace(/Command$/, '');
      this.keep(`${service} ${operation}`, outputProblems(service, operation, answer, { modelCase: true }));
      return answer;
    };
  }

  private keep(what: string, problems: string[]): void {
    this.problems.push(...problems.map((p) => `${what}: ${p}`));
  }
}
