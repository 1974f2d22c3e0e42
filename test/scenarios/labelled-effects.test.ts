/**
 * The generic durable effects later features build on: a Jira issue addressed by its own label (created
 * once, whatever the retries), comments and an export file on it, and an export file DM'd in Slack. Jobs are
 * queued through the running Keycard's store as a feature would, inside a transaction; the real worker runs
 * them against the Jira and Slack fakes, and every wait is the ManualClock moving.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../../src/store/jobs.repo.js';
import {
  enqueueAttachFile,
  enqueueFileDm,
  enqueueLabelledComment,
  enqueueLabelledIssue,
  saveExportFile,
} from '../../src/workflows/shared/effects.js';
import { Harness, stopCheckingFakes } from '../support/harness.js';
import { PEOPLE } from '../support/people.js';

const { priya, ada } = PEOPLE;

const LABEL = 'keycard-review-7';
const JIRA_CREATE = '/rest/api/3/issue';
const JIRA_DOWN = { status: 500, body: { errorMessages: ['Internal server error'], errors: {} } };
const DESCRIPTION = {
  intro: 'Quarterly access review of Salesforce.',
  facts: [
    { label: 'Reviewer', value: 'Sara Lind' },
    { label: 'Due', value: '2026-01-20' },
  ],
  sections: [{ heading: 'How to review', text: 'Keep or remove each person in Slack.' }],
};

/** A CSV of about `bytes` bytes (UTF-8), with non-ASCII names on every row. */
function bigCsv(bytes: number): string {
  const rows = ['login,name,app,role,last sign-in\n'];
  for (let i = 0, size = 0; size < bytes; i += 1) {
    const row = `user${i}@acme.com,Zoë Ørsted-${i},Salesforce,Viewer,2026-01-0${(i % 9) + 1}\n`;
    rows.push(row);
    size += Buffer.byteLength(row);
  }
  return rows.join('');
}

function jobsOfKind(h: Harness, kind: string): Job[] {
  return h.store.jobs.list().filter((j) => j.kind === kind);
}

