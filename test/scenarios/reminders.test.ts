/**
 * Approvals nobody acts on, and requests people withdraw: one reminder per approver (business-hours
 * aware, never repeated, not even after a restart), escalation to the catalog's fallback group or the
 * admins, the request TTL, and Cancel from the requester's receipt DM. Driven end to end through signed
 * Slack requests; time moves on the ManualClock and the approvals schedule runs by hand.
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { APPROVAL_ACTIONS_BLOCK, APPROVE_ACTION } from '../../src/slack/blocks/approval-card.js';
import { REQUEST_CANCEL_ACTION } from '../../src/slack/blocks/action-ids.js';
import { REQUEST_RECEIPT_ACTIONS_BLOCK } from '../../src/slack/blocks/request-receipt.js';
import { blocksText } from '../fakes/block-kit.js';
import type { StoredMessage } from '../fakes/slack.js';
import { Harness } from '../support/harness.js';
import { PEOPLE, TEST_CATALOG, type PersonKey } from '../support/people.js';

const { priya, marco, owen, sara, sam } = PEOPLE;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The test catalog plus a `finance` group and an app whose fallback is `security`, with one role that names its own. */
const CATALOG = `${TEST_CATALOG.replace('  self-review: [priya@acme.com]\n', '  self-review: [priya@acme.com]\n  finance: [owen@acme.com]\n')}  - id: billing
    name: Billing
    description: Invoices and refunds
    owner: owen@acme.com
    provider: okta
    fallback: security
    roles:
      - id: admin
        name: Billing Admin
        description: Issue refunds
        groups: [00g1admin]
        approval: [manager]
      - id: auditor
        name: Auditor
        description: Read the ledger
        groups: [00g1audit]
        approval: [manager]
        fallback: finance
`;

// ------------------------------------------------------------------------------------------ helpers

async function requestAs(h: Harness, person: PersonKey, text: string): Promise<void> {
  const answer = await h.driver.command(PEOPLE[person].slackId, '/request', text);
  expect(answer.status).toBe(200);
  await h.settle();
}

/** Moves the clock, runs every schedule once (as cron would) and waits for the jobs. */
async function sweepAfter(h: Harness, ms: number): Promise<void> {
  h.clock.advance(ms);
  h.keycard.schedules.runAll();
  await h.settle();
}

async function sweepAt(h: Harness, iso: string): Promise<void> {
  h.clock.set(iso);
  h.keycard.schedules.runAll();
  await h.settle();
}

function isCard(message: StoredMessage): boolean {
  return JSON.stringify(message.history[0]?.blocks ?? message.blocks ?? []).includes(APPROVE_ACTION);
}

function cards(h: Harness, person: PersonKey): StoredMessage[] {
  return h.slack.dms(PEOPLE[person].slackId).filter(isCard);
}

function cardOf(h: Harness, person: PersonKey): StoredMessage {
  const card = cards(h, person).at(-1);
  if (!card) throw new Error(`${person} has no approval card`);
  return card;
}

/** What a message shows now (after any chat.update or replace_original). */
function shown(h: Harness, message: StoredMessage): string {
  return blocksText(h.slack.message(message.channel, message.ts)?.blocks);
}

function hasButton(h: Harness, message: StoredMessage, actionId: string): boolean {
  return JSON.stringify(h.slack.message(message.channel, message.ts)?.blocks ?? []).includes(actionId);
}

function reminders(h: Harness, person: PersonKey): string[] {
  return h.slack.dms(PEOPLE[person].slackId).map((m) => m.text).filter((text) => text.includes('Reminder:'));
}

function receiptOf(h: Harness, person: PersonKey = 'priya'): StoredMessage {
  const receipt = h.slack.dms(PEOPLE[person].slackId).find((m) => m.text.includes('is filed as'));
  if (!receipt) throw new Error(`${person} has no receipt`);
  return receipt;
}

function clickCancel(h: Harness, person: PersonKey, receipt: StoredMessage, force = false) {
  return h.driver.clickButton(PEOPLE[person].slackId, {
    actionId: REQUEST_CANCEL_ACTION,
    blockId: REQUEST_RECEIPT_ACTIONS_BLOCK,
    container: { message: { channel: receipt.channel, ts: receipt.ts } },
    ...(force ? { force: true, value: '1' } : {}),
  });
}

