/**
 * Puts back a change made in Jira that Keycard refused, or that must wait (a stage approved in Jira moves
 * back until the next stage decides): the status moves back, or the label comes off, then a comment says
 * why and what Keycard did. Through the job queue like every write to Jira; the status moves back only
 * while the issue is still where the person put it, so a later move by someone else is never undone.
 */
import type { CommentLine } from '../../store/job-kinds.js';
import type { JobOf } from '../../store/jobs.repo.js';
import type { Store } from '../../store/store.js';
import type { SideEffectDeps } from '../shared/deps.js';
import { jiraKey } from '../shared/effects.js';
import { renderCommentLines } from '../notify/index.js';
import { inboundWords } from './words.js';

export interface PutBack {
  readonly issueKey: string;
  readonly requestId: number | null;
  readonly lines: readonly CommentLine[];
  /** Move the issue from `from` (where the person put it) back to `to`. */
  readonly status: { readonly from: string; readonly to: string } | null;
  /** Take this label off. */
  readonly label: string | null;
}

/** Queues the put-back; call inside the transaction that decided it. A request's issue keeps its Jira order. */
export function enqueuePutBack(store: Store, putBack: PutBack, now: Date): void {
  const orderKey = putBack.requestId !== null ? jiraKey(putBack.requestId) : `jira:issue:${putBack.issueKey}`;
  store.jobs.enqueue(
    {
      kind: 'jira.put_back',
      payload: { issueKey: putBack.issueKey, requestId: putBack.requestId, lines: [...putBack.lines], status: putBack.status ? { ...putBack.status } : null, label: putBack.label },
      orderKey,
      requestId: putBack.requestId,
    },
    now,
  );
}

export async function putBackJob(deps: SideEffectDeps, job: JobOf<'jira.put_back'>): Promise<void> {
  const { issueKey, lines, status, label } = job.payload;
  const done: string[] = [];
  if (status) {
    const issue = await deps.ticketing.readIssue(issueKey);
    const now = issue?.status ?? '';
    if (now.toLowerCase() === status.to.toLowerCase()) {
      // Already back (a retry after the move went through).
      done.push(inboundWords.movedBack(status.to));
    } else if (now.toLowerCase() !== status.from.toLowerCase()) {
      done.push(inboundWords.movedOnSince(now));
    } else if (await deps.ticketing.transition(issueKey, status.to)) {
      done.push(inboundWords.movedBack(status.to));
    } else {
      done.push(inboundWords.cannotMoveBack(now, status.to));
      deps.logger.warn({ jiraKey: issueKey, from: now, to: status.to }, 'Jira workflow offers no transition back; the issue stays where it was moved');
    }
  }
  if (label) {
    await deps.ticketing.removeLabel(issueKey, label);
    done.push(inboundWords.labelRemoved(label));
  }
  await deps.ticketing.addComment(issueKey, [...(await renderCommentLines(deps, lines)), ...done]);
}
