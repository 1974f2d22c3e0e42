/**
 * Backups while Keycard runs: `npm run backup` uses SQLite's online backup API on a read-only connection,
 * leaves the running Keycard's owner lease alone, and a Keycard started on the restored copy finds every
 * request that was committed, with an audit chain that still verifies.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../src/store/backup.js';
import { Harness } from '../support/harness.js';
import { PEOPLE, type PersonKey } from '../support/people.js';

const REQUESTS = ['salesforce viewer', 'salesforce admin 1h fixing a report', 'github write reviewing code', 'warehouse analyst a quarterly query'];

/** Request ids in a backup, and requests whose audit trail is missing there (a torn copy would have some). */
function inspect(file: string): { ids: number[]; withoutAudit: unknown[] } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const ids = (db.prepare('SELECT id FROM requests ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);
    const withoutAudit = db.prepare('SELECT id FROM requests WHERE id NOT IN (SELECT request_id FROM audit_events WHERE request_id IS NOT NULL)').all();
    return { ids, withoutAudit };
  } finally {
    db.close();
  }
}

function leaseOf(sqlite: Database.Database): unknown {
  return sqlite.prepare('SELECT owner_id, pid, acquired_at FROM owner_lease WHERE id = 1').get();
}

describe('backups', () => {
  let h: Harness | undefined;
  let restored: Harness | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'keycard-backup-'));
  afterEach(async () => {
    await restored?.stop();
    await h?.stop();
    restored = undefined;
    h = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('restores a backup taken during a burst of requests with every request committed before it', async () => {
    h = await Harness.start();
    const live = h.store.handle.sqlite;
    const lease = leaseOf(live);
    const people = Object.keys(PEOPLE) as PersonKey[];
    const file = join(dir, 'burst.db');
    const stepwise = join(dir, 'burst-stepwise.db');

    // Every person asks for every role at once; the backup starts once the first requests are in.
    const burst = Promise.all(people.flatMap((p) => REQUESTS.map((text) => h!.driver.command(PEOPLE[p].slackId, '/request', text))));
    const firstIn = async (): Promise<void> => {
      while ((live.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n === 0) await new Promise((r) => setImmediate(r));
    };
    await firstIn();
    const committedBefore = (live.prepare('SELECT max(id) AS id FROM requests').get() as { id: number }).id;
    // As `npm run backup` does (one step, a WAL snapshot), and one page per step, where the burst's writes
    // between steps make SQLite restart the copy until it is consistent.
    const [result, stepResult] = await Promise.all([backupDatabase(h.databasePath, file), backupDatabase(h.databasePath, stepwise, { pagesPerStep: 1 })]);
    const answers = await burst;
    await h.settle();
    const leaseAfter = leaseOf(live);
    const liveCount = (live.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n;
    await h.stop({ keepFakes: true });
    const fakes = h.fakes;
    h = undefined;
    const restoredPath = join(dir, 'restored.db');
    copyFileSync(file, restoredPath);
    restored = await Harness.start({ databasePath: restoredPath, fakes });
    const { ids, withoutAudit } = inspect(restoredPath);
    const step = inspect(stepwise);

    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(liveCount).toBeGreaterThan(committedBefore);
    expect(result.check).toBe('ok');
    expect(stepResult.check).toBe('ok');
    expect(step.ids).toEqual(Array.from({ length: step.ids.length }, (_, i) => i + 1));
    expect(step.ids.length).toBeGreaterThanOrEqual(committedBefore);
    expect(step.withoutAudit).toEqual([]);
    expect(result.requests).toBe(ids.length);
    expect(lease).toEqual(leaseAfter);
    expect(ids.length).toBeGreaterThanOrEqual(committedBefore);
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
    expect(withoutAudit).toEqual([]);
    expect(restored.store.audit.verify()).toMatchObject({ ok: true });
    expect((await fetch(`${restored.keycard.baseUrl}/readyz`)).status).toBe(200);
  }, 60_000);

  it('`npm run backup -- <file>` copies the database of a running Keycard without taking its lease', async () => {
    h = await Harness.start();
    await h.driver.command(PEOPLE.priya.slackId, '/request', 'salesforce viewer');
    await h.settle();
    const lease = leaseOf(h.store.handle.sqlite);
    const file = join(dir, 'cli.db');

    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/backup.ts', file], {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        env: { ...process.env, DATABASE_PATH: h!.databasePath },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
    await h.driver.command(PEOPLE.eve.slackId, '/request', 'salesforce viewer');
    await h.settle();
    const copy = new Database(file, { readonly: true, fileMustExist: true });
    const copied = copy.prepare('SELECT id, status FROM requests').all();
    const copiedLease = copy.prepare('SELECT count(*) AS n FROM owner_lease').get();
    copy.close();

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain(`to ${file}:`);
    expect(run.stdout).toContain('1 requests');
    expect(run.stdout).toContain('check ok');
    expect(leaseOf(h.store.handle.sqlite)).toEqual(lease);
    expect(copied).toEqual([{ id: 1, status: 'active' }]);
    expect(copiedLease).toEqual({ n: 0 });
    expect(h.store.requests.get(2)?.status).toBe('active');
  }, 30_000);

  it('refuses to run without a target file', async () => {
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/backup.ts'], { cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('exit', (code) => resolve({ code, stderr }));
    });

    expect(run.code).toBe(64);
    expect(run.stderr).toContain('usage: npm run backup -- <backup file>');
  });
});
