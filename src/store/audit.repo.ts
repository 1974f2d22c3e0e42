/**
 * The append-only, hash-chained audit log. Each event stores the hash of the previous one, so an edit or a
 * deletion anywhere breaks the chain from that point on and `verify()` names the first broken event.
 */
import { createHash } from 'node:crypto';
import { asc, desc, eq, gt } from 'drizzle-orm';
import type { Actor } from '../domain/types.js';
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

export function actorLabel(actor: Actor): string {
  return actor.kind === 'user' ? `user:${actor.slackId}` : `system:${actor.reason}`;
}

function hashEvent(prevHash: string, e: Omit<AuditEvent, 'id' | 'hash' | 'prevHash'>): string {
  const canonical = JSON.stringify([
    prevHash,
    e.at,
    e.actor,
    e.action,
    e.requestId,
    e.fromStatus,
    e.toStatus,
    e.data,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

export type VerifyResult =
  | { readonly ok: true; readonly count: number }
  | { readonly ok: false; readonly count: number; readonly brokenAt: number; readonly problem: string };

export class AuditRepo {
  /**
   * Called with every appended event, inside the same transaction (so what it enqueues commits with the
   * change the event records). Set by the composition root; App Home refreshes hang off it.
   */
  onAppend: (event: AuditEvent) => void = () => {};

  constructor(private readonly db: Db) {}

  /** Appends one event; call inside the transaction of the change it records. */
  append(input: AuditInput): AuditEvent {
    const last = this.db.select({ hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.id)).limit(1).get();
    const prevHash = last?.hash ?? GENESIS_HASH;
    const row = {
      at: input.at.getTime(),
      actor: actorLabel(input.actor),
      action: input.action,
      requestId: input.requestId ?? null,
      fromStatus: input.fromStatus ?? null,
      toStatus: input.toStatus ?? null,
      data: input.data ?? {},
    };
    const hash = hashEvent(prevHash, row);
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

  /** Recomputes the whole chain. */
  verify(): VerifyResult {
    let prev = GENESIS_HASH;
    let count = 0;
    for (const event of this.pages()) {
      count += 1;
      if (event.prevHash !== prev) {
        return { ok: false, count, brokenAt: event.id, problem: 'previous hash does not match (an event was removed or reordered)' };
      }
      const expected = hashEvent(prev, event);
      if (expected !== event.hash) {
        return { ok: false, count, brokenAt: event.id, problem: 'content does not match its hash (the event was edited)' };
      }
      prev = event.hash;
    }
    return { ok: true, count };
  }
}
