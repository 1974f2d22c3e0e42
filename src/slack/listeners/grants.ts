/**
 * Extend and I'm done, from the ends-soon DM, from App Home and from a duplicate /request. The button
 * value only points at a grant: the workflows re-read it and check that the clicker holds it.
 */
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { ListenerRouter } from '../router.js';
import { parseDuration } from '../../domain/duration.js';
import { JUSTIFICATION_MAX, JUSTIFICATION_MIN } from '../../domain/request-input.js';
import type { WorkflowDeps } from '../../workflows/shared/deps.js';
import { offerExtension, relinquishGrant, requestExtension } from '../../workflows/grant/index.js';
import { EXTEND_CALLBACK_ID, EXTEND_DURATION_ACTION, EXTEND_DURATION_BLOCK, GRANT_EXTEND_ACTION, GRANT_RELINQUISH_ACTION } from '../blocks/action-ids.js';
import { EXTEND_REASON_ACTION, EXTEND_REASON_BLOCK, buildExtendModal } from '../blocks/extend-modal.js';
import { tellUser } from './feedback.js';
import { idFromMetadata, idFromValue } from './ids.js';

export function registerGrantListeners(router: ListenerRouter, deps: WorkflowDeps): void {
  router.action<BlockAction<ButtonAction>>(GRANT_EXTEND_ACTION, async ({ ack, body, action, client, respond }) => {
    await ack();
    const result = offerExtension(deps, idFromValue(action.value), body.user.id, true);
    if (result.kind === 'refused') {
      await tellUser({ body, client, respond }, result.message);
      return;
    }
    await client.views.open({ trigger_id: body.trigger_id, view: buildExtendModal(result.offer) });
  });

  router.view(EXTEND_CALLBACK_ID, async ({ ack, body, view, client }) => {
    const grantId = idFromMetadata(view.private_metadata, 'grantId');
    const durationText = view.state.values[EXTEND_DURATION_BLOCK]?.[EXTEND_DURATION_ACTION]?.selected_option?.value ?? '';
    const reason = (view.state.values[EXTEND_REASON_BLOCK]?.[EXTEND_REASON_ACTION]?.value ?? '').trim();
    const durationMs = parseDuration(durationText);
    if (durationMs === null) {
      await ack({ response_action: 'errors', errors: { [EXTEND_DURATION_BLOCK]: 'Choose how much longer you need it' } });
      return;
    }
    if (reason.length < JUSTIFICATION_MIN || reason.length > JUSTIFICATION_MAX) {
      await ack({ response_action: 'errors', errors: { [EXTEND_REASON_BLOCK]: `Say why in ${JUSTIFICATION_MIN} to ${JUSTIFICATION_MAX} characters (you wrote ${reason.length})` } });
      return;
    }
    const result = requestExtension(deps, { grantId, actorSlackId: body.user.id, durationMs, justification: reason });
    if (result.kind === 'refused') {
      await ack({ response_action: 'errors', errors: { [EXTEND_DURATION_BLOCK]: result.message.replace(/[*:]/g, '').slice(0, 150) } });
      return;
    }
    await ack();
    const text =
      result.kind === 'extended'
        ? `:white_check_mark: Extension #${result.requestId} applied.`
        : `:hourglass_flowing_sand: Extension #${result.requestId} is waiting for approval. ${result.chain}.`;
    await client.chat.postMessage({ channel: body.user.id, text });
  });

  router.action<BlockAction<ButtonAction>>(GRANT_RELINQUISH_ACTION, async ({ ack, body, action, client, respond }) => {
    await ack();
    const result = relinquishGrant(deps, idFromValue(action.value), body.user.id);
    const text = result.kind === 'started' ? `:wave: Removing your *${result.what}* now. You'll get a DM when it's done.` : result.message;
    await tellUser({ body, client, respond }, text);
  });
}
