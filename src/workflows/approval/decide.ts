/**
 * Decide: an approver approves or denies the current stage. The step changes by compare-and-set, so of two
 * concurrent clicks exactly one decides and the other learns who did. The clicker is checked here, on
 * every click, against the stored step: an approver of that step and never the requester.
 */
import type { RequestRow, StepRow } from '../../store/requests.repo.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { applyExtension } from '../grant/index.js';
import { jiraWords } from '../shared/jira-words.js';
import { actingFor, earlierDecisions, stepAsRouted } from './delegation.js';
import { approvalWords } from './words.js';
import { slackWords } from '../shared/slack-words.js';
import { moveRequest } from '../shared/transitions.js';
import { requestWhat, stageNumberWords, stageWords } from '../shared/wording.js';
import {
  enqueueDm,
  enqueueJiraComment,
  enqueueJiraTransition,
  enqueueProvision,
  enqueueRoute,
  enqueueStepUpdate,
} from '../shared/effects.js';

export type Decision = 'approve' | 'deny';

export type DecideResult =
  | { readonly kind: 'decided'; readonly decision: Decision; readonly request: RequestRow; readonly final: boolean }
  | { readonly kind: 'already_decided'; readonly by: string; readonly at: Date; readonly status: string }
  | { readonly kind: 'not_open'; readonly status: string }
  | { readonly kind: 'refused'; readonly reason: Refusal };

export interface DecideInput {
  readonly stepId: number;
  readonly actorSlackId: string;
  readonly decision: Decision;
  readonly reason: string | null;
}

/** `earlier_decider`: the clicker decided an earlier stage of this request (separation of duties). */
type Refusal = 'requester' | 'not_approver' | 'earlier_decider' | 'unknown_step';

/** Whether `actorSlackId` may decide step `stepId` now: read from the store, never from the click. */
export type DecideCheck =
  | { readonly kind: 'open'; readonly step: StepRow; readonly request: RequestRow }
  | Exclude<DecideResult, { kind: 'decided' }>;

/**
 * Separation of duties: the person decided an earlier stage of this request, or a delegate decided it for
 * them, and its role did not opt out.
 */
function decidedEarlierStage(deps: WorkflowDeps, request: RequestRow, step: StepRow, actorSlackId: string): boolean {
  return earlierDecisions(deps, request, step.stageIndex).some((d) => d.slackId === actorSlackId);
}

/**
 * The one check of a decision, used by the Deny button before it asks for a reason and again by
 * `decideStep` inside its transaction: an approver of the step, never the requester nor someone who decided an
 * earlier stage of the request, the step still open.
 */
export function canDecide(deps: WorkflowDeps, stepId: number, actorSlackId: string): DecideCheck {
  const { store } = deps;
  const step = store.requests.getStep(stepId);
  const request = step ? store.requests.get(step.requestId) : undefined;
  if (!step || !request) return { kind: 'refused', reason: 'unknown_step' };
  if (actorSlackId === request.requesterSlackId) return { kind: 'refused', reason: 'requester' };
  if (!step.approvers.includes(actorSlackId)) return { kind: 'refused', reason: 'not_approver' };
  // Checked on every click, not only when routing: escalation (or a step routed before this rule) may list them.
  if (decidedEarlierStage(deps, request, step, actorSlackId)) return { kind: 'refused', reason: 'earlier_decider' };
  // Closed without a decision (the request was cancelled or expired): say what became of the request.
  if (step.status === 'cancelled') return { kind: 'not_open', status: request.status };
  if (step.status !== 'pending') {
    return { kind: 'already_decided', by: step.decidedBy ?? 'someone', at: new Date(step.decidedAt ?? deps.clock.now().getTime()), status: step.status };
  }
  if (request.status !== 'pending_approval' || request.currentStage !== step.stageIndex) return { kind: 'not_open', status: request.status };
  return { kind: 'open', step, request };
}

