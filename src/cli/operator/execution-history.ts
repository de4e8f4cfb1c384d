import { GetExecutionHistoryCommand, HistoryEvent } from '@aws-sdk/client-sfn';
import { OperatorClients } from './clients';

/** Every event of an execution's history after `afterId`, oldest first (all pages). */
export async function historyEvents(clients: Pick<OperatorClients, 'sfn'>, executionArn: string, afterId = 0): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await clients.sfn.send(new GetExecutionHistoryCommand({
      executionArn, nextToken, maxResults: 1000, includeExecutionData: true,
    }));
    events.push(...(page.events ?? []).filter((e) => (e.id ?? 0) > afterId));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}
