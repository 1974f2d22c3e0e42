/**
 * Exactly one Keycard process owns a database file. The owner holds a lease row (`owner_lease`, id 1)
 * and refreshes its heartbeat on a timer; a second process finds the row, sees the heartbeat move, and
 * refuses to start, naming the holder. A holder that stops heartbeating (crashed, killed, machine gone)
 * is taken over once its heartbeat is older than `staleAfterMs`, and the new owner logs whom it replaced.
 *
 * Why a lease row and not an OS lock: Node has no flock/fcntl without a native addon, a pid file cannot
 * tell a live holder on another host or container (a shared volume) from a dead one, and advisory locks
 * are unreliable on network filesystems. The row lives in the database itself, so it travels with the
 * file (restores, copies), is read and written under SQLite's own write lock (IMMEDIATE transactions),
 * and is the same shape as the advisory lock a PostgreSQL deployment would use later.
 *
 * Times here are real wall-clock time (`Date.now()` unless injected), not Keycard's injected Clock: the
 * lease is about processes, and tests move Keycard's clock freely.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type Database from 'better-sqlite3';
import { KeycardError } from '../domain/errors.js';

export interface LeaseHolder {
  readonly ownerId: string;
  readonly pid: number;
  readonly host: string;
  readonly acquiredAt: Date;
  readonly heartbeatAt: Date;
}

export interface LeaseOptions {
  /** How often the owner refreshes its heartbeat. */
  readonly heartbeatMs: number;
  /** A heartbeat older than this means the holder is gone; default three heartbeats. */
  readonly staleAfterMs?: number;
  /** Wall clock in ms; injectable for tests. */
  readonly now?: () => number;
  readonly pid?: number;
  readonly host?: string;
}

interface LeaseRow {
  owner_id: string;
  pid: number;
  host: string;
  acquired_at: number;
  heartbeat_at: number;
}

function toHolder(row: LeaseRow): LeaseHolder {
  return { ownerId: row.owner_id, pid: row.pid, host: row.host, acquiredAt: new Date(row.acquired_at), heartbeatAt: new Date(row.heartbeat_at) };
}

/** Another live Keycard owns the database. */
export class DatabaseInUseError extends KeycardError {
  constructor(
    readonly holder: LeaseHolder,
    databasePath: string,
    staleAfterMs: number,
  ) {
    super(
      'config',
      `Keycard cannot start: the database ${databasePath} is owned by another Keycard ` +
        `(pid ${holder.pid} on host ${holder.host}, since ${holder.acquiredAt.toISOString()}, last heartbeat ${holder.heartbeatAt.toISOString()}). ` +
        `Exactly one Keycard may run on a database: stop that one first. If it crashed, a new Keycard takes over ` +
        `once its heartbeat is older than ${Math.ceil(staleAfterMs / 1000)} s.`,
    );
    this.name = 'DatabaseInUseError';
  }
}

export type AcquireAttempt =
  | { readonly acquired: true; readonly previous: LeaseHolder | null }
  | { readonly acquired: false; readonly holder: LeaseHolder };

export class OwnerLease {
  readonly ownerId = randomUUID();
  readonly pid: number;
  readonly host: string;
  readonly heartbeatMs: number;
  readonly staleAfterMs: number;
  /** The holder this process took over from (its heartbeat had gone stale), if any. */
  previous: LeaseHolder | null = null;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private held = false;

  constructor(
    private readonly sqlite: Database.Database,
    options: LeaseOptions,
  ) {
    this.heartbeatMs = options.heartbeatMs;
    this.staleAfterMs = options.staleAfterMs ?? 3 * options.heartbeatMs;
    this.now = options.now ?? Date.now;
    this.pid = options.pid ?? process.pid;
    this.host = options.host ?? hostname();
  }

  /** The current holder, if any. */
  holder(): LeaseHolder | null {
    const row = this.sqlite.prepare('SELECT owner_id, pid, host, acquired_at, heartbeat_at FROM owner_lease WHERE id = 1').get() as LeaseRow | undefined;
    return row ? toHolder(row) : null;
  }

  /** One attempt, in one IMMEDIATE transaction: take the lease if it is free, ours or stale. */
  tryAcquire(): AcquireAttempt {
    const attempt = this.sqlite
      .transaction((): AcquireAttempt => {
        const current = this.holder();
        const now = this.now();
        if (current && current.ownerId !== this.ownerId && now - current.heartbeatAt.getTime() <= this.staleAfterMs) {
          return { acquired: false, holder: current };
        }
        this.sqlite
          .prepare(
            `INSERT INTO owner_lease (id, owner_id, pid, host, acquired_at, heartbeat_at) VALUES (1, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET owner_id = excluded.owner_id, pid = excluded.pid, host = excluded.host,
               acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at`,
          )
          .run(this.ownerId, this.pid, this.host, now, now);
        return { acquired: true, previous: current && current.ownerId !== this.ownerId ? current : null };
      })
      .immediate();
    if (attempt.acquired) {
      this.held = true;
      this.previous = attempt.previous;
    }
    return attempt;
  }

  /**
   * Takes the lease, waiting while the holder is silent: if its heartbeat moves it is alive and this
   * throws DatabaseInUseError (within about one heartbeat); if it stays silent past `staleAfterMs` the
   * lease is taken over. So a restart after a crash just works, and a second copy is refused.
   */
  async acquire(databasePath = '(in memory)'): Promise<void> {
    let first: LeaseHolder | null = null;
    for (;;) {
      const attempt = this.tryAcquire();
      if (attempt.acquired) return;
      const { holder } = attempt;
      if (first === null) first = holder;
      else if (holder.ownerId !== first.ownerId || holder.heartbeatAt.getTime() !== first.heartbeatAt.getTime()) {
        throw new DatabaseInUseError(holder, databasePath, this.staleAfterMs);
      }
      const untilStale = holder.heartbeatAt.getTime() + this.staleAfterMs + 1 - this.now();
      const pause = Math.max(1, Math.min(Math.ceil(this.heartbeatMs / 4), untilStale));
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  /** Refreshes the heartbeat; false when another process has taken the lease (this one was stale). */
  heartbeat(): boolean {
    if (!this.held) return false;
    const changes = this.sqlite.prepare('UPDATE owner_lease SET heartbeat_at = ? WHERE id = 1 AND owner_id = ?').run(this.now(), this.ownerId).changes;
    if (changes === 0) this.held = false;
    return changes > 0;
  }

  /**
   * Heartbeats every `heartbeatMs` until `release()`. `onLost` is called once if the lease was taken
   * over (this process stalled past the staleness limit): it must stop writing to the database.
   * `onError` gets a heartbeat that failed (e.g. the database was busy); the next tick tries again.
   */
  startHeartbeat(onLost: (by: LeaseHolder | null) => void, onError: (error: unknown) => void = () => {}): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => {
      try {
        if (this.heartbeat()) return;
        clearInterval(this.timer);
        this.timer = undefined;
        onLost(this.holder());
      } catch (error) {
        onError(error);
      }
    }, this.heartbeatMs);
    this.timer.unref();
  }

  /** Stops heartbeating and frees the lease (only if still ours), so the next Keycard starts at once. */
  release(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!this.held) return;
    this.held = false;
    this.sqlite.prepare('DELETE FROM owner_lease WHERE id = 1 AND owner_id = ?').run(this.ownerId);
  }
}
