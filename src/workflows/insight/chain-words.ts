/**
 * The words of `/access-admin audit <request>`: one line per link of the chain, each told from the records
 * (src/workflows/insight/chain.ts), every time in full UTC so a line stands on its own in a Jira comment.
 */
import { formatDuration } from '../../domain/duration.js';
import { formatDateTimeUtc } from '../../domain/format.js';
import { describeStatus } from '../../domain/request-state.js';
import type { RequestStatus } from '../../domain/types.js';
import type { GrantGroupRow, GrantRow } from '../../store/grants.repo.js';
import type { RequestRow } from '../../store/requests.repo.js';
import type { ChainActor, EndingRecord, ExtensionRecord, RequestChain, StageRecord } from './chain.js';
import { link, person, persons, raw, strong, typed, type Line, type Segment, type Told } from './text.js';

/** A request's status in words; an approved extension was applied when it was approved. */
export function statusWords(request: RequestRow): string {
  return request.kind === 'extension' && request.status === 'approved' ? 'approved and applied' : describeStatus(request.status as RequestStatus);
}

export function at(ms: number): string {
  return formatDateTimeUtc(new Date(ms));
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A person, or Keycard and why (`Keycard (expiry schedule)`). */
export function actor(who: ChainActor): Segment {
  return who.kind === 'user' ? person(who.slackId) : `Keycard (${who.reason})`;
}

function requesterDetails(request: RequestRow): string {
  const known = [request.requesterName, request.requesterEmail, request.requesterTitle, request.requesterDepartment].filter((x): x is string => !!x);
  return known.length > 0 ? ` (${known.join(', ')})` : '';
}

export function stageLine(stage: StageRecord): Line {
  const { step, label, notDecided } = stage;
  const head = capital(label);
  const line: Segment[] = [];
  if (step.status === 'approved' && step.decidedBy) line.push(`${head}: approved by `, person(step.decidedBy), ` at ${at(step.decidedAt ?? 0)}`);
  else if (step.status === 'denied' && step.decidedBy) {
    line.push(`${head}: denied by `, person(step.decidedBy), ` at ${at(step.decidedAt ?? 0)}`);
    line.push(...(step.reason ? [': ', typed(step.reason)] : [' (no reason given)']));
  } else if (step.status === 'pending') line.push(`${head}: waiting since ${at(step.createdAt)} on `, ...persons(step.approvers));
  else line.push(`${head}: closed undecided at ${at(step.decidedAt ?? step.createdAt)}`);
  if (step.status !== 'pending' && notDecided.length > 0) line.push(step.decidedBy ? '; also asked, did not decide: ' : '; asked: ', ...persons(notDecided));
  if (step.escalationReason) line.push(`; routed past the usual approvers: ${step.escalationReason}`);
  if (step.escalatedAt) line.push(`; offered to the fallback approvers at ${at(step.escalatedAt)} (undecided too long)`);
  return line;
}

function approvalLines(chain: RequestChain): Line[] {
  if (chain.request.snapshot.approval === 'auto') {
    return chain.approved ? [[`Approved by catalog policy (an auto-approve role) at ${at(chain.approved.at)}`]] : [];
  }
  return chain.stages.map(stageLine);
}

function addedText(rows: readonly GrantGroupRow[]): string {
  return rows.map((row) => `${row.groupId} added at ${at(row.addedAt)}`).join(', ');
}

function grantedLines(chain: RequestChain): Line[] {
  const { grant, request } = chain;
  if (!grant) return [];
  if (grant.provider === 'manual') {
    return chain.tasks
      .filter((t) => t.kind === 'grant')
      .map((task): Line =>
        task.status === 'done' && task.decidedBy
          ? [`Granted by hand in ${request.snapshot.appName} by `, person(task.decidedBy), ` at ${at(task.decidedAt ?? 0)} (fulfilment task)${endWords(grant)}`]
          : task.status === 'failed' && task.decidedBy
            ? ['Could not be granted by hand, said ', person(task.decidedBy), ` at ${at(task.decidedAt ?? 0)}`]
            : [`Waiting since ${at(task.createdAt)} for a person to grant it by hand`],
      );
  }
  const account = grant.idpUserId ? ` (user ${grant.idpUserId})` : '';
  if (chain.groups.length === 0) return [[`Nothing added in ${grant.provider}${account} yet`]];
  const verb = chain.grantedAt !== null ? `Granted in ${grant.provider}${account} at ${at(chain.grantedAt)}` : `Being granted in ${grant.provider}${account}`;
  return [[`${verb}: ${addedText(chain.groups)}, each add confirmed by ${grant.provider}${chain.grantedAt !== null ? endWords(grant) : ''}`]];
}

function endWords(grant: GrantRow): string {
  if (grant.endsAt === null) return '; standing access (no end)';
  return grant.status === 'active' ? `; ends ${at(grant.endsAt)}` : `; was to end ${at(grant.endsAt)}`;
}

function extensionLine(ext: ExtensionRecord): Line {
  const { request } = ext;
  const line: Segment[] = [`Extension #${request.id}: asked by `, person(request.requesterSlackId), ` at ${at(request.createdAt)} for ${formatDuration(request.durationMs ?? 0)} more`];
  if (request.justification.trim()) line.push(': ', typed(request.justification));
  if (request.snapshot.approval === 'auto') {
    if (ext.approvedAt !== null) line.push(`; approved by catalog policy at ${at(ext.approvedAt)}`);
  } else {
    for (const stage of ext.stages) line.push('; ', ...stageLine(stage).map((s, i) => (i === 0 && typeof s === 'string' ? s.charAt(0).toLowerCase() + s.slice(1) : s)));
  }
  if (ext.moved) line.push(`; end moved from ${at(ext.moved.from)} to ${at(ext.moved.to)}`);
  else if (request.status !== 'pending_approval') line.push(`; not applied (${statusWords(request)})`);
  return line;
}

/** Why the access ends: `expired`, `relinquished by <@U> (I'm done)`, `revoked by <@A>: “reason”`, `revoked in review Q1 (…)`. */
export function whyEnded(ending: EndingRecord, grant: GrantRow): Segment[] {
  if (ending.review) {
    return [grant.endingNote ?? `revoked in review ${ending.review.name}`, ' (decided by ', actor(ending.by), ending.review.reason ? `: ${ending.review.reason.replace(/_/g, ' ')})` : ')'];
  }
  if (grant.endingNote) return [grant.endingNote, ' (by ', actor(ending.by), ')'];
  switch (ending.reason) {
    case 'expired':
      return ['expired (its end came; removed by the expiry schedule)'];
    case 'relinquished':
      return ['relinquished by ', actor(ending.by), " (I'm done)"];
    case 'revoked':
      return ['revoked by ', actor(ending.by), ...(ending.typedReason ? [': ', typed(ending.typedReason)] : [])];
    case 'rolled_back':
      return ['provisioning failed for good and was undone'];
  }
}

export function removalPart(row: GrantGroupRow): Segment[] {
  const when = at(row.goneAt ?? 0);
  switch (row.outcome) {
    case 'removed':
      return [`${row.groupId} removed at ${when}`];
    case 'not_member':
      return [`${row.groupId} was no longer a member at ${when}`];
    case 'no_group':
      return [`${row.groupId} no longer existed at ${when}`];
    case 'kept':
      return [`${row.groupId} kept at ${when}: ${row.note ?? 'still needed by another grant'}`];
    case 'by_hand': {
      const by = row.goneBy?.startsWith('user:') ? person(row.goneBy.slice(5)) : (row.goneBy ?? 'someone');
      return [`${row.groupId} recorded as removed by hand by `, by, ` at ${when}`, ...(row.note ? [': ', typed(row.note)] : [])];
    }
    default:
      return [`${row.groupId} gone at ${when}`];
  }
}

function joinParts(parts: readonly Segment[][]): Segment[] {
  return parts.flatMap((p, i) => (i === 0 ? p : [', ', ...p]));
}

function endLines(chain: RequestChain): Line[] {
  const { grant, ending } = chain;
  if (!grant || !ending) return [];
  const why = whyEnded(ending, grant);
  const lines: Line[] = [];
  const since = grant.endingSince ?? ending.at;
  const gone = chain.groups.filter((r) => r.status === 'gone' && (r.goneAt ?? 0) >= since);
  const held = chain.groups.filter((r) => r.status === 'held');
  if (grant.status === 'ending') {
    const holds = joinParts(held.map((r) => [r.groupId, ...(r.lastError ? [` (last error at ${at(r.lastErrorAt ?? 0)}: `, raw(r.lastError), ')'] : [])]));
    lines.push(['Ending since ', at(since), ': ', ...why, ...(held.length > 0 ? ['; still holds ', ...holds] : ['; nothing held any more, finishing'])]);
  } else if (grant.status === 'rolled_back') {
    lines.push([`Provisioning failed for good at ${at(since)}; what had been added was removed again`]);
  } else {
    const heldFor = grant.endedAt !== null ? ` after ${formatDuration(grant.endedAt - (chain.grantedAt ?? grant.startsAt))}` : '';
    lines.push(['Ended: ', ...why, ` at ${at(grant.endedAt ?? since)}${heldFor} (started ${at(ending.at)})`]);
  }
  if (grant.provider === 'manual') {
    for (const task of chain.tasks.filter((t) => t.kind === 'revoke')) {
      lines.push(
        task.status === 'done' && task.decidedBy
          ? ['Removal confirmed by hand by ', person(task.decidedBy), ` at ${at(task.decidedAt ?? 0)} (removal task)`]
          : task.status === 'failed' && task.decidedBy
            ? ['Removal could not be done by hand, said ', person(task.decidedBy), ` at ${at(task.decidedAt ?? 0)}`]
            : [`Removal waiting since ${at(task.createdAt)} for a person to do it by hand`],
      );
    }
    return lines;
  }
  if (gone.length > 0) {
    const confirmed = gone.some((r) => r.outcome === 'removed' || r.outcome === 'not_member' || r.outcome === 'no_group');
    lines.push([confirmed ? `Removal confirmed by ${grant.provider}: ` : 'Removal: ', ...joinParts(gone.map(removalPart)), held.length === 0 ? '; nothing held' : '']);
  }
  for (const back of chain.reappeared) lines.push([`${back.group} was found back in ${grant.provider} at ${at(back.at)} after its removal, and was removed again`]);
  if (chain.recheckedAt !== null && gone.some((r) => r.outcome === 'removed')) {
    lines.push([`Rechecked with ${grant.provider} at ${at(chain.recheckedAt)}: ${chain.reappeared.length > 0 ? 'removed again where it was back' : 'every removed membership still gone'}`]);
  }
  return lines;
}

/** Rows gone before the current removal (an undone provisioning): told with the undo. */
function undoneLines(chain: RequestChain): Array<{ at: number; line: Line }> {
  const { grant } = chain;
  if (!grant || chain.rollbacks.length === 0) return [];
  const since = chain.ending ? (grant.endingSince ?? chain.ending.at) : Number.POSITIVE_INFINITY;
  const undone = chain.groups.filter((r) => r.status === 'gone' && (r.goneAt ?? 0) < since);
  return chain.rollbacks.map((rollback) => ({
    at: rollback.at,
    line: [
      `Provisioning undone at ${at(rollback.at)}: `,
      ...(undone.length > 0 ? joinParts(undone.map(removalPart)) : ['no group had been added, nothing was held']),
    ],
  }));
}

/** The whole chain of a request; `lastUse` is the "used since granted" line, when the provider was asked. */
export function chainTold(chain: RequestChain, lastUse: Line | null): Told {
  const { request } = chain;
  const snap = request.snapshot;
  const title: Line = [
    strong(`Request #${request.id}`),
    `: ${snap.appName} / ${snap.roleName} for `,
    person(request.requesterSlackId),
    ' · ',
    request.jiraKey ? link(request.jiraKey, chain.jiraUrl) : 'no Jira issue yet',
    ` · ${statusWords(request)}`,
  ];
  const groups = snap.groups.length > 0 ? `${snap.provider} ${snap.groups.length === 1 ? 'group' : 'groups'} ${snap.groups.join(', ')}` : `${snap.appName}, set up by hand`;
  const asked: Line = [
    'Asked by ',
    person(request.requesterSlackId),
    `${requesterDetails(request)} at ${at(request.createdAt)} for ${groups} (${request.durationMs !== null ? formatDuration(request.durationMs) : 'standing access'})`,
    ...(request.justification.trim() ? [': ', typed(request.justification)] : []),
  ];
  // What went wrong and what was done about it, in the order it happened (stable: a failure before its undo).
  const incidents: Array<{ at: number; line: Line }> = [
    ...(chain.cancelled ? [{ at: chain.cancelled.at, line: [`Cancelled at ${at(chain.cancelled.at)} by `, actor(chain.cancelled.by)] }] : []),
    ...chain.failures.map((f) => ({ at: f.at, line: [`Failed at ${at(f.at)}`, ...(f.reason ? [': ', raw(f.reason)] : [])] })),
    ...undoneLines(chain),
    ...chain.retried.map((r) => ({ at: r.at, line: ['Retried by ', actor(r.by), ` at ${at(r.at)}`] })),
  ];
  incidents.sort((a, b) => a.at - b.at);
  const lines: Line[] = [asked, ...approvalLines(chain), ...incidents.map((i) => i.line)];
  lines.push(...grantedLines(chain), ...chain.extensions.map(extensionLine), ...endLines(chain));
  if (lastUse) lines.push(lastUse);
  return { title, lines };
}
