/**
 * The append-only, hash-chained audit log. Each event stores the hash of the previous one, so an edit or a
 * deletion anywhere breaks the chain from that point on and `verify()` names the first broken event.
 *
 * With a key configured (KEYCARD_AUDIT_KEY) each event is sealed with HMAC-SHA256 and records the key's
 * id, so someone who can write the database but does not hold the key cannot recompute the chain after an
 * edit. Events without a key id are plain SHA-256 (written before a key was set); once the log is keyed,
 * a plain event after a keyed one is a failure (the key was stripped). Deleting the newest events leaves a
 * consistent chain: the checkpoints posted outside the database (src/workflows/evidence/) catch that.
 */
import { asc, desc, eq, gt, lte, sql } from 'drizzle-orm';
import type { Actor } from '../domain/types.js';
import { AuditKeyring } from './audit-keys.js';
import type { Db } from './db.js';
import { auditEvents } from './schema.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditInput {
  readonly at: Date;
  readonly actor: Actor;
  readonly action: string;
  readonly requestId?: number | null;
  readonly fromStatus?: string | null;
  readonly toStatus?: string | null;
  readonly data?: Record<string, unknown>;
}

export type AuditEvent = typeof auditEvents.$inferSelect;

/** How an actor is written in the audit log (and on a grant's group rows). */
export function actorLabel(actor: Actor): string {
  return actor.kind === 'user' ? `user:${actor.slackId}` : `system:${actor.reason}`;
}

type Sealed = Omit<AuditEvent, 'id' | 'hash' | 'prevHash'>;

/** The bytes an event's hash covers. Plain events keep the original layout so old logs still verify. */
function canonical(prevHash: string, e: Sealed): string {
  const fields: unknown[] = [prevHash, e.at, e.actor, e.action, e.requestId, e.fromStatus, e.toStatus, e.data];
  if (e.keyId !== null) fields.push(e.keyId);
  return JSON.stringify(fields);
}

export type VerifyResult =
  | { readonly ok: true; readonly count: number }
  | { readonly ok: false; readonly count: number; readonly brokenAt: number; readonly problem: string };

/** The newest event: what a checkpoint records. */
export interface AuditHead {
  readonly count: number;
  readonly id: number;
  readonly hash: string;
}

/** The whole chain's verdict with what an admin needs to read it. */
export interface ChainReport {
  readonly count: number;
  readonly head: AuditHead | null;
  /** The first event sealed with a key (HMAC); null when none is. */
  readonly keyedFrom: number | null;
  /** Key ids in the order they first appear. */
  readonly keyIds: readonly string[];
  readonly broken: { readonly at: number; readonly problem: string } | null;
}

export class AuditRepo {
  /**
   * Called with every appended event, inside the same transaction (so what it enqueues commits with the
   * change the event records). Set by the composition root; App Home refreshes hang off it.
   */
  onAppend: (event: AuditEvent) => void = () => {};

  constructor(
    private readonly db: Db,
    readonly keys: AuditKeyring = AuditKeyring.none(),
  ) {}

  /** Appends one event; call inside the transaction of the change it records. */
  append(input: AuditInput): AuditEvent {
    const last = this.db.select({ hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.id)).limit(1).get();
    const prevHash = last?.hash ?? GENESIS_HASH;
    const row: Sealed = {
      at: input.at.getTime(),
      actor: actorLabel(input.actor),
      action: input.action,
      requestId: input.requestId ?? null,
      fromStatus: input.fromStatus ?? null,
      toStatus: input.toStatus ?? null,
      data: input.data ?? {},
      keyId: this.keys.currentId,
    };
    const hash = this.keys.seal(row.keyId, canonical(prevHash, row));
    const event = this.db
      .insert(auditEvents)
      .values({ ...row, prevHash, hash })
      .returning()
      .get();
    this.onAppend(event);
    return event;
  }

  forRequest(requestId: number): AuditEvent[] {
    return this.db.select().from(auditEvents).where(eq(auditEvents.requestId, requestId)).orderBy(asc(auditEvents.id)).all();
  }

  all(): AuditEvent[] {
    return this.db.select().from(auditEvents).orderBy(asc(auditEvents.id)).all();
  }

  get(id: number): AuditEvent | undefined {
    return this.db.select().from(auditEvents).where(eq(auditEvents.id, id)).get();
  }

  /** How many events there are up to and including `id`. */
  countThrough(id: number): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(auditEvents).where(lte(auditEvents.id, id)).get()?.n ?? 0;
  }

  /** The id of the newest event at or before `id` (0: none). */
  lastIdThrough(id: number): number {
    return this.db.select({ id: sql<number | null>`max(${auditEvents.id})` }).from(auditEvents).where(lte(auditEvents.id, id)).get()?.id ?? 0;
  }

  head(): AuditHead | null {
    const last = this.db.select({ id: auditEvents.id, hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.id)).limit(1).get();
    if (!last) return null;
    return { count: this.countThrough(last.id), id: last.id, hash: last.hash };
  }

  /** The key id of the newest event (null: plain or empty). */
  lastKeyId(): string | null {
    return this.db.select({ keyId: auditEvents.keyId }).from(auditEvents).orderBy(desc(auditEvents.id)).limit(1).get()?.keyId ?? null;
  }

  /** Reads the log in pages so a long history does not sit in memory at once. */
  private *pages(pageSize = 1000): Generator<AuditEvent> {
    let after = 0;
    for (;;) {
      const page = this.db.select().from(auditEvents).where(gt(auditEvents.id, after)).orderBy(asc(auditEvents.id)).limit(pageSize).all();
      yield* page;
      if (page.length < pageSize) return;
      after = page[page.length - 1]!.id;
    }
  }

  /** Recomputes the whole chain, checking each event's seal with the key it names. */
  verifyChain(): ChainReport {
    let prev = GENESIS_HASH;
    let count = 0;
    let keyedFrom: number | null = null;
    const keyIds: string[] = [];
    let head: AuditHead | null = null;
    const report = (broken: ChainReport['broken']): ChainReport => ({ count, head, keyedFrom, keyIds, broken });
    for (const event of this.pages()) {
      count += 1;
      if (event.prevHash !== prev) {
        return report({ at: event.id, problem: 'previous hash does not match (an event was removed or reordered)' });
      }
      if (event.keyId === null && keyedFrom !== null) {
        return report({ at: event.id, problem: `it is not sealed with a key although the log is keyed from event ${keyedFrom} (it was rewritten without the key)` });
      }
      if (event.keyId !== null) {
        if (!this.keys.has(event.keyId)) {
          return report({ at: event.id, problem: `it is sealed with key ${event.keyId}, which is not configured (keep retired keys in KEYCARD_AUDIT_KEYS_PREVIOUS)` });
        }
        keyedFrom ??= event.id;
        if (!keyIds.includes(event.keyId)) keyIds.push(event.keyId);
      }
      if (this.keys.seal(event.keyId, canonical(prev, event)) !== event.hash) {
        return report({ at: event.id, problem: 'content does not match its hash (the event was edited)' });
      }
      prev = event.hash;
      head = { count, id: event.id, hash: event.hash };
    }
    return report(null);
  }

  /** The chain's verdict in short (see `verifyChain` for the details). */
  verify(): VerifyResult {
    const report = this.verifyChain();
    return report.broken ? { ok: false, count: report.count, brokenAt: report.broken.at, problem: report.broken.problem } : { ok: true, count: report.count };
  }
}
