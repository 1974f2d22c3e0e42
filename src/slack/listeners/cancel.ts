/**
 * Cancel on a pending request, from the requester's receipt DM and from App Home (same action id). The
 * button value only points at a request: `cancelRequest` re-reads it and checks that the clicker asked.
 */
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { ListenerRouter } from '../router.js';
import { formatDateTimeUtc } from '../../domain/format.js';
import { cancelRequest } from '../../workflows/request/index.js';
import type { WorkflowDeps } from '../../workflows/shared/deps.js';
import { REQUEST_CANCEL_ACTION } from '../blocks/action-ids.js';
import { buildCancelledReceiptBlocks } from '../blocks/request-receipt.js';
import { tellUser } from './feedback.js';
import { idFromValue } from './ids.js';

export function registerCancelListeners(router: ListenerRouter, deps: WorkflowDeps): void {
  router.action<BlockAction<ButtonAction>>(REQUEST_CANCEL_ACTION, async ({ ack, body, action, client, respond }) => {
    await ack();
    const result = cancelRequest(deps, idFromValue(action.value), body.user.id);
    if (result.kind !== 'cancelled') {
      await tellUser({ body, client, respond }, result.message);
      return;
    }
    // Clicked in a message (the receipt): it loses its button at once. The confirmation DM is queued either way.
    const original = body.message?.text;
    if (body.response_url && typeof original === 'string' && original !== '') {
      const note = `Cancelled by you at ${formatDateTimeUtc(result.at)}.`;
      await respond({ replace_original: true, text: original, blocks: buildCancelledReceiptBlocks(original, note) });
    }
  });
}
