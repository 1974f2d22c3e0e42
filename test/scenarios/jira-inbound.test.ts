/**
 * Jira → Keycard: approving, declining and revoking by moving the issue in Jira (or adding the revoke label),
 * delivered as Jira Cloud's signed webhooks and as Jira Automation web requests with a token, against the
 * real app. Keycard re-reads the issue and its changelog from the Jira fake before it acts; afterwards Slack
 * (cards, DMs) and Jira (status, comments) agree.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { blocksText } from '../fakes/block-kit.js';
import type { StoredMessage } from '../fakes/slack.js';
import { Harness, jiraAccountId, stopCheckingFakes } from '../support/harness.js';
import { automationBody, deliverJiraChange, JIRA_INBOUND_ENV, postJiraWebhook, useApprovalWorkflow } from '../support/jira-webhook.js';
import { PEOPLE, type PersonKey } from '../support/people.js';

const { priya, marco, owen, sara, ada } = PEOPLE;
const KEY = 'ACCESS-1';

async function start(): Promise<Harness> {
  const h = await Harness.start({ env: { ...JIRA_INBOUND_ENV } });
  useApprovalWorkflow(h.jira);
  return h;
}

/** Priya asks for Salesforce System Admin: stage 1 her manager Marco, stage 2 the owner Owen. */
async function requestAdmin(h: Harness): Promise<void> {
  await h.driver.command(priya.slackId, '/request', 'salesforce admin 6h fixing the pipeline sync');
  await h.settle();
}

/** Priya gets the auto-approved Salesforce Viewer role: standing access, its issue Done. */
async function grantViewer(h: Harness): Promise<void> {
  await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
  await h.settle();
}

function move(h: Harness, person: PersonKey, status: string, key = KEY): void {
  h.jira.moveIssue(key, status, jiraAccountId(PEOPLE[person]));
}

function card(h: Harness, person: PersonKey): StoredMessage {
  const found = h.slack.dms(PEOPLE[person].slackId).find((m) => JSON.stringify(m.history[0]?.blocks ?? m.blocks ?? []).includes('approval_approve'));
  if (!found) throw new Error(`${person} has no approval card`);
  return found;
}

function cardNow(h: Harness, person: PersonKey): string {
  const c = card(h, person);
  return blocksText(h.slack.message(c.channel, c.ts)?.blocks);
}

function comments(h: Harness, key = KEY): string {
  return h.jira.comments(key).join('\n');
}

function dmTexts(h: Harness, person: PersonKey): string[] {
  return h.slack.dms(PEOPLE[person].slackId).map((m) => m.text ?? '');
}

