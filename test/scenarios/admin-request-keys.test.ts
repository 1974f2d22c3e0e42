/**
 * `/access-admin request`, `retry` and `removed` name a request by its Keycard id or its Jira key, like every
 * other admin command; a key Keycard never filed is answered plainly, a word that is neither gets the usage.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, stopCheckingFakes } from '../support/harness.js';
import { PEOPLE } from '../support/people.js';

const { priya, ada } = PEOPLE;

describe('/access-admin requests by Jira key', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await stopCheckingFakes(h);
    h = undefined;
  });

  it('answers request, retry and removed for a Jira key as for the id', async () => {
    h = await Harness.start();
    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.drain();
    const key = h.store.requests.get(1)!.jiraKey!;
    expect(key).toMatch(/^ACCESS-\d+$/);

    const byKey = await h.driver.command(ada.slackId, '/access-admin', `request ${key.toLowerCase()}`);
    const byId = await h.driver.command(ada.slackId, '/access-admin', 'request 1');
    expect(byKey.body).toContain('*Request #1*: Salesforce / Viewer');
    expect(byKey.body).toBe(byId.body);

    expect((await h.driver.command(ada.slackId, '/access-admin', `retry ${key}`)).body).toContain('Request #1 has nothing to retry (it is active)');
    expect((await h.driver.command(ada.slackId, '/access-admin', `removed ${key} 00g1viewer removed in the Okta console`)).body).not.toContain('Usage:');

    expect((await h.driver.command(ada.slackId, '/access-admin', 'request ACCESS-999')).body).toContain("No request is filed as ACCESS-999 in Keycard's records.");
    expect((await h.driver.command(ada.slackId, '/access-admin', 'retry 12abc')).body).toContain('Usage: `/access-admin retry <request id>`');
  });
});
