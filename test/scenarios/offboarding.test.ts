/**
 * Leavers end to end through the real app, the real SDK clients and the stateful fakes: `/access-admin
 * offboard` removes every access Keycard manages for the person across Okta, Entra ID and a manual app,
 * cancels what they asked for (closing the approvers' cards), suspends their accounts with `--suspend`,
 * reports each removal on one Jira issue (a failing one retried and shown until it succeeds) and DMs the
 * admin a summary; the same from an offboarding issue in Jira; and an account found suspended outside
 * Keycard loses its Keycard access.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { blocksText } from '../fakes/block-kit.js';
import type { StoredMessage } from '../fakes/slack.js';
import { Harness, stopCheckingFakes } from '../support/harness.js';
import { PEOPLE, TEST_CATALOG, figmaManualApp, type PersonKey } from '../support/people.js';
import { decideItems } from '../../src/workflows/review/index.js';
import { automationBody, JIRA_WEBHOOK_SECRET, postJiraWebhook } from '../support/jira-webhook.js';

const { priya, ada, sara, marco } = PEOPLE;

const CATALOG = `${TEST_CATALOG}  - id: powerbi
    name: Power BI
    description: Dashboards
    owner: owen@acme.com
    provider: entra
    roles:
      - id: admin
        name: Workspace Admin
        description: Manage workspaces
        groups: [e-sales-admin]
        approval: [manager]
${figmaManualApp('auto')}`;

const JIRA_ENV = { JIRA_OFFBOARDING_ISSUE_TYPE: 'Offboarding', JIRA_OFFBOARDING_EMAIL_FIELD: 'customfield_10060' };

function tasks(h: Harness): StoredMessage[] {
  return h.slack.messages('CALERTS').filter((m) => JSON.stringify(m.blocks ?? []).includes('task_actions'));
}

async function pressDone(h: Harness, person: PersonKey, task: StoredMessage): Promise<void> {
  await h.driver.clickButton(PEOPLE[person].slackId, { actionId: 'task_done', blockId: 'task_actions', container: { message: { channel: task.channel, ts: task.ts } } });
  await h.settle();
}

/**
 * Priya holds Salesforce Viewer (Okta), Power BI Workspace Admin (Entra) and Figma Editor (manual, set up by
 * Sam), and waits for GitHub Write (the security group's approval).
 */
async function seedPriya(h: Harness): Promise<void> {
  await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
  await h.driver.command(priya.slackId, '/request', 'powerbi admin building the Q1 dashboards');
  await h.driver.command(priya.slackId, '/request', 'figma editor reviewing the checkout designs');
  await h.driver.command(priya.slackId, '/request', 'github write fixing the ingestion job');
  await h.drain();
  await h.approve('marco');
  await pressDone(h, 'sam', tasks(h)[0]!);
  await h.drain();
  expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
  expect(h.graph.isMember('e-sales-admin', priya.entraId)).toBe(true);
  expect(h.store.grants.activeFor(priya.slackId).map((g) => g.appId).sort()).toEqual(['figma', 'powerbi', 'salesforce']);
  expect(h.store.requests.get(4)?.status).toBe('pending_approval');
}

function cardOf(h: Harness, person: PersonKey): StoredMessage {
  const card = h.card(person);
  if (!card) throw new Error(`${person} got no approval card`);
  return h.slack.message(card.channel, card.ts)!;
}

/** The person as a user of the Jira site (an issue's reporter); returns their account id. */
function jiraUser(h: Harness, person: PersonKey): string {
  const accountId = `712020:${person}`;
  h.jira.addUser({ accountId, displayName: PEOPLE[person].name, email: PEOPLE[person].email });
  return accountId;
}

/** A request's Jira key: keys follow the order the issues were created in, which the job queue does not fix across requests. */
function jiraKeyOf(h: Harness, requestId: number): string {
  return h.store.requests.get(requestId)?.jiraKey ?? '';
}

