/**
 * `/access-admin audit @user`: what the person holds now (active, being granted, being removed) and their
 * last 20 requests, each with its Jira link; `audit <id>` tells any one of them in full.
 */
import { formatDuration } from '../../domain/duration.js';
import type { GrantRow } from '../../store/grants.repo.js';
import type { RequestRow } from '../../store/requests.repo.js';
import type { SideEffectDeps, WorkflowDeps } from '../shared/deps.js';
import { at, statusWords } from './chain-words.js';
import { link, slackLine, type Line } from './text.js';

/** Requests a person audit lists. */
export const PERSON_REQUESTS = 20;
/** Grants a person audit lists before pointing to `grants @user`. */
const PERSON_GRANTS = 30;

type Deps = WorkflowDeps & Pick<SideEffectDeps, 'ticketing'>;

function jira(deps: Deps, request: RequestRow | undefined): Line {
  return request?.jiraKey ? [' · ', link(request.jiraKey, deps.ticketing.issueUrl(request.jiraKey))] : [];
}

function grantLine(deps: Deps, grant: GrantRow, request: RequestRow | undefined, now: number): Line {
  const what = request ? `${request.snapshot.appName} / ${request.snapshot.roleName}` : `${grant.appId} / ${grant.roleId}`;
  const groups = grant.groups.length > 0 ? ` (${grant.provider} ${grant.groups.join(', ')})` : ' (by hand)';
  const state =
    grant.status === 'ending'
      ? `being removed since ${at(grant.endingSince ?? now)} (${grant.endingNote ?? grant.endingReason ?? 'ending'})`
      : grant.status === 'provisioning'
        ? 'being granted'
        : `since ${at(grant.startsAt)}, ${grant.endsAt === null ? 'standing (no end)' : `ends ${at(grant.endsAt)} (in ${formatDuration(grant.endsAt - now)})`}`;
  return [`#${grant.requestId} ${what}${groups}: ${state}`, ...jira(deps, request)];
}

function requestLine(deps: Deps, request: RequestRow): Line {
  const what = `${request.snapshot.appName} / ${request.snapshot.roleName}`;
  const kind = request.kind === 'extension' ? `extension (${formatDuration(request.durationMs ?? 0)} more) of ` : '';
  return [`#${request.id} ${at(request.createdAt)} ${kind}${what}: ${statusWords(request)}`, ...jira(deps, request)];
}

export function personTold(deps: Deps, slackId: string): string {
  const { store } = deps;
  const now = deps.clock.now().getTime();
  const held = store.insight.heldBy(slackId);
  const latest = store.insight.latestRequestsOf(slackId, PERSON_REQUESTS);
  const total = store.insight.countRequestsOf(slackId);
  const byId = new Map(store.insight.requestsById(held.map((g) => g.requestId)).map((r) => [r.id, r] as const));
  const lines = [`*Audit of <@${slackId}>*`];
  if (total === 0) return `${lines[0]}\nNo requests on record for <@${slackId}>, so no access granted through Keycard.`;
  lines.push(`*Access now* (${held.length})${held.length === 0 ? ': none' : ''}`);
  for (const grant of held.slice(0, PERSON_GRANTS)) lines.push(`• ${slackLine(grantLine(deps, grant, byId.get(grant.requestId), now))}`);
  if (held.length > PERSON_GRANTS) lines.push(`…and ${held.length - PERSON_GRANTS} more: \`/access-admin grants <@${slackId}>\`.`);
  lines.push(`*Last ${Math.min(PERSON_REQUESTS, total)} requests* (of ${total})`);
  for (const request of latest) lines.push(`• ${slackLine(requestLine(deps, request))}`);
  lines.push('The whole chain of one: `/access-admin audit <request id>`.');
  return lines.join('\n');
}
