/**
 * `/access-admin stats [30d]`: the figures of a period, each computed from the records. The period's
 * requests are those filed in it; what waits, what is active and what fails is as it stands now.
 *
 * - hands-off: of the period's access requests that got access, those on which no person acted between the
 *   approval and the access (no retry, no manual fulfilment; a refused click does not count);
 * - request → access and approval → access: medians and p90 (nearest rank) over those that got access;
 * - elevated grants: active grants of roles that need a human approval; "no end" are standing ones (target 0).
 */
import { formatDuration } from '../../domain/duration.js';
import { percentile } from '../../domain/insight.js';
import { isWaiting } from '../../store/insight.repo.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { at } from './chain-words.js';

export interface Spread {
  readonly median: number;
  readonly p90: number;
  readonly count: number;
}

export interface Stats {
  readonly from: number;
  readonly until: number;
  readonly requests: { readonly total: number; readonly access: number; readonly extensions: number };
  /** Of the period's requests: got access (whatever happened since), denied, cancelled, failed, waiting now. */
  readonly outcomes: { readonly granted: number; readonly denied: number; readonly cancelled: number; readonly failed: number; readonly waiting: number };
  /** Access requests of the period that got access with no person acting after the approval, of `granted` access requests. */
  readonly handsOff: { readonly count: number; readonly of: number };
  readonly requestToAccess: Spread | null;
  readonly approvalToAccess: Spread | null;
  readonly approvalsWaiting: { readonly count: number; readonly oldest: { readonly requestId: number; readonly since: number } | null };
  readonly elevated: { readonly count: number; readonly noEnd: number; readonly pastEnd: number };
  readonly removals: { readonly done: ReadonlyArray<{ readonly status: string; readonly n: number }>; readonly failing: readonly number[] };
}

function spread(values: readonly number[]): Spread | null {
  const median = percentile(values, 50);
  const p90 = percentile(values, 90);
  return median === null || p90 === null ? null : { median, p90, count: values.length };
}

export function computeStats(deps: WorkflowDeps, periodMs: number): Stats {
  const { insight, ops } = deps.store;
  const until = deps.clock.now().getTime();
  const from = until - periodMs;
  const period = insight.periodRequests(from, until + 1);
  const access = period.filter((r) => r.kind === 'access');
  const got = access.filter((r) => r.activeAt !== null);
  const approvedThenGot = got.filter((r) => r.approvedAt !== null);
  const waiting = ops.approvalsWaiting();
  return {
    from,
    until,
    requests: { total: period.length, access: access.length, extensions: period.length - access.length },
    outcomes: {
      granted: period.filter((r) => r.activeAt !== null).length,
      denied: period.filter((r) => r.status === 'denied').length,
      cancelled: period.filter((r) => r.status === 'cancelled').length,
      failed: period.filter((r) => r.status === 'failed').length,
      waiting: period.filter((r) => isWaiting(r.status, r.kind)).length,
    },
    handsOff: { count: approvedThenGot.filter((r) => !r.touched).length, of: approvedThenGot.length },
    requestToAccess: spread(got.map((r) => (r.activeAt ?? 0) - r.createdAt)),
    approvalToAccess: spread(approvedThenGot.map((r) => (r.activeAt ?? 0) - (r.approvedAt ?? 0))),
    approvalsWaiting: { count: waiting.count, oldest: waiting.count > 0 ? insight.oldestWaitingStep() : null },
    elevated: insight.activeElevated(until),
    removals: { done: insight.removalsDone(from, until + 1), failing: insight.removalsFailing() },
  };
}

function share(count: number, of: number): string {
  return of === 0 ? 'none got access' : `${count} of ${of} (${Math.round((count / of) * 100)}%)`;
}

function spreadWords(s: Spread | null): string {
  return s ? `median ${formatDuration(s.median)}, p90 ${formatDuration(s.p90)} (over ${s.count})` : 'no request of the period got access';
}

export function statsText(stats: Stats, periodWords: string): string {
  const { requests, outcomes, approvalsWaiting, elevated, removals } = stats;
  const done = removals.done.reduce((sum, r) => sum + r.n, 0);
  const byHow = removals.done.map((r) => `${r.n} ${r.status.replace(/_/g, ' ')}`).join(', ');
  const oldest = approvalsWaiting.oldest ? `; the oldest since ${at(approvalsWaiting.oldest.since)} (request #${approvalsWaiting.oldest.requestId}, ${formatDuration(stats.until - approvalsWaiting.oldest.since)})` : '';
  const failing = removals.failing.length > 0 ? `${removals.failing.length} failing now (${removals.failing.slice(0, 10).map((id) => `#${id}`).join(', ')}${removals.failing.length > 10 ? ', …' : ''}; see \`/access-admin status\`)` : 'none failing';
  return [
    `*Keycard, last ${periodWords}* (requests filed ${at(stats.from)} to ${at(stats.until)})`,
    `• Requests: ${requests.total} (${requests.access} access, ${requests.extensions} extensions): ${outcomes.granted} got access, ${outcomes.denied} denied, ${outcomes.cancelled} cancelled, ${outcomes.failed} failed, ${outcomes.waiting} waiting`,
    `• Provisioned with no human touch after approval: ${share(stats.handsOff.count, stats.handsOff.of)}`,
    `• Request → access: ${spreadWords(stats.requestToAccess)}`,
    `• Approval → access: ${spreadWords(stats.approvalToAccess)}`,
    `• Denied: ${outcomes.denied}`,
    `• Approvals waiting now: ${approvalsWaiting.count}${oldest}`,
    `• Active elevated grants (roles that need an approval): ${elevated.count}; ${elevated.noEnd} with no end (target 0)${elevated.pastEnd > 0 ? `; ${elevated.pastEnd} past their end, not yet removed` : ''}`,
    `• Removals: ${done} done${done > 0 ? ` (${byHow})` : ''}; ${failing}`,
  ].join('\n');
}
