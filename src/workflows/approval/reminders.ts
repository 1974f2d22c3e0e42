/**
 * Approvals nobody acts on. One schedule (`sweepApprovals`) does three things, each once:
 * - a step undecided for `remindAfterMs` sends one reminder DM to each of its approvers;
 * - a step undecided for `escalateAfterMs` is offered to the stage's fallback (catalog `fallback`, else
 *   the admins), which `escalateStepJob` (src/workflows/approval/escalate.ts) carries out;
 * - a request waiting for `requestTtlMs` is cancelled, with a Jira comment and a DM.
 * Reminders and escalation count only business hours when `timing.businessHours` is set. Each mark
 * (`reminded_at`, `escalated_at`, the request's status) is set by compare-and-set in the transaction that
 * queues its effects, so a second sweep or a restart never repeats one.
 */
import { businessElapsedMs, parseBusinessHours } from '../../domain/business-hours.js';
import { formatDurationSpec } from '../../domain/duration.js';
import type { StepRow } from '../../store/requests.repo.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { closePendingRequest, openStageWords } from '../request/index.js';
import { jiraWords } from '../shared/jira-words.js';
import { slackWords } from '../shared/slack-words.js';
import { requestWhat, stageNumberWords } from '../shared/wording.js';
import { enqueueDm, flowKey } from '../shared/effects.js';
import { stepAsRouted } from './delegation.js';
import { sweepDelegations } from './delegate.js';

export interface ApprovalSweep {
  readonly reminded: number;
  readonly escalated: number;
  readonly expired: number;
  /** Delegations that reached their date (their waiting stages went back to the approvers). */
  readonly delegationsEnded: number;
}

/** How long a step has waited, in the time that counts: business hours when configured, else all of it. */
export function waitedMs(deps: WorkflowDeps, fromMs: number, toMs: number): number {
  const { businessHours, timezone } = deps.timing;
  // loadConfig refused a malformed value at start-up; a bad one here (a hand-built config) counts all time.
  const parsed = businessHours ? parseBusinessHours(businessHours) : null;
  if (!parsed?.ok) return Math.max(0, toMs - fromMs);
  return businessElapsedMs(fromMs, toMs, parsed.hours, timezone);
}

/** `24h` or `24h of business hours`, for messages. */
export function waitWords(deps: WorkflowDeps, ms: number): string {
  return deps.timing.businessHours ? `${formatDurationSpec(ms)} of business hours` : formatDurationSpec(ms);
}

/** Steps that have waited at least `afterMs` without the mark. Business time never exceeds wall time, so SQL pre-filters. */
function dueSteps(deps: WorkflowDeps, mark: 'remindedAt' | 'escalatedAt', afterMs: number, nowMs: number): StepRow[] {
  return deps.store.requests.openStepsWithout(mark, nowMs - afterMs).filter((step) => waitedMs(deps, step.createdAt, nowMs) >= afterMs);
}

/** One reminder DM to each approver of every step that has waited `remindAfterMs`; returns how many steps. */
export function sweepReminders(deps: WorkflowDeps): number {
  const { store, timing } = deps;
  const now = deps.clock.now();
  let reminded = 0;
  for (const due of dueSteps(deps, 'remindedAt', timing.remindAfterMs, now.getTime())) {
    store.tx(() => {
      const request = store.requests.get(due.requestId);
      if (!request || request.status !== 'pending_approval' || !store.requests.markStep(due.id, 'remindedAt', now)) return;
      const step = store.requests.getStep(due.id) ?? due;
      store.audit.append({
        at: now,
        actor: { kind: 'system', reason: 'approval reminders' },
        action: 'approval.reminded',
        requestId: request.id,
        data: { stepId: step.id, stage: step.stage, approvers: step.approvers, waitedMs: waitedMs(deps, step.createdAt, now.getTime()) },
      });
      const text = slackWords.reminder(request.requesterSlackId, requestWhat(request), request.id, stageNumberWords(request, stepAsRouted(deps, step)), new Date(step.createdAt));
      for (const approver of step.approvers) enqueueDm(store, approver, text, now, request.id);
      reminded += 1;
    });
  }
  return reminded;
}

/** Marks every step that has waited `escalateAfterMs` and queues its escalation; returns how many. */
export function sweepEscalations(deps: WorkflowDeps): number {
  const { store, timing } = deps;
  const now = deps.clock.now();
  let escalated = 0;
  for (const due of dueSteps(deps, 'escalatedAt', timing.escalateAfterMs, now.getTime())) {
    store.tx(() => {
      const request = store.requests.get(due.requestId);
      if (!request || request.status !== 'pending_approval' || !store.requests.markStep(due.id, 'escalatedAt', now)) return;
      const step = store.requests.getStep(due.id) ?? due;
      // `before` lets the job tell a first run from a retry after its change committed.
      store.jobs.enqueue({ kind: 'approval.escalate', payload: { stepId: step.id, before: step.approvers }, orderKey: flowKey(request.id), requestId: request.id }, now);
      escalated += 1;
    });
  }
  return escalated;
}

/** Cancels every request that has waited `requestTtlMs` (all hours count); returns how many. */
export function sweepRequestTtl(deps: WorkflowDeps, batchSize = 200): number {
  const { store, timing } = deps;
  let expired = 0;
  for (;;) {
    const now = deps.clock.now();
    const due = store.requests.pendingCreatedBefore(now.getTime() - timing.requestTtlMs, batchSize);
    if (due.length === 0) return expired;
    store.tx(() => {
      for (const stale of due) {
        const request = store.requests.get(stale.id);
        if (!request || request.status !== 'pending_approval') continue;
        const ttl = formatDurationSpec(timing.requestTtlMs);
        const step = store.requests.steps(request.id).find((s) => s.status === 'pending');
        const waiting = openStageWords(deps, request);
        const again =
          request.kind === 'extension'
            ? 'Use Extend again if you still need more time.'
            : `If you still need it, ask again with \`/request ${request.appId} ${request.roleId}\`.`;
        const closed = closePendingRequest(deps, request, {
          actor: { kind: 'system', reason: 'request ttl' },
          data: { reason: 'request_ttl', ttlMs: timing.requestTtlMs, createdAt: request.createdAt },
          jiraLine: jiraWords.expiredUndecided(now, ttl, waiting, step?.approvers ?? []),
          dm: slackWords.expiredUndecided(request.id, requestWhat(request), ttl, again),
        });
        if (closed) expired += 1;
      }
    });
    if (due.length < batchSize) return expired;
  }
}

/**
 * The approvals schedule: request TTL first (an expired request needs no reminder), then delegations that
 * reached their date (so reminders and escalation see the approvers back), then reminders, then escalation.
 */
export function sweepApprovals(deps: WorkflowDeps): ApprovalSweep {
  const expired = sweepRequestTtl(deps);
  const delegationsEnded = sweepDelegations(deps);
  if (delegationsEnded > 0) deps.logger.info({ delegationsEnded }, 'delegations ended on their date');
  const reminded = sweepReminders(deps);
  const escalated = sweepEscalations(deps);
  return { reminded, escalated, expired, delegationsEnded };
}
