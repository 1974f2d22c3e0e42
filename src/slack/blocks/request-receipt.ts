/**
 * The requester's "filed as ACCESS-1" DM, with a Cancel button while the request waits for approval.
 * Pure functions.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import { escapeMrkdwn } from '../../domain/format.js';
import type { RequestReceipt } from '../../workflows/shared/ports.js';
import { REQUEST_CANCEL_ACTION } from './action-ids.js';

export const REQUEST_RECEIPT_ACTIONS_BLOCK = 'request_receipt_actions';

export function requestReceiptText(receipt: RequestReceipt): string {
  const what = `${escapeMrkdwn(receipt.appName)} / ${escapeMrkdwn(receipt.roleName)}`;
  return `:memo: Your request #${receipt.requestId} for *${what}* is filed as <${receipt.jiraUrl}|${receipt.jiraKey}>. ${escapeMrkdwn(receipt.chainText)}.`;
}

/** The receipt's Cancel button: the same action id and confirmation wherever a pending request is shown. */
function cancelActions(requestId: number): KnownBlock {
  return {
    type: 'actions',
    block_id: REQUEST_RECEIPT_ACTIONS_BLOCK,
    elements: [
      {
        type: 'button',
        action_id: REQUEST_CANCEL_ACTION,
        text: { type: 'plain_text', text: 'Cancel request' },
        value: String(requestId),
        confirm: {
          title: { type: 'plain_text', text: 'Cancel this request?' },
          text: { type: 'mrkdwn', text: `Request #${requestId} will be withdrawn and its approvers will no longer be asked.` },
          confirm: { type: 'plain_text', text: 'Cancel request' },
          deny: { type: 'plain_text', text: 'Keep it' },
        },
      },
    ],
  };
}

export function buildRequestReceiptBlocks(receipt: RequestReceipt): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: requestReceiptText(receipt) } }];
  if (receipt.cancellable) {
    blocks.push(cancelActions(receipt.requestId));
  } else if (receipt.closedNote) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(receipt.closedNote) }] });
  }
  return blocks;
}

/** A request of the same person for the same app and role that is still on its way. */
export interface PendingRequest {
  readonly requestId: number;
  readonly appName: string;
  readonly roleName: string;
  /** `waiting for approval`, `being granted`, ... */
  readonly statusText: string;
  readonly jiraKey: string | null;
  readonly jiraUrl: string | null;
  /** True while it waits for approval: the requester may still withdraw it (the receipt's Cancel). */
  readonly cancellable: boolean;
}

export function alreadyPendingText(pending: PendingRequest): string {
  const what = `${escapeMrkdwn(pending.appName)} / ${escapeMrkdwn(pending.roleName)}`;
  const issue = pending.jiraKey ? (pending.jiraUrl ? ` (<${pending.jiraUrl}|${pending.jiraKey}>)` : ` (${pending.jiraKey})`) : '';
  return `:hourglass_flowing_sand: You already asked for *${what}*: request #${pending.requestId}${issue} is ${pending.statusText}. Nothing new was filed.`;
}

/** The answer to a second request while one for the same access is on its way: its link and its Cancel. */
export function buildAlreadyPendingBlocks(pending: PendingRequest): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: alreadyPendingText(pending) } }];
  if (pending.cancellable) blocks.push(cancelActions(pending.requestId));
  return blocks;
}

/** The same answer for a modal submission: the form is replaced by it. */
export function buildAlreadyPendingModal(pending: PendingRequest): ModalView {
  return {
    type: 'modal',
    callback_id: 'request_already_pending',
    title: { type: 'plain_text', text: 'Already requested' },
    close: { type: 'plain_text', text: 'Close' },
    blocks: buildAlreadyPendingBlocks(pending),
  };
}

/** The receipt after Cancel was clicked on it: the same words, the button replaced by what happened. */
export function buildCancelledReceiptBlocks(receiptText: string, note: string): KnownBlock[] {
  return [
    { type: 'section', text: { type: 'mrkdwn', text: receiptText } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `:x: ${escapeMrkdwn(note)}` }] },
  ];
}
