/**
 * Opens the SQLite database and applies the committed migrations.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { OwnerLease, type LeaseOptions } from './owner-lease.js';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema>;

export interface DbHandle {
  readonly db: Db;
  readonly sqlite: Database.Database;
  /** Present when opened with `openOwnedDatabase`: this process owns the file. */
  readonly lease?: OwnerLease;
  /** Closes the database, releasing the lease first when there is one. */
  close(): void;
}

const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations');

/** Opens (creating its folder if needed) and migrates the database at `path`; `:memory:` for tests. */
export function openDatabase(path: string): DbHandle {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle({ client: sqlite, schema });
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return {
    db,
    sqlite,
    close: () => sqlite.close(),
  };
}

/**
 * Opens the database for the one process that owns it: migrates, then takes the owner lease before
 * anything else touches the data (in particular before the worker resets jobs left `running`).
 * Throws DatabaseInUseError, naming the holder, when another live Keycard owns the file.
 */
export async function openOwnedDatabase(path: string, lease: LeaseOptions): Promise<DbHandle> {
  const handle = openDatabase(path);
  const owner = new OwnerLease(handle.sqlite, lease);
  try {
    await owner.acquire(path);
  } catch (error) {
    handle.close();
    throw error;
  }
  return {
    db: handle.db,
    sqlite: handle.sqlite,
    lease: owner,
    close: () => {
      owner.release();
      handle.sqlite.close();
    },
  };
}
