/**
 * The "Extend access" modal. Pure function; the submission re-checks everything it shows.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import { formatDuration, formatDurationSpec } from '../../domain/duration.js';
import { escapeMrkdwn, formatDayTimeUtc } from '../../domain/format.js';
import type { ExtensionOffer } from '../../workflows/grant/index.js';
import { EXTEND_CALLBACK_ID, EXTEND_DURATION_ACTION, EXTEND_DURATION_BLOCK } from './action-ids.js';

export const EXTEND_REASON_BLOCK = 'extend_reason';
export const EXTEND_REASON_ACTION = 'extend_reason_input';

/** The offer (src/workflows/grant/extend.ts) and, when the modal answers a duplicate /request, why it opened. */
export type ExtendModalInput = ExtensionOffer & { readonly notice?: string };

export function buildExtendModal(input: ExtendModalInput): ModalView {
  const blocks: KnownBlock[] = [];
  if (input.notice) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `:information_source: ${input.notice}` } });
  blocks.push(
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `Your *${escapeMrkdwn(input.what)}* ends at *${formatDayTimeUtc(input.endsAt)}*. You have had ${formatDuration(input.usedMs)} of at most ${formatDuration(input.maxDurationMs)} in all.`,
      },
    },
    {
      type: 'input',
      block_id: EXTEND_DURATION_BLOCK,
      label: { type: 'plain_text', text: 'Add' },
      element: {
        type: 'static_select',
        action_id: EXTEND_DURATION_ACTION,
        placeholder: { type: 'plain_text', text: 'Choose how much longer' },
        options: input.allowedMs.map((ms) => ({ text: { type: 'plain_text', text: formatDurationSpec(ms) }, value: formatDurationSpec(ms) })),
      },
    },
    {
      type: 'input',
      block_id: EXTEND_REASON_BLOCK,
      label: { type: 'plain_text', text: 'Why do you need more time?' },
      element: { type: 'plain_text_input', action_id: EXTEND_REASON_ACTION, multiline: true, max_length: 1000 },
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `:busts_in_silhouette: ${escapeMrkdwn(input.approval)}` }] },
  );
  return {
    type: 'modal',
    callback_id: EXTEND_CALLBACK_ID,
    title: { type: 'plain_text', text: 'Extend access' },
    submit: { type: 'plain_text', text: 'Extend' },
    close: { type: 'plain_text', text: 'Cancel' },
    // Only a pointer: the submission re-reads the grant and re-checks the holder and the limit.
    private_metadata: JSON.stringify({ grantId: input.grantId }),
    blocks,
  };
}
