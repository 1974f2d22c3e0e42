/**
 * Online backup: a consistent copy of the database while Keycard runs, through SQLite's backup API
 * (better-sqlite3 `db.backup()`), never a file copy, which could catch the file half-way through a
 * transaction or miss what is still in the WAL. The source is opened read-only and the owner lease is
 * not touched: the running Keycard keeps owning its file.
 */
import { renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';

export interface BackupResult {
  readonly path: string;
  readonly pages: number;
  readonly requests: number;
  readonly auditEvents: number;
  /** SQLite's `quick_check` of the copy: `ok` or the first problem. */
  readonly check: string;
}

export interface BackupOptions {
  /**
   * Pages copied per step. Default: all in one step, i.e. one read transaction on a WAL snapshot, which
   * Keycard's writes do not disturb (WAL readers and writers do not block each other). With smaller steps
   * a write by Keycard between two steps makes SQLite start the copy again, so it still ends consistent.
   */
  readonly pagesPerStep?: number;
}

export async function backupDatabase(sourcePath: string, destinationPath: string, options: BackupOptions = {}): Promise<BackupResult> {
  const partial = `${destinationPath}.partial`;
  rmSync(partial, { force: true });
  const source = new Database(sourcePath, { readonly: true, fileMustExist: true });
  let pages: number;
  try {
    source.pragma('busy_timeout = 5000');
    const step = options.pagesPerStep ?? 0x7fffffff;
    const meta = await source.backup(partial, { progress: () => step });
    pages = meta.totalPages;
  } finally {
    source.close();
  }
  const copy = new Database(partial);
  try {
    // The copy belongs to nobody: a Keycard restored from it starts at once instead of waiting out the
    // lease of the process that was running when the copy was taken.
    copy.prepare('DELETE FROM owner_lease').run();
    // One self-contained file (no -wal beside it); Keycard switches back to WAL when it opens the file.
    copy.pragma('journal_mode = DELETE');
    const check = String(copy.pragma('quick_check', { simple: true }));
    const count = (table: string) => (copy.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const result = { path: destinationPath, pages, requests: count('requests'), auditEvents: count('audit_events'), check };
    copy.close();
    if (check !== 'ok') throw new Error(`the copy failed SQLite's quick_check: ${check}`);
    renameSync(partial, destinationPath);
    return result;
  } catch (error) {
    if (copy.open) copy.close();
    rmSync(partial, { force: true });
    throw error;
  }
}
