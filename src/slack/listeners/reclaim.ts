/**
 * Auto reclaim in Slack: **Keep it** (opens the reason form; its submission keeps the access), **Remove now**
 * and **Ask for it back**. The buttons carry only the case id: the workflow re-reads the case and checks that
 * the clicker is the person it is about, on every click and on the form's submission.
 */
import type { ListenerRouter } from '../router.js';
import type { BlockAction, ButtonAction } from '@slack/bolt';
import { askForItBack, keepCase, keepFormLabel, removeNow, whyNotAnswer } from '../../workflows/reclaim/index.js';
import type { WorkflowDeps } from '../../workflows/shared/deps.js';
import { buildNoticeModal } from '../blocks/notice-modal.js';
import { RECLAIM_ASK_BACK_ACTION, RECLAIM_KEEP_ACTION, RECLAIM_KEEP_CALLBACK_ID, RECLAIM_KEEP_REASON_ACTION, RECLAIM_KEEP_REASON_BLOCK, RECLAIM_REMOVE_NOW_ACTION, buildKeepModal } from '../blocks/reclaim.js';
import { buildRequestModal } from '../blocks/request-modal.js';
import { tellUser } from './feedback.js';
import { idFromMetadata, idFromValue } from './ids.js';

export function registerReclaimListeners(router: ListenerRouter, deps: WorkflowDeps): void {
  router.action<BlockAction<ButtonAction>>(RECLAIM_KEEP_ACTION, async ({ ack, body, action, client, respond }) => {
    await ack();
    const caseId = idFromValue(action.value);
    const refused = whyNotAnswer(deps, caseId, body.user.id);
    if (refused) {
      await tellUser({ body, client, respond }, refused);
      return;
    }
    await client.views.open({ trigger_id: body.trigger_id, view: buildKeepModal(caseId, keepFormLabel(deps, caseId) ?? 'this access') });
  });

  router.view(RECLAIM_KEEP_CALLBACK_ID, async ({ ack, body, view }) => {
    // The case id comes back from the form, but whose it is and whether it is open are read again.
    const reason = view.state.values[RECLAIM_KEEP_REASON_BLOCK]?.[RECLAIM_KEEP_REASON_ACTION]?.value ?? null;
    const answer = keepCase(deps, idFromMetadata(view.private_metadata, 'caseId'), body.user.id, reason);
    await ack({ response_action: 'update', view: buildNoticeModal(answer.text, 'Keep access') });
  });

  router.action<BlockAction<ButtonAction>>(RECLAIM_REMOVE_NOW_ACTION, async ({ ack, body, action, client, respond }) => {
    await ack();
    const answer = removeNow(deps, idFromValue(action.value), body.user.id);
    await tellUser({ body, client, respond }, answer.text);
  });

  router.action<BlockAction<ButtonAction>>(RECLAIM_ASK_BACK_ACTION, async ({ ack, body, action, client, respond }) => {
    await ack();
    const answer = askForItBack(deps, idFromValue(action.value), body.user.id);
    if (answer.kind === 'request_form') {
      // Past the restore window: the usual request, with the app and role chosen (the trigger lives 3 s).
      await client.views.open({ trigger_id: body.trigger_id, view: buildRequestModal(deps.catalog(), { appId: answer.appId, roleId: answer.roleId, notice: answer.notice }) });
      return;
    }
    await tellUser({ body, client, respond }, answer.text);
  });
}
