/**
 * The GitHub workflows that projen generates (.github/workflows), checked by actionlint: syntax, expressions,
 * job dependencies, runner labels, action inputs. Any finding fails unless ALLOWED explains it, and an
 * ALLOWED entry that matches nothing fails too. Also pins what the release must do: publish to npm, PyPI
 * and Maven Central.
 */
import { readdirSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import { ActionlintFinding, ensureActionlint, runActionlint } from './actionlint';

const REPO = resolve(__dirname, '..', '..');
const WORKFLOWS = '.github/workflows';

interface Explained {
  readonly file: string;
  readonly kind: string;
  readonly message: RegExp;
  readonly reason: string;
}

/** Findings that stay, each with its reason. None today. */
const ALLOWED: Explained[] = [];

function explanationOf(finding: ActionlintFinding): Explained | undefined {
  return ALLOWED.find((allowed) => finding.filepath === allowed.file && finding.kind === allowed.kind
    && allowed.message.test(finding.message));
}

function workflowFiles(): string[] {
  return readdirSync(join(REPO, WORKFLOWS)).filter((name) => /\.ya?ml$/.test(name)).map((name) => `${WORKFLOWS}/${name}`).sort();
}

beforeAll(() => {
  ensureActionlint();
}, 300_000);

test('the build, release and pull request workflows are all there', () => {
  expect(workflowFiles()).toEqual([
    `${WORKFLOWS}/build.yml`,
    `${WORKFLOWS}/pull-request-lint.yml`,
    `${WORKFLOWS}/release.yml`,
  ]);
});

test('actionlint finds nothing unexplained in the workflows', () => {
  const findings = runActionlint(workflowFiles());
  const unexplained = findings.filter((finding) => !explanationOf(finding))
    .map((finding) => `${finding.filepath}:${finding.line}:${finding.column} [${finding.kind}] ${finding.message}`);
  expect(unexplained).toEqual([]);
  const unused = ALLOWED.filter((allowed) => !findings.some((finding) => explanationOf(finding) === allowed));
  expect(unused).toEqual([]);
});

test('the release workflow publishes to npm, PyPI and Maven Central from the release task', () => {
  const release = readFileSync(join(REPO, WORKFLOWS, 'release.yml'), 'utf8');
  expect(release).toMatch(/^\s+run: npx projen release$/m);
  for (const publisher of ['publib-npm', 'publib-pypi', 'publib-maven']) {
    expect(release).toContain(`'${publisher}'`);
  }
});
