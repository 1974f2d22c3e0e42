/**
 * A removal is checked again `KEYCARD_REMOVAL_RECHECK` later: a provider write whose answer was lost (a
 * timeout, a process killed mid-call) can land after the removal, and the person would hold access nobody
 * has on record. The fault benchmark saw exactly that (an add that timed out took effect after the grant had
 * been removed). Real app, real Okta SDK against the Okta fake, ManualClock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from '../support/harness.js';
import { PEOPLE, TEST_CATALOG } from '../support/people.js';

const { priya } = PEOPLE;
const HOUR = 60 * 60_000;
const MINUTE = 60_000;

/** A standing, auto-approved role on Salesforce's admin group, for a second grant of the same group. */
const CATALOG = `${TEST_CATALOG}  - id: ops
    name: Ops Console
    description: Operations, built on Salesforce's admin group
    owner: owen@acme.com
    provider: okta
    roles:
      - id: operator
        name: Operator
        description: Standing admin group membership
        groups: [00g1admin]
        approval: auto
`;

async function grantAndExpireAdmin(h: Harness): Promise<void> {
  await h.driver.command(priya.slackId, '/request', 'salesforce admin 1h fixing the pipeline sync');
  await h.settle();
  await h.approve('marco');
  await h.approve('owen');
  expect(h.store.requests.get(1)?.status).toBe('active');
  h.clock.advance(HOUR + 1000);
  h.keycard.schedules.runAll();
  await h.settle();
  expect(h.store.requests.get(1)?.status).toBe('expired');
  expect(h.okta.isMember('00g1admin', priya.oktaId)).toBe(false);
}

describe('removal recheck', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('removes again a membership that came back after the removal, and says so in Jira and the alert channel', async () => {
    h = await Harness.start();
    await grantAndExpireAdmin(h);

    // The late write: an earlier add lands at Okta after Keycard removed the membership.
    h.okta.addMember('00g1admin', priya.oktaId);
    h.clock.advance(2 * MINUTE);
    await h.settle();

    expect(h.okta.isMember('00g1admin', priya.oktaId)).toBe(false);
    expect(h.okta.isMember('00g1audit', priya.oktaId)).toBe(false);
    expect(h.store.audit.all().filter((e) => e.action === 'grant.group_reappeared').map((e) => e.data['group'])).toEqual(['00g1admin']);
    const key = h.store.requests.get(1)?.jiraKey ?? '';
    expect(h.jira.comments(key).some((c) => c.includes('00g1admin: the membership was back at') && c.includes('removed again'))).toBe(true);
    expect(h.slack.messages('CALERTS').some((m) => m.text.includes('was back in okta group 00g1admin'))).toBe(true);
  });

  it('asks once per removed group and changes nothing when the removal held', async () => {
    h = await Harness.start();
    await grantAndExpireAdmin(h);
    const deletesBefore = h.okta.calls.filter((c) => c.method === 'DELETE').length;

    h.clock.advance(2 * MINUTE);
    await h.settle();

    expect(h.okta.calls.filter((c) => c.method === 'DELETE').length).toBe(deletesBefore);
    expect(h.okta.callsTo('GET', /^\/api\/v1\/users\/[^/]+\/groups$|^\/api\/v1\/groups\/00g1(admin|audit)\/users/).length).toBeGreaterThan(0);
    expect(h.store.audit.all().filter((e) => e.action === 'grant.group_reappeared')).toEqual([]);
  });

  it('leaves a membership alone that another live grant of the same person holds by then', async () => {
    h = await Harness.start({ catalogYaml: CATALOG });
    await grantAndExpireAdmin(h);
    // Priya is granted the same group again through another request before the recheck runs.
    await h.driver.command(priya.slackId, '/request', 'ops operator running the nightly jobs');
    await h.settle();
    expect(h.store.requests.get(2)?.status).toBe('active');

    h.clock.advance(2 * MINUTE);
    await h.settle();

    expect(h.okta.isMember('00g1admin', priya.oktaId)).toBe(true);
    expect(h.store.audit.all().filter((e) => e.action === 'grant.group_reappeared')).toEqual([]);
  });
});
