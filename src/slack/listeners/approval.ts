/**
 * Approve and Deny on the approval cards, and the deny-reason modal. The button value and the modal's
 * private_metadata only point at a step: `decideStep` re-reads it and checks the clicker every time.
 */
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { ListenerRouter } from '../router.js';
import { accessLabel, formatDateTimeUtc } from '../../domain/format.js';
import { canDecide, decideStep, type DecideResult } from '../../workflows/approval/index.js';

import type { WorkflowDeps } from '../../workflows/shared/deps.js';
import { APPROVE_ACTION, DENY_ACTION, DENY_CALLBACK_ID, DENY_REASON_ACTION, DENY_REASON_BLOCK, buildDenyModal } from '../blocks/approval-card.js';
import { tellUser } from './feedback.js';
import { idFromMetadata, idFromValue } from './ids.js';

/** What the clicker is told when the click did not decide anything. Null when it did. */
function decisionFeedback(result: DecideResult): string | null {
  switch (result.kind) {
    case 'decided':
      return null;
    case 'already_decided':
      return `Nothing to do: <@${result.by}> already ${result.status === 'denied' ? 'denied' : 'approved'} this at ${formatDateTimeUtc(result.at)}.`;
    case 'not_open':
      return `Nothing to do: this request is no longer waiting for this approval (it is ${result.status.replace(/_/g, ' ')}).`;
    case 'refused':
      if (result.reason === 'requester') return ':no_entry: You cannot approve or deny your own request. Another approver of this stage will decide.';
      if (result.reason === 'not_approver') return ':no_entry: You are not an approver of this stage, so your click was not counted. It has been logged.';
      if (result.reason === 'earlier_decider') {
        return ':no_entry: You decided an earlier stage of this request, so you may not decide this one too (separation of duties). Your click was not counted. It has been logged.';
      }
      return ':no_entry: This approval no longer exists.';
  }
}

export function registerApprovalListeners(router: ListenerRouter, deps: WorkflowDeps): void {
  // From App Home there is no response_url (Bolt gives no respond()): tellUser falls back to a DM.
  router.action<BlockAction<ButtonAction>>(APPROVE_ACTION, async ({ ack, body, action, client, respond }) => {
    await ack();
    const result = decideStep(deps, { stepId: idFromValue(action.value), actorSlackId: body.user.id, decision: 'approve', reason: null });
    const feedback = decisionFeedback(result);
    if (feedback) await tellUser({ body, client, respond }, feedback);
  });

  router.action<BlockAction<ButtonAction>>(DENY_ACTION, async ({ ack, body, action, client, respond }) => {
    await ack();
    const stepId = idFromValue(action.value);
    // Check before asking for a reason, so nobody types one for nothing; the submission checks again.
    const check = canDecide(deps, stepId, body.user.id);
    if (check.kind !== 'open') {
      // decideStep records a refused click in the audit log and answers the same way as an Approve.
      const result = decideStep(deps, { stepId, actorSlackId: body.user.id, decision: 'deny', reason: null });
      const feedback = decisionFeedback(result);
      if (feedback) await tellUser({ body, client, respond }, feedback);
      return;
    }
    await client.views.open({ trigger_id: body.trigger_id, view: buildDenyModal(stepId, accessLabel(check.request.snapshot.appName, check.request.snapshot.roleName)) });
  });

  router.view(DENY_CALLBACK_ID, async ({ ack, body, view, client }) => {
    const stepId = idFromMetadata(view.private_metadata, 'stepId');
    const reason = view.state.values[DENY_REASON_BLOCK]?.[DENY_REASON_ACTION]?.value?.trim() || null;
    const result = decideStep(deps, { stepId, actorSlackId: body.user.id, decision: 'deny', reason });
    await ack();
    const feedback = decisionFeedback(result);
    if (feedback) await client.chat.postMessage({ channel: body.user.id, text: feedback });
  });
}
