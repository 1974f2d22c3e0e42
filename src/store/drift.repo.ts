/**
 * Drift checks: each check's report, newest last. The newest is what the next check compares with.
 */
import { desc, eq } from 'drizzle-orm';
import type { Db } from './db.js';
import { driftRuns } from './schema.js';

export type DriftRunRow = typeof driftRuns.$inferSelect;

export class DriftRepo {
  constructor(private readonly db: Db) {}

  insert(input: Omit<DriftRunRow, 'id'>): DriftRunRow {
    return this.db.insert(driftRuns).values(input).returning().get();
  }

  /** The newest check, or undefined before the first. */
  last(): DriftRunRow | undefined {
    return this.db.select().from(driftRuns).orderBy(desc(driftRuns.id)).limit(1).get();
  }

  get(id: number): DriftRunRow | undefined {
    return this.db.select().from(driftRuns).where(eq(driftRuns.id, id)).get();
  }

  byJob(jobId: number): DriftRunRow | undefined {
    return this.db.select().from(driftRuns).where(eq(driftRuns.jobId, jobId)).get();
  }

  setJiraLabel(id: number, label: string): void {
    this.db.update(driftRuns).set({ jiraLabel: label }).where(eq(driftRuns.id, id)).run();
  }
}
