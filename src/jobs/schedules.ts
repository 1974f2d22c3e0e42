/**
 * node-cron schedules in the same process. Each only calls a workflow with the injected clock; the
 * workflows decide what is due, so a run missed while the process was down is caught up by the next one.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { WorkflowDeps } from '../workflows/shared/deps.js';
import { enqueueAuditCheckpoint } from '../workflows/evidence/index.js';
import { sweepApprovals } from '../workflows/approval/index.js';
import { sweepExpired, sweepWarnings } from '../workflows/grant/index.js';
import { enqueueProfileSync } from '../workflows/lifecycle/index.js';
import { sweepReviews } from '../workflows/review/index.js';
import { enqueueScheduledDriftCheck } from '../workflows/drift/index.js';
import { startReclaimRuns } from '../workflows/reclaim/index.js';

export interface Schedules {
  /** Runs every schedule once now (start-up catch-up, tests, the demo). */
  runAll(): void;
  /** Queues the profile sync now, as KEYCARD_SCHEDULE_PROFILES does (tests; off unless configured). */
  runProfiles(): void;
  stop(): Promise<void>;
}

export function startSchedules(deps: WorkflowDeps, expressions: { expiry: string; approvals: string; auditCheckpoint?: string; sync?: string | null; profiles?: string | null; reclaim?: string | null }, logger: Logger, enabled = true): Schedules {
  const runExpiry = () => {
    const warned = sweepWarnings(deps);
    const started = sweepExpired(deps);
    if (started > 0 || warned > 0) logger.info({ removals: started, warnings: warned }, 'expiry sweep');
  };
  const runApprovals = () => {
    // Finished jobs are kept 30 days for /access-admin and debugging, then dropped so the queue stays small.
    deps.store.jobs.pruneDone(new Date(deps.clock.now().getTime() - 30 * 24 * 60 * 60_000));
    const { reminded, escalated, expired } = sweepApprovals(deps);
    if (reminded > 0 || escalated > 0 || expired > 0) logger.info({ reminded, escalated, expired }, 'approvals sweep');
    // Access reviews share this schedule: close those due, remind reviewers with undecided items.
    const reviews = sweepReviews(deps);
    if (reviews.closed > 0 || reviews.reminded > 0) logger.info(reviews, 'access reviews sweep');
  };
  // Auto reclaim: one durable scan job per app with a policy (the scans read the providers, not this callback).
  const runReclaim = () => {
    const result = startReclaimRuns(deps, { appId: null, trigger: 'schedule', by: null });
    if (result.kind === 'started' && result.runs.length > 0) logger.info({ apps: result.runs.map((r) => r.app.id) }, 'reclaim scans queued');
  };
  // On the clock, a mass expiry is marked a batch at a time with a turn of the event loop in between,
  // so Slack's 3-second acknowledgements never wait behind it.
  const runExpiryYielding = async () => {
    const warned = sweepWarnings(deps);
    let started = 0;
    for (;;) {
      const batch = sweepExpired(deps, 500, 1);
      started += batch;
      if (batch < 500) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (started > 0 || warned > 0) logger.info({ removals: started, warnings: warned }, 'expiry sweep');
  };
  const tasks: ScheduledTask[] = enabled
    ? [
        cron.schedule(expressions.expiry, runExpiryYielding, { name: 'expiry', noOverlap: true, timezone: 'UTC' }),
        cron.schedule(expressions.approvals, runApprovals, { name: 'approvals', noOverlap: true, timezone: 'UTC' }),
        // Not in runAll: a checkpoint records the log as it is, there is nothing to catch up at start-up.
        ...(expressions.auditCheckpoint
          ? [cron.schedule(expressions.auditCheckpoint, () => void enqueueAuditCheckpoint(deps), { name: 'audit-checkpoint', noOverlap: true, timezone: 'UTC' })]
          : []),
        // Optional, and not in runAll either: a drift check reads every catalog group from the providers.
        ...(expressions.sync
          ? [cron.schedule(expressions.sync, () => void (enqueueScheduledDriftCheck(deps) && logger.info('drift check queued')), { name: 'drift-check', noOverlap: true, timezone: 'UTC' })]
          : []),
        // Not in runAll either: the sync reads every known person's profile, a job per person (movers).
        ...(expressions.profiles ? [cron.schedule(expressions.profiles, () => enqueueProfileSync(deps), { name: 'profiles', noOverlap: true, timezone: 'UTC' })] : []),
        // Not in runAll either: a missed daily scan is simply the next day's; the removals already due are durable jobs.
        ...(expressions.reclaim ? [cron.schedule(expressions.reclaim, runReclaim, { name: 'reclaim', noOverlap: true, timezone: 'UTC' })] : []),
      ]
    : [];
  return {
    runAll() {
      runExpiry();
      runApprovals();
    },
    runProfiles() {
      if (expressions.profiles) enqueueProfileSync(deps);
    },
    async stop() {
      for (const task of tasks) await task.destroy();
    },
  };
}
