/**
 * GET /readyz: is this Keycard doing its work? Each check answers a problem in one short line, or null.
 * The lines are public (no token on /readyz), so they name conditions and job ids, never people, groups
 * or provider error text: the logs and `/access-admin status` carry the detail.
 */
import type { Clock } from '../domain/clock.js';
import type { Store } from '../store/store.js';
import type { ServiceCalls } from './service-calls.js';

export interface ReadinessOptions {
  /** The worker looks for due jobs at least every poll (5 s); a minute without a turn means it stopped. */
  readonly workerStaleMs: number;
  /** A pending job this late is overdue (KEYCARD_READY_JOB_OVERDUE). */
  readonly jobOverdueMs: number;
}

export interface ReadinessDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly calls: ServiceCalls;
  /** When the job worker last turned. */
  readonly workerTurnedAt: () => Date;
}

export type Readiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };

function minutes(ms: number): string {
  return ms < 120_000 ? `${Math.floor(ms / 1000)} s` : `${Math.floor(ms / 60_000)} min`;
}

/** Every failing check, in a fixed order, joined into one line. */
export function checkReadiness(deps: ReadinessDeps, options: ReadinessOptions): Readiness {
  const problems: string[] = [];
  const now = deps.clock.now().getTime();
  let writable = true;
  try {
    deps.store.ops.probeWrite();
  } catch (error) {
    writable = false;
    const message = error instanceof Error ? error.message : String(error);
    problems.push(`database cannot be written (${message.split('\n')[0]})`);
  }
  const idle = now - deps.workerTurnedAt().getTime();
  if (idle > options.workerStaleMs) problems.push(`job worker has not turned for ${minutes(idle)}`);
  if (writable) {
    const oldest = deps.store.ops.oldestPendingJob();
    if (oldest && now - oldest.runAt > options.jobOverdueMs) problems.push(`job ${oldest.id} (${oldest.kind}) is overdue by ${minutes(now - oldest.runAt)}`);
  }
  for (const streak of deps.calls.failing()) problems.push(`the last ${streak.calls} calls to ${streak.service} failed`);
  return problems.length === 0 ? { ready: true } : { ready: false, reason: problems.join('; ') };
}
