/**
 * Comments on a Jira issue Keycard did not create (an offboarding or onboarding issue someone filed), by
 * its key, through the job queue: queued in the transaction that decided what to say.
 */
import type { CommentLine } from '../../store/job-kinds.js';
import type { JobOf } from '../../store/jobs.repo.js';
import type { Store } from '../../store/store.js';
import { resolveMentions } from '../notify/index.js';
import type { SideEffectDeps } from '../shared/deps.js';

/** Jobs about one lifecycle issue run in order (the issue job itself, then its comments). */
export function lifecycleIssueKey(key: string): string {
  return `lifecycle-issue:${key}`;
}

export function enqueueIssueComment(store: Store, key: string, lines: readonly CommentLine[], now: Date): void {
  store.jobs.enqueue({ kind: 'lifecycle.issue_comment', payload: { key, lines: [...lines] }, orderKey: lifecycleIssueKey(key) }, now);
}

/** Keycard's text has its mentions written out as names; what a person typed stays as typed. */
export async function renderLines(deps: SideEffectDeps, lines: readonly CommentLine[]): Promise<string[]> {
  return Promise.all(
    lines.map(async (line) => {
      if (typeof line === 'string') return resolveMentions(deps, line);
      const parts = await Promise.all(line.map((segment) => (typeof segment === 'string' ? resolveMentions(deps, segment) : segment.user)));
      return parts.join('');
    }),
  );
}

export async function issueCommentJob(deps: SideEffectDeps, job: JobOf<'lifecycle.issue_comment'>): Promise<void> {
  await deps.ticketing.addComment(job.payload.key, await renderLines(deps, job.payload.lines));
}
