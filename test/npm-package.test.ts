/**
 * The npm package holds what users run and nothing else. `npm pack --dry-run --json` lists what the tarball
 * would hold; it reads lib/, .jsii and the rosetta tablet as compiled, so this runs after a compile (as in
 * `npx projen build`).
 */
import { spawnSync } from 'child_process';
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join, relative, resolve } from 'path';

const REPO = resolve(__dirname, '..');

/** The package's own files at its root; anything else at the root is a stray. */
const ROOT_FILES = ['.jsii', '.jsii.tabl.json', 'API.md', 'LICENSE', 'README.md', 'package.json'];
/** The folders that users run: the compiled library and CLI, the Lambda bundle, the Spark job, the demo's exporter. */
const ROOT_FOLDERS = ['assets', 'lib', 'node_modules'];

/** Development-only paths: tests, sources, build tools, configs, caches, fixtures. */
const NOT_SHIPPED: RegExp[] = [
  /^(test|src|build-tools|rosetta|projenrc|\.projen|\.github|\.ci|\.cache|coverage|dist|demo-warehouse)\//,
  /(^|\/)__pycache__\//, /\.pyc$/, /\.tsbuildinfo$/,
  /^(?!node_modules\/).*(?<!\.d)\.ts$/,
  /\.java$/, // the JVM reader ships compiled, as assets/spark/engine/mirror-engine.jar
];

function packedFiles(): string[] {
  const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`npm pack --dry-run failed (exit ${result.status}): ${result.stderr}`);
  }
  const [pack] = JSON.parse(result.stdout) as { files: { path: string }[] }[];
  return pack.files.map((file) => file.path).sort();
}

/** Every file under a folder of the repository, minus Python bytecode. */
function filesUnder(folder: string): string[] {
  return readdirSync(join(REPO, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.parentPath.includes('__pycache__') && !entry.name.endsWith('.pyc'))
    .map((entry) => relative(REPO, join(entry.parentPath, entry.name)))
    .sort();
}

let packed: string[];

beforeAll(() => {
  for (const built of ['lib/index.js', '.jsii', '.jsii.tabl.json', 'assets/lambda']) {
    if (!existsSync(join(REPO, built))) {
      throw new Error(`${built} is missing: run 'npx projen compile' and 'npx projen post-compile' first`);
    }
  }
  packed = packedFiles();
}, 120_000);

test('at the root: the package files and the folders users run, nothing else', () => {
  const roots = [...new Set(packed.map((path) => path.includes('/') ? `${path.split('/')[0]}/` : path))].sort();
  expect(roots).toEqual([...ROOT_FILES, ...ROOT_FOLDERS.map((folder) => `${folder}/`)].sort());
});

test('no tests, sources, build tools, lint configs, fixtures or caches', () => {
  expect(packed.filter((path) => NOT_SHIPPED.some((pattern) => pattern.test(path)))).toEqual([]);
});

test('the library, its type definitions and the CLI that package.json names are packed', () => {
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  const needed = [manifest.main, manifest.types, ...Object.values(manifest.bin as Record<string, string>)];
  expect(needed.filter((path) => !packed.includes(path))).toEqual([]);
  const compiled = filesUnder('lib').filter((path) => path.endsWith('.js') || path.endsWith('.d.ts'));
  expect(compiled.filter((path) => !packed.includes(path))).toEqual([]);
});

test('every runtime asset is packed: the Lambda bundle, the Spark job, its JVM reader and requirements, the demo', () => {
  const assets = ['assets/lambda', 'assets/spark', 'assets/local'].flatMap(filesUnder)
    .filter((path) => !path.startsWith('assets/spark/engine/src/'));
  expect(assets).toEqual(expect.arrayContaining([
    'assets/lambda/mirror-plan.lambda/index.js',
    'assets/spark/entry.py',
    'assets/spark/engine/mirror-engine.jar',
    'assets/spark/requirements.txt',
    'assets/local/dynamo_local/demo.py',
  ]));
  expect(assets.filter((path) => !packed.includes(path))).toEqual([]);
});

test('the demo\'s exporter ships without the test-only writers (ION, lying manifests, decoys)', () => {
  const exporter = readFileSync(join(REPO, 'assets', 'local', 'dynamo_local', 'exports.py'), 'utf8');
  expect(packed).toContain('assets/local/dynamo_local/exports.py');
  expect(exporter.match(/\bdef (corrupt_manifest|decoys|_ion_\w+)\b|\$ion_1_0|output_format/g)).toBeNull();
});

test('the published CLI has no development commands', () => {
  const result = spawnSync(process.execPath, [join(REPO, 'lib', 'cli', 'main.js'), 'python', '-c', 'pass'], { encoding: 'utf8' });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('unknown command python');
});
