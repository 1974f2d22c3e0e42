/**
 * Typed jobs: one map from kind to payload schema serves enqueue, the handlers and the alert wording; a
 * stored payload that does not match its kind goes dead with a clear error before any handler runs.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { buildHandlers } from '../../src/jobs/handlers.js';
import { JobWorker, type JobHandlers } from '../../src/jobs/worker.js';
import { JOB_KINDS, parseJobPayload } from '../../src/store/job-kinds.js';
import { Store } from '../../src/store/store.js';
import type { SideEffectDeps } from '../../src/workflows/shared/deps.js';
import { enqueueAttachFile, enqueueFileDm, enqueueLabelledComment, enqueueLabelledIssue, saveExportFile } from '../../src/workflows/shared/effects.js';
import { memoryStore } from '../support/memory-store.js';

const silent = pino({ level: 'silent' });

describe('job kinds', () => {
  let store: Store;
  let clock: ManualClock;
  beforeEach(() => {
    store = memoryStore();
    clock = new ManualClock('2026-01-06T14:00:00Z');
  });
  afterEach(() => store.handle.close());

  it('has a handler for every kind and no other', () => {
    const handlers = buildHandlers({} as SideEffectDeps);

    expect(Object.keys(handlers).sort()).toEqual([...JOB_KINDS].sort());
  });

  it.each([
    ['jira.comment', { requestId: 1, lines: 'one line' }, 'lines'],
    ['idp.deprovision', { grantId: 4, reason: 'expiredd' }, 'reason'],
    ['slack.dm', { to: 'U1' }, 'text'],
    ['jira.labelled_issue', { label: 'access review', summary: 'S', description: { intro: 'i', facts: [], sections: [] } }, 'label'],
    ['jira.labelled_issue', { label: 'review-1', summary: 'S', description: { intro: 'i', sections: [] } }, 'description.facts'],
    ['jira.labelled_comment', { label: 'review-1', lines: [{ user: 'x' }] }, 'lines.0'],
    ['jira.attach_file', { label: 'review-1', fileId: '3' }, 'fileId'],
    ['slack.upload_file', { to: 'U1', fileId: 3, title: 'T' }, 'comment'],
  ])('names the bad field of a %s payload', (kind, payload, field) => {
    const parsed = parseJobPayload(kind, payload);

    expect(parsed).toEqual({ ok: false, error: expect.stringContaining(field) });
  });

  it('stores what the labelled-issue and export-file helpers queue as payloads their kinds accept, ordered by label', () => {
    const now = clock.now();

    store.tx(() => {
      const fileId = saveExportFile(store, 'review.csv', 'text/csv', 'a,b\n', now);
      enqueueLabelledIssue(store, 'keycard-review-1', 'Review', { intro: 'i', facts: [{ label: 'Due', value: 'Friday' }], sections: [{ heading: 'h', text: 't' }] }, now);
      enqueueLabelledComment(store, 'keycard-review-1', ['started', ['by ', { user: 'Ada' }]], now);
      enqueueAttachFile(store, 'keycard-review-1', fileId, now);
      enqueueFileDm(store, 'U1', fileId, 'Review', 'Here it is.', now);
    });
    const jobs = store.jobs.list();

    expect(jobs.map((j) => [j.kind, parseJobPayload(j.kind, j.payload).ok, j.orderKey, j.requestId])).toEqual([
      ['jira.labelled_issue', true, 'jira:label:keycard-review-1', null],
      ['jira.labelled_comment', true, 'jira:label:keycard-review-1', null],
      ['jira.attach_file', true, 'jira:label:keycard-review-1', null],
      ['slack.upload_file', true, 'dm-file:U1', null],
    ]);
    expect(store.files.get(1)).toMatchObject({ id: 1, name: 'review.csv', mimeType: 'text/csv', content: 'a,b\n', createdAt: now.getTime() });
    expect(store.files.get(2)).toBeUndefined();
  });

  it('makes a job whose stored payload does not match its kind dead at once, with the reason, and never runs its handler', async () => {
    let ran = 0;
    const handlers = Object.fromEntries(JOB_KINDS.map((k) => [k, async () => void (ran += 1)])) as unknown as JobHandlers;
    const dead: string[] = [];
    const worker = new JobWorker(store, handlers, clock, silent, undefined, (job, error) => dead.push(`${job.id}: ${error}`));
    const job = store.jobs.enqueue({ kind: 'jira.comment', payload: { requestId: 1, lines: ['ok'] } }, clock.now());
    store.handle.sqlite.prepare(`UPDATE jobs SET payload = '{"requestId":"1","lines":["ok"]}' WHERE id = ?`).run(job.id);

    await worker.runUntilIdle();

    expect(ran).toBe(0);
    expect(store.jobs.get(job.id)?.status).toBe('dead');
    expect(dead).toEqual([expect.stringMatching(new RegExp(`^${job.id}: the payload of this jira.comment job does not match its schema \\(requestId: Expected number`))]);
  });

  it('makes a job of a kind this version does not know dead with a message that says so', async () => {
    const worker = new JobWorker(store, buildHandlers({} as SideEffectDeps), clock, silent);
    const job = store.jobs.enqueue({ kind: 'slack.dm', payload: { to: 'U1', text: 'hi' } }, clock.now());
    store.handle.sqlite.prepare(`UPDATE jobs SET kind = 'slack.carrier_pigeon' WHERE id = ?`).run(job.id);

    await worker.runUntilIdle();

    expect(store.jobs.get(job.id)).toMatchObject({ status: 'dead', lastError: expect.stringContaining("unknown job kind 'slack.carrier_pigeon'") });
  });
});
