/**
 * Access never outlives its record: every group Keycard added is on record as held until a provider
 * confirms it gone (or an admin records it removed by hand). A provisioning that fails half-way is undone;
 * a removal goes on past a group that fails and can be finished; a group another live grant of the same
 * account needs is kept. Real app, real SDK clients against the Okta fake with injected faults, ManualClock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from '../support/harness.js';
import { PEOPLE, TEST_CATALOG } from '../support/people.js';

const { priya, ada } = PEOPLE;
const HOUR = 60 * 60_000;

/** An app whose role needs a group Okta lacks (00g9ghost), and one whose time-bound role overlaps Salesforce Viewer. */
const CATALOG = `${TEST_CATALOG}  - id: crm
    name: CRM Pair
    description: Two groups, the second one missing from Okta
    owner: owen@acme.com
    provider: okta
    roles:
      - id: pair
        name: Pair
        description: Both groups
        groups: [00g1viewer, 00g9ghost]
        approval: auto
  - id: reports
    name: Reports
    description: Reporting, built on Salesforce's viewer group
    owner: owen@acme.com
    provider: okta
    roles:
      - id: power
        name: Power
        description: Viewer plus admin for an hour
        groups: [00g1viewer, 00g1admin]
        approval: auto
        durations: [1h]
`;

function oktaError(errorCode: string, errorSummary: string) {
  return { errorCode, errorSummary, errorLink: errorCode, errorId: 'oaeTEST', errorCauses: [] };
}

function membershipPath(groupId: string): RegExp {
  return new RegExp(`^/api/v1/groups/${groupId}/users/[^/]+$`);
}

function commentsOf(h: Harness, requestId: number): string[] {
  const key = h.store.requests.get(requestId)?.jiraKey;
  if (!key) throw new Error(`request ${requestId} has no Jira issue`);
  return h.jira.comments(key);
}

function rowsOf(h: Harness, requestId: number) {
  const grant = h.store.grants.forRequest(requestId);
  if (!grant) throw new Error(`request ${requestId} has no grant`);
  return h.store.grants.groupRows(grant.id).map((r) => ({ group: r.groupId, status: r.status, outcome: r.outcome, by: r.goneBy, note: r.note }));
}

function alerts(h: Harness): string[] {
  return h.slack.messages('CALERTS').map((m) => m.text);
}

/** Priya gets Salesforce System Admin (00g1admin, 00g1audit) for 1h, approved by Marco then Owen. */
async function grantAdminForAnHour(h: Harness): Promise<void> {
  await h.driver.command(priya.slackId, '/request', 'salesforce admin 1h fixing the pipeline sync');
  await h.settle();
  await h.approve('marco');
  await h.approve('owen');
  expect(h.store.requests.get(1)?.status).toBe('active');
}

async function expireAll(h: Harness): Promise<void> {
  h.clock.advance(HOUR + 1000);
  h.keycard.schedules.runAll();
  await h.settle();
}

