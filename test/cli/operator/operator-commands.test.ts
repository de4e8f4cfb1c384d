/**
 * `status` and `run` end to end against moto over HTTP: real SDK clients, requests checked against
 * AWS's models, executions run by moto's Step Functions interpreter.
 */
import { spawn } from 'child_process';
import { join } from 'path';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { modelCheckedClients, RequestLog } from './model-checked-clients';
import {
  createMirrorResources, createStateMachine, DATABASE, executeStateMachines, JobRunIds, METADATA_LOCATION,
  mirrorLikeDefinition, ROLE, SNAPSHOT_ID, TABLE, WATERMARK,
} from './moto-mirror';
import { OperatorClients } from '../../../src/cli/operator/clients';
import { operatorMain } from '../../../src/cli/operator/operator-main';
import { motoClientConfig, MotoServer, startMoto } from '../../moto-server';

jest.setTimeout(90_000);

let moto: MotoServer;
let clients: OperatorClients;
let requests: RequestLog;
let okMachine: string;
let failingMachine: string;
let jobRun: JobRunIds;
let sourceTableArn: string;

/** Two hours after the watermark: the lag `status` must show. */
const NOW = new Date(Date.parse(WATERMARK) + 2 * 3600 * 1000);

beforeAll(async () => {
  moto = await startMoto();
  await executeStateMachines(moto, true);
  ({ jobRun, sourceTableArn } = await createMirrorResources(moto));
  okMachine = await createStateMachine(moto, 'orders-mirror', mirrorLikeDefinition({ sourceTableArn, jobRun }));
  failingMachine = await createStateMachine(moto, 'orders-mirror-failing', mirrorLikeDefinition({ sourceTableArn, jobRun, sparkFails: true }));
  ({ clients, log: requests } = modelCheckedClients(moto));
});

afterAll(async () => {
  Object.values(clients ?? {}).forEach((client) => client.destroy());
  await moto?.stop();
});

afterEach(() => {
  // Every request any test made is one AWS would accept.
  expect(requests.problems.splice(0)).toEqual([]);
});

async function cli(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await operatorMain(args[0] as 'status' | 'run', args.slice(1), {
    out: (line) => out.push(...line.split('\n')),
    err: (line) => err.push(...line.split('\n')),
    clients,
    now: () => NOW,
    pollMs: 50,
  });
  return { code, out, err };
}

async function startExecution(stateMachineArn: string, name: string, mode: string): Promise<void> {
  const sfn = new SFNClient(motoClientConfig(moto));
  await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify({ mode }) }));
  sfn.destroy();
}

