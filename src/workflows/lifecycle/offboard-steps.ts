/**
 * The steps of an offboarding and how they settle. An `access` step follows one request of the person: a
 * request waiting for approval is cancelled (its approvers' cards close), a failed one is cancelled so
 * nobody retries it, an active grant is revoked through the one removal path (`startRemoval`, note
 * "offboarded"), and a grant still being provisioned is revoked as soon as it is in place. A `suspend`
 * step is its own job. The settle job reads every step from live state, reports what changed on the
 * offboarding's Jira issue, and, once all are done, closes the offboarding and DMs the admin a summary.
 */
import { RetryableError } from '../../domain/errors.js';
import { accessLabel } from '../../domain/format.js';
import type { Actor } from '../../domain/types.js';
import type { AuditEvent } from '../../store/audit.repo.js';
import type { GrantRow } from '../../store/grants.repo.js';
import type { JobOf } from '../../store/jobs.repo.js';
import type { OffboardingRow, OffboardingStepRow, StepStatus } from '../../store/lifecycle.repo.js';
import type { Store } from '../../store/store.js';
import { startRemoval } from '../grant/index.js';
import { closePendingRequest } from '../request/index.js';
import { providerFor, type SideEffectDeps, type WorkflowDeps } from '../shared/deps.js';
import { enqueueDm, enqueueJiraComment } from '../shared/effects.js';
import { moveRequest } from '../shared/transitions.js';
import { renderLines } from './issue-comment.js';
import { offboardJiraWords, offboardSlackWords } from './words.js';

export interface StepState {
  readonly status: StepStatus;
  readonly result: string;
}

/** The label of a Slack-started offboarding's own Jira issue. */
export function offboardingLabel(offboardingId: number): string {
  return `keycard-offboard-${offboardingId}`;
}

/** Every Jira write about one offboarding runs in this order (for its own issue: after the issue's creation). */
export function offboardingOrderKey(o: Pick<OffboardingRow, 'id' | 'source'>): string {
  return o.source === 'slack' ? `jira:label:${offboardingLabel(o.id)}` : `offboard:${o.id}`;
}

/** Queues the settle job unless one is already waiting. Call inside a transaction. */
export function enqueueSettle(store: Store, o: Pick<OffboardingRow, 'id' | 'source'>, now: Date): void {
  const orderKey = offboardingOrderKey(o);
  if (store.jobs.hasPending('lifecycle.offboard_settle', orderKey)) return;
  store.jobs.enqueue({ kind: 'lifecycle.offboard_settle', payload: { offboardingId: o.id }, orderKey }, now);
}

/** `removed from 00g1viewer, 00g1audit; 00g2write kept (still needed by request #5 (GitHub / Write))`. */
function removalResult(store: Store, grant: GrantRow): string {
  if (grant.provider === 'manual') return 'removed by hand (confirmed in Slack)';
  const rows = store.grants.groupRows(grant.id).filter((r) => r.status === 'gone' && (r.goneAt ?? 0) >= (grant.endingSince ?? 0));
  const removed = rows.filter((r) => r.outcome !== 'kept').map((r) => `${r.groupId}${r.outcome === 'removed' ? '' : ` (${r.outcome === 'by_hand' ? 'by hand' : (r.outcome ?? '').replace('_', ' ')})`}`);
  const kept = rows.filter((r) => r.outcome === 'kept').map((r) => `${r.groupId} kept (${r.note ?? 'still needed'})`);
  const parts = [removed.length > 0 ? `removed from ${removed.join(', ')}` : 'nothing was held', ...kept];
  return `${parts.join('; ')}${grant.status === 'revoked' || grant.endReason === 'revoked' ? '' : ` (ended: ${grant.status})`}`;
}

/** Where a grant's removal is: removing, or failing with the group and its error. */
function removingState(store: Store, grant: GrantRow): StepState {
  if (grant.provider === 'manual') return { status: 'pending', result: 'a removal task is open: IT removes it by hand and confirms in Slack' };
  const held = store.grants.held(grant.id);
  const failing = held.find((r) => r.lastError);
  if (failing) return { status: 'failing', result: `could not remove ${failing.groupId}: ${failing.lastError}; still held: ${held.map((r) => r.groupId).join(', ')}` };
  return { status: 'pending', result: held.length > 0 ? `removing from ${held.map((r) => r.groupId).join(', ')}` : 'finishing the removal' };
}

/**
 * An access step's state. With `act` (inside a transaction) it also does what is due: cancels what waits,
 * revokes what is active. Without it, it only reads (for the status command).
 */