/** An Approve click; `stepId` sends it even though the card no longer shows the button (a stale click). */
async function approveAs(h: Harness, person: PersonKey, card: StoredMessage = cardOf(h, person), stepId?: number): Promise<void> {
  await h.driver.clickButton(PEOPLE[person].slackId, {
    actionId: APPROVE_ACTION,
    blockId: APPROVAL_ACTIONS_BLOCK,
    container: { message: { channel: card.channel, ts: card.ts } },
    ...(stepId === undefined ? {} : { force: true, value: String(stepId) }),
  });
  await h.settle();
}

function auditOf(h: Harness, action: string) {
  return h.store.audit.all().filter((e) => e.action === action);
}

function jiraKeyOf(h: Harness, requestId = 1): string {
  const key = h.store.requests.get(requestId)?.jiraKey;
  if (!key) throw new Error(`request ${requestId} has no Jira issue`);
  return key;
}

function ephemeralTexts(h: Harness, person: PersonKey): string[] {
  return h.slack.ephemerals(PEOPLE[person].slackId).map((e) => e.text);
}

// ------------------------------------------------------------------------------------------ scenarios

describe('reminders and escalation', () => {
  let h: Harness | undefined;
  const cleanups: Array<() => void> = [];
  afterEach(async () => {
    try {
      expect(h?.slack.rejections ?? []).toEqual([]);
      for (const fake of [h?.slack, h?.jira, h?.okta]) fake?.assertNoUnexpected();
    } finally {
      await h?.stop();
      h = undefined;
      for (const cleanup of cleanups.splice(0)) cleanup();
    }
  });

  it('reminds each approver once, 4h after the stage started, and never again, not even after a restart', async () => {
    h = await Harness.start();
    await requestAs(h, 'priya', 'github write reviewing the release branch');

    await sweepAfter(h, 4 * HOUR - MINUTE);
    expect(reminders(h, 'sara')).toEqual([]);

    await sweepAfter(h, MINUTE);

    const expected = ':alarm_clock: Reminder: <@UPRIYA> is still waiting for a decision on *GitHub / Write* (request #1, stage 1 of 1 (group:security)), asked Tue 14:00 UTC. Approve or deny it on the card Keycard sent you.';
    expect(reminders(h, 'sara')).toEqual([expected]);
    expect(reminders(h, 'sam')).toEqual([expected]);
    expect(reminders(h, 'priya')).toEqual([]);
    expect(auditOf(h, 'approval.reminded')).toEqual([
      expect.objectContaining({ requestId: 1, actor: 'system:approval reminders', data: expect.objectContaining({ approvers: [sara.slackId, sam.slackId], waitedMs: 4 * HOUR }) }),
    ]);

    await sweepAfter(h, HOUR);
    expect(reminders(h, 'sara')).toHaveLength(1);

    const { fakes, databasePath, clock } = h;
    cleanups.push(() => rmSync(dirname(databasePath), { recursive: true, force: true }));
    await h.stop({ keepFakes: true, keepDatabase: true });
    h = await Harness.start({ fakes, databasePath, clock });
    await h.settle();
    await sweepAfter(h, HOUR);

    expect(reminders(h, 'sara')).toHaveLength(1);
    expect(reminders(h, 'sam')).toHaveLength(1);
    expect(auditOf(h, 'approval.reminded')).toHaveLength(1);
    expect(h.store.requests.get(1)?.status).toBe('pending_approval');
  });

  it('gives each stage its own reminder, timed from when that stage started', async () => {
    h = await Harness.start();
    await requestAs(h, 'priya', 'salesforce admin 6h fixing the pipeline sync');
    await sweepAfter(h, 4 * HOUR);
    expect(reminders(h, 'marco')).toHaveLength(1);

    await approveAs(h, 'marco');
    await sweepAfter(h, 4 * HOUR - MINUTE);
    expect(reminders(h, 'owen')).toEqual([]);
    await sweepAfter(h, MINUTE);

    expect(reminders(h, 'owen')).toEqual([expect.stringContaining('(request #1, stage 2 of 2 (owner)), asked Tue 18:00 UTC')]);
    expect(reminders(h, 'marco')).toHaveLength(1);
  });

  it('counts only business hours: asked Friday 16:00, reminded Monday 11:00 (Berlin)', async () => {
    // Mon-Fri 08:00-17:00: Friday 16:00-17:00 is one hour, Monday 08:00-11:00 three more.
    const env = { KEYCARD_BUSINESS_HOURS: 'Mon-Fri 08:00-17:00', KEYCARD_TIMEZONE: 'Europe/Berlin' };
    h = await Harness.start({ env });
    h.clock.set('2026-01-09T15:00:00Z'); // Friday 16:00 in Berlin
    await requestAs(h, 'priya', 'github write reviewing the release branch');

    for (const at of ['2026-01-09T20:00:00Z', '2026-01-10T15:00:00Z', '2026-01-11T15:00:00Z', '2026-01-12T09:59:00Z']) {
      await sweepAt(h, at);
    }
    // Three days of wall time went by, more than the 24h escalation: neither counted the weekend.
    expect(reminders(h, 'sara')).toEqual([]);
    expect(auditOf(h, 'approval.escalated')).toEqual([]);
    expect(cards(h, 'ada')).toEqual([]);

    await sweepAt(h, '2026-01-12T10:00:00Z'); // Monday 11:00 in Berlin

    expect(reminders(h, 'sara')).toEqual([expect.stringContaining('asked Fri 15:00 UTC')]);
    expect(reminders(h, 'sam')).toHaveLength(1);
  });

  it("escalates after 24h to the app's fallback group; a new approver's yes completes the stage", async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await requestAs(h, 'priya', 'billing admin refunding the duplicate invoice');
    const marcoCard = cardOf(h, 'marco');

    await sweepAfter(h, DAY - MINUTE);
    expect(cards(h, 'sara')).toEqual([]);

    await sweepAfter(h, MINUTE);

    expect(h.store.requests.stepFor(1, 0)?.approvers).toEqual([marco.slackId, sara.slackId, sam.slackId]);
    const saraCard = cardOf(h, 'sara');
    expect(cards(h, 'sam')).toHaveLength(1);
    expect(blocksText(saraCard.blocks)).toContain("You're asked as a fallback approver (security): nobody decided this stage within 24h.");
    expect(hasButton(h, marcoCard, APPROVE_ACTION)).toBe(true);
    const key = jiraKeyOf(h);
    expect(h.jira.comments(key)).toContainEqual(
      'No decision on stage 1 of 1 (manager) after 24h: offered to the security approvers as well (Sara Lind (sara@acme.com), Sam Okafor (sam@acme.com)).',
    );
    expect(auditOf(h, 'approval.escalated')).toEqual([
      expect.objectContaining({ requestId: 1, actor: 'system:approval escalation', data: expect.objectContaining({ fallback: 'security', added: [sara.slackId, sam.slackId] }) }),
    ]);

    await approveAs(h, 'sara', saraCard);

    expect(h.store.requests.get(1)?.status).toBe('active');
    expect(h.okta.isMember('00g1admin', priya.oktaId)).toBe(true);
    expect(shown(h, marcoCard)).toContain(`Approved by <@${sara.slackId}>`);
    expect(hasButton(h, marcoCard, APPROVE_ACTION)).toBe(false);
    expect(h.jira.comments(key)).toContainEqual(expect.stringContaining('Approved by Sara Lind (sara@acme.com) at 14:00 UTC, stage 1 of 1 (manager).'));

    await sweepAfter(h, 2 * DAY);
    expect(auditOf(h, 'approval.escalated')).toHaveLength(1);
    expect(cards(h, 'sara')).toHaveLength(1);
  });

  it("offers a stage to the role's own fallback group over the app's", async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await requestAs(h, 'priya', 'billing auditor reconciling the Q4 ledger');

    await sweepAfter(h, DAY);

    expect(cards(h, 'owen')).toHaveLength(1);
    expect(cards(h, 'sara')).toEqual([]);
    expect(cards(h, 'ada')).toEqual([]);
    expect(h.store.requests.stepFor(1, 0)?.approvers).toEqual([marco.slackId, owen.slackId]);
  });

  it('escalates to the admins when the catalog names no fallback, and the first approver can still decide', async () => {
    h = await Harness.start();
    await requestAs(h, 'priya', 'salesforce admin 6h fixing the pipeline sync');

    await sweepAfter(h, DAY);

    const adaCard = cardOf(h, 'ada');
    expect(blocksText(adaCard.blocks)).toContain("You're asked as a Keycard admin: nobody decided this stage within 24h.");
    expect(h.jira.comments(jiraKeyOf(h))).toContainEqual(expect.stringContaining('offered to the Keycard admins as well (Ada Admin (ada@acme.com))'));

    await approveAs(h, 'marco');

    expect(shown(h, adaCard)).toContain(`Approved by <@${marco.slackId}>`);
    expect(cards(h, 'owen')).toHaveLength(1);
    expect(h.store.requests.stepFor(1, 1)?.approvers).toEqual([owen.slackId]);
  });

  it('cancels a request nobody decided within 7d: cards closed, Jira commented and declined, requester told', async () => {
    h = await Harness.start();
    await requestAs(h, 'priya', 'github write reviewing the release branch');
    const approverCards = [cardOf(h, 'sara'), cardOf(h, 'sam')];
    await sweepAfter(h, DAY);
    approverCards.push(cardOf(h, 'ada'));

    await sweepAfter(h, 6 * DAY - MINUTE);
    expect(h.store.requests.get(1)?.status).toBe('pending_approval');

    await sweepAfter(h, MINUTE);

    expect(h.store.requests.get(1)?.status).toBe('cancelled');
    expect(h.store.requests.stepFor(1, 0)?.status).toBe('cancelled');
    for (const card of approverCards) {
      expect(hasButton(h, card, APPROVE_ACTION)).toBe(false);
      expect(shown(h, card)).toContain('This request is cancelled; no decision is needed.');
    }
    const key = jiraKeyOf(h);
    expect(h.jira.comments(key).at(-1)).toBe(
      'Expired at 2026-01-13 14:00 UTC: no decision within 7d; stage 1 of 1 (group:security) was waiting on Sara Lind (sara@acme.com), Sam Okafor (sam@acme.com), Ada Admin (ada@acme.com). The request is cancelled.',
    );
    expect(h.jira.status(key)).toBe('Declined');
    expect(h.lastDm('priya')?.text).toBe(
      ':hourglass: Your request #1 for *GitHub / Write* expired: nobody decided within 7d, so it was cancelled. If you still need it, ask again with `/request github write`.',
    );
    expect(auditOf(h, 'request.cancelled')).toEqual([
      expect.objectContaining({ requestId: 1, actor: 'system:request ttl', fromStatus: 'pending_approval', toStatus: 'cancelled', data: expect.objectContaining({ reason: 'request_ttl' }) }),
    ]);

    // A click on a card the approver still had open changes nothing.
    await approveAs(h, 'sara', approverCards[0], h.store.requests.stepFor(1, 0)?.id ?? -1);
    expect(ephemeralTexts(h, 'sara')).toEqual(['Nothing to do: this request is no longer waiting for this approval (it is cancelled).']);
    expect(h.okta.membershipCalls()).toEqual([]);
    await sweepAfter(h, DAY);
    expect(auditOf(h, 'request.cancelled')).toHaveLength(1);
    expect(h.store.audit.verify().ok).toBe(true);
  });
});

