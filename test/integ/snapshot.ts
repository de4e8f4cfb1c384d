/**
 * The integration test's snapshot: the templates the integ app synthesizes, kept in integ-runner's
 * layout (`test/integ.<name>.ts.snapshot/`) and compared the way integ-runner compares them.
 *
 * integ-runner itself cannot read this project's cloud assembly (see `.projenrc.ts`), so the project
 * writes and checks the snapshot with this module: `npx projen integ:snapshot` writes it, and
 * `snapshot.test.ts` (jest, part of `npx projen test`) fails when a template drifts from it.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The integ app, relative to the project root. */
export const INTEG_APP = path.join('test', 'integ.dynamo-iceberg-mirror.ts');

/** Where integ-runner keeps the snapshot of that app. */
export const SNAPSHOT_DIR = `${INTEG_APP}.snapshot`;

/**
 * What the snapshot keeps of a cloud assembly: the templates, asset manifests and test case manifests.
 * Asset folders are large and change with the Spark job; metadata files carry stack traces with this
 * machine's paths; tree.json repeats the templates.
 */
const KEPT = /^(.*\.template\.json|.*\.assets\.json|manifest\.json|integ\.json)$/;

/** Synthesizes the integ app into `outdir` (in this process) and removes what the snapshot does not keep. */
export function synthIntegApp(outdir: string): void {
  fs.rmSync(outdir, { recursive: true, force: true });
  const previous = process.env.CDK_OUTDIR;
  process.env.CDK_OUTDIR = outdir;
  try {
    // The app synthesizes when loaded (a dynamic import would be asynchronous); resolved from the project root.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.resolve(INTEG_APP));
  } finally {
    if (previous === undefined) {
      delete process.env.CDK_OUTDIR;
    } else {
      process.env.CDK_OUTDIR = previous;
    }
  }
  for (const name of fs.readdirSync(outdir)) {
    if (!KEPT.test(name)) {
      fs.rmSync(path.join(outdir, name), { recursive: true, force: true });
    }
  }
}

/**
 * Every template of a snapshot or assembly folder, by file name, in the form integ-runner compares:
 * the hashes of the stack's assets become `Asset1`, `Asset2`... (in asset manifest order), so that a
 * change to the Spark job or a Lambda bundle alone is not a drift, and the `salt` integ-tests-alpha puts
 * on every assertion (the synth time, to force it to run) is left out.
 */
export function canonicalTemplates(dir: string): Record<string, unknown> {
  const templates: Record<string, unknown> = {};
  for (const name of fs.readdirSync(dir).filter((file) => file.endsWith('.template.json')).sort()) {
    const template = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf-8'));
    const assetsFile = path.join(dir, name.replace(/\.template\.json$/, '.assets.json'));
    const hashes = fs.existsSync(assetsFile) ? assetHashes(JSON.parse(fs.readFileSync(assetsFile, 'utf-8'))) : [];
    templates[name] = canonicalTemplate(template, hashes);
  }
  return templates;
}

/** The hashes of the file and image assets an asset manifest lists. */
export function assetHashes(assetManifest: any): string[] {
  return [...Object.keys(assetManifest.files ?? {}), ...Object.keys(assetManifest.dockerImages ?? {})];
}

/** `template` with each of `hashes` replaced by its position, and without `salt` properties. */
export function canonicalTemplate(template: unknown, hashes: string[]): unknown {
  const rename = (text: string) => hashes.reduce((result, hash, index) => result.split(hash).join(`Asset${index + 1}`), text);
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return rename(value);
    }
    if (Array.isArray(value)) {
      return value.map(visit);
    }
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value)
        .filter(([key]) => key !== 'salt')
        .map(([key, item]) => [rename(key), visit(item)]));
    }
    return value;
  };
  return visit(template);
}
