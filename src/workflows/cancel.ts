/**
 * Cancel: the requester withdraws a request that still waits for approval (the Cancel button in their
 * receipt DM and in App Home), and the shared close-out that the request TTL uses too. The request moves
 * `pending_approval → cancelled` by compare-and-set; its open step closes, every approval card loses its
 * buttons, Jira gets a comment and the `denied` transition, and the requester a DM.
 */
import { formatDateTimeUtc } from '../domain/format.js';
import { canTransition, describeStatus } from '../domain/request-state.js';
import type { Actor, RequestStatus } from '../domain/types.js';
import type { RequestRow } from '../store/requests.repo.js';
import type { WorkflowDeps } from './deps.js';
import { enqueueDm, enqueueJiraComment, enqueueJiraTransition, enqueueStepUpdate } from './effects.js';

export interface CloseOut {
  readonly actor: Actor;
  readonly data: Record<string, unknown>;
  /** The Jira comment; `<@U…>` mentions are written out as names. */
  readonly jiraLine: string;
  /** The requester's DM (mrkdwn). */
  readonly dm: string;
}

/** `Salesforce / System Admin`, or `extension of …` for an extension request. */
export function requestWhat(request: RequestRow): string {
  const what = `${request.snapshot.appName} / ${request.snapshot.roleName}`;
  return request.kind === 'extension' ? `extension of ${what}` : what;
}

/** `stage 1 of 2 (manager)` for the step that is waiting, or null when none is (not routed yet). */
export function openStageWords(deps: WorkflowDeps, request: RequestRow): string | null {
  const step = deps.store.requests.steps(request.id).find((s) => s.status === 'pending');
  if (!step) return null;
  const stages = Array.isArray(request.snapshot.approval) ? request.snapshot.approval : [];
  return `stage ${step.stageIndex + 1} of ${stages.length} (${step.stage})`;
}

/**
 * Closes a request that waits for approval. Call inside a transaction. False when it was no longer
 * waiting (decided or cancelled meanwhile): then nothing was changed.
 */
export function closePendingRequest(deps: WorkflowDeps, request: RequestRow, out: CloseOut): boolean {
  const { store } = deps;
  const now = deps.clock.now();
  const from: RequestStatus = 'pending_approval';
  if (!canTransition(from, 'cancelled') || !store.requests.transition(request.id, [from], 'cancelled', now)) return false;
  const closedSteps = store.requests.cancelOpenSteps(request.id, now);
  store.audit.append({ at: now, actor: out.actor, action: 'request.cancelled', requestId: request.id, fromStatus: from, toStatus: 'cancelled', data: { ...out.data, steps: closedSteps } });
  for (const stepId of closedSteps) enqueueStepUpdate(store, request.id, stepId, now);
  enqueueJiraComment(store, request.id, [out.jiraLine], now);
  // An extension shares the grant's issue, and the access it would have extended goes on: leave the issue where it is.
  if (request.kind !== 'extension') enqueueJiraTransition(store, request.id, 'denied', now);
  enqueueDm(store, request.requesterSlackId, out.dm, now, request.id);
  return true;
}

export type CancelResult =
  | { readonly kind: 'cancelled'; readonly requestId: number; readonly what: string; readonly at: Date }
  | { readonly kind: 'nothing_to_do'; readonly message: string }
  | { readonly kind: 'refused'; readonly message: string };

function alreadyClosed(request: RequestRow): CancelResult {
  const status = request.status as RequestStatus;
  return { kind: 'nothing_to_do', message: `Nothing to cancel: your request #${request.id} for *${requestWhat(request)}* is already ${describeStatus(status)}.` };
}

/** The requester cancels their own pending request. Anyone else is refused, and the attempt is audited. */
export function cancelRequest(deps: WorkflowDeps, requestId: number, actorSlackId: string): CancelResult {
  const { store } = deps;
  return store.tx(() => {
    const now = deps.clock.now();
    const request = store.requests.get(requestId);
    if (!request) return { kind: 'refused', message: 'This request no longer exists.' };
    const actor = { kind: 'user', slackId: actorSlackId } as const;
    if (request.requesterSlackId !== actorSlackId) {
      store.audit.append({ at: now, actor, action: 'cancel.refused', requestId: request.id, data: { reason: 'not_requester', status: request.status } });
      deps.logger.warn({ requestId: request.id, actor: actorSlackId }, 'cancel click refused: not the requester');
      return { kind: 'refused', message: ':no_entry: Only the person who asked for this access can cancel the request. Your click has been logged.' };
    }
    if (request.status !== 'pending_approval') return alreadyClosed(request);

    const what = requestWhat(request);
    const waiting = openStageWords(deps, request);
    const again = request.kind === 'extension' ? 'Use Extend again if you need more time.' : `Use \`/request ${request.appId} ${request.roleId}\` if you need it again.`;
    const closed = closePendingRequest(deps, request, {
      actor,
      data: { reason: 'requester' },
      jiraLine: `Cancelled by the requester, <@${actorSlackId}>, at ${formatDateTimeUtc(now)}${waiting ? ` while ${waiting} was waiting` : ''}. The approvers are no longer asked.`,
      dm: `:x: You cancelled request #${request.id} for *${what}*. Its approvers are no longer asked. ${again}`,
    });
    if (!closed) return alreadyClosed(store.requests.get(requestId) ?? request);
    return { kind: 'cancelled', requestId: request.id, what, at: now };
  });
}
