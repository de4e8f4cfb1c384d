import { createHash } from 'crypto';

/**
 * Window planning for the mirror's state machine: pure functions, no AWS calls.
 *
 * The `mirror-plan` Lambda handler gathers the facts (the table's watermark, the source table's
 * point-in-time recovery window) and calls `planRun`; the state machine acts on the result.
 */

/**
 * What the state machine asks for. A verification plans its export first, without the run lease
 * (`VERIFY_EXPORT`), and takes the lease only for its Spark job (`VERIFY`).
 */
export type RunMode = 'MIRROR' | 'MAINTAIN' | 'VERIFY_EXPORT' | 'VERIFY';

/**
 * What the state machine does next: every action, defined once. The state machine routes each one
 * (`PlanRoutes`), so an action added here without a state is a compile error.
 */
export const PLAN_ACTIONS = [
  /** No Iceberg table yet: full export, then the bootstrap job. */
  'BOOTSTRAP',
  /** The watermark left the point-in-time recovery window and the policy allows starting over. */
  'REBOOTSTRAP',
  /** One or more incremental windows are ready: export them, then one apply job. */
  'APPLY',
  /** The next window would be shorter than the minimum: nothing to do this time. */
  'UP_TO_DATE',
  /** The watermark left the point-in-time recovery window and the policy says wait for an operator. */
  'WAIT_FOR_REBOOTSTRAP',
  /** Point-in-time recovery is off on the source table: nothing can be exported. */
  'PITR_DISABLED',
  /** The Iceberg table mirrors another DynamoDB table. */
  'TABLE_MISMATCH',
  /** Maintenance run on an existing table. */
  'MAINTAIN',
  /** Maintenance run, but the table does not exist yet. */
  'NOTHING_TO_MAINTAIN',
  /** Verification run: a full export at the watermark (planned without the lease), then, with the lease, the job's `verify`. */
  'VERIFY',
  /** Verification run, but the table has no watermark yet. */
  'NOTHING_TO_VERIFY',
  /** Verification run, but the watermark is outside the point-in-time recovery window: no export can be taken at it. */
  'CANNOT_VERIFY',
  /** Another execution holds the run lease: this one does nothing (a maintenance run waits and asks again). */
  'ANOTHER_RUN',
  /** Point-in-time recovery was enabled too recently: no time is restorable yet for the full export (a later run bootstraps). */
  'WAITING_FOR_PITR',
] as const;

/** One of `PLAN_ACTIONS`. */
export type PlanAction = typeof PLAN_ACTIONS[number];

/** Policy when the watermark is older than the earliest restorable time of the source table. */
export type RebootstrapMode = 'AUTOMATIC' | 'ALARM_AND_WAIT';

/** Static settings of one mirror, written into the state machine definition. */
export interface PlanConfig {
  readonly tableArn: string;
  readonly exportViewType: string;
  readonly minWindowSeconds: number;
  readonly maxWindowSeconds: number;
  readonly safetyLagSeconds: number;
  readonly maxWindowsPerRun: number;
  readonly rebootstrap: RebootstrapMode;
}

/** What the handler found out before planning. */
export interface PlanFacts {
  /** The time the execution started (ISO-8601). */
  readonly now: Date;
  /** Whether the Iceberg table exists in the Glue catalog. */
  readonly tableExists: boolean;
  /** The table's watermark, when it has one. */
  readonly watermark?: Date;
  /** The source table ARN recorded in the Iceberg table, when it has one. */
  readonly mirroredTableArn?: string;
  /** Point-in-time recovery status of the source table. */
  readonly pitrEnabled: boolean;
  readonly earliestRestorable?: Date;
  readonly latestRestorable?: Date;
  /** Whether this execution holds the run lease, and who does otherwise. */
  readonly runLease: RunLeaseFact;
}