describe('deciding in Jira', () => {
  let h: Harness;
  afterEach(() => stopCheckingFakes(h));

  it('counts a move to Approved by each stage approver as their decision, with the effects of a click in Slack', async () => {
    h = await start();
    await requestAdmin(h);

    move(h, 'marco', 'Approved');
    const first = await deliverJiraChange(h, KEY);

    expect(first).toMatchObject({ status: 200, json: { ok: true, queued: 'request' } });
    expect(h.store.requests.stepFor(1, 0)).toMatchObject({ status: 'approved', decidedBy: marco.slackId });
    expect(cardNow(h, 'marco')).toContain(`Approved by <@${marco.slackId}>`);
    expect(dmTexts(h, 'priya').join('\n')).toContain(`<@${marco.slackId}> approved stage 1 of 2 (manager) of your request for *Salesforce / System Admin*`);
    expect(cardNow(h, 'owen')).toContain('Salesforce');
    // The issue follows the current stage: back to To Do until the owner decides.
    expect(h.jira.status(KEY)).toBe('To Do');
    expect(comments(h)).toContain('Approved by Marco Rossi (marco@acme.com)');
    expect(comments(h)).toContain('Next: stage 2 of 2 (owner). The issue goes back to "To Do" until that stage is decided.');
    expect(comments(h)).toContain('Keycard moved the issue back to "To Do".');

    // Stage 2 through Jira Automation's "Send web request": the body names the issue, the token is a header.
    move(h, 'owen', 'Approved');
    const second = await postJiraWebhook(h.keycard.baseUrl ?? '', automationBody(KEY), { kind: 'token-header' });
    await h.settle();

    expect(second).toMatchObject({ status: 200, json: { ok: true, queued: 'request' } });
    expect(h.store.requests.get(1)?.status).toBe('active');
    expect(h.okta.isMember('00g1admin', priya.oktaId)).toBe(true);
    expect(cardNow(h, 'owen')).toContain(`Approved by <@${owen.slackId}>`);
    expect(dmTexts(h, 'priya').join('\n')).toContain('You now have *Salesforce / System Admin*');
    // Approved, then Keycard's own move to In Progress (time-bound access keeps its issue open); not taken as a decision.
    expect(h.jira.status(KEY)).toBe('In Progress');
    expect(comments(h)).toContain('Approved by Owen Park (owen@acme.com)');
    expect(h.store.jiraEvents.forIssue(KEY).map((e) => [e.action, e.outcome, e.actorEmail])).toEqual([
      ['approve', 'decided', marco.email],
      ['approve', 'decided', owen.email],
    ]);
    expect(h.store.audit.verify()).toEqual({ ok: true, count: expect.any(Number) });
  });

  it('counts a move to Declined as a denial: request denied, requester told, cards closed, issue stays Declined', async () => {
    h = await start();
    await requestAdmin(h);

    move(h, 'marco', 'Declined');
    await deliverJiraChange(h, KEY, { kind: 'token-query' });

    expect(h.store.requests.get(1)?.status).toBe('denied');
    expect(cardNow(h, 'marco')).toContain(`Denied by <@${marco.slackId}>`);
    expect(dmTexts(h, 'priya').join('\n')).toContain(`Your request for *Salesforce / System Admin* was denied by <@${marco.slackId}> (no reason given)`);
    expect(h.jira.status(KEY)).toBe('Declined');
    expect(comments(h)).toContain('Denied by Marco Rossi (marco@acme.com)');
    expect(h.slack.dms(owen.slackId)).toEqual([]);
  });

  it('moves back a move by someone who may not decide, and says why and who may', async () => {
    h = await start();
    await requestAdmin(h);

    move(h, 'sara', 'Approved');
    await deliverJiraChange(h, KEY);

    expect(h.store.requests.get(1)?.status).toBe('pending_approval');
    expect(h.store.requests.stepFor(1, 0)?.status).toBe('pending');
    expect(h.jira.status(KEY)).toBe('To Do');
    const said = comments(h);
    expect(said).toContain('Sara Lind (sara@acme.com) moved this issue to "Approved", but they are not an approver of stage 1 of 2 (manager), so this decides nothing.');
    expect(said).toContain('Who may decide: Marco Rossi (marco@acme.com).');
    expect(said).toContain('Keycard moved the issue back to "To Do".');
    expect(cardNow(h, 'marco')).not.toContain('Approved by');
    expect(h.store.audit.all().filter((e) => e.action === 'approval.refused')).toHaveLength(1);
    expect(h.store.audit.all().filter((e) => e.action === 'jira.change_refused').map((e) => e.data)).toEqual([expect.objectContaining({ reason: 'not_approver', jiraEmail: sara.email })]);

    // The requester may not approve their own request from Jira either.
    move(h, 'priya', 'Approved');
    await deliverJiraChange(h, KEY);

    expect(h.store.requests.stepFor(1, 0)?.status).toBe('pending');
    expect(h.jira.status(KEY)).toBe('To Do');
    expect(comments(h)).toContain('Priya Shah (priya@acme.com) moved this issue to "Approved", but they asked for this access and may not decide stage 1 of 2 (manager) of their own request.');
  });

  it('refuses a stage-2 move by the stage-1 approver (separation of duties)', async () => {
    h = await start();
    await requestAdmin(h);
    move(h, 'marco', 'Approved');
    await deliverJiraChange(h, KEY);
    // Marco also becomes an approver of stage 2 (as escalation could make him): still not his to decide.
    const step2 = h.store.requests.stepFor(1, 1);
    h.store.handle.sqlite.prepare('UPDATE approval_steps SET approvers = ? WHERE id = ?').run(JSON.stringify([owen.slackId, marco.slackId]), step2?.id);

    move(h, 'marco', 'Approved');
    await deliverJiraChange(h, KEY);

    expect(h.store.requests.stepFor(1, 1)?.status).toBe('pending');
    expect(comments(h)).toContain('they decided an earlier stage of this request and may not decide stage 2 of 2 (owner) too (separation of duties). Who may decide: Owen Park (owen@acme.com).');
    expect(h.jira.status(KEY)).toBe('To Do');
  });

  it('refuses a move whose author hides their email in Jira, saying so', async () => {
    h = await start();
    h.jira.addUser({ accountId: jiraAccountId(marco), displayName: marco.name, email: marco.email, emailVisible: false });
    await requestAdmin(h);

    move(h, 'marco', 'Approved');
    await deliverJiraChange(h, KEY);

    expect(h.store.requests.stepFor(1, 0)?.status).toBe('pending');
    expect(h.jira.status(KEY)).toBe('To Do');
    expect(comments(h)).toContain('Marco Rossi moved this issue to "Approved", but Jira does not show their email address (their Atlassian profile hides it)');
    // Keycard asked Jira's unrestricted look-up, which answers only apps Atlassian approved.
    expect(h.jira.calls.some((c) => c.path === '/rest/api/3/user/email' && c.status === 403)).toBe(true);
  });

  it('acts once on a delivery Jira sends twice', async () => {
    h = await start();
    await requestAdmin(h);
    move(h, 'marco', 'Declined');
    const first = await deliverJiraChange(h, KEY);
    const before = { comments: h.jira.comments(KEY).length, dms: h.slack.dms(priya.slackId).length, audit: h.store.audit.all().length, calls: h.jira.calls.length };

    const again = await postJiraWebhook(h.keycard.baseUrl ?? '', first.body, { kind: 'signature' });
    await h.settle();

    expect(again.status).toBe(200);
    expect(h.jira.status(KEY)).toBe('Declined');
    expect(h.jira.comments(KEY)).toHaveLength(before.comments);
    expect(h.slack.dms(priya.slackId)).toHaveLength(before.dms);
    expect(h.store.audit.all()).toHaveLength(before.audit);
    // It did read Jira again (never trusting the body), and found the change acted on.
    expect(h.jira.calls.length).toBeGreaterThan(before.calls);
    expect(h.store.jiraEvents.forIssue(KEY)).toHaveLength(1);
  });

  it('moves back a move to Approved of a request no longer waiting', async () => {
    h = await start();
    await requestAdmin(h);
    move(h, 'marco', 'Declined');
    await deliverJiraChange(h, KEY);

    move(h, 'owen', 'Approved');
    await deliverJiraChange(h, KEY);

    expect(h.store.requests.get(1)?.status).toBe('denied');
    expect(comments(h)).toContain('Owen Park (owen@acme.com) moved this issue to "Approved", but Keycard request #1 is not waiting for an approval (it is denied), so this decides nothing.');
    expect(h.jira.status(KEY)).toBe('Declined');
  });
});

