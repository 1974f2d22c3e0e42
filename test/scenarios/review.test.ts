/**
 * Access review campaigns end to end through the real app, the real SDK clients and the stateful fakes:
 * items are what Okta and Entra list (granted through Keycard and by hand), each reviewer is invited,
 * decisions are checked, a Revoke is enforced through the removal path and confirmed by the provider,
 * closing applies the policy and writes the summary and the evidence CSV to Jira and the admin.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, stopCheckingFakes } from '../support/harness.js';
import { PEOPLE, TEST_CATALOG } from '../support/people.js';
import { closeReview, decideItems, REVIEW_CSV_COLUMNS } from '../../src/workflows/review/index.js';

const { priya, eve, sam, marco, owen, ada, sara } = PEOPLE;
const DAY = 24 * 3600_000;

const CATALOG = `${TEST_CATALOG.replace('    provider: okta\n    roles:\n      - id: viewer', '    provider: okta\n    signInApp: 0oaSFDC\n    roles:\n      - id: viewer')}  - id: powerbi
    name: Power BI
    description: Dashboards
    owner: owen@acme.com
    provider: entra
    roles:
      - id: admin
        name: Workspace Admin
        description: Manage workspaces
        groups: [e-sales-admin, e-sales-audit]
        approval: [manager]
`;

async function started(env: Record<string, string> = {}): Promise<Harness> {
  return Harness.start({ providers: ['entra'], catalogYaml: CATALOG, env });
}

/** Priya's Salesforce Viewer through Keycard; Eve's and Sam's by hand in Okta; Marco's Power BI by hand in Entra. */
async function seedAccess(h: Harness): Promise<void> {
  await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
  await h.drain();
  expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
  h.okta.addMember('00g1viewer', eve.oktaId);
  h.okta.addMember('00g1admin', sam.oktaId);
  h.okta.addMember('00g1audit', sam.oktaId);
  h.graph.addMember('e-sales-admin', marco.entraId);
  const recent = new Date(h.clock.now().getTime() - 2 * DAY).toISOString();
  h.okta.addLogEvent({ eventType: 'user.authentication.sso', actorId: priya.oktaId, targetId: '0oaSFDC', published: recent });
  h.okta.addLogEvent({ eventType: 'user.authentication.sso', actorId: eve.oktaId, targetId: '0oaSFDC', published: recent });
}

async function startReview(h: Harness, text = '"Q1 Sales" apps=salesforce,powerbi reviewer=owner due=14d unreviewed=keep'): Promise<string> {
  const answer = await h.driver.command(ada.slackId, '/access-admin', `review start ${text}`);
  await h.drain();
  return answer.body;
}

function item(h: Harness, email: string, roleId?: string) {
  const found = h.store.reviews.items(1).find((i) => i.email === email && (!roleId || i.roleId === roleId));
  if (!found) throw new Error(`no review item for ${email}`);
  return found;
}

