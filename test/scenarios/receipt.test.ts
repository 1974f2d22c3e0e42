/**
 * The requester's receipt DM carries Cancel only while the request waits for approval: once it is decided
 * (approved, denied) or cancelled elsewhere (App Home, the request TTL), the sent DM is updated to say how
 * the wait ended, without the button. Real app, Slack fake, ManualClock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { REQUEST_CANCEL_ACTION } from '../../src/slack/blocks/action-ids.js';
import type { StoredMessage } from '../fakes/slack.js';
import { denyWithReason } from '../support/deny.js';
import { Harness } from '../support/harness.js';
import { PEOPLE } from '../support/people.js';

const { priya, marco } = PEOPLE;

function receiptOf(h: Harness): StoredMessage {
  const receipt = h.slack.dms(priya.slackId).find((m) => m.text.includes('is filed as'));
  if (!receipt) throw new Error('priya has no receipt');
  return receipt;
}

/** The receipt as Slack shows it now (after any chat.update). */
function shown(h: Harness, receipt: StoredMessage): string {
  return JSON.stringify(h.slack.message(receipt.channel, receipt.ts)?.blocks ?? []);
}

function cardOf(h: Harness): StoredMessage {
  const card = h.slack.dms(marco.slackId).find((m) => JSON.stringify(m.blocks ?? []).includes('approval_approve'));
  if (!card) throw new Error('marco has no approval card');
  return card;
}

async function requestAdmin(h: Harness): Promise<StoredMessage> {
  await h.driver.command(priya.slackId, '/request', 'salesforce admin 6h fixing the pipeline sync');
  await h.settle();
  const receipt = receiptOf(h);
  expect(shown(h, receipt)).toContain(REQUEST_CANCEL_ACTION);
  return receipt;
}

describe('request receipt', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('loses its Cancel button and says so when the request is denied', async () => {
    h = await Harness.start();
    const receipt = await requestAdmin(h);
    h.clock.advance(5 * 60_000);

    await denyWithReason(h, 'marco', cardOf(h), 'not this quarter');

    expect(shown(h, receipt)).not.toContain(REQUEST_CANCEL_ACTION);
    expect(shown(h, receipt)).toContain('Denied at 2026-01-06 14:05 UTC.');
  });

  it('loses its Cancel button once the last stage approves', async () => {
    h = await Harness.start();
    const receipt = await requestAdmin(h);

    await h.approve('marco');
    expect(shown(h, receipt)).toContain(REQUEST_CANCEL_ACTION);
    await h.approve('owen');

    expect(shown(h, receipt)).not.toContain(REQUEST_CANCEL_ACTION);
    expect(shown(h, receipt)).toContain('Approved at 2026-01-06 14:00 UTC');
  });

  it('loses its Cancel button when nobody decided in time', async () => {
    h = await Harness.start();
    const receipt = await requestAdmin(h);

    h.clock.advance(7 * 24 * 60 * 60_000 + 60_000);
    h.keycard.schedules.runAll();
    await h.settle();

    expect(h.store.requests.get(1)?.status).toBe('cancelled');
    expect(shown(h, receipt)).not.toContain(REQUEST_CANCEL_ACTION);
    expect(shown(h, receipt)).toContain('nobody decided in time');
  });
});
