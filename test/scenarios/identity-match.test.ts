/**
 * "Never leave access behind": a requester whose email leads to more than one account gets nothing, and
 * the admins are told which accounts to sort out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from '../support/harness.js';
import { PEOPLE } from '../support/people.js';

const { priya } = PEOPLE;
const OKTA_GROUPS = ['00g1viewer', '00g1admin', '00g1audit', '00g2write', '00g3analyst'];

describe('matching the requester to one identity-provider account', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('fails the request and names both accounts when two Okta users share the requester email', async () => {
    h = await Harness.start();
    // A second account carrying Priya's address, as a contractor account left behind after she was hired.
    h.okta.addUser({ id: '00uPRIYA2', login: 'priya.shah@contractor.acme.com', email: priya.email, firstName: 'Priya', lastName: 'Shah' });

    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.settle();

    expect(h.store.requests.get(1)?.status).toBe('failed');
    expect(h.okta.membershipCalls()).toEqual([]);
    for (const group of OKTA_GROUPS) expect(h.okta.members(group)).toEqual([]);
    const alerts = h.slack.messages('CALERTS').map((m) => m.text ?? '');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain('request #1');
    expect(alerts[0]).toContain(`00uPRIYA (${priya.email}, ACTIVE)`);
    expect(alerts[0]).toContain('00uPRIYA2 (priya.shah@contractor.acme.com, ACTIVE)');
  });
});