describe('labelled Jira issues and export files', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await stopCheckingFakes(h);
    h = undefined;
  });

  it('creates the labelled issue, comments on it, attaches the export and DMs it, each exactly once', async () => {
    h = await Harness.start();
    const store = h.store;
    const now = h.clock.now();
    const csv = bigCsv(1024 * 1024);
    const name = 'révision-accès-salesforce-2026-01.csv';

    store.tx(() => {
      const fileId = saveExportFile(store, name, 'text/csv', csv, now);
      enqueueLabelledIssue(store, LABEL, 'Access review: Salesforce (January 2026)', DESCRIPTION, now);
      enqueueLabelledComment(store, LABEL, [`Review started by <@${ada.slackId}>.`, ['Note: ', { user: `<@${ada.slackId}> typed this` }]], now);
      enqueueAttachFile(store, LABEL, fileId, now);
      enqueueFileDm(store, priya.slackId, fileId, 'Salesforce access review', 'Your *Salesforce* review export is attached.', now);
    });
    await h.settle();

    const issue = h.jira.issueByLabel(LABEL);
    expect(issue).toMatchObject({ summary: 'Access review: Salesforce (January 2026)', labels: ['keycard', LABEL] });
    expect(issue?.descriptionText).toBe('Quarterly access review of Salesforce.\nReviewer: Sara Lind\nDue: 2026-01-20\nHow to review\nKeep or remove each person in Slack.');
    expect(h.jira.issues()).toHaveLength(1);
    expect(h.jira.comments(issue!.key)).toEqual(['Review started by Ada Admin (ada@acme.com).\nNote: <@UADA> typed this']);
    const attachments = h.jira.attachments(issue!.key);
    expect(attachments.map((a) => [a.filename, a.mimeType, a.size])).toEqual([[name, 'text/csv', Buffer.byteLength(csv)]]);
    expect(attachments[0]?.content === csv).toBe(true);
    const sent = h.slack.filesSentTo(priya.slackId);
    expect(sent.map((f) => [f.name, f.title, f.comment])).toEqual([[name, 'Salesforce access review', 'Your *Salesforce* review export is attached.']]);
    expect(sent[0]?.content === csv).toBe(true);
    expect(Buffer.byteLength(csv)).toBeGreaterThanOrEqual(1024 * 1024);
    expect(h.store.jobs.countByStatus()).toMatchObject({ pending: 0, running: 0, dead: 0 });
    expect(h.slack.messages('CALERTS')).toEqual([]);
  });

  it.each([
    ['a 500, then success', { ...JIRA_DOWN }, [500, 201]],
    ['a timeout after Jira filed it (the answer is lost)', { status: 504, body: 'Gateway Timeout', afterApply: true }, [504]],
  ])('files the labelled issue once when the create meets %s, and the comment waits for it', async (_, fault, statuses) => {
    h = await Harness.start();
    const store = h.store;
    h.jira.inject({ method: 'POST', path: JIRA_CREATE, ...fault });

    store.tx(() => {
      enqueueLabelledIssue(store, LABEL, 'Access review: Salesforce', DESCRIPTION, h!.clock.now());
      enqueueLabelledComment(store, LABEL, ['Review started.'], h!.clock.now());
    });
    await h.settle();

    // The create failed as far as Keycard knows: the comment waits behind it.
    expect(jobsOfKind(h, 'jira.labelled_comment')[0]?.status).toBe('pending');
    expect(h.jira.issues().flatMap((i) => h!.jira.comments(i.key))).toEqual([]);

    await h.drain();

    expect(h.jira.callsTo('POST', JIRA_CREATE).map((c) => c.status)).toEqual(statuses);
    expect(h.jira.issues()).toHaveLength(1);
    expect(h.jira.comments(h.jira.issueByLabel(LABEL)!.key)).toEqual(['Review started.']);
    expect(h.store.jobs.countByStatus()).toMatchObject({ pending: 0, dead: 0 });
  });

  it('does not file a second issue when one with the label exists (queued again by a later run)', async () => {
    h = await Harness.start();
    const store = h.store;
    const existing = h.jira.addIssue({ summary: 'Access review: Salesforce', labels: ['keycard', LABEL] });

    store.tx(() => {
      enqueueLabelledIssue(store, LABEL, 'Access review: Salesforce', DESCRIPTION, h!.clock.now());
      enqueueLabelledComment(store, LABEL, ['Second run.'], h!.clock.now());
    });
    await h.settle();

    expect(h.jira.callsTo('POST', JIRA_CREATE)).toEqual([]);
    expect(h.jira.issues()).toHaveLength(1);
    expect(h.jira.comments(existing)).toEqual(['Second run.']);
  });

  it('retries a comment whose issue does not exist yet, and posts it once the issue is there', async () => {
    h = await Harness.start();

    enqueueLabelledComment(h.store, LABEL, ['Waiting for its issue.'], h.clock.now());
    await h.settle();

    const job = jobsOfKind(h, 'jira.labelled_comment')[0];
    expect(job).toMatchObject({ status: 'pending', attempts: 1, lastError: `the Jira issue labelled ${LABEL} is not created yet` });

    const key = h.jira.addIssue({ summary: 'Made by hand', labels: [LABEL] });
    await h.drain();

    expect(h.jira.comments(key)).toEqual(['Waiting for its issue.']);
    expect(h.store.jobs.get(job!.id)?.status).toBe('done');
  });

  it('attaches the file once when the answer to the first attach is lost', async () => {
    h = await Harness.start();
    const store = h.store;
    const key = h.jira.addIssue({ summary: 'Access review: Salesforce', labels: ['keycard', LABEL] });
    h.jira.inject({ method: 'POST', path: `/rest/api/3/issue/${key}/attachments`, status: 504, body: 'Gateway Timeout', afterApply: true });

    store.tx(() => enqueueAttachFile(store, LABEL, saveExportFile(store, 'review.csv', 'text/csv', 'login\nada@acme.com\n', h!.clock.now()), h!.clock.now()));
    await h.drain();

    expect(h.jira.attachments(key).map((a) => [a.filename, a.content])).toEqual([['review.csv', 'login\nada@acme.com\n']]);
    expect(h.jira.callsTo('POST', `/rest/api/3/issue/${key}/attachments`)).toHaveLength(1);
    expect(h.store.jobs.countByStatus()).toMatchObject({ pending: 0, dead: 0 });
  });

  it.each([
    ['files.getUploadURLExternal', '/api/files.getUploadURLExternal', { ok: false, error: 'ratelimited' }],
    ['the upload URL', /^\/upload\/v1\//, 'rate limited'],
    ['files.completeUploadExternal', '/api/files.completeUploadExternal', { ok: false, error: 'ratelimited' }],
  ])('waits out a 429 with Retry-After from %s, then DMs the file once', async (_, path, body) => {
    h = await Harness.start();
    const store = h.store;
    h.slack.inject({ method: 'POST', path, status: 429, headers: { 'retry-after': '30' }, body });

    store.tx(() => enqueueFileDm(store, priya.slackId, saveExportFile(store, 'grants.csv', 'text/csv', 'a,b\n1,2\n', h!.clock.now()), 'Grants', 'Your export.', h!.clock.now()));
    await h.settle();

    expect(h.slack.filesSentTo(priya.slackId)).toEqual([]);
    expect(jobsOfKind(h, 'slack.upload_file')[0]).toMatchObject({ status: 'pending', lastError: expect.stringContaining('rate limited') });

    await h.settle(29_000);

    expect(h.slack.filesSentTo(priya.slackId)).toEqual([]);

    await h.settle(1_000);

    expect(h.slack.filesSentTo(priya.slackId)).toEqual([{ name: 'grants.csv', title: 'Grants', content: 'a,b\n1,2\n', comment: 'Your export.' }]);
    expect(h.store.jobs.countByStatus()).toMatchObject({ pending: 0, dead: 0 });
  });

  it('gives up at once on a file that does not exist, and says so in the alert channel', async () => {
    h = await Harness.start();

    enqueueFileDm(h.store, ada.slackId, 404, 'Missing', 'Nothing here.', h.clock.now());
    await h.settle();

    expect(jobsOfKind(h, 'slack.upload_file')[0]).toMatchObject({ status: 'dead', attempts: 1, lastError: 'export file 404 does not exist' });
    expect(h.slack.messages('CALERTS').map((m) => m.text)).toEqual([expect.stringContaining('Keycard could not send a file in a Slack DM after 1 attempt(s): export file 404 does not exist')]);
    expect(h.slack.filesSentTo(ada.slackId)).toEqual([]);
  });
});
