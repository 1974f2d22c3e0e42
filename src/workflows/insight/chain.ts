/**
 * A request's whole chain as the records hold it: who asked and why, each approval stage (who decided, when,
 * who was asked and did not), the groups the provider confirmed and when, extensions, why and when the access
 * ended and who started that, and the removal the provider confirmed. Read in batches (one query per table for
 * any number of requests), so one request's audit and an export of ten thousand share the same code.
 */
import type { RemovalReason } from '../../domain/types.js';
import type { AuditEvent } from '../../store/audit.repo.js';
import type { GrantGroupRow, GrantRow } from '../../store/grants.repo.js';
import { ENDING_ACTIONS } from '../../store/insight.repo.js';
import type { RequestRow, StepRow } from '../../store/requests.repo.js';
import type { Store } from '../../store/store.js';
import type { TaskRow } from '../../store/tasks.repo.js';
import { stageNumberWords } from '../shared/wording.js';

/** One approval stage as decided (or not). */
export interface StageRecord {
  readonly step: StepRow;
  /** `stage 1 of 2 (manager)`. */
  readonly label: string;
  /** Asked and did not decide (the decider left out). */
  readonly notDecided: readonly string[];
}

/** Who moved something, as the audit log records an actor: a person's Slack id, or the system and why. */
export type ChainActor = { readonly kind: 'user'; readonly slackId: string } | { readonly kind: 'system'; readonly reason: string };

/** The start of the end of access (expiry, I'm done, revoke, a review's revoke, an undone provisioning). */
export interface EndingRecord {
  readonly reason: RemovalReason;
  readonly at: number;
  readonly by: ChainActor;
  /** What the admin typed for a revoke. */
  readonly typedReason: string | null;
  /** A review's revoke: the review's name and the reviewer's reason code. */
  readonly review: { readonly name: string; readonly reason: string | null } | null;
}

export interface ExtensionRecord {
  readonly request: RequestRow;
  readonly stages: readonly StageRecord[];
  readonly approvedAt: number | null;
  /** The grant's end before and after, when the extension was applied. */
  readonly moved: { readonly at: number; readonly from: number; readonly to: number } | null;
}

export interface RequestChain {
  readonly request: RequestRow;
  readonly jiraUrl: string | null;
  readonly stages: readonly StageRecord[];
  /** The first approval (the last stage's, or catalog policy's) and who gave it. */
  readonly approved: { readonly at: number; readonly by: ChainActor } | null;
  readonly cancelled: { readonly at: number; readonly by: ChainActor; readonly action: string } | null;
  /** Each time it failed (to be granted, routed or fulfilled), with what went wrong as recorded then. */
  readonly failures: ReadonlyArray<{ readonly at: number; readonly reason: string | null }>;
  /** Admin retries after a failure. */
  readonly retried: ReadonlyArray<{ readonly at: number; readonly by: ChainActor }>;
  readonly grant: GrantRow | null;
  /** Every group row of the grant, oldest first: what the provider confirmed added, and how each left. */
  readonly groups: readonly GrantGroupRow[];
  /** When the access was first in place (the provider, or a person for a manual app, confirmed it). */
  readonly grantedAt: number | null;
  /** A manual app's fulfilment tasks: who granted and who removed it by hand. */
  readonly tasks: readonly TaskRow[];
  readonly extensions: readonly ExtensionRecord[];
  /** An undone provisioning (its groups removed again) before the current one, oldest first. */
  readonly rollbacks: readonly EndingRecord[];
  /** The end of the access, once it started. */
  readonly ending: EndingRecord | null;
  /** Memberships found back after their removal (and removed again). */
  readonly reappeared: ReadonlyArray<{ readonly group: string; readonly at: number }>;
  /** When the provider was asked again after the removal whether the memberships stayed gone. */
  readonly recheckedAt: number | null;
}

/** What `chainOf` reads, loaded for a batch of requests at once. */
export interface ChainRecords {
  readonly steps: ReadonlyMap<number, StepRow[]>;
  readonly grants: ReadonlyMap<number, GrantRow>;
  readonly groups: ReadonlyMap<number, GrantGroupRow[]>;
  readonly events: ReadonlyMap<number, AuditEvent[]>;
  readonly extensions: ReadonlyMap<number, RequestRow[]>;
  readonly tasks: ReadonlyMap<number, TaskRow[]>;
  readonly rechecks: ReadonlyMap<number, number>;
}

function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

/** Loads everything the chains of `requests` need (and of their grants' extensions), one query per table. */
export function loadChainRecords(store: Store, requests: readonly RequestRow[]): ChainRecords {
  const { insight } = store;
  const ids = requests.map((r) => r.id);
  const grants = new Map(insight.grantsOf(ids).map((g) => [g.requestId, g] as const));
  const grantIds = [...grants.values()].map((g) => g.id);
  const extensionRows = insight.extensionsOf(grantIds);
  const all = [...new Set([...ids, ...extensionRows.map((r) => r.id)])];
  return {
    steps: groupBy(insight.stepsOf(all), (s) => s.requestId),
    grants,
    groups: groupBy(insight.groupRowsOf(grantIds), (g) => g.grantId),
    events: groupBy(insight.chainEventsOf(all), (e) => e.requestId ?? 0),
    extensions: groupBy(extensionRows, (r) => r.grantId ?? 0),
    tasks: groupBy(insight.tasksOf(ids), (t) => t.requestId),
    rechecks: insight.removalRechecksOf(ids),
  };
}

