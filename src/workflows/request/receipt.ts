/**
 * The requester's receipt: "Your request #1 for Salesforce / System Admin is filed as ACCESS-1", sent once
 * the Jira issue exists, with Cancel while the request still waits for approval. Rendered at send time
 * from the store, so a receipt that goes out after a decision has no button; one already sent is updated
 * when the request stops waiting (`refreshReceipt`), so its Cancel button never outlives the wait.
 */
import { formatDateTimeUtc } from '../../domain/format.js';
import { describeStatus } from '../../domain/request-state.js';
import type { RequestStatus } from '../../domain/types.js';
import type { AuditEvent } from '../../store/audit.repo.js';
import type { JobOf } from '../../store/jobs.repo.js';
import type { Store } from '../../store/store.js';
import type { RequestRow } from '../../store/requests.repo.js';
import type { SideEffectDeps } from '../shared/deps.js';
import type { RequestReceipt } from '../shared/ports.js';
import { chainWords } from '../shared/wording.js';

export function buildRequestReceipt(deps: SideEffectDeps, request: RequestRow): RequestReceipt | null {
  if (!request.jiraKey) return null;
  return {
    requestId: request.id,
    appName: request.snapshot.appName,
    roleName: request.snapshot.roleName,
    jiraKey: request.jiraKey,
    jiraUrl: deps.ticketing.issueUrl(request.jiraKey),
    chainText: chainWords(request),
    cancellable: request.status === 'pending_approval',
    closedNote: request.status === 'pending_approval' ? null : closedNote(deps.store, request),
  };
}

/** How the wait ended, from the move that ended it: `Cancelled by you at 2026-01-06 14:05 UTC.` */
function closedNote(store: Store, request: RequestRow): string {
  const ended = store.audit.forRequest(request.id).filter((e) => e.fromStatus === 'pending_approval').at(-1);
  const at = ended ? ` at ${formatDateTimeUtc(new Date(ended.at))}` : '';
  if (request.status === 'cancelled' && ended?.actor === `user:${request.requesterSlackId}`) return `Cancelled by you${at}.`;
  if (request.status === 'cancelled') return `Cancelled${at}: nobody decided in time.`;
  if (request.status === 'denied') return `Denied${at}.`;
  return `Approved${at}: no longer waiting (${describeStatus(request.status as RequestStatus)}).`;
}

export async function requestReceiptJob(deps: SideEffectDeps, job: JobOf<'slack.request_receipt'>): Promise<void> {
  const { requestId } = job.payload;
  const request = deps.store.requests.get(requestId);
  const receipt = request ? buildRequestReceipt(deps, request) : null;
  if (!request || !receipt) return;
  const ref = await deps.notifier.sendRequestReceipt(request.requesterSlackId, receipt);
  const now = deps.clock.now();
  deps.store.tx(() => {
    deps.store.requests.update(requestId, { receiptChannel: ref.channel, receiptTs: ref.ts }, now);
    // Decided while the receipt was on its way: it went out with the button, so take it off now.
    if (receipt.cancellable && deps.store.requests.get(requestId)?.status !== 'pending_approval') enqueueReceiptUpdate(deps.store, requestId, now);
  });
}

function enqueueReceiptUpdate(store: Store, requestId: number, now: Date): void {
  store.jobs.enqueue({ kind: 'slack.update_receipt', payload: { requestId }, requestId }, now);
}

/**
 * Runs with every audited change (inside its transaction): a request that stops waiting for approval gets
 * its sent receipt re-rendered, without the Cancel button and with how the wait ended.
 */
export function refreshReceipt(store: Store, event: AuditEvent): void {
  if (event.fromStatus !== 'pending_approval' || event.requestId === null) return;
  const request = store.requests.get(event.requestId);
  if (!request?.receiptTs) return;
  enqueueReceiptUpdate(store, request.id, new Date(event.at));
}

export async function updateReceiptJob(deps: SideEffectDeps, job: JobOf<'slack.update_receipt'>): Promise<void> {
  const request = deps.store.requests.get(job.payload.requestId);
  const receipt = request ? buildRequestReceipt(deps, request) : null;
  if (!request?.receiptChannel || !request.receiptTs || !receipt) return;
  await deps.notifier.updateRequestReceipt({ channel: request.receiptChannel, ts: request.receiptTs }, receipt);
}
