/**
 * The bundle offer's **File these requests** button (the DM after a move). The value only names the offer:
 * the workflow re-reads it and checks the clicker (the person, the manager it was offered to, or an admin).
 */
import type { ListenerRouter } from '../router.js';
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { WorkflowDeps } from '../../workflows/shared/deps.js';
import { fileBundleOffer } from '../../workflows/lifecycle/index.js';
import { BUNDLE_OFFER_FILE_ACTION } from '../blocks/bundle-offer.js';
import { tellUser } from './feedback.js';
import { idFromValue } from './ids.js';

export function registerLifecycleListeners(router: ListenerRouter, deps: WorkflowDeps): void {
  router.action<BlockAction<ButtonAction>>(BUNDLE_OFFER_FILE_ACTION, async ({ ack, body, action, client, respond }) => {
    await ack();
    const result = fileBundleOffer(deps, body.user.id, idFromValue(action.value));
    if (result.kind === 'filed' && body.response_url) {
      // The offer is filed: its message loses the button and says what was filed.
      await respond({ replace_original: true, text: result.text });
      return;
    }
    await tellUser({ body, client, respond }, result.kind === 'filed' ? result.text : result.message);
  });
}