describe('revoking in Jira', () => {
  let h: Harness;
  afterEach(() => stopCheckingFakes(h));

  it('revokes access when an admin moves the issue to Revoke access; Jira ends Done once the group is gone', async () => {
    h = await start();
    await grantViewer(h);
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);

    move(h, 'ada', 'Revoke access');
    await deliverJiraChange(h, KEY);

    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(false);
    expect(h.store.grants.forRequest(1)?.status).toBe('revoked');
    expect(comments(h)).toContain('Revoked by Ada Admin (ada@acme.com): ACCESS-1 moved to "Revoke access" in Jira');
    expect(dmTexts(h, 'priya').join('\n')).toContain('Your access to *Salesforce / Viewer* has ended (revoked');
    expect(h.jira.status(KEY)).toBe('Done');
    expect(h.store.jiraEvents.forIssue(KEY).map((e) => [e.action, e.outcome])).toEqual([['revoke', 'revoked']]);
  });

  it("revokes when the app's owner adds the revoke label, once however often Jira delivers it", async () => {
    h = await start();
    await grantViewer(h);

    h.jira.addLabel(KEY, 'keycard-revoke', jiraAccountId(owen));
    const first = await deliverJiraChange(h, KEY);
    const commentsAfter = h.jira.comments(KEY).length;
    await postJiraWebhook(h.keycard.baseUrl ?? '', first.body, { kind: 'signature' });
    await h.settle();

    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(false);
    expect(h.store.grants.forRequest(1)?.status).toBe('revoked');
    expect(comments(h)).toContain('Revoked by Owen Park (owen@acme.com): label keycard-revoke added to ACCESS-1 in Jira');
    expect(h.jira.comments(KEY)).toHaveLength(commentsAfter);
    expect(h.jira.issue(KEY)?.labels).toContain('keycard-revoke');
  });

  it('refuses a revoke by someone who is neither an admin nor the owner: status back, label off, access kept', async () => {
    h = await start();
    await grantViewer(h);

    move(h, 'marco', 'Revoke access');
    await deliverJiraChange(h, KEY);
    h.jira.addLabel(KEY, 'keycard-revoke', jiraAccountId(sara));
    await deliverJiraChange(h, KEY);

    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
    expect(h.store.grants.forRequest(1)?.status).toBe('active');
    expect(h.jira.status(KEY)).toBe('Done');
    expect(h.jira.issue(KEY)?.labels).not.toContain('keycard-revoke');
    const said = comments(h);
    expect(said).toContain('Marco Rossi (marco@acme.com) moved this issue to "Revoke access", but only a Keycard admin or the app\'s owner may revoke access from Jira; nothing was revoked. Who may: the Keycard admins, Ada Admin (ada@acme.com), or the Salesforce owner, owen@acme.com.');
    expect(said).toContain('Sara Lind (sara@acme.com) added the label keycard-revoke, but only a Keycard admin');
    expect(said).toContain('Keycard took the label keycard-revoke off again.');
  });
});

