/**
 * The Jira fake, driven by the real jira.js 5.4 Version3Client (and by fetch where the SDK would
 * not let us send a malformed request).
 */
import { HttpException, Version3Client } from 'jira.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JiraTicketing } from '../../src/jira/jira.js';
import { adfToText, JiraFake, type AdfDoc } from './jira.js';

const email = 'keycard-bot@acme.test';
const apiToken = 'jira-token-123';

function doc(...paragraphs: string[]): AdfDoc {
  return {
    type: 'doc',
    version: 1,
    content: paragraphs.map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] })),
  };
}

/** Runs `fn`, expects it to throw a jira.js HttpException, and returns it. */
async function httpError(fn: () => Promise<unknown>): Promise<HttpException> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof HttpException) return error;
    throw error;
  }
  throw new Error('expected an HttpException');
}

/** The axios response headers that jira.js keeps on `HttpException.cause`. */
function causeHeaders(error: HttpException): Record<string, unknown> {
  const cause = error.cause;
  if (typeof cause !== 'object' || cause === null || !('response' in cause)) return {};
  const response = cause.response;
  if (typeof response !== 'object' || response === null || !('headers' in response)) return {};
  const headers = response.headers;
  return typeof headers === 'object' && headers !== null ? { ...headers } : {};
}

function responseData(error: HttpException): unknown {
  return typeof error.response === 'object' ? error.response['data'] : undefined;
}

