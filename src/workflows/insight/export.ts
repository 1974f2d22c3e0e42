/**
 * `/access-admin export [from] [to] [app=…]`: every request filed in the range with its whole chain, one CSV
 * row each (requester, app, role, groups, justification, each approval with approver and time, when the
 * provider confirmed each group, the end and why, when the removal was confirmed, the Jira key and address).
 * The command counts and queues; the `insight.export` job reads the records in batches, names the people,
 * saves the file and DMs it to the admin through the file jobs.
 */
import { formatDuration } from '../../domain/duration.js';
import type { ExportRange } from '../../domain/insight.js';
import type { JobOf } from '../../store/jobs.repo.js';
import type { RequestRow } from '../../store/requests.repo.js';
import type { SideEffectDeps, WorkflowDeps } from '../shared/deps.js';
import { csvRow, csvTime } from '../shared/csv.js';
import { enqueueFileDm, saveExportFile } from '../shared/effects.js';
import { chainOf, loadChainRecords, type RequestChain } from './chain.js';
import { actor, removalPart, stageLine, statusWords, whyEnded } from './chain-words.js';
import { unknownApp } from './apps.js';
import { personsIn, plainLine, type Line } from './text.js';

export const REQUESTS_CSV_COLUMNS = [
  'request',
  'kind',
  'extends request',
  'requested at',
  'requester',
  'requester email',
  'requester slack id',
  'app',
  'role',
  'provider',
  'groups',
  'duration',
  'justification',
  'status',
  'approval policy',
  'approvals',
  'approved at',
  'granted at',
  'groups confirmed',
  'ends at',
  'extensions',
  'ended at',
  'end reason',
  'ended by',
  'removal confirmed at',
  'removal',
  'jira key',
  'jira url',
] as const;

/**
 * Requests read and told per batch. Between batches the export yields to the event loop, so Slack's other
 * requests (which must be acknowledged within 3 s) are answered while a long export is made.
 */
const BATCH = 500;
/** Profiles asked of Slack at once when naming the people of an export. */
const NAME_CONCURRENCY = 8;

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `2026-01-01 to 2026-01-31` (the last day included). */
export function rangeWords(range: ExportRange): string {
  const last = range.until - 1;
  return `${day(range.from)} to ${day(last)}${range.appId ? ` (app ${range.appId})` : ''}`;
}

export function exportFileName(range: ExportRange): string {
  return `keycard-requests-${day(range.from)}-to-${day(range.until - 1)}${range.appId ? `-${range.appId}` : ''}.csv`;
}

/** Every line of a chain that names people, for naming them before the rows are written. */
function chainLines(chain: RequestChain): Line[] {
  const lines: Line[] = chain.stages.map(stageLine);
  if (chain.grant && chain.ending) lines.push(whyEnded(chain.ending, chain.grant));
  if (chain.ending) lines.push([actor(chain.ending.by)]);
  lines.push(...chain.groups.map(removalPart), ...chain.extensions.flatMap((e) => e.stages.map(stageLine)));
  return lines;
}

/** When the provider (or a person, for a manual app) confirmed the last group of an ended access gone. */
function removalConfirmedAt(chain: RequestChain): number | null {
  const { grant } = chain;
  if (!grant || grant.endedAt === null) return null;
  if (grant.provider === 'manual') return chain.tasks.filter((t) => t.kind === 'revoke' && t.status === 'done').at(-1)?.decidedAt ?? grant.endedAt;
  const since = grant.endingSince ?? 0;
  const gone = chain.groups.filter((r) => r.status === 'gone' && (r.goneAt ?? 0) >= since).map((r) => r.goneAt ?? 0);
  return gone.length > 0 ? Math.max(...gone) : grant.endedAt;
}

function approvalsText(chain: RequestChain, names: ReadonlyMap<string, string>): string {
  if (chain.request.snapshot.approval === 'auto') return chain.approved ? 'approved by catalog policy (auto-approve role)' : '';
  return chain.stages.map((s) => plainLine(stageLine(s), names)).join(' | ');
}

function row(chain: RequestChain, extendsRequest: number | null, names: ReadonlyMap<string, string>): string {
  const { request, grant } = chain;
  const snap = request.snapshot;
  const since = grant?.endingSince ?? Number.POSITIVE_INFINITY;
  const removal = grant?.provider === 'manual' ? [] : chain.groups.filter((r) => r.status === 'gone' && (r.goneAt ?? 0) >= since);
  const stillHeld = grant?.status === 'ending' ? chain.groups.filter((r) => r.status === 'held').map((r) => r.groupId) : [];
  const removalText = [...removal.map((r) => plainLine(removalPart(r), names)), ...(stillHeld.length > 0 ? [`still holds ${stillHeld.join(', ')}`] : [])].join('; ');
  const ended = grant && chain.ending && grant.status !== 'ending';
  return csvRow([
    request.id,
    request.kind,
    extendsRequest,
    csvTime(request.createdAt),
    request.requesterName ?? names.get(request.requesterSlackId) ?? request.requesterSlackId,
    request.requesterEmail,
    request.requesterSlackId,
    snap.appName,
    snap.roleName,
    snap.provider,
    snap.groups.join('; '),
    request.durationMs !== null ? formatDuration(request.durationMs) : 'standing',
    request.justification,
    statusWords(request),
    snap.approval === 'auto' ? 'auto' : snap.approval.join(' → '),
    approvalsText(chain, names),
    csvTime(chain.approved?.at),
    csvTime(chain.grantedAt),
    chain.groups.map((r) => `${r.groupId} ${csvTime(r.addedAt)}`).join('; '),
    grant?.endsAt !== null && grant?.endsAt !== undefined ? csvTime(grant.endsAt) : grant && chain.grantedAt !== null ? 'standing' : '',
    chain.extensions.map((e) => `#${e.request.id} +${formatDuration(e.request.durationMs ?? 0)} ${e.moved ? `applied ${csvTime(e.moved.at)}` : statusWords(e.request)}`).join('; '),
    ended ? csvTime(grant.endedAt) : '',
    grant && chain.ending ? plainLine(whyEnded(chain.ending, grant), names) : '',
    chain.ending ? plainLine([actor(chain.ending.by)], names) : '',
    csvTime(removalConfirmedAt(chain)),
    removalText,
    request.jiraKey,
    chain.jiraUrl,
  ]);
}

