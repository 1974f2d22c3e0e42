/** Denying from an approval card: the Deny button, then the deny modal. */
import { APPROVAL_ACTIONS_BLOCK, DENY_ACTION, DENY_REASON_ACTION, DENY_REASON_BLOCK } from '../../src/slack/blocks/approval-card.js';
import type { SlackView, StoredMessage } from '../fakes/slack.js';
import type { Harness } from './harness.js';
import { PEOPLE, type PersonKey } from './people.js';
import type { DriverResponse } from './slack-driver.js';

/**
 * The approver clicks Deny on the card and submits the deny modal with `reason` ('' for none). Returns the
 * modal that opened and the app's answer to the submission.
 */
export async function denyWithReason(
  h: Harness,
  approver: PersonKey,
  card: StoredMessage,
  reason: string,
): Promise<{ modal: SlackView; submitted: DriverResponse }> {
  const userId = PEOPLE[approver].slackId;
  await h.driver.clickButton(userId, { actionId: DENY_ACTION, blockId: APPROVAL_ACTIONS_BLOCK, container: { message: { channel: card.channel, ts: card.ts } } });
  await h.settle();
  const modal = h.slack.openViews(userId).at(-1);
  if (!modal) throw new Error(`${approver} got no deny modal`);
  const submitted = await h.driver.submitView(userId, modal.id, { [DENY_REASON_BLOCK]: { [DENY_REASON_ACTION]: reason } });
  await h.settle();
  return { modal, submitted };
}