describe('the Jira webhook endpoint', () => {
  let h: Harness;
  afterEach(() => stopCheckingFakes(h));

  it('answers 401 to a forged or missing secret and queues nothing', async () => {
    h = await start();
    await requestAdmin(h);
    move(h, 'marco', 'Approved');
    const body = JSON.stringify(h.jira.webhookBody(KEY));
    const base = h.keycard.baseUrl ?? '';
    const jobsBefore = h.store.jobs.list().length;

    const answers = [
      await postJiraWebhook(base, body, { kind: 'none' }),
      await postJiraWebhook(base, body, { kind: 'signature', secret: 'not-the-secret-at-all-000000' }),
      await postJiraWebhook(base, body, { kind: 'token-header', token: 'guess' }),
      await postJiraWebhook(base, body, { kind: 'token-query', token: 'guess' }),
      // A good signature of another body.
      await postJiraWebhook(base, body.replace('"ACCESS-1"', '"ACCESS-2"'), { kind: 'signature' }, {}),
    ];
    await h.settle();

    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 200]);
    expect(h.store.jobs.list().length).toBe(jobsBefore);
    expect(h.store.requests.stepFor(1, 0)?.status).toBe('pending');
  });

  it('ignores with 200 an issue Keycard did not create, and touches it not at all', async () => {
    h = await start();
    await requestAdmin(h);
    const other = h.jira.addIssue({ summary: 'Laptop for the new starter' });
    move(h, 'marco', 'Approved', other);
    const callsBefore = h.jira.calls.length;

    const answer = await deliverJiraChange(h, other);

    expect(answer).toMatchObject({ status: 200, json: { ok: true, ignored: true } });
    expect(h.jira.comments(other)).toEqual([]);
    expect(h.jira.status(other)).toBe('Approved');
    expect(h.jira.calls.length).toBe(callsBefore);
    expect(h.store.requests.stepFor(1, 0)?.status).toBe('pending');
  });

  it('answers 400 to a body that names no issue and 413 to one too large', async () => {
    h = await start();
    const base = h.keycard.baseUrl ?? '';

    const noIssue = await postJiraWebhook(base, JSON.stringify({ webhookEvent: 'jira:issue_updated' }));
    const notJson = await postJiraWebhook(base, 'issue=ACCESS-1');
    const huge = await postJiraWebhook(base, JSON.stringify({ issue: { key: 'ACCESS-1' }, pad: 'x'.repeat(1024 * 1024) }));

    expect(noIssue).toEqual({ status: 400, json: { ok: false, error: 'the body names no issue: send its key as issue.key, key or issueKey (in Jira Automation: {{issue.key}})' } });
    expect(notJson.status).toBe(400);
    expect(huge.status).toBe(413);
  });

  it('does not exist without JIRA_WEBHOOK_SECRET', async () => {
    h = await Harness.start();

    const answer = await postJiraWebhook(h.keycard.baseUrl ?? '', automationBody(KEY), { kind: 'token-header' });

    expect(answer.status).toBe(404);
  });
});
