/**
 * A modal that only tells something (a submission that turned out to need no request).
 */
import type { ModalView } from '@slack/types';

export function buildNoticeModal(text: string, title = 'Request access'): ModalView {
  return {
    type: 'modal',
    callback_id: 'notice',
    title: { type: 'plain_text', text: title },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } }],
  };
}
