import { Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { IConstruct } from 'constructs';
import { KEY_TYPES } from './private/job-contract';

/**
 * What synth can know about the mirrored table: its key schema and whether point-in-time recovery is
 * on. Only a table defined in this app (`Table`, `TableV2`) has them; an imported one has neither.
 */

/** A key attribute of the table. */
export interface KeyAttribute {
  readonly name: string;
  /** `S`, `N` or `B` when the table's attribute definitions give it. */
  readonly type?: string;
}

/** The table's primary key. */
export interface TableKeySchema {
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

interface KeySchemaElement {
  readonly attributeName: string;
  readonly keyType: string;
}

interface AttributeDefinition {
  readonly attributeName: string;
  readonly attributeType: string;
}

/** The key schema of a table defined in this app; undefined for an imported table. */
export function keySchemaOf(table: dynamodb.ITable): TableKeySchema | undefined {
  const child = (table as IConstruct).node?.defaultChild;
  if (!(child instanceof dynamodb.CfnTable || child instanceof dynamodb.CfnGlobalTable)) {
    return undefined;
  }
  const stack = Stack.of(child);
  const keys = stack.resolve((child as { keySchema: unknown }).keySchema);
  const definitions = stack.resolve((child as { attributeDefinitions: unknown }).attributeDefinitions);
  if (!Array.isArray(keys) || !keys.every((e) => typeof e?.attributeName === 'string')) {
    return undefined;
  }
  const types: AttributeDefinition[] = Array.isArray(definitions) ? definitions : [];
  const attribute = (keyType: string): KeyAttribute | undefined => {
    const name = (keys as KeySchemaElement[]).find((e) => e.keyType === keyType)?.attributeName;
    if (name === undefined) {
      return undefined;
    }
    const type = types.find((d) => d.attributeName === name)?.attributeType;
    return typeof type === 'string' && KEY_TYPES.includes(type) ? { name, type } : { name };
  };
  const partitionKey = attribute('HASH');
  return partitionKey ? { partitionKey, sortKey: attribute('RANGE') } : undefined;
}

/** Whether point-in-time recovery is on; undefined when it cannot be known at synth. */
export function pitrEnabled(table: dynamodb.ITable): boolean | undefined {
  const child = (table as IConstruct).node?.defaultChild;
  const enabledIn = (spec: unknown): boolean | undefined => {
    if (spec === undefined) {
      return false;
    }
    if (Token.isUnresolved(spec)) {
      return undefined;
    }
    const value = (spec as { pointInTimeRecoveryEnabled?: unknown }).pointInTimeRecoveryEnabled;
    if (value === undefined) {
      return false;
    }
    return typeof value === 'boolean' ? value : undefined;
  };
  if (child instanceof dynamodb.CfnTable) {
    return enabledIn(child.pointInTimeRecoverySpecification);
  }
  if (child instanceof dynamodb.CfnGlobalTable) {
    const region = Stack.of(child).region;
    const replicas = Stack.of(child).resolve(child.replicas);
    if (!Array.isArray(replicas)) {
      return undefined;
    }
    const replica = replicas.find((r) => (r as { region?: string }).region === region) ?? replicas[0];
    return replica ? enabledIn((replica as { pointInTimeRecoverySpecification?: unknown }).pointInTimeRecoverySpecification) : undefined;
  }
  return undefined;
}