/** The actor as the audit log wrote it (`user:U123`, `system:expiry schedule`). */
export function parseActor(label: string): ChainActor {
  return label.startsWith('user:') ? { kind: 'user', slackId: label.slice(5) } : { kind: 'system', reason: label.replace(/^system:/, '') };
}

function stagesOf(request: RequestRow, steps: readonly StepRow[]): StageRecord[] {
  return steps.map((step) => ({
    step,
    label: stageNumberWords(request, step),
    notDecided: step.approvers.filter((a) => a !== step.decidedBy),
  }));
}

function firstTo(events: readonly AuditEvent[], status: string): AuditEvent | undefined {
  return events.find((e) => e.toStatus === status);
}

const REASON_OF_ACTION: Readonly<Record<(typeof ENDING_ACTIONS)[number], RemovalReason>> = {
  'grant.expiring': 'expired',
  'grant.revoking': 'revoked',
  'grant.relinquishing': 'relinquished',
  'grant.rolling_back': 'rolled_back',
};

function isEndingAction(action: string): action is (typeof ENDING_ACTIONS)[number] {
  return Object.hasOwn(REASON_OF_ACTION, action);
}

function endingOf(event: AuditEvent & { action: (typeof ENDING_ACTIONS)[number] }): EndingRecord {
  const data = event.data;
  const review = typeof data['review'] === 'string' ? { name: data['review'], reason: typeof data['reason'] === 'string' ? data['reason'] : null } : null;
  return {
    reason: REASON_OF_ACTION[event.action],
    at: event.at,
    by: parseActor(event.actor),
    typedReason: !review && typeof data['reason'] === 'string' ? data['reason'] : null,
    review,
  };
}

/** The chain of one request from loaded records; `jiraUrl` turns a key into the address. */
export function chainOf(request: RequestRow, records: ChainRecords, jiraUrl: (key: string) => string): RequestChain {
  const events = records.events.get(request.id) ?? [];
  const grant = records.grants.get(request.id) ?? null;
  const endings = events.filter((e): e is AuditEvent & { action: (typeof ENDING_ACTIONS)[number] } => isEndingAction(e.action)).map(endingOf);
  const last = endings.at(-1) ?? null;
  // A grant that is active or being provisioned again (an admin's retry after an undone attempt) has not ended.
  const ending = last && grant && grant.status !== 'active' && grant.status !== 'provisioning' ? last : null;
  const approved = firstTo(events, 'approved');
  const active = firstTo(events, 'active');
  const cancelled = firstTo(events, 'cancelled');
  const extensions = (grant ? (records.extensions.get(grant.id) ?? []) : []).map((ext): ExtensionRecord => {
    const extEvents = records.events.get(ext.id) ?? [];
    const moved = events.find((e) => e.action === 'grant.extended' && e.data['extensionRequestId'] === ext.id);
    return {
      request: ext,
      stages: stagesOf(ext, records.steps.get(ext.id) ?? []),
      approvedAt: firstTo(extEvents, 'approved')?.at ?? null,
      moved: moved ? { at: moved.at, from: Number(moved.data['fromEndsAt']), to: Number(moved.data['toEndsAt']) } : null,
    };
  });
  return {
    request,
    jiraUrl: request.jiraKey ? jiraUrl(request.jiraKey) : null,
    stages: stagesOf(request, records.steps.get(request.id) ?? []),
    approved: approved ? { at: approved.at, by: parseActor(approved.actor) } : null,
    cancelled: cancelled ? { at: cancelled.at, by: parseActor(cancelled.actor), action: cancelled.action } : null,
    failures: events.filter((e) => e.toStatus === 'failed').map((e) => ({ at: e.at, reason: typeof e.data['error'] === 'string' ? e.data['error'] : request.failureReason })),
    retried: events.filter((e) => e.action === 'request.retried').map((e) => ({ at: e.at, by: parseActor(e.actor) })),
    grant,
    groups: grant ? (records.groups.get(grant.id) ?? []) : [],
    grantedAt: active?.at ?? null,
    tasks: records.tasks.get(request.id) ?? [],
    extensions,
    rollbacks: endings.filter((e) => e.reason === 'rolled_back' && e !== ending),
    ending,
    reappeared: events.filter((e) => e.action === 'grant.group_reappeared').map((e) => ({ group: String(e.data['group']), at: e.at })),
    // The recheck's own audit event; before it was recorded there, the finished job (pruned after 30 days).
    recheckedAt: events.filter((e) => e.action === 'grant.removal_rechecked').at(-1)?.at ?? records.rechecks.get(request.id) ?? null,
  };
}

/** The request an audit of `request` tells: an extension is told as part of the access it extends. */
export function chainRoot(store: Store, request: RequestRow): RequestRow {
  if (request.kind !== 'extension' || request.grantId === null) return request;
  const grant = store.grants.get(request.grantId);
  return (grant ? store.requests.get(grant.requestId) : undefined) ?? request;
}

/** One request's chain, read now. */
export function readChain(store: Store, request: RequestRow, jiraUrl: (key: string) => string): RequestChain {
  return chainOf(request, loadChainRecords(store, [request]), jiraUrl);
}