describe('access review campaigns', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await stopCheckingFakes(h);
    h = undefined;
  });

  it('builds items from what Okta and Entra list, with how each access came about, and invites the reviewer', async () => {
    h = await started();
    await seedAccess(h);
    const answer = await startReview(h);

    expect(answer).toContain('Review #1 *Q1 Sales* started');
    const items = h.store.reviews.items(1);
    expect(items.map((i) => `${i.appId}/${i.roleId} ${i.email} [${i.groups.join(',')}] ${i.recommendation}`).sort()).toEqual([
      'powerbi/admin marco@acme.com [e-sales-admin] revoke',
      'salesforce/admin sam@acme.com [00g1admin,00g1audit] revoke',
      'salesforce/viewer eve@acme.com [00g1viewer] revoke',
      'salesforce/viewer priya@acme.com [00g1viewer] keep',
    ]);
    const priyaItem = item(h, priya.email);
    expect(priyaItem).toMatchObject({ requestId: 1, jiraKey: h.store.requests.get(1)?.jiraKey, title: 'Data Engineer', department: 'Data', lastSignInScope: 'app', reviewerSlackId: owen.slackId });
    expect(priyaItem.recommendationReason).toBe('granted through Keycard, signed in to this app 2 days ago');
    expect(item(h, eve.email).recommendationReason).toBe('not granted through Keycard: no record of who approved it');
    expect(item(h, eve.email).grantId).toBeNull();

    // One Jira issue for the campaign, with the counts; the admin told the id and count; the owner invited once.
    const issue = h.jira.issueByLabel('keycard-review-1');
    expect(issue?.fields.summary ?? issue).toBeTruthy();
    expect(h.jira.comments(issue!.key).join('\n')).toContain('Built from the identity providers: 4 items for 1 reviewers; 3 recommended for revocation; 3 not granted through Keycard.');
    expect(h.lastDm('ada')?.text).toContain('Review #1 *Q1 Sales* is open: 4 items for 1 reviewers');
    expect(h.lastDm('ada')?.text).toContain(issue!.key);
    const invites = h.slack.dms(owen.slackId).filter((m) => JSON.stringify(m.blocks ?? []).includes('review_open'));
    expect(invites).toHaveLength(1);
    expect(invites[0]?.text).toContain('You have 4 items to review in the access review *Q1 Sales*');
  });

  it('refuses a start with problems, naming each field', async () => {
    h = await started();
    const answer = await h.driver.command(ada.slackId, '/access-admin', 'review start "Bad" apps=salesforce,nope reviewer=group:ghosts due=14d');
    expect(answer.body).toContain("apps: 'nope' is not in the catalog");
    expect(answer.body).toContain("reviewer: there is no approver group 'ghosts' in the catalog");
    expect(h.store.reviews.campaigns()).toHaveLength(0);
  });

  it('lets only the assigned reviewer or an admin decide, and nobody their own access', async () => {
    h = await started();
    await seedAccess(h);
    h.okta.addMember('00g1viewer', owen.oktaId);
    await startReview(h);
    const deps = h.keycard.deps;

    const own = item(h, owen.email);
    expect(own.reviewerSlackId).toBeNull();
    expect(own.reviewerNote).toBe("the reviewer's own access: goes to the admins");
    expect(decideItems(deps, owen.slackId, [own.id], { decision: 'keep' }).refused).toEqual([`Owen Park's salesforce/viewer is your own access: someone else decides it`]);
    expect(decideItems(deps, sara.slackId, [item(h, eve.email).id], { decision: 'keep' }).refused).toEqual([`Eve Stone's salesforce/viewer is for <@${owen.slackId}> to review`]);
    expect(decideItems(deps, ada.slackId, [own.id], { decision: 'keep' }).decided).toHaveLength(1);
    expect(decideItems(deps, owen.slackId, [item(h, eve.email).id], { decision: 'revoke', reason: 'other', note: ' ' }).refused).toEqual(['Revoke reason: with "Other", say why in a few words']);
    // A decision changes until the revoke is enforced.
    const eveId = item(h, eve.email).id;
    decideItems(deps, owen.slackId, [eveId], { decision: 'revoke', reason: 'left_team', note: null });
    decideItems(deps, owen.slackId, [eveId], { decision: 'keep' });
    await h.settle(10 * 60_000);
    await h.drain();
    expect(h.okta.isMember('00g1viewer', eve.oktaId)).toBe(true);
    expect(item(h, eve.email)).toMatchObject({ decision: 'keep', enforcement: null });
    const events = h.store.audit.all().filter((e) => e.action === 'review.decided').map((e) => e.data['decision']);
    expect(events).toEqual(['keep', 'revoke', 'keep']);

    // Revoke, Keep, Revoke again: the first revoke's job does not cut the second one's window short.
    decideItems(deps, owen.slackId, [eveId], { decision: 'revoke', reason: 'left_team', note: null });
    await h.settle(3 * 60_000);
    decideItems(deps, owen.slackId, [eveId], { decision: 'keep' });
    decideItems(deps, owen.slackId, [eveId], { decision: 'revoke', reason: 'inactive', note: null });
    await h.settle(2 * 60_000 + 1000);
    expect(h.okta.isMember('00g1viewer', eve.oktaId)).toBe(true);
    expect(item(h, eve.email).enforcement).toBe('pending');
    await h.settle(3 * 60_000);
    await h.drain();
    expect(h.okta.isMember('00g1viewer', eve.oktaId)).toBe(false);
  });

  it('enforces a Revoke through the removal path: access by hand removed and confirmed, a Keycard grant ended "revoked in review"', async () => {
    h = await started();
    await seedAccess(h);
    await startReview(h);
    const deps = h.keycard.deps;

    decideItems(deps, owen.slackId, [item(h, eve.email).id, item(h, priya.email).id], { decision: 'revoke', reason: 'no_longer_needed', note: null });
    await h.settle();
    expect(h.okta.isMember('00g1viewer', eve.oktaId)).toBe(true); // still inside the change window
    expect(decideItems(deps, owen.slackId, [item(h, eve.email).id], { decision: 'revoke', reason: 'inactive', note: null }).decided).toHaveLength(1);

    await h.settle(5 * 60_000);
    await h.drain();
    expect(h.okta.isMember('00g1viewer', eve.oktaId)).toBe(false);
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(false);
    expect(item(h, eve.email)).toMatchObject({ enforcement: 'confirmed', removed: { '00g1viewer': 'removed' } });
    expect(item(h, priya.email).enforcement).toBe('confirmed');
    expect(decideItems(deps, owen.slackId, [item(h, eve.email).id], { decision: 'keep' }).refused[0]).toContain('can no longer change');

    const grant = h.store.grants.forRequest(1);
    expect(grant).toMatchObject({ status: 'revoked', endingNote: 'revoked in review Q1 Sales' });
    const requestIssue = h.store.requests.get(1)!.jiraKey!;
    const comments = h.jira.comments(requestIssue).join('\n');
    expect(comments).toContain('Revoked in access review "Q1 Sales" by Owen Park (owen@acme.com): No longer needed');
    expect(comments).toContain('Access ended (revoked in review Q1 Sales)');
    expect(h.lastDm('priya')?.text).toContain('has ended (revoked in review Q1 Sales');
    expect(h.lastDm('eve')?.text).toContain('Your access to *Salesforce / Viewer* was removed in the access review *Q1 Sales* by <@UOWEN>');
    expect(h.store.audit.verify().ok).toBe(true);
  });

  it('retries a revoke the provider refuses, shows it failing meanwhile, and confirms it once it goes through', async () => {
    h = await started();
    await seedAccess(h);
    await startReview(h);
    h.okta.inject({ method: 'DELETE', path: /\/groups\/00g1admin\/users\//, status: 500, times: 1 });
    decideItems(h.keycard.deps, owen.slackId, [item(h, sam.email).id], { decision: 'revoke', reason: 'changed_role', note: null });
    await h.settle(5 * 60_000);

    expect(item(h, sam.email).enforcement).toBe('failed');
    expect(item(h, sam.email).removed).toEqual({ '00g1audit': 'removed' });
    const status = await h.driver.command(ada.slackId, '/access-admin', 'review status 1');
    expect(status.body).toContain('removal failing for Sam Okafor (salesforce/admin)');

    await h.drain(60_000);
    expect(h.okta.isMember('00g1admin', sam.oktaId)).toBe(false);
    expect(item(h, sam.email)).toMatchObject({ enforcement: 'confirmed', removed: { '00g1admin': 'removed', '00g1audit': 'removed' } });
  });

  it.each([
    ['keep', 'kept and flagged', { decision: 'keep', flagged: true, enforcement: null }],
    ['revoke', 'revoked', { decision: 'revoke', flagged: true, enforcement: 'confirmed' }],
  ] as const)('applies the unreviewed=%s policy on close and reports it on Jira with the evidence CSV', async (policy, words, expected) => {
    h = await started();
    await seedAccess(h);
    await startReview(h, `"Q1 Sales" apps=salesforce,powerbi reviewer=owner due=14d unreviewed=${policy}`);
    decideItems(h.keycard.deps, owen.slackId, [item(h, priya.email).id], { decision: 'keep' });

    const closed = await h.driver.command(ada.slackId, '/access-admin', 'review close 1');
    await h.drain();
    expect(closed.body).toContain(`3 undecided item(s) ${words}`);
    expect(item(h, marco.email)).toMatchObject({ ...expected, decisionReason: 'unreviewed' });
    if (policy === 'revoke') expect(h.graph.isMember('e-sales-admin', marco.entraId)).toBe(false);
    else expect(h.graph.isMember('e-sales-admin', marco.entraId)).toBe(true);

    const issue = h.jira.issueByLabel('keycard-review-1')!;
    const comments = h.jira.comments(issue.key).join('\n');
    expect(comments).toContain(policy === 'keep' ? 'Kept: 4 (of which 3 not reviewed, kept and flagged).' : 'Kept: 1 (of which 0 not reviewed, kept and flagged).');
    expect(comments).toContain('Access not granted through Keycard found: 3.');
    if (policy === 'revoke') expect(comments).toContain('All 3 revocations of this review are confirmed by the providers');

    const files = h.slack.filesSentTo(ada.slackId);
    expect(files).toHaveLength(1);
    const lines = files[0]!.content.trim().split('\r\n');
    expect(lines[0]).toBe(REVIEW_CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(5);
    const marcoRow = lines.find((l) => l.includes('marco@acme.com'))!;
    expect(marcoRow).toContain('Power BI,Workspace Admin,e-sales-admin');
    expect(marcoRow).toContain('not granted through Keycard');
    expect(marcoRow).toContain('Not reviewed by the due date');
    expect(h.jira.attachments(issue.key).map((a) => a.filename)).toEqual([files[0]!.name]);
  });

  it('closes on its due date and reminds reviewers with open items until then', async () => {
    h = await started({ KEYCARD_REVIEW_REMIND_EVERY: '3d' });
    await seedAccess(h);
    await startReview(h, '"Q1 Sales" apps=salesforce reviewer=owner due=7d unreviewed=keep');
    const invites = () => h!.slack.dms(owen.slackId).filter((m) => JSON.stringify(m.blocks ?? []).includes('review_open'));
    expect(invites()).toHaveLength(1);

    await h.settle(3 * DAY + 60_000);
    h.keycard.schedules.runAll();
    await h.drain();
    expect(invites()).toHaveLength(2);
    expect(invites()[1]?.text).toContain('Reminder: 3 of your 3 items');

    await h.settle(4 * DAY);
    h.keycard.schedules.runAll();
    await h.drain();
    expect(h.store.reviews.campaign(1)?.status).toBe('closed');
    expect(closeReview(h.keycard.deps, 1, { kind: 'user', slackId: ada.slackId })).toEqual({ kind: 'refused', message: 'Review #1 is closed: only an open review can be closed.' });
  });

  it('keeps a group another active Keycard grant of the person still needs, and says which', async () => {
    const shared = `  - id: reports
    name: Reports
    description: Sales reports
    owner: owen@acme.com
    provider: okta
    roles:
      - id: reader
        name: Reader
        description: Read reports
        groups: [00g1viewer]
        approval: auto
`;
    h = await Harness.start({ providers: ['entra'], catalogYaml: `${CATALOG}${shared}` });
    await seedAccess(h);
    await startReview(h, '"Reports" apps=reports reviewer=owner due=14d');
    const priyaReports = h.store.reviews.items(1).find((i) => i.email === priya.email)!;
    expect(priyaReports.grantId).toBeNull(); // her Keycard grant is Salesforce Viewer, not Reports Reader

    decideItems(h.keycard.deps, owen.slackId, [priyaReports.id], { decision: 'revoke', reason: 'no_longer_needed', note: null });
    await h.settle(5 * 60_000);
    await h.drain();
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
    expect(h.store.reviews.item(priyaReports.id)).toMatchObject({ enforcement: 'confirmed', removed: { '00g1viewer': 'kept' } });
    const kept = h.store.audit.all().find((e) => e.action === 'review.group_gone' && e.data['itemId'] === priyaReports.id);
    expect(kept?.data).toMatchObject({ outcome: 'kept', note: 'still needed by request #1' });
    expect(h.store.grants.forRequest(1)?.status).toBe('active');
  });

  it('routes items to each member\'s manager, or shares them in turn in an approver group, never to the person themself', async () => {
    h = await started();
    await seedAccess(h);
    h.okta.addMember('00g1viewer', marco.oktaId);
    h.graph.addMember('e-sales-admin', priya.entraId);
    await startReview(h, '"By manager" apps=salesforce,powerbi reviewer=manager due=14d');
    const byManager = new Map(h.store.reviews.items(1).filter((i) => i.appId === 'salesforce').map((i) => [i.email, i.reviewerSlackId]));
    expect(byManager.get(priya.email)).toBe(marco.slackId);
    // Entra's member listing carries no manager: the profile is read for it.
    expect(h.store.reviews.items(1).find((i) => i.appId === 'powerbi' && i.email === priya.email)?.reviewerSlackId).toBe(marco.slackId);
    expect(byManager.get(eve.email)).toBe(owen.slackId);
    expect(byManager.get(marco.email)).toBeNull(); // Marco has no manager on record: the admins decide
    expect(h.store.reviews.items(1).find((i) => i.email === marco.email)?.reviewerNote).toBe('no manager on record: goes to the admins');

    h.okta.addMember('00g1viewer', sara.oktaId);
    await startReview(h, '"By group" apps=salesforce reviewer=group:security due=14d');
    const byGroup = h.store.reviews.items(2);
    const reviewers = byGroup.map((i) => i.reviewerSlackId);
    expect(new Set(reviewers)).toEqual(new Set([sara.slackId, sam.slackId]));
    expect(byGroup.find((i) => i.email === sara.email)?.reviewerSlackId).toBe(sam.slackId);
    expect(byGroup.find((i) => i.email === sam.email)?.reviewerSlackId).toBe(sara.slackId);
  });

  it('recommends revoking a suspended account\'s access, even one granted through Keycard', async () => {
    h = await started();
    await seedAccess(h);
    h.okta.setUserStatus(priya.oktaId, 'SUSPENDED');
    await startReview(h);
    expect(item(h, priya.email)).toMatchObject({ accountStatus: 'suspended', recommendation: 'revoke', recommendationReason: 'the account is suspended', requestId: 1 });
  });
});
