/**
 * The construct's job-run arguments read back by the Spark job's own command line (mirror_job.main, run in
 * the project's Python environment): every argument name, the key in its JSON form (any attribute name,
 * `,` `:` `[` `"` included) and every ColumnType name mean to the job what the construct means.
 */
import { spawnSync } from 'child_process';
import { existsSync } from 'fs';
import { join, resolve } from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { ColumnType, DynamoIcebergMirror } from '../../src';
import { stateNamed } from '../definition-states';
import { definitionOf, newStack } from '../helpers';

const REPO = resolve(__dirname, '..', '..');

/** What the job's parser makes of each argument list (its argparse namespace, the key split in names and types). */
function parsedByTheJob(runs: string[][], columnTypes: string[] = []): Record<string, any>[] {
  const home = resolve(process.env.DYNAMO_ICEBERG_MIRROR_HOME ?? join(REPO, '.cache', 'dynamo-iceberg-mirror'));
  const python = join(home, 'venv', 'bin', 'python');
  if (!existsSync(python)) {
    throw new Error(`${python} is missing: run 'npx projen spark:env' first`);
  }
  const result = spawnSync(python, [join(__dirname, 'parse_job_arguments.py')], {
    input: JSON.stringify({ runs, columnTypes }),
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`parse_job_arguments.py failed (exit ${result.status}): ${result.stderr}`);
  }
  return JSON.parse(result.stdout).runs;
}

/** The three runs' arguments as the state machine passes them (an export folder and a report appended). */
function jobRuns(template: Template): { apply: string[]; verify: string[]; maintain: string[] } {
  const definition = definitionOf(template);
  const verifyParts: string = stateNamed(definition, 'Verification job arguments').Parameters['parts.$'];
  const [, reportOption] = /States\.Array\('([^']+)'/.exec(verifyParts)!;
  return {
    apply: [...stateNamed(definition, 'Mirror run').Result.applyArguments, 's3://lake/exports/1'],
    verify: [...stateNamed(definition, 'Verification run').Result.verifyArguments, reportOption, 's3://lake/report.json', 's3://lake/exports/full'],
    maintain: stateNamed(definition, 'Maintain table (Spark)').Parameters.JobDriver.SparkSubmit.EntryPointArguments,
  };
}

const AWKWARD_NAMES = ['a,b', 'c:d', '[e', 'f"g', 'h:S,i'];

describe('job arguments read by the job', () => {
  test('GIVEN a table whose key names hold , : [ and " THEN the job reads the same names and types', () => {
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'T', {
      partitionKey: { name: 'a,b', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'c:d"[x', type: dynamodb.AttributeType.NUMBER },
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });
    new DynamoIcebergMirror(stack, 'M', {
      table,
      databaseName: 'sales',
      icebergTableName: 'orders',
      partitionBuckets: 8,
      columnTypes: { 'p,1': ColumnType.decimal(2), 'q:2': ColumnType.NUMBER_AS_TEXT },
    });
    const [apply, verify, maintain] = parsedByTheJob(Object.values(jobRuns(Template.fromStack(stack))));

    expect(apply).toEqual(expect.objectContaining({
      command: 'apply',
      catalog: 'glue',
      table: 'sales.orders',
      key: { names: ['a,b', 'c:d"[x'], types: { 'a,b': 'S', 'c:d"[x': 'N' } },
      column_types: { 'p,1': 'decimal(38,2)', 'q:2': 'string' },
      partition_buckets: 8,
      exports: ['s3://lake/exports/1'],
    }));
    expect(verify).toEqual(expect.objectContaining({
      command: 'verify',
      catalog: 'glue',
      table: 'sales.orders',
      report: 's3://lake/report.json',
      exit_zero_when_different: true,
      export: 's3://lake/exports/full',
    }));
    expect(maintain).toEqual(expect.objectContaining({ command: 'maintain', catalog: 'glue', table: 'sales.orders' }));
  });

  test.each([[AWKWARD_NAMES.slice(0, 2)], [AWKWARD_NAMES.slice(2, 4)], [[AWKWARD_NAMES[4]]]])(
    'GIVEN an imported table with key names %j THEN the job reads them untyped', (names) => {
      const stack = newStack();
      const table = dynamodb.Table.fromTableName(stack, 'T', 'legacy');
      new DynamoIcebergMirror(stack, 'M', { table, partitionKeyName: names[0], sortKeyName: names[1] });
      const [apply] = parsedByTheJob([jobRuns(Template.fromStack(stack)).apply]);
      expect(apply.key).toEqual({ names, types: {} });
    });

  test('every ColumnType name is one the job accepts', () => {
    const types = [ColumnType.LONG, ColumnType.DOUBLE, ColumnType.NUMBER_AS_TEXT, ColumnType.JSON, ColumnType.decimal(0), ColumnType.decimal(38)];
    expect(() => parsedByTheJob([], types.map((type) => type.typeName))).not.toThrow();
  });
});
