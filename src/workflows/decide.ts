/**
 * Decide: an approver approves or denies the current stage. The step changes by compare-and-set, so of two
 * concurrent clicks exactly one decides and the other learns who did. The clicker is checked here, on
 * every click, against the stored step: an approver of that step and never the requester.
 */
import { escapeMrkdwn, formatTimeUtc } from '../domain/format.js';
import type { RequestRow, StepRow } from '../store/requests.repo.js';
import type { WorkflowDeps } from './deps.js';
import { stageWords } from './wording.js';
import { applyExtension } from './extend.js';
import {
  enqueueDm,
  enqueueJiraComment,
  enqueueJiraTransition,
  enqueueProvision,
  enqueueRoute,
  enqueueStepUpdate,
} from './effects.js';

export type Decision = 'approve' | 'deny';

export type DecideResult =
  | { readonly kind: 'decided'; readonly decision: Decision; readonly request: RequestRow; readonly final: boolean }
  | { readonly kind: 'already_decided'; readonly by: string; readonly at: Date; readonly status: string }
  | { readonly kind: 'not_open'; readonly status: string }
  | { readonly kind: 'refused'; readonly reason: 'requester' | 'not_approver' | 'unknown_step' };

export interface DecideInput {
  readonly stepId: number;
  readonly actorSlackId: string;
  readonly decision: Decision;
  readonly reason: string | null;
}

function label(request: RequestRow): string {
  const what = `${request.snapshot.appName} / ${request.snapshot.roleName}`;
  return request.kind === 'extension' ? `extension of ${what}` : what;
}

function refuse(deps: WorkflowDeps, input: DecideInput, step: StepRow | undefined, reason: 'requester' | 'not_approver' | 'unknown_step'): DecideResult {
  const now = deps.clock.now();
  deps.store.audit.append({
    at: now,
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
    const step = store.requests.getStep(input.stepId);
    const request = step ? store.requests.get(step.requestId) : undefined;
    if (!step || !request) return refuse(deps, input, step, 'unknown_step');
    if (input.actorSlackId === request.requesterSlackId) return refuse(deps, input, step, 'requester');
    if (!step.approvers.includes(input.actorSlackId)) return refuse(deps, input, step, 'not_approver');
    // Closed without a decision (the request was cancelled or expired): say what became of the request.
    if (step.status === 'cancelled') return { kind: 'not_open', status: request.status };
    if (step.status !== 'pending') {
      return { kind: 'already_decided', by: step.decidedBy ?? 'someone', at: new Date(step.decidedAt ?? now.getTime()), status: step.status };
    }
    if (request.status !== 'pending_approval' || request.currentStage !== step.stageIndex) {
      return { kind: 'not_open', status: request.status };
    }

    const status = input.decision === 'approve' ? 'approved' : 'denied';
    if (!store.requests.decideStep(step.id, { status, decidedBy: input.actorSlackId, reason: input.reason }, now)) {
      const fresh = store.requests.getStep(step.id);
      return { kind: 'already_decided', by: fresh?.decidedBy ?? 'someone', at: new Date(fresh?.decidedAt ?? now.getTime()), status: fresh?.status ?? 'decided' };
    }
    const actor = { kind: 'user', slackId: input.actorSlackId } as const;
    const stages = Array.isArray(request.snapshot.approval) ? request.snapshot.approval : [];
    const stageNo = `stage ${step.stageIndex + 1} of ${stages.length} (${step.stage})`;
    enqueueStepUpdate(store, request.id, step.id, now);

    if (input.decision === 'deny') {
      store.requests.transition(request.id, ['pending_approval'], 'denied', now);
      const isExtension = request.kind === 'extension';
      store.audit.append({ at: now, actor, action: 'request.denied', requestId: request.id, fromStatus: 'pending_approval', toStatus: 'denied', data: { stepId: step.id, reason: input.reason } });
      const because = input.reason ? `: ${input.reason}` : ' (no reason given)';
      enqueueJiraComment(store, request.id, [`Denied by <@${input.actorSlackId}> at ${formatTimeUtc(now)}, ${stageNo}${because}`], now);
      // A denied extension leaves the access as it was: the issue stays where it is.
      if (!isExtension) enqueueJiraTransition(store, request.id, 'denied', now);
      const shown = input.reason ? `: ${escapeMrkdwn(input.reason)}` : ' (no reason given)';
      enqueueDm(store, request.requesterSlackId, `:no_entry: Your request for *${label(request)}* was denied by <@${input.actorSlackId}>${shown}`, now, request.id);
      return { kind: 'decided', decision: 'deny', request: { ...request, status: 'denied' }, final: true };
    }

    store.audit.append({ at: now, actor, action: 'approval.approved', requestId: request.id, data: { stepId: step.id, stage: step.stage } });
    enqueueJiraComment(store, request.id, [`Approved by <@${input.actorSlackId}> at ${formatTimeUtc(now)}, ${stageNo}.`], now);
    const next = step.stageIndex + 1;
    if (next < stages.length) {
      store.requests.update(request.id, { currentStage: next }, now);
      enqueueRoute(store, request.id, next, now);
      enqueueDm(store, request.requesterSlackId, `:white_check_mark: <@${input.actorSlackId}> approved ${stageNo} of your request for *${label(request)}*. Next: ${stageWords(request, stages[next] ?? '')}.`, now, request.id);
      return { kind: 'decided', decision: 'approve', request, final: false };
    }
    if (request.kind === 'extension') {
      // The grant exists already: approving an extension moves its end, nothing to provision.
      applyExtension(deps, request, actor);
      return { kind: 'decided', decision: 'approve', request: { ...request, status: 'approved' }, final: true };
    }
    store.requests.transition(request.id, ['pending_approval'], 'approved', now);
    store.audit.append({ at: now, actor, action: 'request.approved', requestId: request.id, fromStatus: 'pending_approval', toStatus: 'approved' });
    enqueueJiraTransition(store, request.id, 'approved', now);
    enqueueProvision(store, request.id, now);
    return { kind: 'decided', decision: 'approve', request: { ...request, status: 'approved' }, final: true };
  });
}