/** The run lease as the plan sees it. */
export interface RunLeaseFact {
  readonly acquired: boolean;
  /** The execution holding the lease. */
  readonly holder: string;
  /** When the holder started (ISO-8601). */
  readonly since: string;
}

/** One incremental export to make. */
export interface PlannedWindow {
  /** Inclusive start (ISO-8601). */
  readonly from: string;
  /** Exclusive end (ISO-8601). */
  readonly to: string;
  /** Deterministic ClientToken prefix of the export (the attempt number is appended). */
  readonly clientToken: string;
}

/** The full export to make. */
export interface PlannedFullExport {
  /** Whole-second export time (ISO-8601). */
  readonly exportTime: string;
  /** Deterministic ClientToken prefix of the export (the attempt number is appended). */
  readonly clientToken: string;
}

/** The plan returned to the state machine. */
export interface Plan {
  readonly action: PlanAction;
  /** One sentence for the execution history. */
  readonly reason: string;
  /** The watermark the plan starts from, if any. */
  readonly watermark: string | null;
  /** Seconds between the watermark and now, when there is a watermark. */
  readonly lagSeconds: number | null;
  /** Set for BOOTSTRAP, REBOOTSTRAP and VERIFY. */
  readonly fullExport: PlannedFullExport | null;
  /** Non-empty for APPLY, ordered by time, chained end to start. */
  readonly windows: PlannedWindow[];
}

/** Formats a time as ISO-8601 UTC, without milliseconds when they are zero. */
export function formatTime(time: Date): string {
  const text = time.toISOString();
  return text.endsWith('.000Z') ? `${text.slice(0, -5)}Z` : text;
}

/** Parses an ISO-8601 time; throws on garbage. */
export function parseTime(text: string, what: string): Date {
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) {
    throw new Error(`${what} is not a valid time: ${JSON.stringify(text)}`);
  }
  return time;
}

/** A deterministic ClientToken for an export: the same table and window always give the same token. */
export function exportClientToken(parts: string[]): string {
  return createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 32);
}

function floorToSecond(time: Date): Date {
  return new Date(Math.floor(time.getTime() / 1000) * 1000);
}

function minTime(...times: (Date | undefined)[]): Date {
  const ms = times.filter((t): t is Date => t !== undefined).map((t) => t.getTime());
  return new Date(Math.min(...ms));
}

/** Validates the static config; throws an error naming the bad field. */
export function validateConfig(config: PlanConfig): void {
  if (!config.tableArn) {
    throw new Error('config.tableArn is required');
  }
  if (!(config.minWindowSeconds >= 900)) {
    throw new Error(`config.minWindowSeconds must be at least 900, got ${config.minWindowSeconds}`);
  }
  if (!(config.maxWindowSeconds >= config.minWindowSeconds && config.maxWindowSeconds <= 86400)) {
    throw new Error(`config.maxWindowSeconds must be in [minWindowSeconds, 86400], got ${config.maxWindowSeconds}`);
  }
  if (!(config.safetyLagSeconds >= 0)) {
    throw new Error(`config.safetyLagSeconds must be >= 0, got ${config.safetyLagSeconds}`);
  }
  if (!(Number.isInteger(config.maxWindowsPerRun) && config.maxWindowsPerRun >= 1)) {
    throw new Error(`config.maxWindowsPerRun must be a positive integer, got ${config.maxWindowsPerRun}`);
  }
  if (config.rebootstrap !== 'AUTOMATIC' && config.rebootstrap !== 'ALARM_AND_WAIT') {
    throw new Error(`config.rebootstrap must be AUTOMATIC or ALARM_AND_WAIT, got ${JSON.stringify(config.rebootstrap)}`);
  }
}