describe('access never outlives its record', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('undoes a provisioning that added one group and failed for good on the next, says so, and re-provisions on retry', async () => {
    h = await Harness.start({ catalogYaml: CATALOG, env: { KEYCARD_MISSING_GROUPS: 'warn' } });

    await h.driver.command(priya.slackId, '/request', 'crm pair');
    await h.settle();

    expect(h.okta.membershipCalls()).toEqual([
      { method: 'PUT', groupId: '00g1viewer', userId: priya.oktaId, status: 204 },
      { method: 'PUT', groupId: '00g9ghost', userId: priya.oktaId, status: 404 },
      { method: 'DELETE', groupId: '00g1viewer', userId: priya.oktaId, status: 204 },
    ]);
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(false);
    expect(h.store.requests.get(1)?.status).toBe('failed');
    expect(h.store.grants.forRequest(1)?.status).toBe('rolled_back');
    expect(rowsOf(h, 1)).toEqual([{ group: '00g1viewer', status: 'gone', outcome: 'removed', by: 'system:provisioning undo', note: null }]);
    const [alert, ...more] = alerts(h);
    expect(more).toEqual([]);
    expect(alert).toContain('request #1 (CRM Pair / Pair');
    expect(alert).toContain('added to 00g1viewer, could not add to 00g9ghost (');
    expect(alert).toContain('HTTP 404');
    expect(alert).toContain('00g1viewer is being removed again');
    const comments = commentsOf(h, 1);
    expect(comments.some((c) => c.includes('Added to 00g1viewer, could not add to 00g9ghost: 00g1viewer is being removed again'))).toBe(true);
    // Jira gets plain words; the HTTP detail is for the alert channel only.
    expect(comments.filter((c) => c.includes('HTTP') || c.includes('404'))).toEqual([]);
    expect(comments.at(-1)).toContain('Provisioning undone at 2026-01-06 14:00 UTC: removed Priya Shah (priya@acme.com) again from 00g1viewer in okta');

    // The group appears in Okta; Ada retries: provisioned from scratch on the same record.
    h.okta.addGroup({ id: '00g9ghost', name: '00g9ghost' });
    const retried = await h.driver.command(ada.slackId, '/access-admin', 'retry 1');
    await h.settle();

    expect(retried.body).toContain('Request #1 is being retried');
    expect(h.store.requests.get(1)?.status).toBe('active');
    expect(h.store.grants.forRequest(1)?.status).toBe('active');
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
    expect(h.okta.isMember('00g9ghost', priya.oktaId)).toBe(true);
    expect(h.store.grants.held(h.store.grants.forRequest(1)!.id).map((g) => g.groupId)).toEqual(['00g1viewer', '00g9ghost']);
    expect(h.lastDm('priya')?.text).toContain('You now have *CRM Pair / Pair*');
    expect(h.store.audit.verify().ok).toBe(true);
  });

  it('keeps a grant ending and listing what it holds when the undo fails too; revoke, status and a record by hand finish it', async () => {
    h = await Harness.start({ catalogYaml: CATALOG, env: { KEYCARD_MISSING_GROUPS: 'warn' } });
    h.okta.inject({ method: 'DELETE', path: membershipPath('00g1viewer'), times: Infinity, status: 403, body: oktaError('E0000006', 'You do not have permission to perform the requested action') });

    await h.driver.command(priya.slackId, '/request', 'crm pair');
    await h.settle();

    expect(h.store.requests.get(1)?.status).toBe('failed');
    const grant = h.store.grants.forRequest(1)!;
    expect(grant.status).toBe('ending');
    expect(h.store.grants.held(grant.id).map((g) => [g.groupId, g.lastError?.includes('HTTP 403')])).toEqual([['00g1viewer', true]]);
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
    expect(alerts(h).at(-1)).toContain('is not finished after 1 attempt(s): still holds 00g1viewer (Okta refused');
    expect(alerts(h).at(-1)).toContain('/access-admin removed 1 <group> <reason>');

    const status = await h.driver.command(ada.slackId, '/access-admin', 'status');
    const revoke = await h.driver.command(ada.slackId, '/access-admin', 'revoke 1 left the team');
    await h.settle();

    expect(status.body).toContain('Removals not finished: 1');
    expect(status.body).toContain('request #1 CRM Pair / Pair of <@UPRIYA> (rolled back): still holds 00g1viewer (Okta refused');
    expect(revoke.body).toContain('is already being removed: it still holds 00g1viewer');
    expect(revoke.body).toContain('queued again');

    const byHand = await h.driver.command(ada.slackId, '/access-admin', 'removed 1 00g1viewer removed in the Okta console, group is read-only for the API');
    await h.settle();

    expect(byHand.body).toContain('Recorded: 00g1viewer removed by hand. Nothing else is held');
    expect(h.store.grants.forRequest(1)?.status).toBe('rolled_back');
    expect(h.store.requests.get(1)?.status).toBe('failed');
    expect(rowsOf(h, 1)).toEqual([{ group: '00g1viewer', status: 'gone', outcome: 'by_hand', by: `user:${ada.slackId}`, note: 'removed in the Okta console, group is read-only for the API' }]);
    expect(commentsOf(h, 1).some((c) => c.includes('00g1viewer recorded as removed by hand by Ada Admin (ada@acme.com)'))).toBe(true);
    expect((await h.driver.command(ada.slackId, '/access-admin', 'status')).body).toContain('Removals not finished: 0');
  });

  it('removes every group it can past one that fails for good, alerts with the remainder, and a retry removes only that', async () => {
    h = await Harness.start();
    await grantAdminForAnHour(h);
    h.okta.inject({ method: 'DELETE', path: membershipPath('00g1admin'), times: Infinity, status: 403, body: oktaError('E0000006', 'You do not have permission to perform the requested action') });

    await expireAll(h);

    expect(h.okta.isMember('00g1audit', priya.oktaId)).toBe(false);
    expect(h.okta.isMember('00g1admin', priya.oktaId)).toBe(true);
    expect(h.store.grants.forRequest(1)?.status).toBe('ending');
    expect(rowsOf(h, 1)).toEqual([
      { group: '00g1admin', status: 'held', outcome: null, by: null, note: null },
      { group: '00g1audit', status: 'gone', outcome: 'removed', by: 'system:expiry schedule', note: null },
    ]);
    expect(alerts(h)).toHaveLength(1);
    expect(alerts(h)[0]).toContain('Removing *Salesforce / System Admin* from <@UPRIYA> (request #1) is not finished');
    expect(alerts(h)[0]).toContain('still holds 00g1admin (Okta refused to remove user 00uPRIYA from group 00g1admin (HTTP 403');
    expect(commentsOf(h, 1).at(-1)).toContain('Removal not finished: still holds 00g1admin');
    const status = await h.driver.command(ada.slackId, '/access-admin', 'status');
    expect(status.body).toContain('request #1 Salesforce / System Admin of <@UPRIYA> (expired): still holds 00g1admin');

    h.okta.clearFaults();
    const retried = await h.driver.command(ada.slackId, '/access-admin', 'retry 1');
    await h.settle();

    expect(retried.body).toContain('removing what it still holds again (00g1admin)');
    expect(h.okta.membershipCalls().filter((c) => c.method === 'DELETE').map((c) => [c.groupId, c.status])).toEqual([
      ['00g1admin', 403],
      ['00g1audit', 204],
      ['00g1admin', 204],
    ]);
    expect(h.okta.isMember('00g1admin', priya.oktaId)).toBe(false);
    expect(h.store.grants.forRequest(1)?.status).toBe('expired');
    expect(h.store.requests.get(1)?.status).toBe('expired');
    expect(commentsOf(h, 1).at(-1)).toContain('Access ended (expired)');
    expect(commentsOf(h, 1).at(-1)).toContain('removed Priya Shah (priya@acme.com) from 00g1admin, 00g1audit in okta');
    expect(h.lastDm('priya')?.text).toContain('has ended');
  });

  it('retries a 5xx on removal with back-off, never calling again a group already removed', async () => {
    h = await Harness.start();
    await grantAdminForAnHour(h);
    h.okta.inject({ method: 'DELETE', path: membershipPath('00g1admin'), times: 2, status: 500, body: oktaError('E0000009', 'Internal Server Error') });

    await expireAll(h);
    await h.drain();

    expect(h.okta.membershipCalls().filter((c) => c.method === 'DELETE').map((c) => [c.groupId, c.status])).toEqual([
      ['00g1admin', 500],
      ['00g1audit', 204],
      ['00g1admin', 500],
      ['00g1admin', 204],
    ]);
    expect(h.store.grants.forRequest(1)?.status).toBe('expired');
    expect(alerts(h)).toEqual([]);
  });

  it('counts a group Okta no longer has as gone when removing, and says so', async () => {
    h = await Harness.start();
    await grantAdminForAnHour(h);
    h.okta.inject({ method: 'DELETE', path: membershipPath('00g1audit'), status: 404, body: oktaError('E0000007', 'Not found: Resource not found: 00g1audit (UserGroup)') });

    await expireAll(h);

    expect(h.store.grants.forRequest(1)?.status).toBe('expired');
    expect(rowsOf(h, 1).map((r) => [r.group, r.outcome])).toEqual([
      ['00g1admin', 'removed'],
      ['00g1audit', 'no_group'],
    ]);
    expect(commentsOf(h, 1).at(-1)).toContain('00g1audit: the group no longer exists (nothing to remove).');
    expect(alerts(h)).toEqual([]);
  });

  it('keeps a group another active grant of the same person still needs, and says which and why', async () => {
    h = await Harness.start({ catalogYaml: CATALOG, env: { KEYCARD_MISSING_GROUPS: 'warn' } });
    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.settle();
    await h.driver.command(priya.slackId, '/request', 'reports power 1h quarterly numbers');
    await h.settle();
    expect(h.store.requests.get(2)?.status).toBe('active');

    await expireAll(h);

    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
    expect(h.okta.isMember('00g1admin', priya.oktaId)).toBe(false);
    expect(h.okta.membershipCalls().filter((c) => c.method === 'DELETE').map((c) => c.groupId)).toEqual(['00g1admin']);
    expect(h.store.grants.forRequest(2)?.status).toBe('expired');
    expect(h.store.grants.forRequest(1)?.status).toBe('active');
    expect(rowsOf(h, 2).map((r) => [r.group, r.outcome, r.note])).toEqual([
      ['00g1viewer', 'kept', 'still needed by request #1 (Salesforce / Viewer)'],
      ['00g1admin', 'removed', null],
    ]);
    expect(commentsOf(h, 2).at(-1)).toContain('removed Priya Shah (priya@acme.com) from 00g1admin in okta');
    expect(commentsOf(h, 2).at(-1)).toContain('Kept 00g1viewer: still needed by request #1 (Salesforce / Viewer).');
  });
});
