/**
 * The requester's receipt: "Your request #1 for Salesforce / System Admin is filed as ACCESS-1", sent once
 * the Jira issue exists, with Cancel while the request still waits for approval. Rendered at send time
 * from the store, so a receipt that goes out after a decision has no button.
 */
import type { JobOf } from '../../store/jobs.repo.js';
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
    closedNote: null,
  };
}

export async function requestReceiptJob(deps: SideEffectDeps, job: JobOf<'slack.request_receipt'>): Promise<void> {
  const { requestId } = job.payload;
  const request = deps.store.requests.get(requestId);
  const receipt = request ? buildRequestReceipt(deps, request) : null;
  if (!request || !receipt) return;
  await deps.notifier.sendRequestReceipt(request.requesterSlackId, receipt);
}
