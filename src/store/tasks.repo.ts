/**
 * Fulfilment tasks for manual apps: a person grants or removes access by hand and confirms it in Slack.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from './db.js';
import { fulfilmentTasks } from './schema.js';

export type TaskRow = typeof fulfilmentTasks.$inferSelect;
export type TaskKind = 'grant' | 'revoke';
export type TaskStatus = 'open' | 'done' | 'failed';

export class TasksRepo {
  constructor(private readonly db: Db) {}

  insert(input: { requestId: number; grantId: number | null; kind: TaskKind; reason: string | null; fulfillers: string[] }, now: Date): TaskRow {
    return this.db
      .insert(fulfilmentTasks)
      .values({ ...input, status: 'open', createdAt: now.getTime() })
      .returning()
      .get();
  }

  get(id: number): TaskRow | undefined {
    return this.db.select().from(fulfilmentTasks).where(eq(fulfilmentTasks.id, id)).get();
  }

  openFor(requestId: number, kind: TaskKind): TaskRow | undefined {
    return this.db
      .select()
      .from(fulfilmentTasks)
      .where(and(eq(fulfilmentTasks.requestId, requestId), eq(fulfilmentTasks.kind, kind), eq(fulfilmentTasks.status, 'open')))
      .get();
  }

  recordMessage(id: number, channel: string, ts: string): void {
    this.db.update(fulfilmentTasks).set({ channel, ts }).where(eq(fulfilmentTasks.id, id)).run();
  }

  /** Closes an open task; false when someone closed it first. */
  close(id: number, status: Exclude<TaskStatus, 'open'>, by: string, now: Date): boolean {
    return (
      this.db
        .update(fulfilmentTasks)
        .set({ status, decidedBy: by, decidedAt: now.getTime() })
        .where(and(eq(fulfilmentTasks.id, id), eq(fulfilmentTasks.status, 'open')))
        .run().changes === 1
    );
  }
}
