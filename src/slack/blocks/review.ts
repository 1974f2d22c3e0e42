/**
 * Access review Block Kit: the reviewer's invitation DM with **Open review**.
 */
import type { KnownBlock } from '@slack/types';
import type { ReviewInvite } from '../../workflows/shared/ports.js';

/** Opens the reviewer's list of items (value: the campaign id). */
export const REVIEW_OPEN_ACTION = 'review_open';

export function reviewInviteBlocks(invite: ReviewInvite): KnownBlock[] {
  return [
    { type: 'section', text: { type: 'mrkdwn', text: invite.text } },
    {
      type: 'actions',
      elements: [{ type: 'button', action_id: REVIEW_OPEN_ACTION, text: { type: 'plain_text', text: 'Open review' }, style: 'primary', value: String(invite.campaignId) }],
    },
  ];
}