function fullExportPlan(action: 'BOOTSTRAP' | 'REBOOTSTRAP', reason: string, config: PlanConfig, facts: PlanFacts): Plan {
  // An explicit whole-second export time: the watermark the bootstrap records is exactly it. It must
  // lie in the restorable window [earliest, latest], else DynamoDB refuses the export.
  const latest = minTime(new Date(facts.now.getTime() - config.safetyLagSeconds * 1000), facts.latestRestorable);
  const exportTime = floorToSecond(latest);
  if (facts.earliestRestorable && exportTime.getTime() < facts.earliestRestorable.getTime()) {
    return stop('WAITING_FOR_PITR',
      `Point-in-time recovery of ${config.tableArn} is restorable from ${formatTime(facts.earliestRestorable)} only, `
      + `after the latest export time ${formatTime(exportTime)} (recently enabled): the full export waits for a later run.`,
      facts);
  }
  const exportTimeText = formatTime(exportTime);
  return {
    action,
    reason,
    watermark: facts.watermark ? formatTime(facts.watermark) : null,
    lagSeconds: lagOf(facts),
    fullExport: {
      exportTime: exportTimeText,
      clientToken: exportClientToken([config.tableArn, 'FULL_EXPORT', exportTimeText]),
    },
    windows: [],
  };
}

/**
 * A verification exports the table at exactly its watermark, so that the job compares the export with
 * the snapshot of that watermark. Its ClientToken differs from a bootstrap's at the same time: the
 * verification gets an export of its own, not the one the table was built from.
 */
function verifyExportPlan(config: PlanConfig, facts: PlanFacts): Plan {
  if (facts.tableExists && facts.mirroredTableArn && facts.mirroredTableArn !== config.tableArn) {
    return stop('TABLE_MISMATCH',
      `The Iceberg table mirrors ${facts.mirroredTableArn}, not ${config.tableArn}; refusing to verify it.`, facts);
  }
  if (!facts.pitrEnabled) {
    return stop('PITR_DISABLED', `Point-in-time recovery is not enabled on ${config.tableArn}: no export can be taken.`, facts);
  }
  if (!facts.tableExists || !facts.watermark) {
    return stop('NOTHING_TO_VERIFY', 'The Iceberg table has no watermark yet: nothing to verify.', facts);
  }
  const watermark = facts.watermark;
  const outside = (facts.earliestRestorable && watermark.getTime() < facts.earliestRestorable.getTime())
    || (facts.latestRestorable && watermark.getTime() > facts.latestRestorable.getTime());
  if (outside) {
    return stop('CANNOT_VERIFY',
      `The watermark ${formatTime(watermark)} is outside the point-in-time recovery window of ${config.tableArn} `
      + `(${facts.earliestRestorable ? formatTime(facts.earliestRestorable) : '?'} to ${facts.latestRestorable ? formatTime(facts.latestRestorable) : '?'}): `
      + 'no full export can be taken at it; a mirror run must move the watermark first.',
      facts);
  }
  const exportTime = formatTime(watermark);
  return {
    action: 'VERIFY',
    reason: `Verifying the Iceberg table against a full export at its watermark ${exportTime}.`,
    watermark: exportTime,
    lagSeconds: lagOf(facts),
    fullExport: { exportTime, clientToken: exportClientToken([config.tableArn, 'VERIFY', exportTime]) },
    windows: [],
  };
}

function lagOf(facts: PlanFacts): number | null {
  if (!facts.watermark) {
    return null;
  }
  return Math.max(0, Math.round((facts.now.getTime() - facts.watermark.getTime()) / 1000));
}

function stop(action: PlanAction, reason: string, facts: PlanFacts): Plan {
  return {
    action,
    reason,
    watermark: facts.watermark ? formatTime(facts.watermark) : null,
    lagSeconds: lagOf(facts),
    fullExport: null,
    windows: [],
  };
}

/**
 * Decides what one execution does.
 *
 * Steady state: windows [W, min(W + maxWindow, now - safetyLag)) chained end to start, each at
 * least `minWindowSeconds` long, at most `maxWindowsPerRun` of them (catch-up), all applied by one
 * Spark run. The watermark itself only moves when that run commits.
 */
