import { exportClientToken, formatTime, Plan, PlanConfig, PlanFacts, planRun } from '../../src/workflow/plan';
import { PLAN_CONFIG as CONFIG, TABLE_ARN } from '../helpers';


function facts(overrides: Partial<PlanFacts>): PlanFacts {
  return {
    now: new Date('2026-01-15T12:00:00.000Z'),
    tableExists: true,
    watermark: new Date('2026-01-15T10:00:00.000Z'),
    mirroredTableArn: TABLE_ARN,
    pitrEnabled: true,
    earliestRestorable: new Date('2026-01-01T00:00:00.000Z'),
    latestRestorable: new Date('2026-01-15T11:59:00.000Z'),
    runLease: { acquired: true, holder: 'arn:aws:states:eu-north-1:123456789012:execution:mirror:me', since: '2026-01-15T12:00:00.000Z' },
    ...overrides,
  };
}

describe('planRun', () => {
  test('GIVEN no Iceberg table WHEN planning THEN a full export at a whole second before now', () => {
    // WHEN
    const plan = planRun('MIRROR', CONFIG, facts({
      tableExists: false,
      watermark: undefined,
      mirroredTableArn: undefined,
      now: new Date('2026-01-15T12:00:00.987Z'),
    }));
    // THEN
    expect(plan.action).toBe('BOOTSTRAP');
    expect(plan.fullExport).toEqual({
      exportTime: '2026-01-15T11:55:00Z',
      clientToken: exportClientToken([TABLE_ARN, 'FULL_EXPORT', '2026-01-15T11:55:00Z']),
    });
    expect(plan.windows).toEqual([]);
    expect(plan.lagSeconds).toBeNull();
  });

  test('GIVEN PITR enabled a few minutes ago WHEN bootstrapping THEN WAITING_FOR_PITR and no export before the earliest restorable time', () => {
    // GIVEN the earliest restorable time lies after now minus the safety lag
    const plan = planRun('MIRROR', CONFIG, facts({
      tableExists: false,
      watermark: undefined,
      now: new Date('2026-01-15T12:00:00Z'),
      earliestRestorable: new Date('2026-01-15T11:57:30Z'),
      latestRestorable: new Date('2026-01-15T11:58:00Z'),
    }));
    // THEN nothing is exported this time
    expect(plan.action).toBe('WAITING_FOR_PITR');
    expect(plan.fullExport).toBeNull();
    expect(plan.reason).toContain('restorable from 2026-01-15T11:57:30Z only, after the latest export time 2026-01-15T11:55:00Z');
  });

  test('GIVEN the earliest restorable time just before the export time WHEN bootstrapping THEN the export at that whole second', () => {
    const plan = planRun('MIRROR', CONFIG, facts({
      tableExists: false,
      watermark: undefined,
      now: new Date('2026-01-15T12:00:00.700Z'),
      earliestRestorable: new Date('2026-01-15T11:55:00.000Z'),
    }));
    expect(plan.action).toBe('BOOTSTRAP');
    expect(plan.fullExport?.exportTime).toBe('2026-01-15T11:55:00Z');
  });

  test('GIVEN PITR re-enabled a minute ago and an old watermark WHEN planning THEN WAITING_FOR_PITR, not a refused export', () => {
    const plan = planRun('MIRROR', CONFIG, facts({
      watermark: new Date('2026-01-15T11:00:00Z'),
      earliestRestorable: new Date('2026-01-15T11:59:00Z'),
    }));
    expect(plan.action).toBe('WAITING_FOR_PITR');
  });

  test.each(['MIRROR', 'MAINTAIN'] as const)('GIVEN another execution holds the run lease WHEN planning a %s run THEN ANOTHER_RUN naming it', (mode) => {
    const holder = 'arn:aws:states:eu-north-1:123456789012:execution:mirror:other';
    const plan = planRun(mode, CONFIG, facts({ runLease: { acquired: false, holder, since: '2026-01-15T11:58:00.000Z' } }));
    expect(plan.action).toBe('ANOTHER_RUN');
    expect(plan.reason).toContain(holder);
    expect(plan.windows).toEqual([]);
    expect(plan.lagSeconds).toBe(7200);
  });

  test('GIVEN a table without a watermark WHEN planning THEN it bootstraps and says why', () => {
    const plan = planRun('MIRROR', CONFIG, facts({ watermark: undefined }));
    expect(plan.action).toBe('BOOTSTRAP');
    expect(plan.reason).toContain('no watermark');
  });

  test('GIVEN a watermark two hours back WHEN planning THEN one window ends at now minus the safety lag', () => {
    const plan = planRun('MIRROR', CONFIG, facts({}));
    expect(plan.action).toBe('APPLY');
    expect(plan.windows).toEqual([{
      from: '2026-01-15T10:00:00Z',
      to: '2026-01-15T11:55:00Z',
      clientToken: exportClientToken([TABLE_ARN, 'INCREMENTAL_EXPORT', '2026-01-15T10:00:00Z', '2026-01-15T11:55:00Z', 'NEW_IMAGE']),
    }]);
    expect(plan.lagSeconds).toBe(7200);
  });

  test('GIVEN a watermark with milliseconds WHEN planning THEN the window starts exactly at it', () => {
    const plan = planRun('MIRROR', CONFIG, facts({ watermark: new Date('2026-01-15T10:18:50.622Z') }));
    expect(plan.windows[0].from).toBe('2026-01-15T10:18:50.622Z');
    expect(plan.windows[0].to).toBe('2026-01-15T11:55:00Z');
  });

  test('GIVEN the latest restorable time before now minus lag WHEN planning THEN the window ends there', () => {
    const plan = planRun('MIRROR', CONFIG, facts({ latestRestorable: new Date('2026-01-15T11:30:30.500Z') }));
    expect(plan.windows[0].to).toBe('2026-01-15T11:30:30Z');
  });

  test('GIVEN less than 15 minutes since the watermark WHEN planning THEN nothing to do', () => {
    const plan = planRun('MIRROR', CONFIG, facts({ watermark: new Date('2026-01-15T11:41:00Z') }));
    expect(plan.action).toBe('UP_TO_DATE');
    expect(plan.windows).toEqual([]);
    expect(plan.fullExport).toBeNull();
  });

  test('GIVEN exactly 15 minutes WHEN planning THEN one window of 15 minutes', () => {
    const plan = planRun('MIRROR', CONFIG, facts({ watermark: new Date('2026-01-15T11:40:00Z') }));
    expect(plan.action).toBe('APPLY');
    expect(plan.windows.map((w) => [w.from, w.to])).toEqual([['2026-01-15T11:40:00Z', '2026-01-15T11:55:00Z']]);
  });

  test('GIVEN 30 hours behind WHEN planning THEN two chained windows of at most 24 hours', () => {
    const plan = planRun('MIRROR', CONFIG, facts({ watermark: new Date('2026-01-14T06:05:00Z') }));
    expect(plan.action).toBe('APPLY');
    expect(plan.windows.map((w) => [w.from, w.to])).toEqual([
      ['2026-01-14T06:05:00Z', '2026-01-15T06:05:00Z'],
      ['2026-01-15T06:05:00Z', '2026-01-15T11:55:00Z'],
    ]);
    expect(new Set(plan.windows.map((w) => w.clientToken)).size).toBe(2);
  });

  test('GIVEN a short remainder after full windows WHEN planning THEN the remainder waits for the next run', () => {
    const plan = planRun('MIRROR', { ...CONFIG, maxWindowSeconds: 3600 },
      facts({ watermark: new Date('2026-01-15T09:50:00Z') }));
    expect(plan.windows.map((w) => w.to)).toEqual(['2026-01-15T10:50:00Z', '2026-01-15T11:50:00Z']);
  });

  test('GIVEN far behind WHEN planning THEN at most maxWindowsPerRun windows', () => {
    const plan = planRun('MIRROR', { ...CONFIG, maxWindowsPerRun: 3 },
      facts({ watermark: new Date('2026-01-05T00:00:00Z') }));
    expect(plan.windows).toHaveLength(3);
    expect(plan.windows[2].to).toBe('2026-01-08T00:00:00Z');
  });

  test('GIVEN the same window WHEN planned twice THEN the same ClientToken', () => {
    const first = planRun('MIRROR', CONFIG, facts({}));
    const second = planRun('MIRROR', CONFIG, facts({ now: new Date('2026-01-15T12:00:00.400Z') }));
    expect(second.windows[0].clientToken).toBe(first.windows[0].clientToken);
  });

  test.each([
    ['AUTOMATIC', 'REBOOTSTRAP'],
    ['ALARM_AND_WAIT', 'WAIT_FOR_REBOOTSTRAP'],
  ] as const)('GIVEN a watermark older than PITR and policy %s WHEN planning THEN %s', (policy, action) => {
    const plan: Plan = planRun('MIRROR', { ...CONFIG, rebootstrap: policy },
      facts({ earliestRestorable: new Date('2026-01-15T10:30:00Z') }));
    expect(plan.action).toBe(action);
    expect(plan.reason).toContain('earliest restorable time 2026-01-15T10:30:00Z');
    expect(plan.fullExport !== null).toBe(action === 'REBOOTSTRAP');
  });

  test('GIVEN PITR disabled WHEN planning THEN PITR_DISABLED', () => {
    const plan = planRun('MIRROR', CONFIG, facts({ pitrEnabled: false }));
    expect(plan.action).toBe('PITR_DISABLED');
    expect(plan.reason).toContain(TABLE_ARN);
  });

  test('GIVEN a table that mirrors another DynamoDB table WHEN planning THEN TABLE_MISMATCH', () => {
    const plan = planRun('MIRROR', CONFIG, facts({ mirroredTableArn: `${TABLE_ARN}-other` }));
    expect(plan.action).toBe('TABLE_MISMATCH');
  });

  test.each([
    [true, 'MAINTAIN'],
    [false, 'NOTHING_TO_MAINTAIN'],
  ] as const)('GIVEN table exists=%s WHEN planning maintenance THEN %s', (exists, action) => {
    const plan = planRun('MAINTAIN', CONFIG, facts({ tableExists: exists }));
    expect(plan.action).toBe(action);
  });

  test('GIVEN a watermark in the PITR window WHEN planning a verification export THEN a full export at exactly the watermark, with a token of its own', () => {
    const plan = planRun('VERIFY_EXPORT', CONFIG, facts({ watermark: new Date('2026-01-14T10:18:50.622Z') }));
    expect(plan.action).toBe('VERIFY');
    expect(plan.fullExport).toEqual({
      exportTime: '2026-01-14T10:18:50.622Z',
      clientToken: exportClientToken([TABLE_ARN, 'VERIFY', '2026-01-14T10:18:50.622Z']),
    });
    // Not the bootstrap's export at the same time: the verification reads an export of its own.
    expect(plan.fullExport!.clientToken).not.toBe(exportClientToken([TABLE_ARN, 'FULL_EXPORT', '2026-01-14T10:18:50.622Z']));
    expect(plan.windows).toEqual([]);
  });

  test.each([
    [{ tableExists: false, watermark: undefined }, 'NOTHING_TO_VERIFY'],
    [{ watermark: undefined }, 'NOTHING_TO_VERIFY'],
    [{ watermark: new Date('2025-12-31T23:59:59Z') }, 'CANNOT_VERIFY'],
    [{ watermark: new Date('2026-01-15T11:59:01Z') }, 'CANNOT_VERIFY'],
    [{ pitrEnabled: false }, 'PITR_DISABLED'],
    [{ mirroredTableArn: `${TABLE_ARN}-other` }, 'TABLE_MISMATCH'],
  ] as Array<[Partial<PlanFacts>, string]>)('GIVEN %j WHEN planning a verification export THEN %s and no export', (given, action) => {
    const plan = planRun('VERIFY_EXPORT', CONFIG, facts(given));
    expect(plan.action).toBe(action);
    expect(plan.fullExport).toBeNull();
  });

  test('GIVEN another execution holding the run lease WHEN planning a verification export THEN the export is planned all the same', () => {
    const plan = planRun('VERIFY_EXPORT', CONFIG, facts({ runLease: { acquired: false, holder: '(not asked)', since: '' } }));
    expect(plan.action).toBe('VERIFY');
    expect(plan.fullExport?.exportTime).toBe('2026-01-15T10:00:00Z');
  });

  test.each([
    [{}, 'VERIFY'],
    [{ tableExists: false, watermark: undefined }, 'NOTHING_TO_VERIFY'],
    [{ runLease: { acquired: false, holder: 'arn:aws:states:eu-north-1:123456789012:execution:mirror:other', since: '2026-01-15T11:00:00Z' } }, 'ANOTHER_RUN'],
    [{ mirroredTableArn: `${TABLE_ARN}-other` }, 'TABLE_MISMATCH'],
  ] as Array<[Partial<PlanFacts>, string]>)('GIVEN %j WHEN planning the verify job (with the lease) THEN %s and no export', (given, action) => {
    const plan = planRun('VERIFY', CONFIG, facts(given));
    expect(plan.action).toBe(action);
    expect(plan.fullExport).toBeNull();
  });

  test('GIVEN a watermark outside the PITR window WHEN planning a verification export THEN the reason names the window', () => {
    const plan = planRun('VERIFY_EXPORT', CONFIG, facts({ watermark: new Date('2025-12-20T00:00:00Z') }));
    expect(plan.reason).toContain('2025-12-20T00:00:00Z is outside the point-in-time recovery window');
    expect(plan.reason).toContain('2026-01-01T00:00:00Z to 2026-01-15T11:59:00Z');
  });

  test.each([
    [{ minWindowSeconds: 60 }, 'config.minWindowSeconds'],
    [{ maxWindowSeconds: 90000 }, 'config.maxWindowSeconds'],
    [{ maxWindowsPerRun: 0 }, 'config.maxWindowsPerRun'],
    [{ rebootstrap: 'NEVER' }, 'config.rebootstrap'],
    [{ tableArn: '' }, 'config.tableArn'],
  ])('GIVEN a bad config %j WHEN planning THEN an error naming %s', (bad, name) => {
    expect(() => planRun('MIRROR', { ...CONFIG, ...bad } as PlanConfig, facts({}))).toThrow(name);
  });
});

describe('formatTime', () => {
  test('drops zero milliseconds and keeps others', () => {
    expect(formatTime(new Date('2026-01-14T10:20:00.000Z'))).toBe('2026-01-14T10:20:00Z');
    expect(formatTime(new Date('2026-01-14T10:18:50.622Z'))).toBe('2026-01-14T10:18:50.622Z');
  });
});