describe('cancel from the receipt', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    try {
      expect(h?.slack.rejections ?? []).toEqual([]);
      for (const fake of [h?.slack, h?.jira, h?.okta]) fake?.assertNoUnexpected();
    } finally {
      await h?.stop();
      h = undefined;
    }
  });

  it('lets the requester cancel a pending request from the "filed as" DM', async () => {
    h = await Harness.start();
    await requestAs(h, 'priya', 'salesforce admin 6h fixing the pipeline sync');
    const receipt = receiptOf(h);
    const marcoCard = cardOf(h, 'marco');
    expect(receipt.text).toBe(`:memo: Your request #1 for *Salesforce / System Admin* is filed as <${h.jira.url}/browse/ACCESS-1|ACCESS-1>. Your manager, then the Salesforce owner.`);
    expect(hasButton(h, receipt, REQUEST_CANCEL_ACTION)).toBe(true);
    h.clock.advance(5 * MINUTE);

    const answer = await clickCancel(h, 'priya', receipt);
    await h.settle();

    expect(answer.status).toBe(200);
    expect(h.store.requests.get(1)?.status).toBe('cancelled');
    expect(hasButton(h, receipt, REQUEST_CANCEL_ACTION)).toBe(false);
    expect(shown(h, receipt)).toContain('Cancelled by you at 2026-01-06 14:05 UTC.');
    expect(hasButton(h, marcoCard, APPROVE_ACTION)).toBe(false);
    expect(shown(h, marcoCard)).toContain('This request is cancelled; no decision is needed.');
    const key = jiraKeyOf(h);
    expect(h.jira.comments(key).at(-1)).toBe(
      'Cancelled by the requester, Priya Shah (priya@acme.com), at 2026-01-06 14:05 UTC while stage 1 of 2 (manager) was waiting. The approvers are no longer asked.',
    );
    expect(h.jira.status(key)).toBe('Declined');
    expect(h.lastDm('priya')?.text).toBe(':x: You cancelled request #1 for *Salesforce / System Admin*. Its approvers are no longer asked. Use `/request salesforce admin` if you need it again.');
    expect(auditOf(h, 'request.cancelled')).toEqual([
      expect.objectContaining({ requestId: 1, actor: `user:${priya.slackId}`, fromStatus: 'pending_approval', toStatus: 'cancelled', data: expect.objectContaining({ reason: 'requester' }) }),
    ]);

    // Nothing more happens to a cancelled request: no reminder, no escalation, no expiry.
    await sweepAfter(h, 8 * DAY);
    expect(reminders(h, 'marco')).toEqual([]);
    expect(cards(h, 'ada')).toEqual([]);
    expect(cards(h, 'owen')).toEqual([]);
    expect(auditOf(h, 'request.cancelled')).toHaveLength(1);
  });

  it('gives an auto-approved request a receipt without Cancel', async () => {
    h = await Harness.start();

    await requestAs(h, 'priya', 'salesforce viewer');

    expect(receiptOf(h).text).toContain('is filed as');
    expect(hasButton(h, receiptOf(h), REQUEST_CANCEL_ACTION)).toBe(false);
  });

  it('refuses Cancel from anyone but the requester, and logs it', async () => {
    h = await Harness.start();
    await requestAs(h, 'priya', 'salesforce admin 6h fixing the pipeline sync');

    await clickCancel(h, 'marco', receiptOf(h), true);
    await h.settle();

    expect(ephemeralTexts(h, 'marco')).toEqual([':no_entry: Only the person who asked for this access can cancel the request. Your click has been logged.']);
    expect(auditOf(h, 'cancel.refused')).toEqual([expect.objectContaining({ requestId: 1, actor: `user:${marco.slackId}`, data: expect.objectContaining({ reason: 'not_requester' }) })]);
    expect(h.store.requests.get(1)?.status).toBe('pending_approval');
    expect(hasButton(h, receiptOf(h), REQUEST_CANCEL_ACTION)).toBe(true);
    expect(hasButton(h, cardOf(h, 'marco'), APPROVE_ACTION)).toBe(true);
  });

  it('answers a Cancel after the decision with the state of the request, and changes nothing', async () => {
    h = await Harness.start();
    await requestAs(h, 'priya', 'github write reviewing the release branch');
    await approveAs(h, 'sam');
    const commentsBefore = h.jira.comments(jiraKeyOf(h));

    // The receipt loses its button once the request is decided; a client still showing the old one can click it.
    await clickCancel(h, 'priya', receiptOf(h), true);
    await h.settle();

    expect(ephemeralTexts(h, 'priya')).toEqual(['Nothing to cancel: your request #1 for *GitHub / Write* is already active.']);
    expect(h.store.requests.get(1)?.status).toBe('active');
    expect(h.okta.isMember('00g2write', priya.oktaId)).toBe(true);
    expect(h.jira.comments(jiraKeyOf(h))).toEqual(commentsBefore);
    expect(auditOf(h, 'request.cancelled')).toEqual([]);
  });
});
