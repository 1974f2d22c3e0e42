/**
 * `/access-admin delegate`: an approver away hands their approval stages to a delegate until a date. While
 * it runs, routing and escalation ask the delegate instead (delegation.ts), and the stages waiting for the
 * approver when it starts are handed over at once. When it ends (its date, checked by the approvals
 * schedule, or `delegate end`), the stages still waiting go back to the approver. Every step is audited and
 * written on the requests' Jira issues; the approver and the delegate are told by DM.
 */
import { formatDateTimeUtc } from '../../domain/format.js';
import type { Actor } from '../../domain/types.js';
import type { DelegationRow } from '../../store/delegations.repo.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { enqueueDm, enqueueJiraComment, enqueueStepUpdate } from '../shared/effects.js';
import { stageNumberWords } from '../shared/wording.js';
import { earlierDecisions, recordStandIns, standInFor, stepAsRouted } from './delegation.js';
import { approvalWords } from './words.js';

export type DelegationResult = { readonly kind: 'done'; readonly text: string; readonly delegation: DelegationRow } | { readonly kind: 'refused'; readonly message: string };

const PAGE = 200;

/** `adminSlackId` must already be checked as an admin by the caller; both people are Slack ids. */
export function startDelegation(deps: WorkflowDeps, adminSlackId: string, input: { approver: string; delegate: string; endsAt: Date }): DelegationResult {
  const { store } = deps;
  const { approver, delegate, endsAt } = input;
  return store.tx(() => {
    const now = deps.clock.now();
    if (approver === delegate) return { kind: 'refused', message: 'An approver cannot delegate to themselves: name someone else to decide for them.' } as const;
    const existing = store.delegations.activeOf(approver, now.getTime());
    if (existing) {
      return { kind: 'refused', message: `<@${approver}>'s approvals already go to <@${existing.delegateSlackId}> until ${formatDateTimeUtc(new Date(existing.endsAt))} (delegation #${existing.id}). End it first with \`/access-admin delegate end <@${approver}>\`.` } as const;
    }
    const away = store.delegations.activeOf(delegate, now.getTime());
    if (away) return { kind: 'refused', message: `<@${delegate}> is away themselves until ${formatDateTimeUtc(new Date(away.endsAt))} (their approvals go to <@${away.delegateSlackId}>): pick someone who is here.` } as const;
    const delegation = store.delegations.insert({ approverSlackId: approver, delegateSlackId: delegate, startsAt: now.getTime(), endsAt: endsAt.getTime(), createdBy: adminSlackId });
    const actor = { kind: 'user', slackId: adminSlackId } as const;
    store.audit.append({ at: now, actor, action: 'delegation.started', data: { delegationId: delegation.id, approver, delegate, endsAt: delegation.endsAt } });
    const handed = handOver(deps, approver, actor, now);
    enqueueDm(store, delegate, approvalWords.delegateTold(approver, adminSlackId, endsAt, handed), now);
    enqueueDm(store, approver, approvalWords.approverTold(delegate, adminSlackId, endsAt), now);
    const waiting = handed > 0 ? ` ${handed} approval${handed === 1 ? '' : 's'} waiting for <@${approver}> went to <@${delegate}> now.` : '';
    return { kind: 'done', delegation, text: `:palm_tree: Until ${formatDateTimeUtc(endsAt)}, <@${approver}>'s approval stages go to <@${delegate}> (delegation #${delegation.id}); both are told.${waiting}` } as const;
  });
}

/** The delegations in force, soonest end first. */
export function activeDelegations(deps: WorkflowDeps): DelegationRow[] {
  return deps.store.delegations.active(deps.clock.now().getTime());
}

/** `/access-admin delegate end <approver>`: their stages come back to them now. */
export function endDelegation(deps: WorkflowDeps, adminSlackId: string, approver: string): DelegationResult {
  const { store } = deps;
  return store.tx(() => {
    const now = deps.clock.now();
    const delegation = store.delegations.activeOf(approver, now.getTime());
    if (!delegation) return { kind: 'refused', message: `<@${approver}> has no delegation in force: their approvals already come to them.` } as const;
    const back = finish(deps, delegation, 'ended', { kind: 'user', slackId: adminSlackId }, now);
    enqueueDm(store, approver, `:wave: Your access approvals come to you again: <@${adminSlackId}> ended the delegation to <@${delegation.delegateSlackId}>.`, now);
    return { kind: 'done', delegation, text: `Ended delegation #${delegation.id}: <@${approver}> decides their approval stages again${back > 0 ? ` (${back} waiting went back to them)` : ''}; <@${delegation.delegateSlackId}> is told.` } as const;
  });
}

/** The approvals schedule: ends the delegations whose date has come; returns how many. */
export function sweepDelegations(deps: WorkflowDeps): number {
  const { store } = deps;
  let ended = 0;
  for (const due of store.delegations.due(deps.clock.now().getTime(), PAGE)) {
    store.tx(() => {
      const now = deps.clock.now();
      const current = store.delegations.get(due.id);
      if (!current || current.endedAt !== null) return;
      finish(deps, current, 'expired', { kind: 'system', reason: 'delegation schedule' }, now);
      ended += 1;
    });
  }
  return ended;
}

