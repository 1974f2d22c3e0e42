/**
 * The durable job queue and the audit chain on a real SQLite database with the real migrations.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { PermanentError, RetryableError } from '../../src/domain/errors.js';
import { JobWorker, retryDelayMs, DEFAULT_WORKER_OPTIONS, type JobHandlers } from '../../src/jobs/worker.js';
import { JOB_KINDS } from '../../src/store/job-kinds.js';
import type { Job } from '../../src/store/jobs.repo.js';
import { Store } from '../../src/store/store.js';
import { memoryStore } from '../support/memory-store.js';

const silent = pino({ level: 'silent' });

function handlersWith(run: (job: Job) => Promise<void>): JobHandlers {
  return Object.fromEntries(JOB_KINDS.map((k) => [k, run])) as unknown as JobHandlers;
}

/** Valid payloads per kind, with an extra marker field some tests read back. */
const P = {
  create: (n?: number) => ({ requestId: 1, ...(n === undefined ? {} : { n }) }),
  comment: (n?: number) => ({ requestId: 1, lines: [], ...(n === undefined ? {} : { n }) }),
  dm: (n?: number) => ({ to: 'U1', text: 'hi', ...(n === undefined ? {} : { n }) }),
};

describe('job queue', () => {
  let store: Store;
  let clock: ManualClock;

  beforeEach(() => {
    store = memoryStore();
    clock = new ManualClock('2026-01-06T14:00:00Z');
  });
  afterEach(() => store.handle.close());

  it('runs jobs of one key in order, one at a time, and others alongside', async () => {
    const now = clock.now();
    store.jobs.enqueue({ kind: 'jira.create', payload: P.create(1), orderKey: 'jira:1' }, now);
    store.jobs.enqueue({ kind: 'jira.comment', payload: P.comment(2), orderKey: 'jira:1' }, now);
    store.jobs.enqueue({ kind: 'slack.dm', payload: P.dm(3) }, now);

    const first = store.jobs.claimDue(now, 10).map((j) => j.payload.n);

    expect(first).toEqual([1, 3]);
  });

  it('claims in one statement and returns the jobs exactly as stored, earliest first', () => {
    const early = store.jobs.enqueue({ kind: 'slack.dm', payload: P.dm(1), runAt: new Date(clock.now().getTime() - 5000) }, clock.now());
    const later = store.jobs.enqueue({ kind: 'slack.dm', payload: P.dm(2) }, clock.now());
    clock.advance(1000);
    const statements: string[] = [];
    const prepare = store.handle.sqlite.prepare.bind(store.handle.sqlite);
    store.handle.sqlite.prepare = ((source: string) => {
      statements.push(source);
      return prepare(source);
    }) as typeof store.handle.sqlite.prepare;

    const claimed = store.jobs.claimDue(clock.now(), 10);

    store.handle.sqlite.prepare = prepare;
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^update "jobs" .* returning /is);
    expect(claimed.map((j) => j.id)).toEqual([early.id, later.id]);
    expect(claimed).toEqual([store.jobs.get(early.id), store.jobs.get(later.id)]);
    expect(claimed[0]).toMatchObject({ status: 'running', attempts: 1, updatedAt: clock.now().getTime() });
  });

  it('holds back later jobs of a key behind a dead one until it is retried', () => {
    const now = clock.now();
    const create = store.jobs.enqueue({ kind: 'jira.create', payload: P.create(), orderKey: 'jira:1', requestId: 1 }, now);
    store.jobs.enqueue({ kind: 'jira.comment', payload: P.comment(), orderKey: 'jira:1', requestId: 1 }, now);
    store.jobs.claimDue(now, 10);
    store.jobs.markDead(create.id, 'Jira down', now);

    expect(store.jobs.claimDue(now, 10)).toEqual([]);

    expect(store.jobs.retryDead({ requestId: 1 }, now)).toBe(1);
    expect(store.jobs.claimDue(now, 10).map((j) => j.id)).toEqual([create.id]);
  });

  it('prunes finished jobs older than the cut-off and nothing else', () => {
    const old = new Date('2025-11-01T00:00:00Z');
    const done = store.jobs.enqueue({ kind: 'slack.dm', payload: P.dm() }, old);
    store.jobs.markDone(done.id, old);
    store.jobs.enqueue({ kind: 'slack.dm', payload: P.dm() }, old);
    const recent = store.jobs.enqueue({ kind: 'slack.dm', payload: P.dm() }, clock.now());
    store.jobs.markDone(recent.id, clock.now());

    expect(store.jobs.pruneDone(new Date('2025-12-07T00:00:00Z'))).toBe(1);
    expect(store.jobs.list().map((j) => j.status)).toEqual(['pending', 'done']);
  });

  it('resumes jobs a crashed process left running', () => {
    const now = clock.now();
    store.jobs.enqueue({ kind: 'idp.provision', payload: P.create(), orderKey: 'flow:1' }, now);
    store.jobs.claimDue(now, 10);

    expect(store.jobs.resetRunning(now)).toBe(1);
    expect(store.jobs.claimDue(now, 10)).toHaveLength(1);
  });

  it('retries with back-off, honours the service\'s Retry-After, and ends dead after the last attempt', async () => {
    const attempts: number[] = [];
    const dead: string[] = [];
    const worker = new JobWorker(
      store,
      handlersWith(async (job) => {
        attempts.push(clock.now().getTime());
        throw job.attempts === 1 ? new RetryableError('429', 7_000) : new RetryableError('500');
      }),
      clock,
      silent,
      { ...DEFAULT_WORKER_OPTIONS, baseBackoffMs: 1000, random: () => 0 },
      (job, error) => dead.push(`${job.kind}: ${error}`),
    );
    store.jobs.enqueue({ kind: 'slack.dm', payload: P.dm() }, clock.now());

    await worker.runUntilIdle();
    clock.advance(6_999);
    await worker.runUntilIdle();
    clock.advance(1);
    await worker.runUntilIdle();
    clock.advance(1_000);
    await worker.runUntilIdle();

    const start = new Date('2026-01-06T14:00:00Z').getTime();
    expect(attempts.map((t) => t - start)).toEqual([0, 7_000, 8_000]);
    expect(dead).toEqual(['slack.dm: 500']);
    expect(store.jobs.countByStatus().dead).toBe(1);
  });

  it('makes a permanent failure dead at once', async () => {
    let calls = 0;
    const worker = new JobWorker(
      store,
      handlersWith(async () => {
        calls += 1;
        throw new PermanentError('no such group');
      }),
      clock,
      silent,
    );
    store.jobs.enqueue({ kind: 'idp.provision', payload: P.create() }, clock.now());

    await worker.runUntilIdle();

    expect(calls).toBe(1);
    expect(store.jobs.list({ status: 'dead' })[0]?.lastError).toBe('no such group');
  });

  it.each([
    [1, 1000, 2000],
    [2, 2000, 4000],
    [3, 4000, 8000],
    [30, 300_000, 600_000],
  ])('back-off for attempt %i lies between %i and %i ms', (attempt, low, high) => {
    const options = { ...DEFAULT_WORKER_OPTIONS, baseBackoffMs: 2000, maxBackoffMs: 600_000 };

    expect(retryDelayMs(attempt, new Error('x'), options, () => 0)).toBe(low);
    expect(retryDelayMs(attempt, new Error('x'), options, () => 0.999999)).toBeLessThanOrEqual(high);
  });
});

describe('audit log', () => {
  let store: Store;
  beforeEach(() => {
    store = memoryStore();
    for (let i = 0; i < 5; i += 1) {
      store.audit.append({ at: new Date(1_700_000_000_000 + i), actor: { kind: 'user', slackId: 'U1' }, action: `event.${i}`, requestId: 1, data: { i } });
    }
  });
  afterEach(() => store.handle.close());

  it('verifies an untouched chain', () => {
    expect(store.audit.verify()).toEqual({ ok: true, count: 5 });
  });

  it('names the first edited event', () => {
    store.handle.sqlite.prepare(`UPDATE audit_events SET data = '{"i":99}' WHERE id = 3`).run();

    expect(store.audit.verify()).toMatchObject({ ok: false, brokenAt: 3, problem: expect.stringContaining('edited') });
  });

  it('notices a deleted event', () => {
    store.handle.sqlite.prepare('DELETE FROM audit_events WHERE id = 2').run();

    expect(store.audit.verify()).toMatchObject({ ok: false, brokenAt: 3, problem: expect.stringContaining('removed') });
  });
});
