/**
 * Jira write-back: create the issue, add comments, move it through its workflow. Keycard's own comment text
 * may name Slack users as `<@U123>`; they are written as "Name (email)" so the Jira record stands on its own.
 * Text a person typed is never rewritten, so a reason reads in Jira as it was written.
 */
import { requestLabel } from '../../domain/format.js';
import { RetryableError } from '../../domain/errors.js';
import type { CommentLine } from '../../store/job-kinds.js';
import type { JobOf } from '../../store/jobs.repo.js';
import type { SideEffectDeps } from '../shared/deps.js';
import { enqueueRequestReceipt } from '../shared/effects.js';
import { issueFor } from '../shared/jira-words.js';
import { ensureSlackProfile } from '../shared/requester.js';

/** Replaces `<@U123>` with the person's name and email. */
export async function resolveMentions(deps: SideEffectDeps, text: string): Promise<string> {
  const ids = [...new Set([...text.matchAll(/<@([UW][A-Z0-9]+)>/g)].map((m) => m[1]!))];
  let out = text;
  for (const id of ids) {
    const profile = await deps.directory.profile(id);
    const name = profile ? (profile.email ? `${profile.name} (${profile.email})` : profile.name) : id;
    out = out.split(`<@${id}>`).join(name);
  }
  return out;
}

export async function createIssueJob(deps: SideEffectDeps, job: JobOf<'jira.create'>): Promise<void> {
  const { requestId } = job.payload;
  const { store, ticketing } = deps;
  const found = store.requests.get(requestId);
  if (!found || found.jiraKey) return;
  const request = await ensureSlackProfile(deps, found);
  const label = requestLabel(requestId);
  // Any run after the first may follow a create whose answer was lost: look for the request's issue before
  // creating a second one. An admin's retry starts the attempts again from one, so the attempt count alone
  // does not tell; the error an earlier run left on the job does (a retry keeps it). A first run, with no
  // earlier run to have filed anything, creates at once.
  const ranBefore = job.attempts > 1 || job.lastError !== null;
  const existing = ranBefore ? await ticketing.findIssueByLabel(label) : null;
  const issue = existing ?? (await ticketing.createIssue({ ...issueFor(request), label }));
  const now = deps.clock.now();
  store.tx(() => {
    store.requests.update(requestId, { jiraKey: issue.key }, now);
    store.audit.append({ at: now, actor: { kind: 'system', reason: 'jira' }, action: 'jira.created', requestId, data: { key: issue.key, url: issue.url } });
    // The receipt carries Cancel while the request waits for approval (src/workflows/request/receipt.ts).
    enqueueRequestReceipt(store, requestId, request.requesterSlackId, now);
  });
}

function jiraKeyOf(deps: SideEffectDeps, requestId: number): string {
  const request = deps.store.requests.get(requestId);
  if (!request?.jiraKey) throw new RetryableError(`the Jira issue of request ${requestId} does not exist yet`);
  return request.jiraKey;
}

/** Keycard's own text has its mentions written out; what a person typed is posted exactly as typed. */
async function renderLine(deps: SideEffectDeps, line: CommentLine): Promise<string> {
  if (typeof line === 'string') return resolveMentions(deps, line);
  const parts = await Promise.all(line.map((segment) => (typeof segment === 'string' ? resolveMentions(deps, segment) : segment.user)));
  return parts.join('');
}

/** Comment lines as posted: Keycard's mentions written out, what a person typed kept as typed. */
export async function renderCommentLines(deps: SideEffectDeps, lines: readonly CommentLine[]): Promise<string[]> {
  return Promise.all(lines.map((line) => renderLine(deps, line)));
}

export async function commentJob(deps: SideEffectDeps, job: JobOf<'jira.comment'>): Promise<void> {
  const { requestId, lines } = job.payload;
  const key = jiraKeyOf(deps, requestId);
  await deps.ticketing.addComment(key, await renderCommentLines(deps, lines));
}

export async function transitionJob(deps: SideEffectDeps, job: JobOf<'jira.transition'>): Promise<void> {
  const { requestId, point } = job.payload;
  const t = deps.jiraTransitions;
  const name = { approved: t.onApproved, active: t.onActive, denied: t.onDenied, ended: t.onEnded }[point];
  if (!name) return;
  const key = jiraKeyOf(deps, requestId);
  const moved = await deps.ticketing.transition(key, name);
  if (!moved) {
    deps.logger.info({ requestId, jiraKey: key, transition: name }, 'Jira workflow has no such transition from the current status; skipped');
  }
}

/** Writes the access start and end into the issue's configured date-time fields. */
export async function fieldsJob(deps: SideEffectDeps, job: JobOf<'jira.fields'>): Promise<void> {
  const { requestId, start, end } = job.payload;
  const fields: Record<string, string | null> = {};
  if (deps.jiraFields.accessStart && start !== null) fields[deps.jiraFields.accessStart] = start;
  if (deps.jiraFields.accessEnd) fields[deps.jiraFields.accessEnd] = end;
  if (Object.keys(fields).length === 0) return;
  await deps.ticketing.setFields(jiraKeyOf(deps, requestId), fields);
}
