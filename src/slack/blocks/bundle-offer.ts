/**
 * The DM offering a bundle after a move: what it holds and **File these requests**. The button carries only
 * the offer's id; the workflow re-reads the offer and checks who clicked.
 */
import type { KnownBlock } from '@slack/types';
import type { BundleOfferCard } from '../../workflows/shared/ports.js';

export const BUNDLE_OFFER_BLOCK = 'bundle_offer';
export const BUNDLE_OFFER_FILE_ACTION = 'bundle_offer_file';

export function bundleOfferBlocks(offer: BundleOfferCard): KnownBlock[] {
  return [
    { type: 'section', text: { type: 'mrkdwn', text: offer.text.slice(0, 3000) } },
    {
      type: 'actions',
      block_id: BUNDLE_OFFER_BLOCK,
      elements: [{ type: 'button', action_id: BUNDLE_OFFER_FILE_ACTION, text: { type: 'plain_text', text: 'File these requests' }, value: String(offer.offerId), style: 'primary' }],
    },
  ];
}
