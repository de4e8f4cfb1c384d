/**
 * Runs parliament (duo-labs' IAM policy linter, pinned in test/spark/requirements.txt) from the project's
 * Python environment over policy documents, through parliament_lint.py.
 */
import { spawnSync } from 'child_process';
import { existsSync } from 'fs';
import { join, resolve } from 'path';
import { NamedPolicy } from './template-policies';

export interface ParliamentFinding {
  readonly policy: string;
  readonly issue: string;
  /** MUTE, INFO, LOW, MEDIUM, HIGH or CRITICAL. */
  readonly severity: string;
  readonly title: string;
  readonly detail: string;
  readonly location: Record<string, unknown>;
}

const REPO = resolve(__dirname, '..', '..');

export function runParliament(policies: NamedPolicy[]): { version: string; findings: ParliamentFinding[] } {
  const home = resolve(process.env.DYNAMO_ICEBERG_MIRROR_HOME ?? join(REPO, '.cache', 'dynamo-iceberg-mirror'));
  const python = join(home, 'venv', 'bin', 'python');
  if (!existsSync(python)) {
    throw new Error(`${python} is missing: run 'npx projen spark:env' first`);
  }
  const result = spawnSync(python, [join(__dirname, 'parliament_lint.py')], {
    input: JSON.stringify(policies),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`parliament_lint.py failed (exit ${result.status}): ${result.stderr}`);
  }
  const output = JSON.parse(result.stdout);
  return { version: output.parliament, findings: output.findings };
}
