import { DeleteItemCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { LEASE_KEY, LEASE_KEY_ATTRIBUTE } from '../../src/workflow/lease-item';

/**
 * The run lease's table in memory, for tests that need a lease but test something else. It evaluates
 * the condition expressions the lease uses (`attribute_not_exists(a)`, `#n = :v`, joined by OR); their
 * real semantics are checked against moto's DynamoDB in test/workflow/run-lease.test.ts.
 */
export class FakeLeaseTable {
  public item?: Record<string, { S: string }>;

  /** Answers PutItem, GetItem and DeleteItem commands, or the same calls' inputs; undefined for any other command. */
  public answer(command: unknown): object | undefined {
    if (command instanceof PutItemCommand) {
      this.put(command.input);
      return {};
    }
    if (command instanceof GetItemCommand) {
      return this.item ? { Item: this.item } : {};
    }
    if (command instanceof DeleteItemCommand) {
      this.delete(command.input);
      return {};
    }
    return undefined;
  }

  public put(input: any): void {
    this.check(input);
    this.item = input.Item;
  }

  public delete(input: any): void {
    if (input.Key?.[LEASE_KEY_ATTRIBUTE]?.S !== LEASE_KEY) {
      throw new Error(`unexpected key ${JSON.stringify(input.Key)}`);
    }
    this.check(input);
    this.item = undefined;
  }

  private check(input: any): void {
    const holds = (term: string): boolean => {
      const notExists = /^attribute_not_exists\((\w+)\)$/.exec(term);
      if (notExists) {
        return this.item?.[notExists[1]] === undefined;
      }
      const equals = /^(#\w+) = (:\w+)$/.exec(term);
      if (equals) {
        const name = input.ExpressionAttributeNames[equals[1]];
        return this.item !== undefined && this.item[name]?.S === input.ExpressionAttributeValues[equals[2]].S;
      }
      throw new Error(`the fake cannot evaluate ${JSON.stringify(term)}`);
    };
    const condition: string | undefined = input.ConditionExpression;
    if (condition && !condition.split(' OR ').some(holds)) {
      throw Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
    }
  }
}
