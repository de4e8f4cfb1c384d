/**
 * actionlint (rhysd/actionlint), the GitHub Actions workflow linter, built from source through the Go
 * module proxy: its release binaries live on GitHub, which a CI machine here cannot reach. Built once into
 * .cache/tools (git-ignored) and reused.
 */
import { spawnSync } from 'child_process';
import { existsSync } from 'fs';
import { join, resolve } from 'path';

export const ACTIONLINT_VERSION = 'v1.7.12';

const REPO = resolve(__dirname, '..', '..');
const BIN_DIR = join(REPO, '.cache', 'tools', `actionlint-${ACTIONLINT_VERSION}`);

export interface ActionlintFinding {
  readonly filepath: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
  readonly message: string;
}

/** The path of the actionlint binary, built with `go install` on first use (about half a minute). */
export function ensureActionlint(): string {
  const binary = join(BIN_DIR, 'actionlint');
  if (existsSync(binary)) {
    return binary;
  }
  const result = spawnSync('go', ['install', `github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}`], {
    env: { ...process.env, GOBIN: BIN_DIR },
    encoding: 'utf8',
  });
  if (result.error || result.status !== 0) {
    throw new Error(`go install of actionlint ${ACTIONLINT_VERSION} failed (Go is needed): ${result.error?.message ?? result.stderr}`);
  }
  return binary;
}

/**
 * Lints workflow files (paths relative to the repository). shellcheck and pyflakes, which actionlint runs
 * on `run:` scripts when they are on PATH, are turned off so that every machine gives the same answer.
 */
export function runActionlint(files: string[]): ActionlintFinding[] {
  const result = spawnSync(ensureActionlint(), ['-shellcheck=', '-pyflakes=', '-format', '{{json .}}', ...files], {
    cwd: REPO,
    encoding: 'utf8',
  });
  // Exit 0: no findings; 1: findings (printed as JSON); anything else: a failure of actionlint itself.
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`actionlint failed (exit ${result.status}): ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as ActionlintFinding[];
}