/** Marks it ended, gives the open stages back and tells the delegate; call inside a transaction. */
function finish(deps: WorkflowDeps, delegation: DelegationRow, reason: 'ended' | 'expired', actor: Actor, now: Date): number {
  const { store } = deps;
  const by = actor.kind === 'user' ? actor.slackId : 'system';
  if (!store.delegations.end(delegation.id, { at: now, by, reason })) return 0;
  store.audit.append({ at: now, actor, action: 'delegation.ended', data: { delegationId: delegation.id, approver: delegation.approverSlackId, delegate: delegation.delegateSlackId, reason } });
  const back = giveBack(deps, delegation, actor, now);
  enqueueDm(store, delegation.delegateSlackId, approvalWords.delegateEnded(delegation.approverSlackId, back, reason, by), now);
  return back;
}

/**
 * The stages waiting for `approver` now go to whoever stands in for them, in the approver's place on each
 * step (compare-and-set), unless the delegate may not decide that request; the approver's card says where
 * it went. Returns how many were handed over. Call inside a transaction.
 */
function handOver(deps: WorkflowDeps, approver: string, actor: Actor, now: Date): number {
  const { store } = deps;
  const stand = standInFor(deps, approver, now.getTime());
  if (!stand) return 0;
  const waiting = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = store.requests.openStepsForApprover(approver, PAGE, offset);
    waiting.push(...page);
    if (page.length < PAGE) break;
  }
  let handed = 0;
  for (const { step, request } of waiting) {
    const stageNo = stageNumberWords(request, stepAsRouted(deps, step));
    const { delegate, delegation } = stand;
    const why = delegate === request.requesterSlackId ? 'requester' : earlierDecisions(deps, request, step.stageIndex).some((d) => d.slackId === delegate) ? 'earlier_decider' : null;
    if (why) {
      enqueueJiraComment(store, request.id, [approvalWords.standInRefused(stageNo, approver, delegate, why)], now);
      continue;
    }
    const added = !step.approvers.includes(delegate);
    const next = added ? step.approvers.map((id) => (id === approver ? delegate : id)) : step.approvers.filter((id) => id !== approver);
    if (!store.requests.setStepApprovers(step.id, step.approvers, next)) continue;
    recordStandIns(deps, step, [{ forSlackId: approver, delegateSlackId: delegate, delegation, added }], actor, now);
    enqueueJiraComment(store, request.id, [approvalWords.handedOver(stageNo, approver, delegate, new Date(delegation.endsAt))], now);
    if (added) store.jobs.enqueue({ kind: 'slack.approver_dm', payload: { stepId: step.id, approver: delegate }, requestId: request.id }, now);
    enqueueStepUpdate(store, request.id, step.id, now);
    handed += 1;
  }
  return handed;
}

/**
 * Each open stage the delegation put a delegate on goes back to the approver, in the delegate's place (a
 * delegate who is an approver of it in their own right stays); the delegate's card closes, the approver's
 * opens again (or is sent). Returns how many. Call inside a transaction.
 */
function giveBack(deps: WorkflowDeps, delegation: DelegationRow, actor: Actor, now: Date): number {
  const { store } = deps;
  let back = 0;
  for (const row of store.delegations.liveOfDelegation(delegation.id)) {
    store.delegations.endStepDelegate(row.id, now);
    const step = store.requests.getStep(row.stepId);
    const request = step ? store.requests.get(step.requestId) : undefined;
    if (!step || !request || step.status !== 'pending' || request.status !== 'pending_approval' || request.currentStage !== step.stageIndex) continue;
    const stillStanding = store.delegations.forStep(step.id).some((d) => d.id !== row.id && d.endedAt === null && d.delegateSlackId === row.delegateSlackId && d.added);
    const keepDelegate = !row.added || stillStanding;
    const next = keepDelegate
      ? step.approvers.includes(row.forSlackId) ? step.approvers : [...step.approvers, row.forSlackId]
      : step.approvers.includes(row.forSlackId) ? step.approvers.filter((id) => id !== row.delegateSlackId) : step.approvers.map((id) => (id === row.delegateSlackId ? row.forSlackId : id));
    if (!store.requests.setStepApprovers(step.id, step.approvers, next)) continue;
    store.audit.append({ at: now, actor, action: 'approval.delegation_returned', requestId: request.id, data: { stepId: step.id, for: row.forSlackId, delegate: row.delegateSlackId, delegationId: delegation.id } });
    enqueueJiraComment(store, request.id, [approvalWords.givenBack(stageNumberWords(request, stepAsRouted(deps, { ...step, approvers: next })), row.forSlackId, row.delegateSlackId)], now);
    // Sent only if they never had a card for this step; an old card gets its buttons back from the update.
    store.jobs.enqueue({ kind: 'slack.approver_dm', payload: { stepId: step.id, approver: row.forSlackId }, requestId: request.id }, now);
    enqueueStepUpdate(store, request.id, step.id, now);
    back += 1;
  }
  return back;
}