function refuse(deps: WorkflowDeps, input: DecideInput, reason: Refusal): DecideResult {
  const step = deps.store.requests.getStep(input.stepId);
  deps.store.audit.append({
    at: deps.clock.now(),
    actor: { kind: 'user', slackId: input.actorSlackId },
    action: 'approval.refused',
    requestId: step?.requestId ?? null,
    data: { stepId: input.stepId, decision: input.decision, reason },
  });
  deps.logger.warn({ stepId: input.stepId, actor: input.actorSlackId, reason }, 'approval click refused');
  return { kind: 'refused', reason };
}

export function decideStep(deps: WorkflowDeps, input: DecideInput): DecideResult {
  const { store } = deps;
  return store.tx(() => {
    const now = deps.clock.now();
    const check = canDecide(deps, input.stepId, input.actorSlackId);
    if (check.kind === 'refused') return refuse(deps, input, check.reason);
    if (check.kind !== 'open') return check;
    const { step, request } = check;

    const status = input.decision === 'approve' ? 'approved' : 'denied';
    if (!store.requests.decideStep(step.id, { status, decidedBy: input.actorSlackId, reason: input.reason }, now)) {
      const fresh = store.requests.getStep(step.id);
      return { kind: 'already_decided', by: fresh?.decidedBy ?? 'someone', at: new Date(fresh?.decidedAt ?? now.getTime()), status: fresh?.status ?? 'decided' };
    }
    const actor = { kind: 'user', slackId: input.actorSlackId } as const;
    const stages = Array.isArray(request.snapshot.approval) ? request.snapshot.approval : [];
    const stageNo = stageNumberWords(request, stepAsRouted(deps, step));
    // A delegate decides for the away approver: the record says both.
    const forId = actingFor(deps, step.id, input.actorSlackId)?.forSlackId ?? null;
    const onBehalf = forId ? { for: forId } : {};
    enqueueStepUpdate(store, request.id, step.id, now);

    if (input.decision === 'deny') {
      moveRequest(store, request.id, { from: 'pending_approval', to: 'denied', actor, data: { stepId: step.id, reason: input.reason, ...onBehalf } }, now);
      enqueueJiraComment(store, request.id, [forId ? approvalWords.deniedFor(input.actorSlackId, forId, now, stageNo, input.reason) : jiraWords.denied(input.actorSlackId, now, stageNo, input.reason)], now);
      // A denied extension leaves the access as it was: the issue stays where it is.
      if (request.kind !== 'extension') enqueueJiraTransition(store, request.id, 'denied', now);
      enqueueDm(store, request.requesterSlackId, slackWords.denied(requestWhat(request), input.actorSlackId, input.reason), now, request.id);
      return { kind: 'decided', decision: 'deny', request: { ...request, status: 'denied' }, final: true };
    }

    store.audit.append({ at: now, actor, action: 'approval.approved', requestId: request.id, data: { stepId: step.id, stage: step.stage, ...onBehalf } });
    enqueueJiraComment(store, request.id, [forId ? approvalWords.approvedFor(input.actorSlackId, forId, now, stageNo) : jiraWords.approved(input.actorSlackId, now, stageNo)], now);
    const next = step.stageIndex + 1;
    if (next < stages.length) {
      store.requests.update(request.id, { currentStage: next }, now);
      enqueueRoute(store, request.id, next, now);
      enqueueDm(store, request.requesterSlackId, slackWords.stageApproved(requestWhat(request), input.actorSlackId, stageNo, stageWords(request, stages[next] ?? '')), now, request.id);
      return { kind: 'decided', decision: 'approve', request, final: false };
    }
    if (request.kind === 'extension') {
      // The grant exists already: approving an extension moves its end, nothing to provision.
      applyExtension(deps, request, actor);
      return { kind: 'decided', decision: 'approve', request: { ...request, status: 'approved' }, final: true };
    }
    moveRequest(store, request.id, { from: 'pending_approval', to: 'approved', actor }, now);
    enqueueJiraTransition(store, request.id, 'approved', now);
    enqueueProvision(store, request.id, now);
    return { kind: 'decided', decision: 'approve', request: { ...request, status: 'approved' }, final: true };
  });
}
