/**
 * Auto reclaim Block Kit: the warning DM (**Keep it**, **Remove now**), the Keep it form (an optional
 * reason), and the DM after the reclaim (**Ask for it back**). Pure functions from plain data; each button
 * carries only the case id, and the listeners check the clicker against the case every time.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import { escapeMrkdwn } from '../../domain/format.js';
import type { ReclaimNotice } from '../../workflows/shared/ports.js';

export const RECLAIM_KEEP_ACTION = 'reclaim_keep';
export const RECLAIM_REMOVE_NOW_ACTION = 'reclaim_remove_now';
export const RECLAIM_ASK_BACK_ACTION = 'reclaim_ask_back';
export const RECLAIM_ACTIONS_BLOCK = 'reclaim_actions';
export const RECLAIM_KEEP_CALLBACK_ID = 'reclaim_keep_form';
export const RECLAIM_KEEP_REASON_BLOCK = 'reclaim_keep_reason';
export const RECLAIM_KEEP_REASON_ACTION = 'reclaim_keep_reason_input';

const LABELS = { keep: 'Keep it', remove_now: 'Remove now', ask_back: 'Ask for it back' } as const;
const ACTIONS = { keep: RECLAIM_KEEP_ACTION, remove_now: RECLAIM_REMOVE_NOW_ACTION, ask_back: RECLAIM_ASK_BACK_ACTION } as const;

export function buildReclaimNoticeBlocks(notice: ReclaimNotice): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: notice.text.slice(0, 3000) } }];
  if (notice.buttons.length > 0) {
    const value = String(notice.caseId);
    blocks.push({
      type: 'actions',
      block_id: RECLAIM_ACTIONS_BLOCK,
      elements: notice.buttons.map((b) => ({
        type: 'button' as const,
        action_id: ACTIONS[b],
        text: { type: 'plain_text' as const, text: LABELS[b] },
        value,
        ...(b === 'keep' || b === 'ask_back' ? { style: 'primary' as const } : {}),
      })),
    });
  }
  return blocks;
}

/** The notification text: the message without mrkdwn emphasis. */
export function reclaimNoticeText(notice: ReclaimNotice): string {
  return notice.text.replace(/\*/g, '').slice(0, 3000);
}

/** Keep it: an optional reason, then Keep. The submission re-reads the case. */
export function buildKeepModal(caseId: number, what: string): ModalView {
  return {
    type: 'modal',
    callback_id: RECLAIM_KEEP_CALLBACK_ID,
    title: { type: 'plain_text', text: 'Keep access' },
    submit: { type: 'plain_text', text: 'Keep it' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify({ caseId }),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `Keep *${escapeMrkdwn(what)}*? Keycard asks again only if it stays unused.` } },
      {
        type: 'input',
        block_id: RECLAIM_KEEP_REASON_BLOCK,
        optional: true,
        label: { type: 'plain_text', text: 'Why do you still need it? (optional)' },
        element: { type: 'plain_text_input', action_id: RECLAIM_KEEP_REASON_ACTION, multiline: true, max_length: 500 },
      },
    ],
  };
}
