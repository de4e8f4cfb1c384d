import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { canonicalTemplate, canonicalTemplates, SNAPSHOT_DIR, synthIntegApp } from './snapshot';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

/** A Lambda function whose code is the asset `hash`, with one property that can change. */
function functionTemplate(hash: string, timeout: number) {
  return { Resources: { Fn: { Properties: { Code: { S3Key: `${hash}.zip` }, Timeout: timeout } } } };
}

describe('integ snapshot comparison', () => {
  test('a changed asset hash is not a drift, a changed property is', () => {
    const snapshot = canonicalTemplate(functionTemplate(HASH_A, 60), [HASH_A]);
    expect(canonicalTemplate(functionTemplate(HASH_B, 60), [HASH_B])).toEqual(snapshot);
    expect(canonicalTemplate(functionTemplate(HASH_B, 90), [HASH_B])).not.toEqual(snapshot);
  });

  test('the salt of an assertion is not a drift', () => {
    const assertion = (salt: string) => ({ Resources: { Call: { Properties: { api: 'putItem', salt } } } });
    expect(canonicalTemplate(assertion('1700000000000'), [])).toEqual(canonicalTemplate(assertion('1800000000000'), []));
  });

  test('the integ app synthesizes the committed snapshot (else run `npx projen integ:snapshot`)', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-snapshot-'));
    try {
      synthIntegApp(outdir);
      expect(fs.readdirSync(outdir).sort()).toEqual(fs.readdirSync(SNAPSHOT_DIR).sort());
      expect(canonicalTemplates(outdir)).toEqual(canonicalTemplates(SNAPSHOT_DIR));
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
