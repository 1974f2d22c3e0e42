/**
 * The job worker: claims due jobs, runs their handlers, and records the outcome. Failures retry with
 * exponential back-off and jitter, honouring the service's own signal (Retry-After, X-Rate-Limit-Reset);
 * a permanent failure or the last attempt makes the job dead and calls `onDead`.
 */
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.js';
import { PermanentError, RetryableError, ThrottledError } from '../domain/errors.js';
import { parseJobPayload } from '../store/job-kinds.js';
import type { Job, JobKind, JobOf } from '../store/jobs.repo.js';
import type { Store } from '../store/store.js';

/** One handler per job kind, each given the payload of its own kind: a missing kind fails the type check. */
export type JobHandlers = { readonly [K in JobKind]: (job: JobOf<K>) => Promise<void> };

function dispatch<K extends JobKind>(handlers: JobHandlers, job: JobOf<K>): Promise<void> {
  return handlers[job.kind](job);
}

export interface WorkerOptions {
  readonly concurrency: number;
  /** First retry delay; doubles each attempt up to `maxBackoffMs`. */
  readonly baseBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Longest wait between polls when nothing wakes the worker. */
  readonly pollMs: number;
  /** Returns a number in [0, 1); injectable so tests are deterministic. */
  readonly random?: () => number;
  /** Told of every finished attempt (null: done), before its outcome is recorded; readiness and metrics count calls with it. */
  readonly onAttempt?: (job: Job, error: unknown) => void;
}

export const DEFAULT_WORKER_OPTIONS: WorkerOptions = {
  concurrency: 8,
  baseBackoffMs: 2_000,
  maxBackoffMs: 10 * 60_000,
  pollMs: 5_000,
};

/** Delay before the next attempt: the service's own signal when given, else exponential with jitter. */
export function retryDelayMs(attempt: number, error: unknown, options: WorkerOptions, random: () => number): number {
  if (error instanceof RetryableError && error.retryAfterMs !== undefined) {
    return Math.max(error.retryAfterMs, 0) + Math.floor(random() * 250);
  }
  const exponential = Math.min(options.baseBackoffMs * 2 ** Math.max(attempt - 1, 0), options.maxBackoffMs);
  // "Equal jitter": at least half the delay, so retries neither bunch nor come back too soon.
  return Math.floor(exponential / 2 + random() * (exponential / 2));
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.slice(0, 2000);
  return String(error).slice(0, 2000);
}

export class JobWorker {
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private stopping = false;
  private readonly random: () => number;
  /** When the worker last looked for due jobs (Keycard's clock): readiness reports a worker that stopped turning. */
  lastTurnAt: Date;

  constructor(
    private readonly store: Store,
    private readonly handlers: JobHandlers,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: WorkerOptions = DEFAULT_WORKER_OPTIONS,
    /** Called in the transaction that marks a job dead. */
    private readonly onDead: (job: Job, error: string) => void = () => {},
    /** Extra fields for the job's log lines (the request's Jira key). */
    private readonly logFields: (job: Job) => Record<string, unknown> = () => ({}),
  ) {
    this.random = options.random ?? Math.random;
    this.lastTurnAt = clock.now();
  }

  /** Resumes what a previous process left running and starts polling. */
  start(): void {
    const reset = this.store.jobs.resetRunning(this.clock.now());
    if (reset > 0) this.logger.warn({ jobs: reset }, 'resuming jobs left running by a previous process');
    this.started = true;
    this.store.jobs.onEnqueue = () => this.kick();
    this.kick();
  }

  /** Stops claiming new jobs and waits for the running ones. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.running]);
  }

  /** Wakes the worker on the next tick (after the caller's transaction has committed). */
  kick(): void {
    if (!this.started || this.stopping) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.pump(), 0);
  }

  /** Runs due jobs until none is due and none is running (tests and the demo move the clock between calls). */
  async runUntilIdle(): Promise<void> {
    for (;;) {
      this.claimAndRun();
      if (this.running.size === 0) return;
      await Promise.race([...this.running]);
    }
  }

  get busy(): number {
    return this.running.size;
  }

  private pump(): void {
    this.timer = undefined;
    if (this.stopping) return;
    try {
      this.claimAndRun();
      this.scheduleNext();
    } catch (error) {
      // The database refused (read-only, disk full, closed): try again after a poll rather than crash the
      // process from a timer. /readyz reports the worker as not turning meanwhile.
      this.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'job worker could not claim jobs; retrying');
      if (this.stopping || !this.started) return;
      this.timer = setTimeout(() => this.pump(), this.options.pollMs);
      this.timer.unref();
    }
  }

  private scheduleNext(): void {
    if (this.stopping || !this.started) return;
    const next = this.store.jobs.nextRunAt();
    let wait = this.options.pollMs;
    if (next !== null) wait = Math.min(wait, Math.max(next - this.clock.now().getTime(), 0));
    // With every slot busy, a finishing job wakes the worker instead.
    if (this.running.size >= this.options.concurrency) wait = this.options.pollMs;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.pump(), wait);
    this.timer.unref();
  }

  private claimAndRun(): void {
    const free = this.options.concurrency - this.running.size;
    const claimed = this.store.jobs.claimDue(this.clock.now(), free);
    // After the claim: a worker whose claims fail (the database went read-only) is not turning.
    this.lastTurnAt = this.clock.now();
    for (const job of claimed) {
      const run = this.runOne(job).finally(() => {
        this.running.delete(run);
        if (this.started) this.kick();
      });
      this.running.add(run);
    }
  }

  private async runOne(job: Job): Promise<void> {
    const log = this.logger.child({ jobId: job.id, kind: job.kind, requestId: job.requestId ?? undefined, attempt: job.attempts, ...this.logFields(job) });
    try {
      const checked = parseJobPayload(job.kind, job.payload);
      if (!checked.ok) throw new PermanentError(checked.error);
      await dispatch(this.handlers, { ...job, kind: checked.kind, payload: checked.payload });
      this.observe(job, null);
      this.store.jobs.markDone(job.id, this.clock.now());
      log.debug('job done');
    } catch (error) {
      this.observe(job, error);
      this.recordFailure(job, error, log);
    }
  }

  /** Counting must never fail a job. */
  private observe(job: Job, error: unknown): void {
    try {
      this.options.onAttempt?.(job, error);
    } catch (failure) {
      this.logger.warn({ err: failure instanceof Error ? failure.message : String(failure) }, 'job outcome not counted');
    }
  }

  private recordFailure(job: Job, error: unknown, log: Logger): void {
    const now = this.clock.now();
    if (error instanceof ThrottledError) {
      this.store.jobs.defer(job.id, new Date(now.getTime() + error.retryAfterMs), now);
      log.debug({ waitMs: error.retryAfterMs }, 'job held back by the rate limit');
      return;
    }
    const message = describeError(error);
    const permanent = error instanceof PermanentError;
    if (!permanent && job.attempts < job.maxAttempts) {
      const delay = retryDelayMs(job.attempts, error, this.options, this.random);
      this.store.jobs.reschedule(job.id, new Date(now.getTime() + delay), message, now);
      log.warn({ err: message, retryInMs: delay }, 'job failed; will retry');
      return;
    }
    this.store.tx(() => {
      this.store.jobs.markDead(job.id, message, now);
      this.onDead({ ...job, lastError: message }, message);
    });
    log.error({ err: message, permanent }, 'job dead');
  }
}
