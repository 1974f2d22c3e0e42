/**
 * Cancel: the requester withdraws a request that still waits for approval (the Cancel button in their
 * receipt DM and in App Home), and the shared close-out that the request TTL uses too. The request moves
 * `pending_approval → cancelled` by compare-and-set; its open step closes, every approval card loses its
 * buttons, Jira gets a comment and the `denied` transition, and the requester a DM.
 */
import { describeStatus } from '../../domain/request-state.js';
import type { Actor, RequestStatus } from '../../domain/types.js';
import type { RequestRow } from '../../store/requests.repo.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { enqueueDm, enqueueJiraComment, enqueueJiraTransition, enqueueStepUpdate } from '../shared/effects.js';
import { jiraWords } from '../shared/jira-words.js';
import { slackWords } from '../shared/slack-words.js';
import { moveRequest } from '../shared/transitions.js';
import { requestWhat, stageNumberWords } from '../shared/wording.js';

export interface CloseOut {
  readonly actor: Actor;
  readonly data: Record<string, unknown>;
  /** The Jira comment; `<@U…>` mentions are written out as names. */
  readonly jiraLine: string;
  /** The requester's DM (mrkdwn). */
  readonly dm: string;
}

/** `stage 1 of 2 (manager)` for the step that is waiting, or null when none is (not routed yet). */
export function openStageWords(deps: WorkflowDeps, request: RequestRow): string | null {
  const step = deps.store.requests.steps(request.id).find((s) => s.status === 'pending');
  return step ? stageNumberWords(request, step) : null;
}

/**
 * Closes a request that waits for approval. Call inside a transaction. False when it was no longer
 * waiting (decided or cancelled meanwhile): then nothing was changed.
 */
export function closePendingRequest(deps: WorkflowDeps, request: RequestRow, out: CloseOut): boolean {
  const { store } = deps;
  const now = deps.clock.now();
  return store.tx(() => {
    const open = store.requests.steps(request.id).filter((s) => s.status === 'pending').map((s) => s.id);
    if (!moveRequest(store, request.id, { from: 'pending_approval', to: 'cancelled', actor: out.actor, data: { ...out.data, steps: open } }, now)) return false;
    const closedSteps = store.requests.cancelOpenSteps(request.id, now);
    for (const stepId of closedSteps) enqueueStepUpdate(store, request.id, stepId, now);
    enqueueJiraComment(store, request.id, [out.jiraLine], now);
    // An extension shares the grant's issue, and the access it would have extended goes on: leave the issue where it is.
    if (request.kind !== 'extension') enqueueJiraTransition(store, request.id, 'denied', now);
    enqueueDm(store, request.requesterSlackId, out.dm, now, request.id);
    return true;
  });
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
    const again = request.kind === 'extension' ? 'Use Extend again if you need more time.' : `Use \`/request ${request.appId} ${request.roleId}\` if you need it again.`;
    const closed = closePendingRequest(deps, request, {
      actor,
      data: { reason: 'requester' },
      jiraLine: jiraWords.cancelledByRequester(actorSlackId, now, openStageWords(deps, request)),
      dm: slackWords.cancelled(request.id, what, again),
    });
    if (!closed) return alreadyClosed(store.requests.get(requestId) ?? request);
    return { kind: 'cancelled', requestId: request.id, what, at: now };
  });
}
