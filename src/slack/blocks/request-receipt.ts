/**
 * The requester's "filed as ACCESS-1" DM, with a Cancel button while the request waits for approval.
 * Pure functions.
 */
import type { KnownBlock } from '@slack/types';
import { escapeMrkdwn } from '../../domain/format.js';
import type { RequestReceipt } from '../../workflows/shared/ports.js';
import { REQUEST_CANCEL_ACTION } from './action-ids.js';

export const REQUEST_RECEIPT_ACTIONS_BLOCK = 'request_receipt_actions';

export function requestReceiptText(receipt: RequestReceipt): string {
  const what = `${escapeMrkdwn(receipt.appName)} / ${escapeMrkdwn(receipt.roleName)}`;
  return `:memo: Your request #${receipt.requestId} for *${what}* is filed as <${receipt.jiraUrl}|${receipt.jiraKey}>. ${escapeMrkdwn(receipt.chainText)}.`;
}

export function buildRequestReceiptBlocks(receipt: RequestReceipt): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: requestReceiptText(receipt) } }];
  if (receipt.cancellable) {
    blocks.push({
      type: 'actions',
      block_id: REQUEST_RECEIPT_ACTIONS_BLOCK,
      elements: [
        {
          type: 'button',
          action_id: REQUEST_CANCEL_ACTION,
          text: { type: 'plain_text', text: 'Cancel request' },
          value: String(receipt.requestId),
          confirm: {
            title: { type: 'plain_text', text: 'Cancel this request?' },
            text: { type: 'mrkdwn', text: `Request #${receipt.requestId} will be withdrawn and its approvers will no longer be asked.` },
            confirm: { type: 'plain_text', text: 'Cancel request' },
            deny: { type: 'plain_text', text: 'Keep it' },
          },
        },
      ],
    });
  } else if (receipt.closedNote) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(receipt.closedNote) }] });
  }
  return blocks;
}

/** The receipt after Cancel was clicked on it: the same words, the button replaced by what happened. */
export function buildCancelledReceiptBlocks(receiptText: string, note: string): KnownBlock[] {
  return [
    { type: 'section', text: { type: 'mrkdwn', text: receiptText } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `:x: ${escapeMrkdwn(note)}` }] },
  ];
}
