import { spawnSync, SpawnSyncOptions } from 'child_process';
import { createHash } from 'crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { homedir } from 'os';
import { join, resolve } from 'path';

/** The package's root folder (holds assets/), from lib/cli or src/cli alike. */
export const PACKAGE_ROOT = resolve(__dirname, '..', '..');
export const SPARK_ASSETS = join(PACKAGE_ROOT, 'assets', 'spark');
/** The local DynamoDB stand-in (history and exports in the AWS layout) used by the demo. */
export const LOCAL_ASSETS = join(PACKAGE_ROOT, 'assets', 'local');
const JOB_REQUIREMENTS = join(SPARK_ASSETS, 'requirements.txt');
const DEV_REQUIREMENTS = join(PACKAGE_ROOT, 'test', 'spark', 'requirements.txt');

/** Where the Python environment and the Iceberg jar are kept: DYNAMO_ICEBERG_MIRROR_HOME or ~/.cache. */
export function cacheHome(): string {
  return resolve(process.env.DYNAMO_ICEBERG_MIRROR_HOME ?? join(homedir(), '.cache', 'dynamo-iceberg-mirror'));
}

function run(command: string, args: string[], options: SpawnSyncOptions = {}): number {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) {
    throw new Error(`cannot run ${command}: ${result.error.message}`);
  }
  return result.status ?? 1;
}

function must(command: string, args: string[]): void {
  const status = run(command, args);
  if (status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed with exit status ${status}`);
  }
}

/**
 * Creates (once, and again when the requirements change) a virtual environment holding PySpark and,
 * for development, the test tools; then lets Spark fetch the Iceberg runtime jar into the cache.
 * Returns the environment's python executable.
 */
export function ensurePythonEnv(dev: boolean): string {
  const home = cacheHome();
  const venv = join(home, 'venv');
  const python = join(venv, 'bin', 'python');
  const stampFile = join(venv, '.requirements-sha256');
  const jobOnly = [JOB_REQUIREMENTS];
  const withDev = existsSync(DEV_REQUIREMENTS) ? [JOB_REQUIREMENTS, DEV_REQUIREMENTS] : jobOnly;
  const current = existsSync(python) && existsSync(stampFile) ? readFileSync(stampFile, 'utf8') : '';
  // An environment with the test tools also serves the plain job, never the other way round.
  const acceptable = dev ? [stampOf(withDev)] : [stampOf(jobOnly), stampOf(withDev)];
  if (!acceptable.includes(current)) {
    const requirements = dev ? withDev : jobOnly;
    checkJava();
    console.error(`Setting up the Python environment in ${venv} (first use only; downloads PySpark)...`);
    rmSync(venv, { recursive: true, force: true });
    mkdirSync(home, { recursive: true });
    must(process.env.DYNAMO_ICEBERG_MIRROR_PYTHON ?? 'python3', ['-m', 'venv', venv]);
    const pip = ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check'];
    must(python, [...pip, ...requirements.flatMap((f) => ['-r', f])]);
    writeFileSync(stampFile, stampOf(requirements));
  }
  if (!existsSync(join(home, 'ivy', 'jars'))) {
    console.error('Fetching the Iceberg Spark runtime (first use only)...');
    const status = runPython(python, ['-c', 'from mirror_job.session import local_session; local_session().stop()']);
    if (status !== 0) {
      throw new Error(`fetching the Iceberg runtime failed with exit status ${status}`);
    }
  }
  return python;
}

function stampOf(requirementFiles: string[]): string {
  return createHash('sha256').update(requirementFiles.map((f) => readFileSync(f, 'utf8')).join('\n')).digest('hex');
}

function checkJava(): void {
  const result = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (result.error || result.status !== 0) {
    throw new Error('Java 17 is needed to run Spark locally: install a JDK and put `java` on PATH');
  }
}

/** Runs the environment's python with the Spark job importable; returns its exit status. */
export function runPython(python: string, args: string[]): number {
  const env = {
    ...process.env,
    DYNAMO_ICEBERG_MIRROR_HOME: cacheHome(),
    PYTHONPATH: [SPARK_ASSETS, LOCAL_ASSETS, process.env.PYTHONPATH].filter(Boolean).join(':'),
  };
  return run(python, args, { env });
}
