/**
 * Approving and denying from the approval cards, who may decide, races between clicks, and the ways into
 * a request (`/request` forms, the modal, forged requests), driven end to end through signed Slack requests.
 */
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { APPROVAL_ACTIONS_BLOCK, APPROVE_ACTION, DENY_CALLBACK_ID } from '../../src/slack/blocks/approval-card.js';
import {
  APP_ACTION,
  APP_BLOCK,
  DURATION_ACTION,
  JUSTIFICATION_ACTION,
  JUSTIFICATION_BLOCK,
  ROLE_ACTION,
  durationBlockId,
  roleBlockId,
} from '../../src/slack/blocks/request-modal.js';
import { blocksText, findElement, isObject, type JsonObject } from '../fakes/block-kit.js';
import type { StoredMessage } from '../fakes/slack.js';
import { denyWithReason } from '../support/deny.js';
import { Harness, stopCheckingFakes } from '../support/harness.js';
import { PEOPLE, type PersonKey } from '../support/people.js';

const { priya, marco, owen, sara, sam, ada, eve } = PEOPLE;
const ADMIN_LINE = 'salesforce admin 6h fixing the pipeline sync';

// ------------------------------------------------------------------------------------------ helpers

async function requestAs(h: Harness, person: PersonKey, text: string): Promise<void> {
  const answer = await h.driver.command(PEOPLE[person].slackId, '/request', text);
  expect(answer.status).toBe(200);
  await h.settle();
}

/**
 * The approval card a person got, found by its Approve button. Not `h.card()`: that one throws on a
 * plain-text DM (JSON.stringify(undefined) has no `includes`), and here requesters get both.
 */
function findCard(h: Harness, person: PersonKey): StoredMessage | undefined {
  return h.slack.dms(PEOPLE[person].slackId).find((m) => JSON.stringify(m.history[0]?.blocks ?? m.blocks ?? []).includes(APPROVE_ACTION));
}

function cardOf(h: Harness, person: PersonKey): StoredMessage {
  const card = findCard(h, person);
  if (!card) throw new Error(`${person} has no approval card`);
  return card;
}

/** What the card shows now (after any chat.update). */
function cardText(h: Harness, card: StoredMessage): string {
  return blocksText(h.slack.message(card.channel, card.ts)?.blocks);
}

function hasButtons(h: Harness, card: StoredMessage): boolean {
  return JSON.stringify(h.slack.message(card.channel, card.ts)?.blocks ?? []).includes(APPROVE_ACTION);
}

/** A click on a card's button; `force` sends it even when the button is gone or belongs to someone else. */
function click(h: Harness, person: PersonKey, card: StoredMessage, actionId: string, extra: { force?: boolean; value?: string } = {}) {
  return h.driver.clickButton(PEOPLE[person].slackId, {
    actionId,
    blockId: APPROVAL_ACTIONS_BLOCK,
    container: { message: { channel: card.channel, ts: card.ts } },
    ...extra,
  });
}

async function approveAs(h: Harness, person: PersonKey, card: StoredMessage = cardOf(h, person)): Promise<void> {
  await click(h, person, card, APPROVE_ACTION);
  await h.settle();
}

function stepIdOf(h: Harness, requestId: number, stageIndex = 0): number {
  const step = h.store.requests.stepFor(requestId, stageIndex);
  if (!step) throw new Error(`request ${requestId} has no step ${stageIndex}`);
  return step.id;
}

function auditOf(h: Harness, action: string) {
  return h.store.audit.all().filter((e) => e.action === action);
}

function ephemeralTexts(h: Harness, person: PersonKey): string[] {
  return h.slack.ephemerals(PEOPLE[person].slackId).map((e) => e.text);
}

function putsTo(h: Harness, groupId: string): number {
  return h.okta.membershipCalls().filter((c) => c.method === 'PUT' && c.groupId === groupId).length;
}

function element(blocks: unknown, blockId: string, actionId: string): JsonObject {
  const found = findElement(blocks, blockId, actionId);
  if (!found) throw new Error(`no element ${blockId}/${actionId}`);
  return found.element;
}

function initialValue(el: JsonObject): unknown {
  const option = el['initial_option'];
  return isObject(option) ? option['value'] : undefined;
}