describe('JiraFake with jira.js Version3Client', () => {
  let fake: JiraFake;
  let jira: Version3Client;
  let clock: number;

  beforeEach(async () => {
    clock = Date.UTC(2025, 0, 15, 9, 30);
    fake = new JiraFake({
      email,
      apiToken,
      projectKey: 'ACC',
      customFields: [
        { id: 'customfield_10050', name: 'Access expiry', type: 'date' },
        { id: 'customfield_10051', name: 'Justification', type: 'doc' },
      ],
      now: () => clock,
    });
    await fake.start();
    jira = new Version3Client({ host: fake.url, authentication: { basic: { email, apiToken } } });
  });

  afterEach(async () => {
    fake.assertNoUnexpected();
    await fake.stop();
  });

  async function createRequestIssue(label = 'keycard-req-1'): Promise<string> {
    const created = await jira.issues.createIssue({
      fields: {
        project: { key: 'ACC' },
        issuetype: { name: 'Task' },
        summary: 'Access request: Figma editor for Ada',
        description: doc('Ada needs Figma editor.', 'Requested in Slack.'),
        labels: ['keycard', label],
        customfield_10050: '2025-02-15',
      },
    });
    return created.key;
  }

  describe('issues', () => {
    it('creates an issue with an ADF description and reads it back', async () => {
      const created = await jira.issues.createIssue({
        fields: {
          project: { key: 'ACC' },
          issuetype: { name: 'Task' },
          summary: 'Access request: Figma editor for Ada',
          description: doc('Ada needs Figma editor.', 'Requested in Slack.'),
          labels: ['keycard', 'keycard-req-1'],
          customfield_10050: '2025-02-15',
          customfield_10051: doc('Design review'),
        },
      });

      expect(created).toEqual({ id: '10001', key: 'ACC-1', self: `${fake.url}/rest/api/3/issue/10001` });
      expect(fake.issue('ACC-1')).toMatchObject({
        summary: 'Access request: Figma editor for Ada',
        descriptionText: 'Ada needs Figma editor.\nRequested in Slack.',
        issuetype: 'Task',
        labels: ['keycard', 'keycard-req-1'],
        status: 'To Do',
        fields: { customfield_10050: '2025-02-15', customfield_10051: doc('Design review') },
        created: '2025-01-15T09:30:00.000+0000',
      });
      const read = await jira.issues.getIssue({ issueIdOrKey: 'ACC-1' });
      expect(read.key).toBe('ACC-1');
      expect(read.fields.summary).toBe('Access request: Figma editor for Ada');
      expect(read.fields.status.name).toBe('To Do');
      expect(read.fields.status.statusCategory?.key).toBe('new');
      expect(read.fields.labels).toEqual(['keycard', 'keycard-req-1']);
      expect(read.fields['customfield_10050']).toBe('2025-02-15');
    });

    it('numbers keys per project and accepts a string description, which jira.js turns into ADF', async () => {
      await createRequestIssue();

      const second = await jira.issues.createIssue({
        fields: { project: { key: 'ACC' }, issuetype: { name: 'Bug' }, summary: 'Second', description: 'plain words' },
      });

      expect(second.key).toBe('ACC-2');
      expect(fake.issue('ACC-2')?.description).toEqual(doc('plain words'));
    });

    it.each([
      ['unknown project', { project: { key: 'NOPE' } }, { project: 'Specify a valid project ID or key' }],
      ['unknown issue type', { issuetype: { name: 'Epic' } }, { issuetype: 'Specify a valid issue type' }],
      ['empty summary', { summary: '  ' }, { summary: 'You must specify a summary of the issue.' }],
      ['summary over 255', { summary: 'x'.repeat(256) }, { summary: 'Summary must be less than 255 characters.' }],
      [
        'description that is not a doc',
        { description: { type: 'paragraph', version: 1, content: [] } },
        { description: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)' },
      ],
      ['label with a space', { labels: ['needs review'] }, { labels: "The label 'needs review' contains spaces which is invalid." }],
      [
        'unknown field',
        { customfield_99999: 'x' },
        { customfield_99999: "Field 'customfield_99999' cannot be set. It is not on the appropriate screen, or unknown." },
      ],
      ['date field with a bad date', { customfield_10050: '15/02/2025' }, { customfield_10050: 'Error parsing date string: 15/02/2025' }],
      [
        'rich-text field given a string',
        { customfield_10051: 'because' },
        { customfield_10051: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)' },
      ],
    ])('rejects %s with 400 and Jira’s errors shape', async (_name, override, errors) => {
      const fields = { project: { key: 'ACC' }, issuetype: { name: 'Task' }, summary: 'A request', ...override };

      const error = await httpError(() => jira.issues.createIssue({ fields }));

      expect(error.status).toBe(400);
      expect(responseData(error)).toEqual({ errorMessages: [], errors });
      expect(fake.issues()).toEqual([]);
    });

    it('rejects a doc with a malformed node (an empty text node) as INVALID_INPUT', async () => {
      const description: AdfDoc = { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }] };

      const error = await httpError(() =>
        jira.issues.createIssue({ fields: { project: { key: 'ACC' }, issuetype: { name: 'Task' }, summary: 'x', description } }),
      );

      expect(error.status).toBe(400);
      expect(responseData(error)).toEqual({ errorMessages: ['INVALID_INPUT'], errors: {} });
    });

    it('answers 404 with Jira’s message for an unknown issue', async () => {
      const error = await httpError(() => jira.issues.getIssue({ issueIdOrKey: 'ACC-404' }));

      expect(error.status).toBe(404);
      expect(responseData(error)).toEqual({
        errorMessages: ['Issue does not exist or you do not have permission to see it.'],
        errors: {},
      });
    });

    it('edits fields and labels with PUT (204)', async () => {
      const key = await createRequestIssue();

      await jira.issues.editIssue({
        issueIdOrKey: key,
        fields: { summary: 'Access request: Figma viewer for Ada' },
        update: { labels: [{ add: 'approved' }, { remove: 'keycard' }] },
      });

      expect(fake.issue(key)).toMatchObject({ summary: 'Access request: Figma viewer for Ada', labels: ['keycard-req-1', 'approved'] });
      expect(fake.callsTo('PUT', `/rest/api/3/issue/${key}`)[0]?.status).toBe(204);
    });
  });

  describe('comments', () => {
    it('adds ADF comments (parameter `comment`) and lists them paged', async () => {
      const key = await createRequestIssue();

      const added = await jira.issueComments.addComment({ issueIdOrKey: key, comment: doc('Approved by Grace.') });
      clock += 1000;
      await jira.issueComments.addComment({ issueIdOrKey: key, comment: 'Granted in Okta.' });

      expect(added.id).toBe('10100');
      expect(fake.comments(key)).toEqual(['Approved by Grace.', 'Granted in Okta.']);
      const page = await jira.issueComments.getComments({ issueIdOrKey: key, startAt: 1, maxResults: 1 });
      expect(page.total).toBe(2);
      expect(page.startAt).toBe(1);
      expect(page.comments?.map((c) => c.id)).toEqual(['10101']);
      expect(page.comments?.[0]?.created).toBe('2025-01-15T09:30:01.000+0000');
    });

    it('rejects a comment body that is not ADF, as Jira v3 does', async () => {
      const key = await createRequestIssue();

      const response = await fetch(`${fake.url}/rest/api/3/issue/${key}/comment`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ body: 'plain text' }),
      });

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ errorMessages: [], errors: { comment: 'Comment body is not valid!' } });
      expect(fake.comments(key)).toEqual([]);
    });
  });

  describe('transitions', () => {
    it('lists the transitions away from the current status and applies one', async () => {
      const key = await createRequestIssue();

      const before = await jira.issues.getTransitions({ issueIdOrKey: key });
      await jira.issues.doTransition({ issueIdOrKey: key, transition: { id: '21' } });
      const after = await jira.issues.getTransitions({ issueIdOrKey: key });

      expect(before.transitions?.map((t) => [t.id, t.name, t.to?.name])).toEqual([
        ['11', 'In Progress', 'In Progress'],
        ['21', 'Done', 'Done'],
        ['31', 'Declined', 'Declined'],
      ]);
      expect(fake.status(key)).toBe('Done');
      expect(after.transitions?.map((t) => t.id)).toEqual(['11', '31']);
    });

    it('rejects a transition that is not available with 400', async () => {
      const key = await createRequestIssue();
      fake.setStatus(key, 'Done');

      const error = await httpError(() => jira.issues.doTransition({ issueIdOrKey: key, transition: { id: '21' } }));

      expect(error.status).toBe(400);
      expect(responseData(error)).toEqual({ errorMessages: ["Transition id '21' is not valid for this issue."], errors: {} });
      expect(fake.status(key)).toBe('Done');
    });

    it('follows a workflow set with setWorkflow, and adds a comment given with the transition', async () => {
      fake.setWorkflow([{ id: '5', name: 'Approve', to: 'Approved' }], 'Open');
      const key = await createRequestIssue();

      await jira.issues.doTransition({
        issueIdOrKey: key,
        transition: { id: '5' },
        update: { comment: [{ add: { body: doc('Approved in Slack.') } }] },
      });

      expect(fake.status(key)).toBe('Approved');
      expect(fake.comments(key)).toEqual(['Approved in Slack.']);
    });
  });

  describe('changelog and users', () => {
    beforeEach(() => {
      fake.addUser({ accountId: 'acct-marco', displayName: 'Marco Rossi', email: 'marco@acme.test' });
      fake.addUser({ accountId: 'acct-hidden', displayName: 'Hidden Person', email: 'hidden@acme.test', emailVisible: false });
    });

    it('records who moved the issue and who changed labels, and serves it oldest first', async () => {
      const key = await createRequestIssue();
      await jira.issues.doTransition({ issueIdOrKey: key, transition: { id: '11' } });
      fake.moveIssue(key, 'Done', 'acct-marco');
      fake.addLabel(key, 'keycard-revoke', 'acct-hidden');
      await jira.issues.editIssue({ issueIdOrKey: key, update: { labels: [{ remove: 'keycard-revoke' }] } });

      const page = await jira.issues.getChangeLogs({ issueIdOrKey: key });

      expect(page.values?.map((c) => [c.author?.accountId, c.author?.emailAddress, c.items?.map((i) => [i.field, i.fromString, i.toString])])).toEqual([
        ['5b10a2844c20165700ede21g', email, [['status', 'To Do', 'In Progress']]],
        ['acct-marco', 'marco@acme.test', [['status', 'In Progress', 'Done']]],
        ['acct-hidden', undefined, [['labels', 'keycard keycard-req-1', 'keycard keycard-req-1 keycard-revoke']]],
        ['5b10a2844c20165700ede21g', email, [['labels', 'keycard keycard-req-1 keycard-revoke', 'keycard keycard-req-1']]],
      ]);
      expect(page).toMatchObject({ startAt: 0, total: 4, isLast: true });
    });

    it('pages the changelog', async () => {
      const key = await createRequestIssue();
      for (const status of ['In Progress', 'Done', 'In Progress']) fake.moveIssue(key, status, 'acct-marco');

      const first = await jira.issues.getChangeLogs({ issueIdOrKey: key, startAt: 0, maxResults: 2 });
      const second = await jira.issues.getChangeLogs({ issueIdOrKey: key, startAt: 2, maxResults: 2 });

      expect([first.values?.length, first.isLast, second.values?.length, second.isLast]).toEqual([2, false, 1, true]);
    });

    it('refuses a move the workflow does not offer', async () => {
      const key = await createRequestIssue();

      expect(() => fake.moveIssue(key, 'Approved', 'acct-marco')).toThrow('no transition from To Do to Approved');
    });

    it('hides a hidden email from the user API and refuses the unrestricted look-up to an API token', async () => {
      const visible = await jira.users.getUser({ accountId: 'acct-marco' });
      const hidden = await jira.users.getUser({ accountId: 'acct-hidden' });
      const refused = await httpError(() => jira.users.getUserEmail({ accountId: 'acct-hidden' }));

      expect(visible.emailAddress).toBe('marco@acme.test');
      expect(hidden.emailAddress).toBeUndefined();
      expect(refused.status).toBe(403);
    });

    it('builds the issue_updated webhook body of the latest change', async () => {
      const key = await createRequestIssue();
      fake.moveIssue(key, 'Done', 'acct-marco');

      const body = fake.webhookBody(key);

      expect(body).toMatchObject({
        webhookEvent: 'jira:issue_updated',
        user: { accountId: 'acct-marco', emailAddress: 'marco@acme.test' },
        issue: { key, fields: { status: { name: 'Done' } } },
        changelog: { id: fake.changelog(key)[0]?.id, items: [{ field: 'status', fromString: 'To Do', toString: 'Done' }] },
      });
    });
  });

  describe('search', () => {
    it('uses GET /rest/api/3/search/jql for searchForIssuesUsingJqlEnhancedSearch, ids only by default', async () => {
      await createRequestIssue('keycard-req-1');
      await createRequestIssue('keycard-req-2');

      const result = await jira.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'project = ACC AND labels = "keycard-req-2"' });

      expect(fake.callsTo('GET', '/rest/api/3/search/jql')).toHaveLength(1);
      expect(result).toEqual({ issues: [{ id: '10002' }], isLast: true });
    });

    it('returns the fields asked for and pages with nextPageToken (POST variant)', async () => {
      await createRequestIssue('keycard-req-1');
      await createRequestIssue('keycard-req-2');

      const first = await jira.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({
        jql: 'labels = keycard ORDER BY created DESC',
        fields: ['summary', 'labels'],
        maxResults: 1,
      });
      const second = await jira.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({
        jql: 'labels = keycard ORDER BY created DESC',
        fields: ['summary', 'labels'],
        maxResults: 1,
        nextPageToken: first.nextPageToken,
      });

      expect(first.issues?.map((i) => [i.key, i.fields.labels])).toEqual([['ACC-2', ['keycard', 'keycard-req-2']]]);
      expect(first.nextPageToken).toEqual(expect.any(String));
      expect(second.issues?.map((i) => i.key)).toEqual(['ACC-1']);
      expect(second.nextPageToken).toBeUndefined();
      expect(fake.callsTo('POST', '/rest/api/3/search/jql')).toHaveLength(2);
    });

    it.each([['assignee = currentUser()'], ['labels = a OR labels = b'], ['']])('rejects JQL it does not support: %j', async (jql) => {
      const error = await httpError(() => jira.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql }));

      expect(error.status).toBe(400);
    });

    it('answers the legacy /rest/api/3/search with 410 Gone, as Jira Cloud does', async () => {
      const error = await httpError(() => jira.issueSearch.searchForIssuesUsingJql({ jql: 'labels = keycard' }));

      expect(error.status).toBe(410);
      expect(fake.callsTo('GET', '/rest/api/3/search')).toHaveLength(1);
    });

    it('serves the legacy search when asked to', async () => {
      const legacy = new JiraFake({ email, apiToken, projectKey: 'ACC', legacySearch: 'available' });
      await legacy.start();
      try {
        const client = new Version3Client({ host: legacy.url, authentication: { basic: { email, apiToken } } });
        legacy.addIssue({ summary: 'Seeded', labels: ['keycard'] });

        const result = await client.issueSearch.searchForIssuesUsingJql({ jql: 'labels = keycard' });

        expect(result.total).toBe(1);
        expect(result.issues?.[0]?.fields.summary).toBe('Seeded');
      } finally {
        await legacy.stop();
      }
    });

    it('finds an issue by label for assertions', async () => {
      await createRequestIssue('keycard-req-7');

      expect(fake.issueByLabel('keycard-req-7')?.key).toBe('ACC-1');
      expect(fake.issueByLabel('keycard-req-8')).toBeUndefined();
    });
  });

  describe('attachments', () => {
    const csv = 'login,name,last sign-in\nada@acme.test,Ada Lovelace,2025-01-14\nzoë@acme.test,Zoë Ørsted,never\n';

    it('attaches files sent as multipart by issueAttachments.addAttachment and lists them on the issue', async () => {
      const key = await createRequestIssue();

      const answer = await jira.issueAttachments.addAttachment({
        issueIdOrKey: key,
        attachment: [
          { filename: 'révision accès "Q1".csv', file: csv, mimeType: 'text/csv' },
          { filename: 'notes.txt', file: 'plain' },
        ],
      });
      const read = await jira.issues.getIssue({ issueIdOrKey: key, fields: ['attachment'] });

      expect(answer.map((a) => [a.filename, a.size, a.mimeType])).toEqual([
        ['révision accès "Q1".csv', Buffer.byteLength(csv), 'text/csv'],
        ['notes.txt', 5, 'text/plain'],
      ]);
      expect(fake.attachments(key)).toEqual([
        expect.objectContaining({ filename: 'révision accès "Q1".csv', mimeType: 'text/csv', content: csv, size: Buffer.byteLength(csv) }),
        expect.objectContaining({ filename: 'notes.txt', content: 'plain' }),
      ]);
      expect(read.fields.attachment.map((a) => a.filename)).toEqual(['révision accès "Q1".csv', 'notes.txt']);
    });

    it('refuses an attachment without X-Atlassian-Token: no-check (403 XSRF check failed), as Jira does', async () => {
      const key = await createRequestIssue();
      const form = new FormData();
      form.append('file', new Blob(['a,b\n']), 'x.csv');

      const response = await fetch(`${fake.url}/rest/api/3/issue/${key}/attachments`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}` },
        body: form,
      });

      expect(response.status).toBe(403);
      expect(await response.text()).toBe('XSRF check failed');
      expect(fake.attachments(key)).toEqual([]);
    });

    it('refuses a body that is not multipart (415), one without a `file` part (400), and an unknown issue (404)', async () => {
      const key = await createRequestIssue();
      const post = (path: string, body: string | FormData, headers: Record<string, string> = {}) =>
        fetch(`${fake.url}${path}`, {
          method: 'POST',
          headers: { authorization: `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`, 'x-atlassian-token': 'no-check', ...headers },
          body,
        });
      const wrongName = new FormData();
      wrongName.append('attachment', new Blob(['a']), 'x.csv');
      const good = new FormData();
      good.append('file', new Blob(['a']), 'x.csv');

      const answers = [
        await post(`/rest/api/3/issue/${key}/attachments`, 'a,b', { 'content-type': 'text/csv' }),
        await post(`/rest/api/3/issue/${key}/attachments`, wrongName),
        await post('/rest/api/3/issue/ACC-99/attachments', good),
      ];

      expect(answers.map((a) => a.status)).toEqual([415, 400, 404]);
      expect(fake.attachments(key)).toEqual([]);
    });
  });

  describe('metadata', () => {
    it('answers myself, project and field', async () => {
      const me = await jira.myself.getCurrentUser();
      const project = await jira.projects.getProject({ projectIdOrKey: 'ACC' });
      const fields = await jira.issueFields.getFields();

      expect(me.emailAddress).toBe(email);
      expect(project.key).toBe('ACC');
      expect(project.issueTypes?.map((t) => t.name)).toEqual(['Task', 'Story', 'Bug']);
      expect(fields.filter((f) => f.custom).map((f) => [f.id, f.name])).toEqual([
        ['customfield_10050', 'Access expiry'],
        ['customfield_10051', 'Justification'],
      ]);
    });
  });

  describe('errors as jira.js reports them', () => {
    it('wrong credentials: HttpException with status 401 and Jira’s body', async () => {
      const wrong = new Version3Client({ host: fake.url, authentication: { basic: { email, apiToken: 'wrong' } } });

      const error = await httpError(() => wrong.myself.getCurrentUser());

      expect(error).toBeInstanceOf(HttpException);
      expect(error.name).toBe('HttpException');
      expect(error.status).toBe(401);
      expect(responseData(error)).toEqual({ errorMessages: ['Client must be authenticated to access this resource.'], errors: {} });
    });

    it('an injected 429: status on the exception, Retry-After in error.cause.response.headers', async () => {
      fake.inject({
        method: 'POST',
        path: '/rest/api/3/issue',
        status: 429,
        headers: { 'retry-after': '7' },
        body: { errorMessages: ['Rate limit exceeded.'], errors: {} },
      });

      const error = await httpError(() => createRequestIssue());

      expect(error.status).toBe(429);
      expect(causeHeaders(error)['retry-after']).toBe('7');
      expect(responseData(error)).toEqual({ errorMessages: ['Rate limit exceeded.'], errors: {} });
      // jira.js does not retry: one call reached the fake, and nothing was created.
      expect(fake.callsTo('POST', '/rest/api/3/issue')).toHaveLength(1);
      expect(fake.issues()).toEqual([]);
    });
  });
});

describe('adfToText', () => {
  it('joins paragraphs and list items with newlines and keeps hard breaks', () => {
    const value: AdfDoc = {
      type: 'doc',
      version: 1,
      content: [
        { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Request' }] },
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'App: ' },
            { type: 'text', text: 'Figma', marks: [{ type: 'strong' }] },
            { type: 'hardBreak' },
            { type: 'text', text: 'Role: editor' },
          ],
        },
        {
          type: 'bulletList',
          content: [
            { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'one' }] }] },
            { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'mention', attrs: { id: 'x', text: '@Ada' } }] }] },
          ],
        },
      ],
    };

    expect(adfToText(value)).toBe('Request\nApp: Figma\nRole: editor\none\n@Ada');
  });

  it('gives an empty string for anything that is not ADF', () => {
    expect(adfToText(null)).toBe('');
    expect(adfToText('text')).toBe('');
  });
});

describe('JiraTicketing.readIssue against the Jira fake', () => {
  let fake: JiraFake;
  beforeEach(async () => {
    fake = new JiraFake({ email, apiToken, projectKey: 'ACC', issueTypes: ['Task', 'Offboarding'], customFields: [{ id: 'customfield_10060', name: 'Leaver email', type: 'string' }, { id: 'customfield_10061', name: 'Notes', type: 'doc' }] });
    await fake.start();
  });
  afterEach(async () => {
    await fake.stop();
  });

  it('reads type, summary, status, labels, the reporter and the fields asked for as text; null for an issue that does not exist', async () => {
    const ticketing = new JiraTicketing({ host: fake.url, email, apiToken, projectKey: 'ACC', issueType: 'Task' });
    fake.addUser({ accountId: '712020:hr-1', displayName: 'Hana Ruiz', email: 'hr@acme.com' });
    fake.addUser({ accountId: '712020:hr-2', displayName: 'Quiet Person', email: 'quiet@acme.com', emailVisible: false });
    const key = fake.addIssue({
      summary: 'Offboard Priya',
      issuetype: 'Offboarding',
      labels: ['hr'],
      reporter: '712020:hr-1',
      fields: { customfield_10060: 'priya@acme.com', customfield_10061: doc('last day Friday') },
    });
    const hidden = fake.addIssue({ summary: 'x', reporter: '712020:hr-2' });

    const facts = await ticketing.readIssue(key, ['customfield_10060', 'customfield_10061']);

    expect(facts).toEqual({
      key,
      project: 'ACC',
      issueType: 'Offboarding',
      summary: 'Offboard Priya',
      status: 'To Do',
      labels: ['hr'],
      reporter: { accountId: '712020:hr-1', email: 'hr@acme.com', displayName: 'Hana Ruiz' },
      fields: { customfield_10060: 'priya@acme.com', customfield_10061: 'last day Friday' },
    });
    expect((await ticketing.readIssue(hidden))?.reporter).toEqual({ accountId: '712020:hr-2', email: null, displayName: 'Quiet Person' });
    expect(await ticketing.readIssue('ACC-999')).toBeNull();
  });
});
