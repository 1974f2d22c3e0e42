/**
 * GET /metrics in Prometheus' text format. State is read from the database at scrape time (a handful of
 * aggregate queries, so the numbers survive restarts and never drift from the truth); only what happens
 * in this process is counted as it happens: calls to external services (from the job worker) and the
 * time from request to access (from the audit event that makes a request active).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Clock } from '../domain/clock.js';
import type { Store } from '../store/store.js';
import type { CallOutcome } from './service-calls.js';

export interface KeycardMetrics {
  readonly registry: Registry;
  /** One job attempt against a service (see ServiceCalls). */
  countCall(service: string, outcome: CallOutcome): void;
  /** A request became active `seconds` after it was filed. */
  observeTimeToAccess(seconds: number): void;
}

const JOB_STATES = ['pending', 'running', 'done', 'dead', 'skipped'] as const;

function ageSeconds(now: number, since: number | null): number {
  return since === null ? 0 : Math.max(0, (now - since) / 1000);
}

export function createMetrics(store: Store, clock: Clock): KeycardMetrics {
  const registry = new Registry();
  const registers = [registry];

  new Gauge({
    name: 'keycard_requests',
    help: 'Requests by current status (denied, cancelled, failed, active, expired, ... are outcomes).',
    labelNames: ['status'],
    registers,
    collect() {
      this.reset();
      for (const row of store.ops.requestsByStatus()) this.set({ status: row.status }, row.n);
    },
  });
  const timeToAccess = new Histogram({
    name: 'keycard_request_to_access_seconds',
    help: 'Time from filing a request to the access being in place (approvals included).',
    buckets: [60, 300, 900, 1800, 3600, 4 * 3600, 8 * 3600, 24 * 3600, 3 * 86400, 7 * 86400],
    registers,
  });
  new Gauge({
    name: 'keycard_approvals_waiting',
    help: 'Approval stages waiting for a decision.',
    registers,
    collect() {
      this.set(store.ops.approvalsWaiting().count);
    },
  });
  new Gauge({
    name: 'keycard_approval_oldest_wait_seconds',
    help: 'How long the oldest approval stage still waiting has waited (0 when none waits).',
    registers,
    collect() {
      this.set(ageSeconds(clock.now().getTime(), store.ops.approvalsWaiting().oldestCreatedAt));
    },
  });
  new Gauge({
    name: 'keycard_grants_active',
    help: 'Active grants: elevated (time-bound) and standing (no end).',
    labelNames: ['kind'],
    registers,
    collect() {
      const { elevated, standing } = store.ops.activeGrants();
      this.set({ kind: 'elevated' }, elevated);
      this.set({ kind: 'standing' }, standing);
    },
  });
  new Gauge({
    name: 'keycard_jobs',
    help: 'Jobs in the durable queue by state.',
    labelNames: ['state'],
    registers,
    collect() {
      const counts = store.jobs.countByStatus();
      for (const state of JOB_STATES) this.set({ state }, counts[state]);
    },
  });
  new Gauge({
    name: 'keycard_job_oldest_pending_seconds',
    help: 'How late the oldest pending job is: now minus when it was due (0 when none is late).',
    registers,
    collect() {
      const oldest = store.ops.oldestPendingJob();
      this.set(ageSeconds(clock.now().getTime(), oldest ? Math.min(oldest.runAt, clock.now().getTime()) : null));
    },
  });
  new Gauge({
    name: 'keycard_job_overdue_seconds',
    help: 'How late the oldest pending job of each kind is (idp.deprovision: a removal).',
    labelNames: ['kind'],
    registers,
    collect() {
      this.reset();
      const now = clock.now().getTime();
      for (const row of store.ops.oldestPendingByKind()) this.set({ kind: row.kind }, ageSeconds(now, Math.min(row.runAt, now)));
    },
  });
  new Gauge({
    name: 'keycard_removals_pending_groups',
    help: 'Groups still held by grants being removed (ending).',
    registers,
    collect() {
      this.set(store.ops.removalsPending());
    },
  });
  // Totals kept in the database, exposed as counters: they only grow, and survive restarts.
  new Counter({
    name: 'keycard_grants_ended_total',
    help: 'Grants ended, by how: expired, revoked, relinquished, rolled_back.',
    labelNames: ['reason'],
    registers,
    collect() {
      this.reset();
      for (const row of store.ops.grantsEnded()) this.inc({ reason: row.status }, row.n);
    },
  });
  new Counter({
    name: 'keycard_group_removals_total',
    help: 'Group memberships taken off grants, by outcome: removed, not_member, no_group, kept, by_hand.',
    labelNames: ['outcome'],
    registers,
    collect() {
      this.reset();
      for (const row of store.ops.groupRemovals()) this.inc({ outcome: row.outcome }, row.n);
    },
  });
  const calls = new Counter({
    name: 'keycard_external_calls_total',
    help: 'Job attempts against each external service (slack, jira, okta, entra, google) by outcome: ok, error, rate_limited (429 or quota).',
    labelNames: ['service', 'outcome'],
    registers,
  });

  return {
    registry,
    countCall(service, outcome) {
      calls.inc({ service, outcome });
    },
    observeTimeToAccess(seconds) {
      timeToAccess.observe(Math.max(0, seconds));
    },
  };
}
