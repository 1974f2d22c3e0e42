/**
 * Audit checkpoints: on a schedule, the audit log's event count and head hash are posted where the
 * database cannot reach back and change them: as a comment on one dedicated Jira issue (found by its
 * label, created once) and in the alert channel. Deleting the newest events, or rewriting the chain,
 * then no longer matches what was posted; `/access-admin audit verify` reads the comments back.
 *
 * Both posts go through the durable job queue, enqueued together in one transaction.
 */
import { formatDateTimeUtc, formatTimeUtc } from '../../domain/format.js';
import { PermanentError } from '../../domain/errors.js';
import type { JobOf, JobPayload } from '../../store/jobs.repo.js';
import type { SideEffectDeps, WorkflowDeps } from '../shared/deps.js';

/** The label of the Jira issue that holds the checkpoints. */
export const CHECKPOINT_LABEL = 'keycard-audit-checkpoints';
const ORDER_KEY = 'audit:checkpoint';

export interface AuditCheckpoint {
  readonly at: Date;
  /** Events in the log up to and including the head. */
  readonly count: number;
  readonly headId: number;
  readonly headHash: string;
  /** The key that sealed the head (null: plain SHA-256). */
  readonly keyId: string | null;
}

/** The machine-readable line of a checkpoint comment (also readable by people). */
function checkpointLine(c: AuditCheckpoint): string {
  return `keycard-audit-checkpoint v1 at=${c.at.toISOString()} count=${c.count} head=${c.headId} hash=${c.headHash} key=${c.keyId ?? 'none'}`;
}

const LINE_RE = /keycard-audit-checkpoint v1 at=(\S+) count=(\d+) head=(\d+) hash=([0-9a-f]{64}) key=([0-9a-f]{8}|none)/g;

/** Every checkpoint found in the comments' text, in the order posted. */
export function parseCheckpoints(texts: readonly string[]): AuditCheckpoint[] {
  const found: AuditCheckpoint[] = [];
  for (const text of texts) {
    for (const m of text.matchAll(LINE_RE)) {
      const at = new Date(m[1] ?? '');
      if (Number.isNaN(at.getTime())) continue;
      found.push({ at, count: Number(m[2]), headId: Number(m[3]), headHash: m[4] ?? '', keyId: m[5] === 'none' ? null : (m[5] ?? null) });
    }
  }
  return found;
}

/** `checkpoint at 14:00 UTC recorded 120 events, head 3f9a1c2b…` (the date too when not today). */
export function describeCheckpoint(c: AuditCheckpoint, now: Date): string {
  const when = c.at.toISOString().slice(0, 10) === now.toISOString().slice(0, 10) ? formatTimeUtc(c.at) : formatDateTimeUtc(c.at);
  return `checkpoint at ${when} recorded ${c.count} events, head ${c.headHash.slice(0, 12)}…`;
}

function toPayload(c: AuditCheckpoint): JobPayload<'audit.checkpoint'> {
  return { at: c.at.getTime(), count: c.count, headId: c.headId, headHash: c.headHash, keyId: c.keyId };
}

function fromPayload(payload: JobPayload<'audit.checkpoint'>): AuditCheckpoint {
  return { ...payload, at: new Date(payload.at) };
}

/**
 * Queues a checkpoint of the log as it is now (the schedule calls this). Nothing when the log is empty
 * or has not changed since the last checkpoint queued. Returns whether one was queued.
 */
export function enqueueAuditCheckpoint(deps: WorkflowDeps): boolean {
  const { store } = deps;
  const now = deps.clock.now();
  return store.tx(() => {
    const head = store.audit.head();
    if (!head) return false;
    const last = store.jobs.lastOfKind('audit.checkpoint');
    if (last && last.payload['headId'] === head.id && last.payload['headHash'] === head.hash) return false;
    const checkpoint: AuditCheckpoint = { at: now, count: head.count, headId: head.id, headHash: head.hash, keyId: store.audit.lastKeyId() };
    store.jobs.enqueue({ kind: 'audit.checkpoint', payload: toPayload(checkpoint), orderKey: ORDER_KEY }, now);
    store.jobs.enqueue({ kind: 'slack.alert', payload: { text: `:lock: Keycard audit ${describeCheckpoint(checkpoint, now)}\n\`${checkpointLine(checkpoint)}\`` } }, now);
    return true;
  });
}

/** The checkpoint issue's key; created (once, found again by its label) when `create` is set. */
export async function checkpointIssue(deps: SideEffectDeps, create: boolean): Promise<string | null> {
  const found = await deps.ticketing.findIssueByLabel(CHECKPOINT_LABEL);
  if (found) return found.key;
  if (!create) return null;
  const created = await deps.ticketing.createIssue({
    summary: 'Keycard audit checkpoints',
    label: CHECKPOINT_LABEL,
    description: {
      intro: 'Keycard posts the size and head hash of its audit log here on a schedule (KEYCARD_SCHEDULE_AUDIT_CHECKPOINT).',
      facts: [],
      sections: [
        {
          heading: 'Do not edit',
          text: '/access-admin audit verify compares the database with these comments: events deleted or rewritten after a checkpoint are named. Do not edit or delete the comments; keep this issue open.',
        },
      ],
    },
  });
  return created.key;
}

/** Posts one checkpoint as a comment; a retry that finds it already posted does nothing. */
export async function auditCheckpointJob(deps: SideEffectDeps, job: JobOf<'audit.checkpoint'>): Promise<void> {
  const checkpoint = fromPayload(job.payload);
  const key = await checkpointIssue(deps, true);
  if (!key) throw new PermanentError('the audit checkpoint issue could not be created');
  const posted = parseCheckpoints(await deps.ticketing.listComments(key));
  const latest = posted[posted.length - 1];
  if (latest && latest.headId === checkpoint.headId && latest.headHash === checkpoint.headHash) return;
  await deps.ticketing.addComment(key, [`Audit ${describeCheckpoint(checkpoint, checkpoint.at)} (event ${checkpoint.headId}).`, checkpointLine(checkpoint)]);
}