/**
 * Names of the people the chains mention, as "Name (email)": requesters as their requests recorded them,
 * everyone else (approvers, admins, fulfillers) asked of Slack a few at a time.
 */
async function nameAll(deps: SideEffectDeps, chains: ReadonlyArray<{ chain: RequestChain }>, ids: ReadonlySet<string>): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const { chain } of chains) {
    for (const request of [chain.request, ...chain.extensions.map((e) => e.request)]) {
      if (request.requesterName && !names.has(request.requesterSlackId)) names.set(request.requesterSlackId, request.requesterEmail ? `${request.requesterName} (${request.requesterEmail})` : request.requesterName);
    }
  }
  const queue = [...ids].filter((id) => !names.has(id));
  const worker = async (): Promise<void> => {
    for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
      const profile = await deps.directory.profile(id);
      if (profile) names.set(id, profile.email ? `${profile.name} (${profile.email})` : profile.name);
    }
  };
  await Promise.all(Array.from({ length: NAME_CONCURRENCY }, worker));
  return names;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The CSV of the range, from the records; `names` maps Slack ids to how people are named in it. */
export async function requestsCsv(chains: ReadonlyArray<{ chain: RequestChain; extendsRequest: number | null }>, names: ReadonlyMap<string, string>): Promise<string> {
  const lines = [REQUESTS_CSV_COLUMNS.join(',')];
  for (const [i, { chain, extendsRequest }] of chains.entries()) {
    lines.push(row(chain, extendsRequest, names));
    if (i % BATCH === BATCH - 1) await nextTurn();
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Every request of the range with its chain, in filing order, read a batch at a time. */
export async function readRange(deps: WorkflowDeps, range: ExportRange, jiraUrl: (key: string) => string): Promise<Array<{ chain: RequestChain; extendsRequest: number | null }>> {
  const { store } = deps;
  const out: Array<{ chain: RequestChain; extendsRequest: number | null }> = [];
  let after: { at: number; id: number } | null = null;
  for (;;) {
    const page: RequestRow[] = store.insight.requestsInRange(range.from, range.until, range.appId, after, BATCH);
    if (page.length === 0) return out;
    const records = loadChainRecords(store, page);
    const extended = new Map(store.insight.grantsById(page.flatMap((r) => (r.kind === 'extension' && r.grantId !== null ? [r.grantId] : []))).map((g) => [g.id, g.requestId] as const));
    for (const request of page) out.push({ chain: chainOf(request, records, jiraUrl), extendsRequest: request.grantId !== null ? (extended.get(request.grantId) ?? null) : null });
    const last = page[page.length - 1]!;
    after = { at: last.createdAt, id: last.id };
    if (page.length < BATCH) return out;
    await nextTurn();
  }
}

/** The job: reads the range now, names the people, saves the CSV and DMs it to the admin. */
export async function requestsExportJob(deps: SideEffectDeps, job: JobOf<'insight.export'>): Promise<void> {
  const { store } = deps;
  const range: ExportRange = { from: job.payload.from, until: job.payload.until, appId: job.payload.appId };
  const chains = await readRange(deps, range, (key) => deps.ticketing.issueUrl(key));
  const ids = new Set<string>();
  for (const { chain } of chains) for (const line of chainLines(chain)) for (const id of personsIn(line)) ids.add(id);
  const names = await nameAll(deps, chains, ids);
  const csv = await requestsCsv(chains, names);
  const now = deps.clock.now();
  store.tx(() => {
    const fileId = saveExportFile(store, exportFileName(range), 'text/csv', csv, now);
    enqueueFileDm(store, job.payload.to, fileId, `Keycard requests ${rangeWords(range)}`, `Requests filed ${rangeWords(range)}, each with its whole chain: ${chains.length} row(s).`, now);
    store.audit.append({ at: now, actor: { kind: 'system', reason: 'evidence export' }, action: 'insight.exported', data: { ...range, rows: chains.length, to: job.payload.to, fileId } });
  });
}

/** `export …` with its range parsed: counts the requests and queues the CSV for the admin; the answer. */
export function requestRequestsExport(deps: WorkflowDeps, adminSlackId: string, range: ExportRange): string {
  if (range.appId !== null) {
    const unknown = unknownApp(deps, range.appId);
    if (unknown) return unknown;
  }
  const count = deps.store.insight.countInRange(range.from, range.until, range.appId);
  if (count === 0) return `No requests were filed ${rangeWords(range)}: nothing to export.`;
  deps.store.jobs.enqueue({ kind: 'insight.export', payload: { to: adminSlackId, from: range.from, until: range.until, appId: range.appId } }, deps.clock.now());
  return `:hourglass_flowing_sand: Exporting the ${count} request(s) filed ${rangeWords(range)} with their whole chain; the CSV comes to you by DM in a moment.`;
}
