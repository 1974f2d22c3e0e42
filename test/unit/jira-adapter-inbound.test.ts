/**
 * What the Jira adapter reads for Jira → Keycard, against the Jira fake: the issue's state, its whole
 * changelog across pages with each author's email (null when the profile hides it), the unrestricted email
 * look-up (null when Jira refuses it, as it does to an API token; the email when the app is approved), the
 * account Keycard writes as, and a label taken off.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { JiraTicketing } from '../../src/jira/jira.js';
import { JiraFake } from '../fakes/jira.js';

const settings = { email: 'bot@acme.test', apiToken: 'token', projectKey: 'ACCESS', issueType: 'Task' };

async function setUp(options: { unrestrictedEmail?: boolean } = {}): Promise<{ fake: JiraFake; jira: JiraTicketing }> {
  const fake = new JiraFake({ email: settings.email, apiToken: settings.apiToken, projectKey: 'ACCESS', accountId: 'acct-bot', ...options });
  await fake.start();
  fake.addUser({ accountId: 'acct-marco', displayName: 'Marco Rossi', email: 'marco@acme.test' });
  fake.addUser({ accountId: 'acct-hidden', displayName: 'Hidden Person', email: 'hidden@acme.test', emailVisible: false });
  return { fake, jira: new JiraTicketing({ ...settings, host: fake.url }) };
}

describe('the Jira adapter, for changes made in Jira', () => {
  let fake: JiraFake | undefined;
  afterEach(async () => {
    fake?.assertNoUnexpected();
    await fake?.stop();
  });

  it('reads the issue and its whole changelog, oldest first, across pages', async () => {
    const setup = await setUp();
    fake = setup.fake;
    const key = fake.addIssue({ summary: 'Access request', labels: ['keycard'] });
    for (let i = 0; i < 120; i += 1) fake.moveIssue(key, i % 2 === 0 ? 'Done' : 'In Progress', 'acct-marco');
    fake.addLabel(key, 'keycard-revoke', 'acct-hidden');

    const issue = await setup.jira.readIssue(key);
    const history = await setup.jira.changelog(key);

    expect(issue).toEqual({
      key,
      status: 'In Progress',
      labels: ['keycard', 'keycard-revoke'],
      issueType: 'Task',
      project: 'ACCESS',
      summary: 'Access request',
      reporter: { accountId: 'acct-bot', displayName: 'Keycard Bot', email: 'bot@acme.test' },
      fields: {},
    });
    expect(history).toHaveLength(121);
    expect(history[0]).toMatchObject({ author: { accountId: 'acct-marco', displayName: 'Marco Rossi', email: 'marco@acme.test' }, items: [{ field: 'status', from: 'To Do', to: 'Done' }] });
    expect(history[1]).toMatchObject({ items: [{ field: 'status', from: 'Done', to: 'In Progress' }] });
    expect(history[120]).toMatchObject({ author: { accountId: 'acct-hidden', email: null }, items: [{ field: 'labels', from: 'keycard', to: 'keycard keycard-revoke' }] });
    expect(fake.calls.filter((c) => c.path.endsWith('/changelog'))).toHaveLength(2);
    expect(await setup.jira.readIssue('ACCESS-99')).toBeNull();
  });

  it('gets no hidden email from Jira with an API token, and the email when the app may read it', async () => {
    const refused = await setUp();
    fake = refused.fake;
    expect(await refused.jira.userEmail('acct-hidden')).toBeNull();
    await fake.stop();

    const approved = await setUp({ unrestrictedEmail: true });
    fake = approved.fake;
    expect(await approved.jira.userEmail('acct-hidden')).toBe('hidden@acme.test');
  });

  it('knows its own account and takes a label off', async () => {
    const setup = await setUp();
    fake = setup.fake;
    const key = fake.addIssue({ summary: 'Access request', labels: ['keycard', 'keycard-revoke'] });

    await setup.jira.removeLabel(key, 'keycard-revoke');

    expect(await setup.jira.selfAccountId()).toBe('acct-bot');
    expect(fake.issue(key)?.labels).toEqual(['keycard']);
    expect(fake.changelog(key).map((c) => c.authorAccountId)).toEqual(['acct-bot']);
  });
});