export function planRun(mode: RunMode, config: PlanConfig, facts: PlanFacts): Plan {
  validateConfig(config);

  if (mode === 'VERIFY_EXPORT') {
    // Reads only: the export does not touch the Iceberg table, so it needs no lease and delays no run.
    return verifyExportPlan(config, facts);
  }

  if (!facts.runLease.acquired) {
    return stop('ANOTHER_RUN',
      `Execution ${facts.runLease.holder} (started ${facts.runLease.since}) holds the run lease: never two runs on one table at once.`,
      facts);
  }

  if (facts.tableExists && facts.mirroredTableArn && facts.mirroredTableArn !== config.tableArn) {
    return stop('TABLE_MISMATCH',
      `The Iceberg table mirrors ${facts.mirroredTableArn}, not ${config.tableArn}; refusing to touch it.`, facts);
  }

  if (mode === 'MAINTAIN') {
    return facts.tableExists
      ? stop('MAINTAIN', 'Maintenance of the Iceberg table.', facts)
      : stop('NOTHING_TO_MAINTAIN', 'The Iceberg table does not exist yet: nothing to maintain.', facts);
  }

  if (!facts.pitrEnabled) {
    return stop('PITR_DISABLED',
      `Point-in-time recovery is not enabled on ${config.tableArn}: exports are impossible. Enable it; the mirror then re-bootstraps or waits, per its re-bootstrap policy.`,
      facts);
  }

  if (mode === 'VERIFY') {
    return facts.tableExists
      ? stop('VERIFY', 'Verifying the Iceberg table against the verification export.', facts)
      : stop('NOTHING_TO_VERIFY', 'The Iceberg table does not exist: nothing to verify.', facts);
  }

  if (!facts.tableExists || !facts.watermark) {
    const reason = facts.tableExists
      ? 'The Iceberg table exists but has no watermark: bootstrapping from a full export.'
      : 'No Iceberg table yet: bootstrapping from a full export.';
    return fullExportPlan('BOOTSTRAP', reason, config, facts);
  }

  const watermark = facts.watermark;
  if (facts.earliestRestorable && watermark.getTime() < facts.earliestRestorable.getTime()) {
    const what = `The watermark ${formatTime(watermark)} is older than the earliest restorable time ${formatTime(facts.earliestRestorable)} of ${config.tableArn}`;
    if (config.rebootstrap === 'AUTOMATIC') {
      return fullExportPlan('REBOOTSTRAP', `${what}: re-bootstrapping from a new full export.`, config, facts);
    }
    return stop('WAIT_FOR_REBOOTSTRAP',
      `${what}: waiting for an operator (re-bootstrap policy ALARM_AND_WAIT).`, facts);
  }

  const horizon = minTime(
    new Date(facts.now.getTime() - config.safetyLagSeconds * 1000),
    facts.latestRestorable,
  );
  const windows: PlannedWindow[] = [];
  let start = watermark;
  while (windows.length < config.maxWindowsPerRun) {
    const end = floorToSecond(minTime(new Date(start.getTime() + config.maxWindowSeconds * 1000), horizon));
    if (end.getTime() - start.getTime() < config.minWindowSeconds * 1000) {
      break;
    }
    const from = formatTime(start);
    const to = formatTime(end);
    windows.push({
      from,
      to,
      clientToken: exportClientToken([config.tableArn, 'INCREMENTAL_EXPORT', from, to, config.exportViewType]),
    });
    start = end;
  }

  if (windows.length === 0) {
    return stop('UP_TO_DATE',
      `The next window from ${formatTime(watermark)} would be shorter than ${config.minWindowSeconds} seconds: nothing to do.`,
      facts);
  }
  return {
    action: 'APPLY',
    reason: `Applying ${windows.length} window(s) from ${windows[0].from} to ${windows[windows.length - 1].to}.`,
    watermark: formatTime(watermark),
    lagSeconds: lagOf(facts),
    fullExport: null,
    windows,
  };
}
