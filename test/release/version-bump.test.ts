/**
 * The version that `npx projen release` builds with: its `bump` step reads the conventional commits since
 * the latest `v*` tag, and its `unbump` step puts 0.0.0 back. Run here in scratch repositories that hold
 * this project's package.json and generated tasks (.projen/tasks.json), with commits and tags made up for
 * each case, so that a change to the release options in .projenrc.ts shows up as a different version.
 */
import { spawnSync } from 'child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

const REPO = resolve(__dirname, '..', '..');
const TIMEOUT = 120_000;
const PROJEN = join(REPO, 'node_modules', '.bin', 'projen');

/** A commit: its message, and the tag put on it afterwards, if any. */
interface Commit {
  readonly message: string;
  readonly tag?: string;
}

/** What `bump` left: the versions in dist/ and package.json, and the release notes. */
interface Bumped {
  readonly version: string;
  readonly releaseTag: string;
  readonly packageVersion: string;
  readonly changelog: string;
  /** package.json's version once `unbump` has run. */
  readonly unbumpedVersion: string;
  /** `git status --porcelain` after `unbump`: the release leaves the tree as it found it. */
  readonly statusAfterUnbump: string;
}

const scratchRepos: string[] = [];

function run(cwd: string, command: string, args: string[]): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, CI: undefined } });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}): ${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** A repository with the project's release configuration and the given history, bumped and unbumped. */
function bumpAfter(history: Commit[]): Bumped {
  const dir = mkdtempSync(join(tmpdir(), 'release-bump-'));
  scratchRepos.push(dir);
  // package.json as git holds it: 0.0.0 (inside a release build the project's own copy is bumped).
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...manifest, version: '0.0.0' }, undefined, 2) + '\n');
  mkdirSync(join(dir, '.projen'));
  cpSync(join(REPO, '.projen', 'tasks.json'), join(dir, '.projen', 'tasks.json'));
  // The bump tool (commit-and-tag-version) is a dev dependency of the project: the tasks find it here.
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  run(dir, 'git', ['init', '--quiet']);
  run(dir, 'git', ['config', 'user.email', 'release-test@example.com']);
  run(dir, 'git', ['config', 'user.name', 'release test']);
  run(dir, 'git', ['add', 'package.json', '.projen']);
  for (const commit of history) {
    run(dir, 'git', ['commit', '--quiet', '--allow-empty', '-m', commit.message]);
    if (commit.tag) {
      run(dir, 'git', ['tag', commit.tag]);
    }
  }
  run(dir, PROJEN, ['bump']);
  const read = (path: string) => readFileSync(join(dir, path), 'utf8');
  const bumped = {
    version: read('dist/version.txt'),
    releaseTag: read('dist/releasetag.txt'),
    packageVersion: JSON.parse(read('package.json')).version,
    changelog: existsSync(join(dir, 'dist/changelog.md')) ? read('dist/changelog.md') : '',
  };
  run(dir, PROJEN, ['unbump']);
  return {
    ...bumped,
    unbumpedVersion: JSON.parse(read('package.json')).version,
    // node_modules is the link made above; dist/ is git-ignored in the project, not in this scratch copy.
    statusAfterUnbump: run(dir, 'git', ['status', '--porcelain', '--', '.', ':!node_modules', ':!dist']),
  };
}

afterAll(() => {
  for (const dir of scratchRepos) {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a feature since the last release makes the next patch version before 1.0, with its release notes', () => {
  const bumped = bumpAfter([
    { message: 'feat: the first release', tag: 'v0.1.0' },
    { message: 'feat: alarms for failed runs' },
    { message: 'docs: how to query the mirror' },
  ]);
  expect(bumped.version).toBe('0.1.1');
  expect(bumped.releaseTag).toBe('v0.1.1');
  // The packages are built while package.json holds the new version; unbump puts 0.0.0 back.
  expect(bumped.packageVersion).toBe('0.1.1');
  expect(bumped.changelog).toContain('alarms for failed runs');
  expect(bumped.changelog).not.toContain('how to query the mirror');
  expect(bumped.unbumpedVersion).toBe('0.0.0');
  expect(bumped.statusAfterUnbump).toBe('');
}, TIMEOUT);

test('chores and docs alone release nothing: the version stays that of the last tag', () => {
  const bumped = bumpAfter([
    { message: 'feat: the first release', tag: 'v0.1.0' },
    { message: 'chore: tidy the build' },
    { message: 'docs: a better README' },
  ]);
  // The release workflow publishes only when this tag is new, and v0.1.0 exists already.
  expect(bumped.releaseTag).toBe('v0.1.0');
  expect(bumped.unbumpedVersion).toBe('0.0.0');
}, TIMEOUT);

test('without any tag the first release is 0.0.0, as projen starts', () => {
  const bumped = bumpAfter([{ message: 'feat: a construct' }]);
  expect(bumped.version).toBe('0.0.0');
  expect(bumped.releaseTag).toBe('v0.0.0');
}, TIMEOUT);
