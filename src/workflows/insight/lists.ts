/**
 * `/access-admin grants [app | @user] [page=N]` and `pending [page=N]`: what is active and what waits, a
 * page at a time. A page is one ephemeral message of at most LIST_PAGE_SIZE lines (a few thousand characters,
 * far under Slack's 40,000, and no blocks); its last line names the command for the next page.
 */
import { formatDuration } from '../../domain/duration.js';
import type { GrantFilter } from '../../store/insight.repo.js';
import type { RequestRow } from '../../store/requests.repo.js';
import type { SideEffectDeps, WorkflowDeps } from '../shared/deps.js';
import { stageNumberWords } from '../shared/wording.js';
import { at, statusWords } from './chain-words.js';
import { link, persons, slackLine, type Line } from './text.js';

export const LIST_PAGE_SIZE = 25;

type Deps = WorkflowDeps & Pick<SideEffectDeps, 'ticketing'>;

function jira(deps: Deps, request: RequestRow): Line {
  return request.jiraKey ? [' · ', link(request.jiraKey, deps.ticketing.issueUrl(request.jiraKey))] : [];
}

function pages(total: number): number {
  return Math.max(1, Math.ceil(total / LIST_PAGE_SIZE));
}

/** Null when the page exists; else the sentence that says it does not. */
function missingPage(page: number, total: number): string | null {
  return page > pages(total) ? `There is no page ${page}: ${total} item(s) make ${pages(total)} page(s).` : null;
}

function pageFooter(page: number, total: number, command: string): string {
  const last = pages(total);
  if (page >= last) return last > 1 ? `Page ${page} of ${last}.` : '';
  return `Page ${page} of ${last}. Next: \`/access-admin ${command} page=${page + 1}\``;
}

/**
 * One page of active grants (`filter` one app's or one person's); `what` names the filter in the title and
 * `command` is what the admin typed before `page=` (for the next page).
 */
export function grantsPage(deps: Deps, filter: GrantFilter, page: number, what: string, command: string): string {
  const { insight } = deps.store;
  const total = insight.countActiveGrants(filter);
  if (total === 0) return `No active grants${what}.`;
  const missing = missingPage(page, total);
  if (missing) return missing;
  const now = deps.clock.now().getTime();
  const rows = insight.activeGrantsPage(filter, LIST_PAGE_SIZE, (page - 1) * LIST_PAGE_SIZE);
  const lines = [`*Active grants${what}*: ${total}, time-bound first (soonest end first), then standing`];
  for (const { grant, request } of rows) {
    const groups = grant.groups.length > 0 ? `${grant.provider} ${grant.groups.join(', ')}` : 'by hand';
    const end = grant.endsAt === null ? 'standing (no end)' : grant.endsAt <= now ? `ended ${at(grant.endsAt)}, being removed` : `ends ${at(grant.endsAt)} (in ${formatDuration(grant.endsAt - now)})`;
    const line: Line = [`#${request.id} `, ...persons([grant.userSlackId]), ` ${request.snapshot.appName} / ${request.snapshot.roleName} (${groups}) since ${at(grant.startsAt)}, ${end}`, ...jira(deps, request)];
    lines.push(`• ${slackLine(line)}`);
  }
  const footer = pageFooter(page, total, command);
  if (footer) lines.push(footer);
  return lines.join('\n');
}

function waitingWords(request: RequestRow, step: { stage: string; stageIndex: number; approvers: string[]; escalationReason: string | null; createdAt: number } | undefined): Line {
  switch (request.status) {
    case 'pending_approval':
      return step ? [`${stageNumberWords(request, step)} waiting since ${at(step.createdAt)} on `, ...persons(step.approvers)] : ['waiting for approval'];
    case 'awaiting_fulfilment':
      return [`approved; waiting since ${at(request.updatedAt)} for a person to grant it by hand`];
    default:
      return [`${statusWords(request)} since ${at(request.updatedAt)}`];
  }
}

/** One page of the requests that wait (for an approver, to be granted, for a person), oldest first. */
export function pendingPage(deps: Deps, page: number): string {
  const { insight } = deps.store;
  const total = insight.countWaiting();
  if (total === 0) return 'Nothing waits: no request waits for approval or to be granted.';
  const missing = missingPage(page, total);
  if (missing) return missing;
  const now = deps.clock.now().getTime();
  const rows = insight.waitingPage(LIST_PAGE_SIZE, (page - 1) * LIST_PAGE_SIZE);
  const steps = insight.stepsOf(rows.map((r) => r.id));
  const lines = [`*Waiting*: ${total} request(s), oldest first`];
  for (const request of rows) {
    const step = steps.find((s) => s.requestId === request.id && s.stageIndex === request.currentStage && s.status === 'pending');
    const kind = request.kind === 'extension' ? `extension (${formatDuration(request.durationMs ?? 0)} more) of ` : '';
    const line: Line = [
      `#${request.id} `,
      ...persons([request.requesterSlackId]),
      ` ${kind}${request.snapshot.appName} / ${request.snapshot.roleName}, filed ${at(request.createdAt)} (${formatDuration(now - request.createdAt)} ago): `,
      ...waitingWords(request, step),
      ...jira(deps, request),
    ];
    lines.push(`• ${slackLine(line)}`);
  }
  const footer = pageFooter(page, total, 'pending');
  if (footer) lines.push(footer);
  return lines.join('\n');
}
