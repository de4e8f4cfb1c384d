/**
 * What `package-all` leaves in dist/ (so what `npx projen release` hands to the publishers): the npm
 * tarball, the Python wheel and source archive, and the Java jar in a Maven repository layout, each of
 * package.json's version (the bumped one inside a release). The npm tarball holds exactly what
 * `npm pack --dry-run` lists, the list that test/npm-package.test.ts checks. Run by `npx projen dist:check`.
 */
import { spawnSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { join, resolve } from 'path';

const REPO = resolve(__dirname, '..', '..');

function output(command: string, args: string[]): string {
  const result = spawnSync(command, args, { cwd: REPO, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}): ${result.stderr}`);
  }
  return result.stdout;
}

const lines = (text: string) => text.split('\n').filter((line) => line.length > 0);

/** The artifacts of one version, by the names that the registries give them. */
function expectedArtifacts(manifest: any, version: string) {
  const python = manifest.jsii.targets.python.distName.replace(/-/g, '_');
  const { groupId, artifactId } = manifest.jsii.targets.java.maven;
  const javaDir = `dist/java/${groupId.replace(/\./g, '/')}/${artifactId}/${version}`;
  return {
    npm: `dist/js/${manifest.name}@${version}.jsii.tgz`,
    wheel: `dist/python/${python}-${version}-py3-none-any.whl`,
    sdist: `dist/python/${python}-${version}.tar.gz`,
    jar: `${javaDir}/${artifactId}-${version}.jar`,
    pom: `${javaDir}/${artifactId}-${version}.pom`,
  };
}

/** The problems found; empty when dist/ is complete. */
function problems(): string[] {
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  const version: string = manifest.version;
  const artifacts = expectedArtifacts(manifest, version);
  const missing = Object.values(artifacts).filter((path) => !existsSync(join(REPO, path)));
  if (missing.length > 0) {
    return missing.map((path) => `missing ${path} (version ${version} from package.json)`);
  }
  const found: string[] = [];
  // The Python and Java packages load the npm tarball they embed: it must be this version's too.
  const embedded = `${manifest.name}@${version}.jsii.tgz`;
  for (const archive of [artifacts.wheel, artifacts.jar]) {
    if (!lines(output('unzip', ['-Z1', archive])).some((entry) => entry.endsWith(`/${embedded}`))) {
      found.push(`${archive} does not embed ${embedded}`);
    }
  }
  const packed = lines(output('tar', ['-tzf', artifacts.npm])).map((path) => path.replace(/^package\//, ''))
    .filter((path) => path.length > 0 && !path.endsWith('/')).sort();
  const [dryRun] = JSON.parse(output('npm', ['pack', '--dry-run', '--json', '--ignore-scripts']));
  const listed = (dryRun.files as { path: string }[]).map((file) => file.path).sort();
  const extra = packed.filter((path) => !listed.includes(path));
  const absent = listed.filter((path) => !packed.includes(path));
  found.push(...extra.map((path) => `${artifacts.npm} holds ${path}, which npm pack --dry-run does not list`));
  found.push(...absent.map((path) => `${artifacts.npm} lacks ${path}, which npm pack --dry-run lists`));
  return found;
}

const found = problems();
if (found.length > 0) {
  console.error(found.join('\n'));
  process.exit(1);
}
console.log('dist/ holds the npm, Python and Java packages of this version');