export function accessStep(deps: WorkflowDeps, o: OffboardingRow, step: OffboardingStepRow, act: Actor | null): StepState {
  const { store } = deps;
  const now = deps.clock.now();
  const request = step.requestId !== null ? store.requests.get(step.requestId) : undefined;
  if (!request) return { status: 'done', result: 'the request no longer exists' };
  const grant = store.grants.forRequest(request.id);
  const what = accessLabel(request.snapshot.appName, request.snapshot.roleName);
  switch (request.status) {
    case 'pending_approval': {
      if (!act) return { status: 'pending', result: 'waiting for approval: to be cancelled' };
      const closed = closePendingRequest(deps, request, {
        actor: act,
        data: { reason: 'offboarding', offboardingId: o.id },
        jiraLine: offboardJiraWords.cancelledByOffboarding(o),
        dm: offboardSlackWords.requestCancelled(request.id, what),
      });
      return closed ? { status: 'done', result: "cancelled while it waited for approval; its approvers' cards are closed" } : { status: 'pending', result: 'was just decided: looking again' };
    }
    case 'failed': {
      if (grant?.status === 'ending') return { status: 'pending', result: 'undoing a failed provisioning first' };
      if (!act) return { status: 'pending', result: 'failed: to be cancelled so it cannot be retried' };
      if (!moveRequest(store, request.id, { from: 'failed', to: 'cancelled', actor: act, data: { reason: 'offboarding', offboardingId: o.id } }, now)) return { status: 'pending', result: 'was just retried: looking again' };
      enqueueJiraComment(store, request.id, [offboardJiraWords.cancelledByOffboarding(o)], now);
      return { status: 'done', result: 'failed request cancelled, so it cannot be retried' };
    }
    case 'submitted':
    case 'approved':
    case 'provisioning':
      return { status: 'pending', result: 'approved and being granted: it is removed as soon as it is in place' };
    case 'awaiting_fulfilment':
      return { status: 'pending', result: 'waiting for IT to set it up by hand: removed once they confirm, closed if they cannot' };
    case 'active': {
      if (!grant) return { status: 'pending', result: 'active without a grant on record: looking again' };
      if (grant.status === 'ending') return removingState(store, grant);
      if (grant.status !== 'active') return { status: 'pending', result: `grant ${grant.status}: looking again` };
      if (!act) return { status: 'pending', result: 'active: to be revoked' };
      if (!startRemoval(store, grant, 'revoked', act, { offboardingId: o.id }, now, 'offboarded')) return { status: 'pending', result: 'changed meanwhile: looking again' };
      enqueueJiraComment(store, request.id, [offboardJiraWords.revokedByOffboarding(o, act.kind === 'user' ? act.slackId : null)], now);
      return removingState(store, store.grants.get(grant.id) ?? grant);
    }
    case 'expired':
    case 'revoked':
    case 'relinquished':
      return { status: 'done', result: grant ? removalResult(store, grant) : request.status };
    default:
      return { status: 'done', result: `${request.status.replace(/_/g, ' ')}: nothing held` };
  }
}

/** The live state of a step; `act` as for `accessStep`. */
export function stepState(deps: WorkflowDeps, o: OffboardingRow, step: OffboardingStepRow, act: Actor | null): StepState {
  if (step.kind === 'access') return accessStep(deps, o, step, act);
  return { status: step.status === 'done' ? 'done' : step.status === 'failing' ? 'failing' : 'pending', result: step.result ?? 'suspending the account' };
}

/** The actor for what an offboarding does after it started: the system on the offboarding's behalf. */
function settleActor(o: OffboardingRow): Actor {
  return { kind: 'system', reason: `offboarding #${o.id}` };
}

/** Moves every unsettled step on from live state; in a transaction. */
export function advanceSteps(deps: WorkflowDeps, o: OffboardingRow, act: Actor): void {
  const { store } = deps;
  const now = deps.clock.now();
  for (const step of store.lifecycle.steps(o.id)) {
    if (step.status === 'done') continue;
    const state = stepState(deps, o, step, act);
    if (state.status !== step.status || state.result !== step.result) store.lifecycle.updateStep(step.id, state, now);
  }
}

function reportKey(step: OffboardingStepRow): string {
  return `${step.status}\u0000${step.result ?? ''}`;
}

/**
 * Settles an offboarding: steps moved on from live state, what changed posted on its Jira issue (its own
 * labelled issue, or the Jira issue it came from), and once every step is done the final list there and the
 * summary DM to the admin. A retry after a post whose answer was lost may post the same lines again.
 */
