/**
 * What happened to Keycard's calls to each external service (Slack, Jira, each identity provider), as
 * seen by the job worker: every job attempt that talks to a service is one call, classified by the error
 * the adapter raised. Readiness reads the last few outcomes per service ("the last 5 calls to okta all
 * failed"); /metrics counts them. In memory: both are about this process's recent life.
 */
import { RetryableError, ThrottledError } from '../domain/errors.js';
import type { Job } from '../store/jobs.repo.js';
import type { Store } from '../store/store.js';
import { parseJobPayload } from '../store/job-kinds.js';

export type CallOutcome = 'ok' | 'error' | 'rate_limited';

/** Retryable errors the adapters raise for 429 and quota answers (src/identity/*, src/jira/jira.ts). */
const RATE_LIMIT_WORDS = /rate limit|quota exceeded|throttled|HTTP 429|ratelimited/i;

/** How a failed job attempt counts; null when no call was made (Keycard held the job back itself). */
export function classifyFailure(error: unknown): CallOutcome | null {
  if (error instanceof ThrottledError) return null;
  if (error instanceof RetryableError && RATE_LIMIT_WORDS.test(error.message)) return 'rate_limited';
  return 'error';
}

/**
 * The service a job talks to, or null for jobs that only touch the database. Identity jobs are named by
 * their provider (`okta`, `entra`, `google`); `manual` apps make no calls.
 */
export function serviceOfJob(store: Store, job: Job): string | null {
  const [family] = job.kind.split('.');
  if (family === 'jira' || family === 'audit') return 'jira';
  if (family === 'slack') return 'slack';
  if (family !== 'idp') return null;
  const checked = parseJobPayload(job.kind, job.payload);
  if (!checked.ok) return null;
  const payload = checked.payload;
  let provider: string | undefined;
  if ('grantId' in payload) provider = store.grants.get(payload.grantId)?.provider;
  else if ('requestId' in payload && payload.requestId !== null) provider = store.requests.get(payload.requestId)?.snapshot.provider;
  return provider && provider !== 'manual' ? provider : null;
}

export interface ServiceFailureStreak {
  readonly service: string;
  readonly calls: number;
}

export class ServiceCalls {
  private readonly recent = new Map<string, CallOutcome[]>();
  /** Called for every recorded call (the metrics counters hang off it). */
  onRecord: (service: string, outcome: CallOutcome) => void = () => {};

  /** @param window how many of the latest calls per service readiness looks at */
  constructor(readonly window: number) {}

  record(service: string, outcome: CallOutcome): void {
    const list = this.recent.get(service) ?? [];
    list.push(outcome);
    if (list.length > this.window) list.splice(0, list.length - this.window);
    this.recent.set(service, list);
    this.onRecord(service, outcome);
  }

  /** Services whose last `window` calls all failed (the errors themselves are in the job log lines). */
  failing(): ServiceFailureStreak[] {
    const out: ServiceFailureStreak[] = [];
    for (const [service, list] of this.recent) {
      if (list.length < this.window || list.includes('ok')) continue;
      out.push({ service, calls: list.length });
    }
    return out.sort((a, b) => a.service.localeCompare(b.service));
  }
}
