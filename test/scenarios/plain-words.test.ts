/**
 * What people read: a requester and the Jira record get a plain sentence when something fails, while the
 * technical detail goes to the alert channel; and text a person typed reaches Jira exactly as typed.
 * Drives the real app against the fakes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from '../support/harness.js';
import { PEOPLE } from '../support/people.js';

const { priya } = PEOPLE;

const OKTA_MEMBERSHIP = /^\/api\/v1\/groups\/[^/]+\/users\/[^/]+$/;

describe('plain words', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('tells the requester and Jira that the grant failed in plain words, and gives IT the detail', async () => {
    h = await Harness.start();
    h.okta.inject({
      method: 'PUT',
      path: OKTA_MEMBERSHIP,
      status: 403,
      body: { errorCode: 'E0000006', errorSummary: 'You do not have permission to perform the requested action', errorLink: 'E0000006', errorId: 'oaeTEST', errorCauses: [] },
    });

    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.settle();

    expect(h.store.requests.get(1)?.status).toBe('failed');
    const technical = ['403', 'HTTP', 'E0000006', 'permission', 'OKTA_API_TOKEN', priya.oktaId];
    const dm = h.lastDm('priya')?.text ?? '';
    expect(dm).toContain('Keycard could not add you to the group');
    expect(dm).toContain('IT has been alerted');
    for (const detail of technical) expect(dm).not.toContain(detail);
    const key = h.store.requests.get(1)?.jiraKey ?? '';
    const failure = h.jira.comments(key).find((c) => c.includes('Provisioning failed'));
    expect(failure).toContain('could not add the requester to the group');
    for (const detail of technical) expect(failure).not.toContain(detail);
    const alerts = h.slack.messages('CALERTS').map((m) => m.text);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain('HTTP 403');
    expect(alerts[0]).toContain('You do not have permission to perform the requested action');
    expect(alerts[0]).toContain('check OKTA_API_TOKEN');
  });
});
