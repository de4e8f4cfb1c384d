// The SDK's middleware types (every AWS SDK client depends on them), imported for types only.
import type { MiddlewareStack } from '@smithy/types';
import { createClients, OperatorClients } from '../../../src/cli/operator/clients';
import { inputProblems } from '../../contract/aws-models';
import { motoClientConfig, MotoServer } from '../../moto-server';

/** botocore's name for the service behind each operator client. */
const SERVICES: Record<keyof OperatorClients, string> = {
  sfn: 'stepfunctions',
  cloudformation: 'cloudformation',
  emr: 'emr-serverless',
  glue: 'glue',
  s3: 's3',
};

/** Every request the operator clients sent, and what in them AWS's model does not accept. */
export interface RequestLog {
  readonly calls: string[];
  readonly problems: string[];
}

/**
 * The operator's real clients, pointed at moto, each request checked against AWS's model of its
 * operation (test/contract/aws-models.ts) before it is sent: moto accepts some requests AWS refuses.
 */
export function modelCheckedClients(server: MotoServer): { clients: OperatorClients; log: RequestLog } {
  const { endpoint, region, credentials } = motoClientConfig(server);
  const clients = createClients({ endpoint, region, credentials });
  const log = { calls: [] as string[], problems: [] as string[] };
  for (const [key, service] of Object.entries(SERVICES)) {
    clients[key as keyof OperatorClients].middlewareStack.use(requestChecker(service, log));
  }
  return { clients, log };
}

/**
 * A plugin generic over the client's own request and answer types, so one plugin fits every client
 * (the clients' stacks differ in type: `add` on a union of them is a union of overloads, not callable).
 */
function requestChecker(service: string, log: RequestLog) {
  return {
    applyToStack: <Input extends object, Output extends object>(stack: MiddlewareStack<Input, Output>) => {
      stack.add((next, context) => async (args) => {
        const operation = context.commandName!.replace(/Command$/, '');
        log.calls.push(`${service} ${operation}`);
        // The SDK's input as it would go on the wire: members left undefined are not sent.
        const input = JSON.parse(JSON.stringify(args.input));
        log.problems.push(...inputProblems(service, operation, input, { modelCase: true }).map((p) => `${service} ${p}`));
        return next(args);
      }, { step: 'initialize', name: 'checkAgainstAwsModel' });
    },
  };
}
