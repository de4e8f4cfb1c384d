#!/usr/bin/env node
import { operatorMain, OPERATOR_USAGE } from './operator/operator-main';
import { ensurePythonEnv, runPython } from './python-env';
import { JOB_CATALOGS, JOB_OPTIONS } from '../private/job-contract';

const USAGE = `Usage:
  dynamo-iceberg-mirror local apply --warehouse DIR --table DB.TABLE --key PK[,SK] [--allow-gap]
                                    [--column-types JSON] EXPORT_DIR...
                                    (--key '["PK","SK"]' as JSON for names holding "," or ":")
  dynamo-iceberg-mirror local query --warehouse DIR --sql "SELECT ..."
  dynamo-iceberg-mirror local verify --warehouse DIR --table DB.TABLE [--sample N] [--report FILE]
                                     FULL_EXPORT_DIR
  dynamo-iceberg-mirror demo [--dir DIR]  the whole story on this machine (default DIR: demo-warehouse)
  dynamo-iceberg-mirror env               set up the Python environment now

EXPORT_DIR is the folder of one export (holding manifest-summary.json) inside a folder that stands for
the S3 bucket. The warehouse is a plain Iceberg warehouse folder (Hadoop catalog layout).
verify compares the table, at the snapshot whose watermark is the full export's time, with the export:
exit status 0 when equal, 1 when different, 2 when refused; the last line is the JSON report.

${OPERATOR_USAGE}`;

/** Runs a command line; returns the exit status (a promise for the commands that talk to AWS). */
export function main(argv: string[]): number | Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'local': {
      const [sub, ...args] = rest;
      if (sub !== 'apply' && sub !== 'query' && sub !== 'verify') {
        return usage(`unknown local command ${sub ?? '(none)'}`);
      }
      return runPython(ensurePythonEnv(false),
        ['-m', 'mirror_job', sub, JOB_OPTIONS.local, JOB_OPTIONS.catalog, JOB_CATALOGS.hadoop, ...args]);
    }
    case 'demo':
      return runPython(ensurePythonEnv(false), ['-m', 'dynamo_local.demo', ...rest]);
    case 'env':
      ensurePythonEnv(false);
      return 0;
    case 'status':
    case 'run':
      return operatorMain(command, rest);
    case undefined:
    case '--help':
    case '-h':
      console.log(USAGE);
      return command === undefined ? 1 : 0;
    default:
      return usage(`unknown command ${command}`);
  }
}

function usage(problem: string): number {
  console.error(`error: ${problem}\n\n${USAGE}`);
  return 1;
}

if (require.main === module) {
  Promise.resolve().then(() => main(process.argv.slice(2))).then((status) => {
    process.exitCode = status;
  }, (error) => {
    console.error(`error: ${(error as Error).message}`);
    process.exitCode = 1;
  });
}