export async function offboardSettleJob(deps: SideEffectDeps, job: JobOf<'lifecycle.offboard_settle'>): Promise<void> {
  const { store } = deps;
  const o = store.lifecycle.offboarding(job.payload.offboardingId);
  if (!o || o.status !== 'running') return;
  store.tx(() => advanceSteps(deps, o, settleActor(o)));
  const steps = store.lifecycle.steps(o.id);
  const changed = steps.filter((s) => s.reported !== reportKey(s));
  const finished = steps.every((s) => s.status === 'done');
  if (changed.length === 0 && !finished) return;
  const now = deps.clock.now();
  const issue = o.source === 'slack' ? await deps.ticketing.findIssueByLabel(offboardingLabel(o.id)) : { key: o.sourceKey ?? '' };
  if (!issue) throw new RetryableError(`the Jira issue labelled ${offboardingLabel(o.id)} is not created yet`);
  const first = steps.every((s) => s.reported === null);
  const lines = finished ? offboardJiraWords.finished(o, steps, now) : first ? offboardJiraWords.started(o, steps) : offboardJiraWords.progress(changed);
  await deps.ticketing.addComment(issue.key, await renderLines(deps, lines));
  store.tx(() => {
    for (const s of changed) store.lifecycle.markReported(s.id, reportKey(s));
    if (!finished || !store.lifecycle.finishOffboarding(o.id, now)) return;
    store.audit.append({ at: now, actor: settleActor(o), action: 'offboarding.finished', data: { offboardingId: o.id, person: o.email, steps: steps.map((s) => ({ what: s.what, result: s.result })) } });
    if (o.requestedBy) enqueueDm(store, o.requestedBy, offboardSlackWords.summary(o, steps, issue.key), now);
  });
}

/**
 * Suspends one account of the person (the step's provider and account). The outcome, or the error while
 * it fails, goes on the step at once; a retryable failure is retried by the queue, a permanent one goes to
 * the admins as a dead job (`/access-admin retry job <id>`).
 */
export async function suspendJob(deps: SideEffectDeps, job: JobOf<'lifecycle.suspend'>): Promise<void> {
  const { store } = deps;
  const step = store.lifecycle.step(job.payload.stepId);
  const o = step ? store.lifecycle.offboarding(step.offboardingId) : undefined;
  if (!step || !o || step.status === 'done' || !step.provider || !step.idpUserId) return;
  let outcome: string;
  try {
    const answer = await providerFor(deps, step.provider).suspendUser(step.idpUserId);
    outcome = answer === 'suspended' ? 'suspended' : 'already suspended or deactivated: left as it was';
  } catch (error) {
    store.tx(() => {
      store.lifecycle.updateStep(step.id, { status: 'failing', result: error instanceof Error ? error.message : String(error) }, deps.clock.now());
      enqueueSettle(store, o, deps.clock.now());
    });
    throw error;
  }
  store.tx(() => {
    const now = deps.clock.now();
    store.lifecycle.updateStep(step.id, { status: 'done', result: outcome }, now);
    store.audit.append({ at: now, actor: settleActor(o), action: 'offboarding.suspended', data: { offboardingId: o.id, provider: step.provider, idpUserId: step.idpUserId, outcome } });
    enqueueSettle(store, o, now);
  });
}

/**
 * Runs with every audited change, inside its transaction: a change to a request an offboarding follows
 * (its grant ended, a removal confirmed by hand, a job that died) settles that offboarding again.
 */
export function offboardingFollowUp(store: Store, event: AuditEvent): void {
  if (event.requestId === null || event.action.startsWith('offboarding.')) return;
  const id = store.lifecycle.runningOffboardingForRequest(event.requestId);
  if (id === undefined) return;
  const o = store.lifecycle.offboarding(id);
  if (o) enqueueSettle(store, o, new Date(event.at));
}

/** `/access-admin offboard status <person>`: the newest offboarding of the person, each step as it stands now. */
export function offboardingStatusText(deps: WorkflowDeps, person: { slackId: string | null; email: string | null }, who: string): string {
  const o = deps.store.lifecycle.latestOffboardingOf(person);
  if (!o) return offboardSlackWords.noOffboarding(who);
  const steps = deps.store.lifecycle.steps(o.id).map((s) => (s.status === 'done' ? s : { ...s, ...stepState(deps, o, s, null) }));
  return offboardSlackWords.status(o, steps, o.source === 'jira' ? o.sourceKey : null);
}
