/**
 * The owner lease on a real SQLite file with two connections, as two Keycard processes would hold it.
 * Wall time is injected, so nothing waits for a heartbeat to go stale.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, openOwnedDatabase, type DbHandle } from '../../src/store/db.js';
import { DatabaseInUseError, OwnerLease } from '../../src/store/owner-lease.js';

describe('owner lease', () => {
  let dir: string;
  let path: string;
  let now: number;
  const handles: DbHandle[] = [];

  function lease(pid: number, host = 'host-a'): OwnerLease {
    const handle = openDatabase(path);
    handles.push(handle);
    return new OwnerLease(handle.sqlite, { heartbeatMs: 20, now: () => now, pid, host });
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keycard-lease-'));
    path = join(dir, 'keycard.db');
    now = Date.parse('2026-01-06T14:00:00Z');
  });
  afterEach(() => {
    for (const handle of handles.splice(0)) handle.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second owner while the first heartbeats, naming pid, host and since', async () => {
    const first = lease(111, 'box-1');
    await first.acquire(path);
    const second = lease(222, 'box-2');

    const attempt = second.acquire(path);
    now += 10;
    expect(first.heartbeat()).toBe(true);

    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseInUseError);
    expect(String((error as Error).message)).toContain('pid 111 on host box-1, since 2026-01-06T14:00:00.000Z');
    expect(second.holder()).toMatchObject({ pid: 111, host: 'box-1' });
  });

  it('takes over a holder whose heartbeat is stale, and the old holder learns it lost the lease', async () => {
    const first = lease(111);
    await first.acquire(path);
    now += 61; // more than 3 heartbeats of 20 ms
    const second = lease(222);

    await second.acquire(path);

    expect(second.previous).toMatchObject({ pid: 111, host: 'host-a' });
    expect(second.holder()).toMatchObject({ pid: 222 });
    expect(first.heartbeat()).toBe(false);
    expect(second.heartbeat()).toBe(true);
  });

  it('is free again at once after a graceful release, and release never frees another owner', async () => {
    const first = lease(111);
    await first.acquire(path);
    first.release();
    const second = lease(222);

    expect(second.tryAcquire()).toEqual({ acquired: true, previous: null });

    first.release();
    expect(second.holder()).toMatchObject({ pid: 222 });
  });

  it('openOwnedDatabase closes its handle when refused and releases the lease on close', async () => {
    const owner = await openOwnedDatabase(path, { heartbeatMs: 20, now: () => now });
    const refused = openOwnedDatabase(path, { heartbeatMs: 20, now: () => now });
    now += 10;
    owner.lease?.heartbeat();
    await expect(refused).rejects.toThrow(DatabaseInUseError);

    owner.close();

    const next = await openOwnedDatabase(path, { heartbeatMs: 20, now: () => now });
    expect(next.lease?.previous).toBeNull();
    next.close();
  });
});