describe('offboarding', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await stopCheckingFakes(h);
    h = undefined;
  });

  it('removes access on Okta, Entra and a manual app, cancels what waits, suspends the accounts, retries a failing removal and reports each on one Jira issue', async () => {
    h = await Harness.start({ providers: ['entra'], catalogYaml: CATALOG });
    await seedPriya(h);
    h.okta.inject({ method: 'DELETE', path: /\/groups\/00g1viewer\/users\//, status: 500, times: 1 });

    const ack = await h.driver.command(ada.slackId, '/access-admin', `offboard <@${priya.slackId}|priya> --suspend`);
    await h.settle();

    expect(ack.body).toContain('Offboarding <@UPRIYA> and suspending their accounts');
    const started = h.slack.ephemerals(ada.slackId).at(-1)?.text ?? '';
    expect(started).toContain('Offboarding #1 of *Priya Shah (priya@acme.com)* started: 6 step(s)');
    // What waited is cancelled at once, and the security approvers' cards lose their buttons.
    expect(h.store.requests.get(4)?.status).toBe('cancelled');
    expect(JSON.stringify(cardOf(h, 'sara').blocks)).not.toContain('approval_approve');
    expect(JSON.stringify(cardOf(h, 'sam').blocks)).not.toContain('approval_approve');
    // The Okta removal failed once: shown as failing while it is retried.
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
    expect(h.graph.isMember('e-sales-admin', priya.entraId)).toBe(false);
    const failing = await h.driver.command(ada.slackId, '/access-admin', `offboard status ${priya.email}`);
    expect(failing.body).toContain(`Salesforce / Viewer (request #1, ${jiraKeyOf(h!, 1)}): failing: could not remove 00g1viewer`);
    expect(failing.body).toContain(`Figma / Editor (request #3, ${jiraKeyOf(h!, 3)}): in progress: a removal task is open`);
    expect(h.okta.userStatus(priya.oktaId)).toBe('SUSPENDED');
    expect(h.graph.accountEnabled(priya.entraId)).toBe(false);

    const removal = tasks(h).at(-1)!;
    expect(blocksText(removal.blocks ?? [])).toContain('take *Figma / Editor* away from <@UPRIYA>');
    await pressDone(h, 'sam', removal);
    await h.drain();

    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(false);
    expect(h.store.grants.activeFor(priya.slackId)).toEqual([]);
    expect([1, 2, 3].map((id) => h!.store.grants.forRequest(id)?.status)).toEqual(['revoked', 'revoked', 'revoked']);
    expect(h.store.grants.forRequest(1)?.endingNote).toBe('offboarded');
    const issue = h.jira.issueByLabel('keycard-offboard-1')!;
    expect(issue.summary).toBe('Offboarding: Priya Shah (priya@acme.com)');
    expect(issue.descriptionText).toContain('Started by: Ada Admin (ada@acme.com)');
    const comments = h.jira.comments(issue.key);
    expect(comments[0]).toContain('Keycard offboarding #1 of Priya Shah (priya@acme.com) started by Ada Admin (ada@acme.com), suspending their accounts');
    const finished = comments.at(-1)!;
    expect(finished).toContain('Offboarding #1 of Priya Shah (priya@acme.com) finished at 2026-01-06');
    expect(finished).toContain(`Salesforce / Viewer (request #1, ${jiraKeyOf(h!, 1)}): done: removed from 00g1viewer`);
    expect(finished).toContain(`Power BI / Workspace Admin (request #2, ${jiraKeyOf(h!, 2)}): done: removed from e-sales-admin`);
    expect(finished).toContain(`Figma / Editor (request #3, ${jiraKeyOf(h!, 3)}): done: removed by hand (confirmed in Slack)`);
    expect(finished).toContain(`GitHub / Write (request #4, ${jiraKeyOf(h!, 4)}): done: cancelled while it waited for approval; its approvers' cards are closed`);
    expect(finished).toContain(`suspend the okta account ${priya.oktaId} (priya@acme.com): done: suspended`);
    expect(finished).toContain(`suspend the entra account ${priya.entraId} (priya@acme.com): done: suspended`);
    // Each request's own issue says why it ended.
    expect(h.jira.comments(jiraKeyOf(h!, 2)).join('\n')).toContain('Revoked: Priya Shah (priya@acme.com) is being offboarded (Keycard offboarding #1, started by Ada Admin (ada@acme.com))');
    expect(h.jira.comments(jiraKeyOf(h!, 4)).join('\n')).toContain('Cancelled: Priya Shah (priya@acme.com) is being offboarded');
    const summary = h.lastDm('ada')?.text ?? '';
    expect(summary).toContain(`Offboarding #1 of *Priya Shah (priya@acme.com)* is done (Jira ${issue.key})`);
    const status = await h.driver.command(ada.slackId, '/access-admin', `offboard status <@${priya.slackId}>`);
    expect(status.body).toContain('*Offboarding #1 of Priya Shah (priya@acme.com)*: done 2026-01-06');
    expect(h.store.audit.verify().ok).toBe(true);
  });

  it('shows a removal that fails for good as failing on the Jira issue and in status until an admin retries it, then finishes', async () => {
    h = await Harness.start();
    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.drain();
    h.okta.inject({ method: 'DELETE', path: /\/groups\/00g1viewer\/users\//, status: 403, times: 1, body: { errorCode: 'E0000006', errorSummary: 'You do not have permission to perform the requested action', errorCauses: [] } });

    await h.driver.command(ada.slackId, '/access-admin', `offboard ${priya.email}`);
    await h.drain();

    const issue = h.jira.issueByLabel('keycard-offboard-1')!;
    expect(h.jira.comments(issue.key).at(-1)).toContain(`Salesforce / Viewer (request #1, ${jiraKeyOf(h!, 1)}): failing: could not remove 00g1viewer: Okta refused`);
    const status = await h.driver.command(ada.slackId, '/access-admin', `offboard status ${priya.email}`);
    expect(status.body).toContain('failing: could not remove 00g1viewer');
    expect(status.body).toContain('`/access-admin retry <request id>`');
    expect(h.store.lifecycle.latestOffboardingOf({ slackId: priya.slackId, email: null })?.status).toBe('running');

    await h.driver.command(ada.slackId, '/access-admin', 'retry 1');
    await h.drain();

    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(false);
    expect(h.jira.comments(issue.key).at(-1)).toContain(`Salesforce / Viewer (request #1, ${jiraKeyOf(h!, 1)}): done: removed from 00g1viewer`);
    expect(h.lastDm('ada')?.text).toContain('Offboarding #1 of *Priya Shah (priya@acme.com)* is done');
  });

  it('refuses to offboard yourself, an unknown option, and a person with two active accounts, naming why', async () => {
    h = await Harness.start();
    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.drain();
    h.okta.addUser({ id: '00uPRIYA2', login: 'priya.shah@acme.com', email: priya.email, firstName: 'Priya', lastName: 'Shah' });

    const self = await h.driver.command(ada.slackId, '/access-admin', `offboard ${ada.email}`);
    await h.settle();
    expect(self.status).toBe(200);
    expect(h.slack.ephemerals(ada.slackId).at(-1)?.text).toBe('You cannot offboard yourself: ask another Keycard admin.');
    const option = await h.driver.command(ada.slackId, '/access-admin', `offboard ${priya.email} --now`);
    expect(option.body).toContain('Unknown option --now: the only option is --suspend.');
    await h.driver.command(ada.slackId, '/access-admin', `offboard ${priya.email}`);
    await h.settle();

    const refused = h.slack.ephemerals(ada.slackId).at(-1)?.text ?? '';
    expect(refused).toContain('Nobody was offboarded: 2 okta accounts have the email priya@acme.com');
    expect(refused).toContain('00uPRIYA2');
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
    expect(h.store.lifecycle.latestOffboardingOf({ slackId: priya.slackId, email: priya.email })).toBeUndefined();
    const denied = await h.driver.command(priya.slackId, '/access-admin', `offboard ${marco.email}`);
    expect(denied.body).toContain('is for Keycard admins');
  });

  it('offboards from a Jira issue of the offboarding type filed by an admin, writes the results there, and does it once however often the issue is delivered', async () => {
    h = await Harness.start({ catalogYaml: CATALOG, providers: ['entra'], env: JIRA_ENV });
    h.jira.setIssueTypes(['Task', 'Offboarding']);
    h.jira.addCustomField({ id: 'customfield_10060', name: 'Leaver email', type: 'string' });
    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.driver.command(priya.slackId, '/request', 'github write fixing the ingestion job');
    await h.drain();
    const key = h.jira.addIssue({
      summary: 'Leaver: Priya Shah, last day Friday',
      issuetype: 'Offboarding',
      labels: ['keycard-suspend'],
      reporter: jiraUser(h, 'ada'),
      fields: { customfield_10060: priya.email },
    });

    await h.driver.command(ada.slackId, '/access-admin', `offboard --from-jira ${key}`);
    await h.drain();
    await h.driver.command(ada.slackId, '/access-admin', `offboard --from-jira ${key}`);
    await h.drain();

    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(false);
    expect(h.okta.userStatus(priya.oktaId)).toBe('SUSPENDED');
    expect(h.graph.accountEnabled(priya.entraId)).toBe(false);
    expect(h.store.requests.get(2)?.status).toBe('cancelled');
    const comments = h.jira.comments(key);
    expect(comments[0]).toContain('Keycard offboarding #1 of Priya Shah (priya@acme.com) started by Ada Admin (ada@acme.com), suspending their accounts');
    expect(comments.at(-1)).toContain('Offboarding #1 of Priya Shah (priya@acme.com) finished');
    expect(comments.at(-1)).toContain(`Salesforce / Viewer (request #1, ${jiraKeyOf(h!, 1)}): done: removed from 00g1viewer`);
    expect(comments.filter((c) => c.includes('finished'))).toHaveLength(1);
    expect(h.jira.issues().filter((i) => i.labels.some((l) => l.startsWith('keycard-offboard')))).toEqual([]);
    expect(h.lastDm('ada')?.text).toContain(`Offboarding #1 of *Priya Shah (priya@acme.com)* is done (Jira ${key})`);
    expect(h.store.audit.all().filter((e) => e.action === 'offboarding.started')).toHaveLength(1);
  });

  it('offboards when the Jira webhook names an offboarding issue (Jira Cloud on create, Automation after), once, and not for a forged delivery', async () => {
    h = await Harness.start({ env: { ...JIRA_ENV, JIRA_WEBHOOK_SECRET } });
    h.jira.setIssueTypes(['Task', 'Offboarding']);
    h.jira.addCustomField({ id: 'customfield_10060', name: 'Leaver email', type: 'string' });
    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.drain();
    const key = h.jira.addIssue({ summary: 'Leaver', issuetype: 'Offboarding', reporter: jiraUser(h, 'ada'), fields: { customfield_10060: priya.email } });
    const created = JSON.stringify({ webhookEvent: 'jira:issue_created', issue: { key, fields: { issuetype: { name: 'Offboarding' }, summary: 'Leaver' } } });

    const forged = await postJiraWebhook(h.keycard.baseUrl ?? '', created, { kind: 'signature', secret: 'not-the-secret' });
    await h.drain();
    expect(forged.status).toBe(401);
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);

    const first = await postJiraWebhook(h.keycard.baseUrl ?? '', created);
    await h.drain();
    const again = await postJiraWebhook(h.keycard.baseUrl ?? '', automationBody(key), { kind: 'token-header' });
    await h.drain();

    expect([first.status, again.status]).toEqual([200, 200]);
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(false);
    expect(h.store.audit.all().filter((e) => e.action === 'offboarding.started')).toHaveLength(1);
    expect(h.jira.comments(key).at(-1)).toContain('Offboarding #1 of Priya Shah (priya@acme.com) finished');
    expect(h.jira.comments(key).filter((c) => c.includes('finished'))).toHaveLength(1);
  });

  it("refuses a Jira issue whose reporter is not an admin, once, and acts on it when an admin's issue names the person", async () => {
    h = await Harness.start({ env: JIRA_ENV });
    h.jira.setIssueTypes(['Task', 'Offboarding']);
    h.jira.addCustomField({ id: 'customfield_10060', name: 'Leaver email', type: 'string' });
    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.drain();
    const fromSara = h.jira.addIssue({ summary: 'Offboard priya@acme.com', issuetype: 'Offboarding', reporter: jiraUser(h, 'sara') });
    const ordinary = h.jira.addIssue({ summary: 'Offboard priya@acme.com', issuetype: 'Task', reporter: jiraUser(h, 'ada') });

    for (const key of [fromSara, fromSara, ordinary]) {
      await h.driver.command(ada.slackId, '/access-admin', `offboard --from-jira ${key}`);
      await h.drain();
    }

    expect(h.jira.comments(fromSara)).toEqual(['Keycard did not offboard anyone for this issue: Sara Lind (sara@acme.com) is not a Keycard admin: offboarding from Jira is for the admins in KEYCARD_ADMINS, matched by email.']);
    expect(h.jira.comments(ordinary)).toEqual([]);
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
    expect(h.store.grants.forRequest(1)?.status).toBe('active');
  });

  it("ends the Keycard access of an account an access review finds suspended outside Keycard, with a Jira comment, and cancels what it waits for", async () => {
    h = await Harness.start();
    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.driver.command(priya.slackId, '/request', 'github write fixing the ingestion job');
    await h.drain();
    h.okta.setUserStatus(priya.oktaId, 'SUSPENDED');

    await h.driver.command(ada.slackId, '/access-admin', 'review start "Q1 Sales" apps=salesforce reviewer=owner due=14d');
    await h.drain();

    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(false);
    expect(h.store.grants.forRequest(1)).toMatchObject({ status: 'revoked', endingNote: 'account inactive in okta' });
    expect(h.store.requests.get(2)?.status).toBe('cancelled');
    expect(h.jira.comments(jiraKeyOf(h!, 1)).join('\n')).toContain('okta reports the account 00uPRIYA suspended or deactivated outside Keycard (seen during access review "Q1 Sales"): Keycard ends this access.');
    expect(h.jira.comments(jiraKeyOf(h!, 2)).join('\n')).toContain('Keycard cancels this request');
    // The review item still says what the provider listed; deciding it has nothing left to remove.
    const item = h.store.reviews.items(1).find((i) => i.email === priya.email)!;
    expect(decideItems(h.keycard.deps, PEOPLE.owen.slackId, [item.id], { decision: 'revoke', reason: 'left_team', note: null }).decided).toHaveLength(1);
    await h.settle(5 * 60_000);
    await h.drain();
    expect(h.store.reviews.item(item.id)?.enforcement).toBe('confirmed');
  });
});
