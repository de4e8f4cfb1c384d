import { ChildProcess, spawn } from 'child_process';
import { existsSync } from 'fs';
import { createServer } from 'net';
import { join, resolve } from 'path';

/**
 * moto's AWS emulator as a real HTTP server on loopback, from the project's Python environment
 * (`npx projen spark:env` creates it; the test task runs that first).
 */
export interface MotoServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** Client settings for the AWS SDK v3 pointing at the server. */
export function motoClientConfig(server: MotoServer) {
  return { endpoint: server.endpoint, region: 'eu-north-1', credentials: CREDENTIALS };
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as { port: number }).port;
      probe.close(() => done(port));
    });
  });
}

export async function startMoto(): Promise<MotoServer> {
  const home = resolve(process.env.DYNAMO_ICEBERG_MIRROR_HOME ?? join(__dirname, '..', '.cache', 'dynamo-iceberg-mirror'));
  const binary = join(home, 'venv', 'bin', 'moto_server');
  if (!existsSync(binary)) {
    throw new Error(`${binary} is missing: run 'npx projen spark:env' first`);
  }
  const port = await freePort();
  // MOTO_PORT: where moto's own Step Functions interpreter sends the `aws-sdk:*` calls of Task states.
  const child: ChildProcess = spawn(binary, ['-H', '127.0.0.1', '-p', `${port}`], {
    stdio: 'ignore',
    env: { ...process.env, MOTO_PORT: `${port}` },
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await fetch(`${endpoint}/moto-api/`);
      break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill();
        throw new Error(`moto_server did not start on ${endpoint}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    endpoint,
    stop: () => new Promise((done) => {
      child.once('exit', () => done());
      child.kill();
    }),
  };
}