/** The form body of a `/request` slash command, as the driver builds it. */
function commandBody(h: Harness, userId: string, text: string): string {
  return new URLSearchParams({
    token: 'verification-token',
    team_id: h.slack.teamId,
    team_domain: h.slack.teamDomain,
    channel_id: `D${userId}`,
    channel_name: 'directmessage',
    user_id: userId,
    user_name: h.slack.user(userId)?.name ?? userId,
    command: '/request',
    text,
    api_app_id: h.slack.appId,
    is_enterprise_install: 'false',
    response_url: h.slack.issueResponseUrl({ userId, channel: `D${userId}` }),
    trigger_id: h.slack.issueTrigger(userId),
  }).toString();
}

function signedWith(secret: string, body: string, timestamp: number): Record<string, string> {
  const signature = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-signature': `v0=${signature}`, 'x-slack-request-timestamp': String(timestamp) };
}

function bigCatalog(count: number): string {
  const apps = Array.from(
    { length: count },
    (_, i) => `  - id: app-${i}
    name: App ${i}
    description: Generated app number ${i}
    category: Area ${i % 4}
    owner: owen@acme.com
    provider: okta
    roles:
      - id: viewer
        name: Viewer
        description: Read-only
        groups: [00g1viewer]
        approval: auto`,
  );
  return `version: 1\napps:\n${apps.join('\n')}\n`;
}

// ------------------------------------------------------------------------------------------ scenarios

