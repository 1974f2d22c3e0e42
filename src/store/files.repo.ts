/**
 * Export files: a CSV or report Keycard made, kept so the jobs that deliver it (a Slack DM, a Jira
 * attachment) read the same bytes on every attempt, after a restart too. The content is text (UTF-8).
 */
import { eq } from 'drizzle-orm';
import type { Db } from './db.js';
import { exportFiles } from './schema.js';

export type ExportFileRow = typeof exportFiles.$inferSelect;

export class FilesRepo {
  constructor(private readonly db: Db) {}

  save(input: { name: string; mimeType: string; content: string }, now: Date): ExportFileRow {
    return this.db
      .insert(exportFiles)
      .values({ ...input, createdAt: now.getTime() })
      .returning()
      .get();
  }

  get(id: number): ExportFileRow | undefined {
    return this.db.select().from(exportFiles).where(eq(exportFiles.id, id)).get();
  }
}