describe('run', () => {
  test('starts a mirror run, prints each state entered in order, and exits 0 when it succeeds', async () => {
    const { code, out } = await cli('run', '--state-machine', okMachine);
    expect(code).toBe(0);
    const states = out.filter((l) => /^ {2}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ {2}/.test(l)).map((l) => l.slice(24));
    expect(states).toEqual(['Which run?', 'Mirror run', 'Run', 'Plan', 'What does the plan say?', 'Full export: start',
      'Apply exports (Spark)', 'Mirrored', 'Release the run lease', 'Done']);
    expect(out.at(-2)).toBe('SUCCEEDED');
    expect(out.at(-1)).toMatch(/^execution: arn:aws:states:eu-north-1:123456789012:execution:orders-mirror:operator-\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    expect(requests.calls).toContain('stepfunctions StartExecution');
  });

  test('a run that takes a while: each state once, in order, over several looks at the execution', async () => {
    const slowMachine = await createStateMachine(moto, 'orders-mirror-slow', mirrorLikeDefinition({ sourceTableArn, jobRun, exportWaitSeconds: 2 }));
    const before = requests.calls.filter((c) => c === 'stepfunctions DescribeExecution').length;
    const { code, out } = await cli('run', '--state-machine', slowMachine);
    expect(code).toBe(0);
    expect(requests.calls.filter((c) => c === 'stepfunctions DescribeExecution').length - before).toBeGreaterThan(3);
    const states = out.filter((l) => /^ {2}\d{4}-/.test(l)).map((l) => l.slice(24));
    expect(states).toEqual(['Which run?', 'Mirror run', 'Run', 'Plan', 'What does the plan say?', 'Full export: start',
      'Full export: wait', 'Apply exports (Spark)', 'Mirrored', 'Release the run lease', 'Done']);
  });

  test('--mode maintain starts a maintenance run (input {"mode":"MAINTAIN"})', async () => {
    const { code, out } = await cli('run', '--state-machine', okMachine, '--mode', 'maintain');
    expect(code).toBe(0);
    expect(out.join('\n')).toContain('Maintenance run');
    expect(out.join('\n')).toContain('Maintain table (Spark)');
    expect(out.join('\n')).not.toContain('Full export: start');
  });

  test('--mode verify starts a verification run (input {"mode":"VERIFY"})', async () => {
    // A state machine of its own: `status` below counts the runs of the other one.
    const verifyMachine = await createStateMachine(moto, 'orders-mirror-verify', mirrorLikeDefinition({ sourceTableArn, jobRun }));
    const { code, out } = await cli('run', '--state-machine', verifyMachine, '--mode', 'verify', '--json');
    expect(code).toBe(0);
    const result = JSON.parse(out.join('\n'));
    expect(result).toMatchObject({ status: 'SUCCEEDED', mode: 'VERIFY' });
    expect(result.states).toEqual(expect.arrayContaining(['Verification run', 'Verify table (Spark)', 'Verified']));
    expect(result.states).not.toContain('Full export: start');
  });

  test('a failed run exits 1 naming the state that failed and its cause, not the Fail state that passes it on', async () => {
    const { code, out } = await cli('run', '--state-machine', failingMachine);
    expect(code).toBe(1);
    expect(out.at(-2)).toBe("FAILED in state 'Apply exports (Spark)': SparkJobFailed: Job run failed: the Spark driver exited 1");
  });

  test('--json: stdout is one JSON document with the outcome; progress goes to stderr', async () => {
    const { code, out, err } = await cli('run', '--state-machine', failingMachine, '--json');
    expect(code).toBe(1);
    const result = JSON.parse(out.join('\n'));
    expect(result).toMatchObject({
      status: 'FAILED',
      mode: 'MIRROR',
      failedState: 'Apply exports (Spark)',
      error: 'SparkJobFailed',
      cause: 'Job run failed: the Spark driver exited 1',
    });
    expect(result.states).toContain('Run failed');
    expect(err.join('\n')).toContain('Apply exports (Spark)');
  });

  test('modes the state machine does not take, and a missing target, are usage errors (exit 2) that start nothing', async () => {
    const before = requests.calls.length;
    for (const args of [['--state-machine', okMachine, '--mode', 'purge'], ['--mode', 'mirror'], ['--stack', 'a', '--state-machine', okMachine]]) {
      const { code, err } = await cli('run', ...args);
      expect(code).toBe(2);
      expect(err[0]).toMatch(/^error: /);
    }
    expect(requests.calls.length).toBe(before);
  });
});

describe('status', () => {
  beforeAll(async () => {
    await startExecution(failingMachine, 'scheduled-1', 'MIRROR');
  });

  test('shows watermark and lag, table size, last export, last job run with its logs, and the last runs', async () => {
    const { code, out } = await cli('status', '--state-machine', okMachine);
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(out[0]).toBe(`mirror:        ${DATABASE}.${TABLE}`);
    expect(out[1]).toBe(`state machine: ${okMachine}`);
    expect(text).toContain('watermark:     2026-11-30T05:00:00Z (lag 2h 00m)');
    expect(text).toContain(`table:         1234 rows, 7 data files, 2 delete files, 3.0 MiB (snapshot ${SNAPSHOT_ID} at 2026-11-30T05:00:00Z)`);
    expect(text).toContain(`metadata:      ${METADATA_LOCATION}`);
    expect(text).toMatch(/last export: {3}FULL_EXPORT {2}\S+ {2}\S+ {2}arn:aws:dynamodb:\S+/);
    expect(text).toMatch(new RegExp(`last job run: {2}${jobRun.jobRunId} {2}[A-Z]+`));
    expect(text).toMatch(/spark ui: {6}(https:\/\/\S+|unavailable \(.+\))/);
    expect(text).toContain(`job logs:      s3://orders-mirror-bucket/emr-logs/applications/${jobRun.applicationId}/jobs/${jobRun.jobRunId}/`);
    // The runs the `run` tests made: two mirror runs and one maintenance run, all succeeded.
    const runs = out.slice(out.findIndex((l) => l.startsWith('runs:')) + 1);
    expect(runs).toHaveLength(2);
    expect(runs.every((l) => / {2}SUCCEEDED {2}/.test(l))).toBe(true);
    expect(runs.filter((l) => l.includes('MAINTAIN ')).length).toBe(1);
    for (const call of ['glue GetTable', 's3 GetObject', 'stepfunctions ListExecutions', 'stepfunctions GetExecutionHistory',
      'emr-serverless GetJobRun', 'emr-serverless GetDashboardForJobRun']) {
      expect(requests.calls).toContain(call);
    }
  });

  test('a failed run is listed with its failing state and cause', async () => {
    const { code, out } = await cli('status', '--state-machine', failingMachine);
    expect(code).toBe(0);
    expect(out.find((l) => l.includes('scheduled-1'))).toMatch(
      /^ {2}\S+ {2}FAILED {5}MIRROR .*scheduled-1 {2}failed in 'Apply exports \(Spark\)': SparkJobFailed: Job run failed: the Spark driver exited 1$/);
  });

  test('--json gives the same facts as numbers and text', async () => {
    const { code, out } = await cli('status', '--state-machine', okMachine, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(out.join('\n'));
    expect(report).toMatchObject({
      mirror: `${DATABASE}.${TABLE}`,
      watermark: WATERMARK,
      lagSeconds: 7200,
      table: { snapshotId: SNAPSHOT_ID, records: 1234, dataFiles: 7, deleteFiles: 2, bytes: 3145728, metadataLocation: METADATA_LOCATION },
      lastExport: { type: 'FULL_EXPORT' },
      lastJobRun: { applicationId: jobRun.applicationId, jobRunId: jobRun.jobRunId },
    });
    expect(report.runs).toHaveLength(2);
  });

  test('a state machine that is not a mirror is refused (exit 1)', async () => {
    const other = await createStateMachine(moto, 'not-a-mirror', { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });
    const { code, err } = await cli('status', '--state-machine', other);
    expect(code).toBe(1);
    expect(err[0]).toBe(`error: ${other} is not a dynamo-iceberg-mirror state machine (its definition has no plan step)`);
  });
});

describe('--stack', () => {
  // moto creates a stack's state machines outside its interpreter: these tests run with it off.
  beforeAll(async () => executeStateMachines(moto, false));
  afterAll(async () => executeStateMachines(moto, true));

  async function stack(name: string, mirrors: number): Promise<void> {
    const machine = (id: number, definition: object) => ({
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: { StateMachineName: `${name}-${id}`, RoleArn: ROLE, DefinitionString: JSON.stringify(definition) },
    });
    const resources: Record<string, object> = {
      OtherStateMachine: machine(0, { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }),
    };
    for (let i = 1; i <= mirrors; i++) {
      resources[`Mirror${i}WorkflowStateMachine`] = machine(i, mirrorLikeDefinition({ sourceTableArn, jobRun }));
    }
    const cfn = new CloudFormationClient(motoClientConfig(moto));
    await cfn.send(new CreateStackCommand({ StackName: name, TemplateBody: JSON.stringify({ Resources: resources }) }));
    cfn.destroy();
  }

  test('finds the one mirror among the stack\'s state machines', async () => {
    await stack('Orders', 1);
    const { code, out } = await cli('status', '--stack', 'Orders');
    expect(code).toBe(0);
    expect(out[0]).toBe(`mirror:        ${DATABASE}.${TABLE}`);
    expect(out[1]).toBe('state machine: arn:aws:states:eu-north-1:123456789012:stateMachine:Orders-1');
    expect(out.at(-1)).toBe('runs:          none');
    expect(requests.calls).toContain('cloudformation ListStackResources');
  });

  test('a stack with two mirrors, or none, names the problem (exit 1)', async () => {
    await stack('TwoMirrors', 2);
    const two = await cli('status', '--stack', 'TwoMirrors');
    expect(two.code).toBe(1);
    expect(two.err[0]).toMatch(/^error: stack TwoMirrors has 2 mirrors: name one with --state-machine \(.*TwoMirrors-1, .*TwoMirrors-2\)$/);
    await stack('NoMirror', 0);
    const none = await cli('run', '--stack', 'NoMirror');
    expect(none.code).toBe(1);
    expect(none.err[0]).toBe('error: stack NoMirror has no dynamo-iceberg-mirror state machine');
  });

  test('a stack that does not exist: the AWS error, exit 1', async () => {
    const { code, err } = await cli('status', '--stack', 'Missing');
    expect(code).toBe(1);
    expect(err[0]).toMatch(/^error: \w+: .*Missing/);
  });
});

describe('the dynamo-iceberg-mirror binary', () => {
  /** The CLI's entry point in a process of its own, configured only through the SDK's environment variables. */
  async function binary(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const { endpoint, region, credentials } = motoClientConfig(moto);
    const child = spawn(process.execPath, ['-r', 'ts-node/register', join(__dirname, '..', '..', '..', 'src', 'cli', 'main.ts'), ...args], {
      env: {
        ...process.env,
        TS_NODE_PROJECT: join(__dirname, '..', '..', '..', 'tsconfig.dev.json'),
        TS_NODE_TRANSPILE_ONLY: 'true',
        // A host name, not an IP address: for an IP address the SDK itself already addresses S3 by path.
        AWS_ENDPOINT_URL: endpoint.replace('127.0.0.1', 'localhost'),
        AWS_REGION: region,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => stdout += chunk);
    child.stderr.on('data', (chunk) => stderr += chunk);
    const code = await new Promise<number>((done) => child.on('close', (status) => done(status ?? -1)));
    return { code, stdout, stderr };
  }

  test('status and run: exit statuses and output of the real entry point', async () => {
    const status = await binary('status', '--state-machine', okMachine, '--json');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ mirror: `${DATABASE}.${TABLE}`, table: { records: 1234 } });
    const failed = await binary('run', '--state-machine', failingMachine);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain("FAILED in state 'Apply exports (Spark)'");
  });
});