describe('approvals', () => {
  let h: Harness;
  afterEach(() => stopCheckingFakes(h));

  it('denies with a reason from the deny modal and tells the requester, Jira and the card', async () => {
    h = await Harness.start();
    await requestAs(h, 'priya', ADMIN_LINE);
    const card = cardOf(h, 'marco');

    const { modal, submitted } = await denyWithReason(h, 'marco', card, 'not during the change freeze');

    expect(h.slack.callCount('views.open')).toBe(1);
    expect(modal?.callback_id).toBe(DENY_CALLBACK_ID);
    expect(submitted.status).toBe(200);
    expect(h.store.requests.get(1)?.status).toBe('denied');
    expect(hasButtons(h, card)).toBe(false);
    expect(cardText(h, card)).toContain('Denied by <@UMARCO>: not during the change freeze');
    expect(h.lastDm('priya')?.text).toContain('was denied by <@UMARCO>: not during the change freeze');
    const [issue] = h.jira.issues();
    expect(h.jira.comments(issue!.key).at(-1)).toContain('Denied by Marco Rossi (marco@acme.com) at 14:00 UTC, stage 1 of 2 (manager): not during the change freeze');
    expect(h.jira.status(issue!.key)).toBe('Declined');
    expect(h.okta.membershipCalls()).toEqual([]);
    expect(h.okta.isMember('00g1admin', priya.oktaId)).toBe(false);
    expect(findCard(h, 'owen')).toBeUndefined();
    expect(h.slack.rejections).toEqual([]);
    expect(h.store.audit.verify().ok).toBe(true);
  });

  it('denies without a reason and says so in Jira', async () => {
    h = await Harness.start();
    await requestAs(h, 'priya', ADMIN_LINE);
    const card = cardOf(h, 'marco');

    await denyWithReason(h, 'marco', card, '');

    expect(h.store.requests.get(1)?.status).toBe('denied');
    const [issue] = h.jira.issues();
    expect(h.jira.comments(issue!.key).at(-1)).toContain('Denied by Marco Rossi (marco@acme.com) at 14:00 UTC, stage 1 of 2 (manager) (no reason given)');
    expect(cardText(h, card)).toContain('Denied by <@UMARCO>');
    expect(h.lastDm('priya')?.text).toContain('(no reason given)');
    expect(h.jira.status(issue!.key)).toBe('Declined');
  });

  it('escapes Slack markup in a deny reason for the card and the DM, and keeps it literal in Jira', async () => {
    h = await Harness.start();
    await requestAs(h, 'priya', ADMIN_LINE);
    const card = cardOf(h, 'marco');

    await denyWithReason(h, 'marco', card, 'use <!channel> & ask <#C0SEC|security>');

    const escaped = 'use &lt;!channel&gt; &amp; ask &lt;#C0SEC|security&gt;';
    const [issue] = h.jira.issues();
    expect(h.jira.comments(issue!.key).at(-1)).toContain('use <!channel> & ask <#C0SEC|security>');
    expect(cardText(h, card)).toContain(escaped);
    // The requester's DM is mrkdwn too: an unescaped reason could post a disguised link or a broadcast.
    expect(h.lastDm('priya')?.text).toContain(`was denied by <@UMARCO>: ${escaped}`);
  });

  it('refuses a requester who forges an Approve click on their own request', async () => {
    h = await Harness.start();
    await requestAs(h, 'priya', ADMIN_LINE);
    const card = cardOf(h, 'marco');

    const answer = await click(h, 'priya', card, APPROVE_ACTION, { force: true });
    await h.settle();

    expect(answer.status).toBe(200);
    expect(h.slack.responses.at(-1)?.text).toContain('You cannot approve or deny your own request');
    expect(ephemeralTexts(h, 'priya')).toEqual([expect.stringContaining('You cannot approve or deny your own request')]);
    expect(h.store.requests.get(1)?.status).toBe('pending_approval');
    expect(h.store.requests.getStep(stepIdOf(h, 1))?.status).toBe('pending');
    expect(auditOf(h, 'approval.refused')).toEqual([
      expect.objectContaining({ actor: 'user:UPRIYA', requestId: 1, data: expect.objectContaining({ reason: 'requester', decision: 'approve' }) }),
    ]);
    expect(hasButtons(h, card)).toBe(true);
    expect(findCard(h, 'owen')).toBeUndefined();
  });

  it('sends a stage to the admins when the requester is its only approver', async () => {
    h = await Harness.start();

    await requestAs(h, 'priya', 'warehouse analyst querying churn data for the Q1 review');

    expect(findCard(h, 'priya')).toBeUndefined();
    const card = cardOf(h, 'ada');
    expect(blocksText(card.blocks)).toContain("You're asked as a Keycard admin: the requester is the only approver of this stage");
    const [issue] = h.jira.issues();
    expect(h.jira.comments(issue!.key)).toContainEqual(
      expect.stringContaining('Stage "the self-review approvers" went to the Keycard admins: the requester is the only approver of this stage'),
    );

    await approveAs(h, 'ada', card);

    expect(h.okta.isMember('00g3analyst', priya.oktaId)).toBe(true);
    expect(cardText(h, card)).toContain(`Approved by <@${ada.slackId}> at 14:00 UTC`);
    expect(h.jira.comments(issue!.key)).toContainEqual(expect.stringContaining('Approved by Ada Admin (ada@acme.com) at 14:00 UTC, stage 1 of 1'));
  });

  it('refuses a click from someone who is not an approver, and the real approver still decides', async () => {
    h = await Harness.start();
    await requestAs(h, 'priya', ADMIN_LINE);
    const card = cardOf(h, 'marco');

    await click(h, 'eve', card, APPROVE_ACTION, { force: true });
    await h.settle();

    expect(ephemeralTexts(h, 'eve')).toEqual([expect.stringContaining('You are not an approver of this stage')]);
    expect(auditOf(h, 'approval.refused')).toEqual([
      expect.objectContaining({ actor: `user:${eve.slackId}`, requestId: 1, data: expect.objectContaining({ reason: 'not_approver' }) }),
    ]);
    expect(h.store.requests.get(1)?.status).toBe('pending_approval');
    expect(hasButtons(h, card)).toBe(true);

    await approveAs(h, 'marco', card);

    expect(h.store.requests.getStep(stepIdOf(h, 1))).toMatchObject({ status: 'approved', decidedBy: marco.slackId });
    expect(findCard(h, 'owen')).toBeDefined();
    expect(auditOf(h, 'approval.approved')).toHaveLength(1);
  });

  it('makes exactly one decision when two approvers click at the same moment', async () => {
    h = await Harness.start();
    await requestAs(h, 'priya', 'github write reviewing the release branch');
    const saraCard = cardOf(h, 'sara');
    const samCard = cardOf(h, 'sam');

    const answers = await Promise.all([click(h, 'sara', saraCard, APPROVE_ACTION), click(h, 'sam', samCard, APPROVE_ACTION)]);
    await h.settle();

    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const stepId = stepIdOf(h, 1);
    expect(auditOf(h, 'approval.approved').filter((e) => e.data['stepId'] === stepId)).toHaveLength(1);
    expect(putsTo(h, '00g2write')).toBe(1);
    expect(h.okta.members('00g2write')).toEqual([priya.oktaId]);
    const winner = h.store.requests.getStep(stepId)?.decidedBy;
    expect([sara.slackId, sam.slackId]).toContain(winner);
    const loser: PersonKey = winner === sara.slackId ? 'sam' : 'sara';
    const winnerKey: PersonKey = loser === 'sam' ? 'sara' : 'sam';
    expect(ephemeralTexts(h, loser)).toEqual([`Nothing to do: <@${winner}> already approved this at 2026-01-06 14:00 UTC.`]);
    expect(ephemeralTexts(h, winnerKey)).toEqual([]);
    for (const card of [saraCard, samCard]) {
      expect(hasButtons(h, card)).toBe(false);
      expect(cardText(h, card)).toContain(`Approved by <@${winner}> at 14:00 UTC`);
    }
  });

  it('counts a double-click by the same approver once', async () => {
    h = await Harness.start();
    await requestAs(h, 'priya', 'github write reviewing the release branch');
    const card = cardOf(h, 'sara');

    await Promise.all([click(h, 'sara', card, APPROVE_ACTION), click(h, 'sara', card, APPROVE_ACTION)]);
    await h.settle();

    expect(auditOf(h, 'approval.approved')).toHaveLength(1);
    expect(putsTo(h, '00g2write')).toBe(1);
    expect(ephemeralTexts(h, 'sara')).toEqual([`Nothing to do: <@${sara.slackId}> already approved this at 2026-01-06 14:00 UTC.`]);
    expect(cardText(h, cardOf(h, 'sam'))).toContain(`Approved by <@${sara.slackId}> at 14:00 UTC`);
  });

  it('answers a late click after the decision with who decided and when', async () => {
    h = await Harness.start();
    await requestAs(h, 'priya', 'github write reviewing the release branch');
    const saraCard = cardOf(h, 'sara');
    await approveAs(h, 'sam');
    h.clock.advance(10 * 60_000);

    // The card was updated and has no buttons: this is a click on what Sara's client still showed.
    await click(h, 'sara', saraCard, APPROVE_ACTION, { force: true, value: String(stepIdOf(h, 1)) });
    await h.settle();

    expect(ephemeralTexts(h, 'sara')).toEqual([`Nothing to do: <@${sam.slackId}> already approved this at 2026-01-06 14:00 UTC.`]);
    expect(auditOf(h, 'approval.approved')).toHaveLength(1);
    expect(auditOf(h, 'approval.refused')).toEqual([]);
    expect(putsTo(h, '00g2write')).toBe(1);
    expect(cardText(h, saraCard)).toContain(`Approved by <@${sam.slackId}> at 14:00 UTC`);
  });

  it('refuses a request with a forged signature or a stale timestamp, with no effect', async () => {
    h = await Harness.start();
    const body = commandBody(h, priya.slackId, 'salesforce viewer');
    const now = Math.floor(Date.now() / 1000);

    const forged = await h.driver.raw(body, signedWith('not-the-signing-secret', body, now));
    const stale = await h.driver.raw(body, { 'content-type': 'application/x-www-form-urlencoded', ...h.driver.sign(body, now - 6 * 60) });
    await h.settle();

    expect(forged.status).toBe(401);
    expect(stale.status).toBe(401);
    expect(h.store.requests.get(1)).toBeUndefined();
    expect(h.store.audit.all()).toEqual([]);
    expect(h.jira.issues()).toEqual([]);
    expect(h.okta.membershipCalls()).toEqual([]);
    expect(h.slack.dms(priya.slackId)).toEqual([]);

    // The same body, signed properly, is a valid command: the refusals were about the signature.
    const genuine = await h.driver.raw(body, { 'content-type': 'application/x-www-form-urlencoded', ...h.driver.sign(body) });
    await h.settle();
    expect(genuine.status).toBe(200);
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
  });

  it('understands /request help, typos, partial and complete one-liners', async () => {
    h = await Harness.start();

    const help = await h.driver.command(priya.slackId, '/request', 'help');
    const typo = await h.driver.command(priya.slackId, '/request', 'salesfroce');
    await h.settle();

    expect(help.json).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('/request salesforce admin 1h fixing the pipeline sync') });
    expect(help.body).toContain('`/request salesforce`');
    expect(typo.json).toMatchObject({ response_type: 'ephemeral', text: "No app 'salesfroce'. Did you mean: salesforce?" });
    expect(h.slack.openViews(priya.slackId)).toEqual([]);

    await h.driver.command(priya.slackId, '/request', 'salesforce');
    await h.settle();
    const appOnly = h.slack.openViews(priya.slackId)[0]!;
    expect(initialValue(element(appOnly.blocks, APP_BLOCK, APP_ACTION))).toBe('salesforce');

    await h.driver.command(priya.slackId, '/request', 'salesforce admin');
    await h.settle();
    const partial = h.slack.openViews(priya.slackId)[0]!;
    expect(initialValue(element(partial.blocks, roleBlockId('salesforce'), ROLE_ACTION))).toBe('admin');
    const notice = blocksText(partial.blocks[0]);
    expect(notice).toContain('Almost there');
    expect(notice).toContain('time-bound; choose one of 1h, 6h, 24h');
    expect(notice).toContain('Say why you need Salesforce / System Admin');
    expect(h.store.requests.get(1)).toBeUndefined();

    const complete = await h.driver.command(priya.slackId, '/request', ADMIN_LINE);
    await h.settle();

    expect(complete.json).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Request *#1* for *Salesforce / System Admin* for 6h is in') });
    expect(h.store.requests.get(1)).toMatchObject({ appId: 'salesforce', roleId: 'admin', justification: 'fixing the pipeline sync', status: 'pending_approval' });
    expect(h.slack.rejections).toEqual([]);
  });

  it('keeps the modal open with an error on a justification that is too short', async () => {
    h = await Harness.start();
    await h.driver.command(priya.slackId, '/request', 'salesforce admin');
    await h.settle();
    const viewId = h.slack.openViews(priya.slackId)[0]!.id;

    const answer = await h.driver.submitView(priya.slackId, viewId, {
      [durationBlockId('salesforce', 'admin')]: { [DURATION_ACTION]: '6h' },
      [JUSTIFICATION_BLOCK]: { [JUSTIFICATION_ACTION]: 'short' },
    });
    await h.settle();

    expect(answer.json).toEqual({ response_action: 'errors', errors: { [JUSTIFICATION_BLOCK]: expect.stringContaining('at least 10') } });
    expect(h.slack.isViewOpen(viewId)).toBe(true);
    expect(h.slack.rejections).toEqual([]);
    expect(h.store.requests.get(1)).toBeUndefined();
    expect(h.jira.issues()).toEqual([]);
  });

  it('switches the app picker to a search above 100 apps', async () => {
    h = await Harness.start({ catalogYaml: bigCatalog(120) });
    await h.driver.command(priya.slackId, '/request', '');
    await h.settle();
    const view = h.slack.openViews(priya.slackId)[0]!;

    const narrow = await h.driver.suggest(priya.slackId, { viewId: view.id, blockId: APP_BLOCK, actionId: APP_ACTION, value: 'app-11' });
    const broad = await h.driver.suggest(priya.slackId, { viewId: view.id, blockId: APP_BLOCK, actionId: APP_ACTION, value: 'app' });

    expect(element(view.blocks, APP_BLOCK, APP_ACTION)['type']).toBe('external_select');
    expect(h.slack.rejections).toEqual([]);
    const values = (answer: unknown): string[] => {
      const groups = isObject(answer) && Array.isArray(answer['option_groups']) ? answer['option_groups'] : [];
      return groups.filter(isObject).flatMap((g) => (Array.isArray(g['options']) ? g['options'] : [])).filter(isObject).map((o) => String(o['value']));
    };
    expect(narrow.status).toBe(200);
    expect(values(narrow.json).sort()).toEqual(['app-11', ...Array.from({ length: 10 }, (_, i) => `app-11${i}`)].sort());
    expect(values(broad.json)).toHaveLength(100);
  });

  it('needs no justification for an auto-approved role and names the stages of one that has them', async () => {
    h = await Harness.start();
    await h.driver.command(priya.slackId, '/request', '');
    await h.settle();
    const viewId = h.slack.openViews(priya.slackId)[0]!.id;
    await h.driver.selectOption(priya.slackId, { viewId, blockId: APP_BLOCK, actionId: APP_ACTION, value: 'salesforce' });
    await h.settle();
    await h.driver.selectOption(priya.slackId, { viewId, blockId: roleBlockId('salesforce'), actionId: ROLE_ACTION, value: 'admin' });
    await h.settle();

    expect(blocksText(h.slack.view(viewId)!.blocks)).toContain('Your manager, then the Salesforce owner');

    await h.driver.selectOption(priya.slackId, { viewId, blockId: roleBlockId('salesforce'), actionId: ROLE_ACTION, value: 'viewer' });
    await h.settle();
    const justification = h.slack.view(viewId)!.blocks.find((b) => b['block_id'] === JUSTIFICATION_BLOCK);
    expect(justification?.['optional']).toBe(true);
    const submitted = await h.driver.submitView(priya.slackId, viewId);
    await h.settle();

    expect(submitted.json).toMatchObject({ response_action: 'update' });
    expect(h.store.requests.get(1)).toMatchObject({ roleId: 'viewer', justification: '' });
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
    expect(h.slack.rejections).toEqual([]);
    expect(h.slack.dms(owen.slackId)).toEqual([]);
  });
});
