/**
 * What people read: a requester and the Jira record get a plain sentence when something fails, while the
 * technical detail goes to the alert channel; and text a person typed reaches Jira exactly as typed.
 * Drives the real app against the fakes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from '../support/harness.js';
import { denyWithReason } from '../support/deny.js';
import { PEOPLE } from '../support/people.js';

const { priya, ada } = PEOPLE;

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

  it('writes a deny reason into Jira exactly as typed, mentions included, and names the approver', async () => {
    h = await Harness.start();
    await h.driver.command(priya.slackId, '/request', 'salesforce admin 6h fixing the pipeline sync');
    await h.settle();
    const card = h.card('marco');
    if (!card) throw new Error('marco got no approval card');

    await denyWithReason(h, 'marco', card, 'ask <@UPRIYA> first');

    const key = h.store.requests.get(1)?.jiraKey ?? '';
    expect(h.jira.comments(key).at(-1)).toBe('Denied by Marco Rossi (marco@acme.com) at 14:00 UTC, stage 1 of 2 (manager): ask <@UPRIYA> first');

    // A comment queued by an older version (plain strings) still posts, its mentions written out.
    h.store.jobs.enqueue({ kind: 'jira.comment', payload: { requestId: 1, lines: ['Noted by <@USARA>.'] }, orderKey: 'jira:1', requestId: 1 }, h.clock.now());
    await h.settle();

    expect(h.jira.comments(key).at(-1)).toBe('Noted by Sara Lind (sara@acme.com).');
  });

  it('writes a revoke reason into Jira exactly as typed', async () => {
    h = await Harness.start();
    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.settle();

    await h.driver.command(ada.slackId, '/access-admin', 'revoke 1 as <@USARA> asked');
    await h.settle();

    const comments = h.jira.comments(h.store.requests.get(1)?.jiraKey ?? '');
    expect(comments).toContainEqual('Revoked by Ada Admin (ada@acme.com): as <@USARA> asked');
  });
});
