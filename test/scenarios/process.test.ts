/**
 * Keycard as operators run it: `src/main.ts` in its own process, configured only by the environment,
 * against the fakes in this process. A crash mid-provisioning, start-up refusals, health and a graceful stop.
 *
 * The child is `node --import tsx src/main.ts`, which is what `node_modules/.bin/tsx` runs, minus the
 * CLI's wrapper process: SIGKILL must reach Keycard itself, and a wrapper cannot relay SIGKILL.
 * Waits poll real processes and the fakes with a short back-off up to a deadline; nothing sleeps a fixed time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { harnessEnv, SECRETS, startFakes, type Fakes } from '../support/harness.js';
import { PEOPLE, TEST_CATALOG } from '../support/people.js';
import { SlackDriver } from '../support/slack-driver.js';
import { freePort } from '../support/ports.js';

const { priya } = PEOPLE;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEADLINE_MS = 20_000;
const OKTA_MEMBERSHIP = /^\/api\/v1\/groups\/[^/]+\/users\/[^/]+$/;

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

interface Keycard {
  readonly proc: ChildProcess;
  readonly port: number;
  readonly exited: Promise<Exit>;
  stdout: string;
  stderr: string;
}


/** Polls `probe` with a short back-off until it returns something truthy or the deadline passes. */
async function waitFor<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, deadlineMs = DEADLINE_MS): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let pause = 20;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, 250);
  }
}

describe.sequential('Keycard as a process', () => {
  let fakes: Fakes;
  let dir: string;
  let catalogPath: string;
  let dbPath: string;
  const children: Keycard[] = [];

  beforeEach(async () => {
    fakes = await startFakes();
    dir = mkdtempSync(join(tmpdir(), 'keycard-process-'));
    catalogPath = join(dir, 'catalog.yaml');
    dbPath = join(dir, 'keycard.db');
    writeFileSync(catalogPath, TEST_CATALOG);
  });

  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
      await child.exited;
    }
    await Promise.all([fakes.slack.stop(), fakes.jira.stop(), fakes.okta.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  /** The environment an operator would set, plus what node itself needs. */
  function envFor(port: number, extra: Record<string, string> = {}): Record<string, string> {
    const base: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir };
    if (process.env.TMPDIR) base.TMPDIR = process.env.TMPDIR;
    return { ...base, ...harnessEnv(fakes, dbPath, { PORT: String(port), CATALOG_PATH: catalogPath, LOG_LEVEL: 'info', KEYCARD_LEASE_HEARTBEAT: '1s', KEYCARD_SCHEDULE_AUDIT_CHECKPOINT: '0 0 0 1 1 *', ...extra }) };
  }

  function startKeycard(env: Record<string, string>): Keycard {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const child: Keycard = {
      proc,
      port: Number(env.PORT),
      stdout: '',
      stderr: '',
      exited: new Promise<Exit>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal }))),
    };
    proc.stdout?.on('data', (chunk: Buffer) => (child.stdout += chunk.toString()));
    proc.stderr?.on('data', (chunk: Buffer) => (child.stderr += chunk.toString()));
    children.push(child);
    return child;
  }

  async function exitOf(child: Keycard, deadlineMs = DEADLINE_MS): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Keycard did not exit within ${deadlineMs} ms; stderr:\n${child.stderr}`)), deadlineMs);
    });
    try {
      return await Promise.race([child.exited, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** GET /readyz until it answers 200 (the job counts /healthz showed before it split); fails early, with the child's output, if the child exits. */
  async function healthy(child: Keycard): Promise<Record<string, unknown>> {
    return waitFor(`GET /readyz on port ${child.port}`, async () => {
      if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
        throw new Error(`Keycard exited (${child.proc.exitCode ?? child.proc.signalCode}) before it was healthy:\n${child.stderr}\n${child.stdout}`);
      }
      try {
        const response = await fetch(`http://127.0.0.1:${child.port}/readyz`);
        if (response.status !== 200) return undefined;
        expect(response.headers.get('content-type')).toContain('application/json');
        return (await response.json()) as Record<string, unknown>;
      } catch {
        return undefined; // not listening yet
      }
    });
  }

  function driverFor(child: Keycard): SlackDriver {
    return new SlackDriver({ appUrl: `http://127.0.0.1:${child.port}/slack/events`, signingSecret: SECRETS.signingSecret, slack: fakes.slack });
  }

  function addedComments(): string[] {
    const issue = fakes.jira.issueByLabel('keycard-request-1');
    return issue ? fakes.jira.comments(issue.key).filter((c) => c.startsWith('Added Priya Shah')) : [];
  }

  it('completes a provisioning cut short by SIGKILL exactly once after a restart', async () => {
    fakes.okta.inject({ method: 'PUT', path: OKTA_MEMBERSHIP, hang: true });
    const first = startKeycard(envFor(await freePort()));
    await healthy(first);

    const answer = await driverFor(first).command(priya.slackId, '/request', 'salesforce viewer');
    expect(answer.body).toContain('Request *#1*');
    await waitFor('the Okta PUT to arrive', () => fakes.okta.callsTo('PUT', OKTA_MEMBERSHIP).length > 0);
    first.proc.kill('SIGKILL');
    expect(await exitOf(first)).toEqual({ code: null, signal: 'SIGKILL' });
    // Okta carries out the PUT whose answer now goes nowhere, as a real server would.
    fakes.okta.releaseHung();

    const crashed = new Database(dbPath, { readonly: true, fileMustExist: true });
    const left = crashed.prepare(`SELECT status FROM jobs WHERE kind = 'idp.provision' AND request_id = 1`).get() as { status: string } | undefined;
    const grantsBefore = crashed.prepare(`SELECT count(*) AS n FROM grants WHERE status <> 'provisioning'`).get() as { n: number };
    const heldBefore = crashed.prepare(`SELECT count(*) AS n FROM grant_groups WHERE status = 'held'`).get() as { n: number };
    crashed.close();
    expect(left?.status).toBe('running');
    // The grant exists from the start of provisioning (migrations/0004), but holds nothing the IdP did not confirm.
    expect(grantsBefore.n).toBe(0);
    expect(heldBefore.n).toBe(0);

    const second = startKeycard(envFor(await freePort()));
    await healthy(second);
    await waitFor('the "Added" Jira comment', () => addedComments().length > 0);
    await waitFor('the "You now have" DM', () => fakes.slack.dms(priya.slackId).some((m) => m.text.includes('You now have')));
    await waitFor('the queue to empty', async () => {
      const health = (await (await fetch(`http://127.0.0.1:${second.port}/readyz`)).json()) as { jobs: { pending: number; running: number } };
      return health.jobs.pending === 0 && health.jobs.running === 0;
    });
    second.proc.kill('SIGTERM');
    expect(await exitOf(second)).toEqual({ code: 0, signal: null });

    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    const grants = db.prepare('SELECT request_id AS requestId, status FROM grants').all();
    const request = db.prepare('SELECT status FROM requests WHERE id = 1').get() as { status: string };
    const jobs = db.prepare(`SELECT count(*) AS n FROM jobs WHERE status <> 'done'`).get() as { n: number };
    db.close();
    expect(grants).toEqual([{ requestId: 1, status: 'active' }]);
    expect(request.status).toBe('active');
    expect(jobs.n).toBe(0);
    expect(fakes.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
    expect(fakes.jira.issues()).toHaveLength(1);
    expect(addedComments()).toHaveLength(1);
    expect(fakes.slack.dms(priya.slackId).filter((m) => m.text.includes('You now have'))).toHaveLength(1);
    expect(second.stdout).toContain('resuming jobs left running by a previous process');
  }, 60_000);

  /** The owner lease row as another process sees it. */
  function leaseRow(): { pid: number; host: string; acquired_at: number; heartbeat_at: number } | undefined {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT pid, host, acquired_at, heartbeat_at FROM owner_lease WHERE id = 1').get() as { pid: number; host: string; acquired_at: number; heartbeat_at: number } | undefined;
    } finally {
      db.close();
    }
  }

  it('refuses a second Keycard on the same database, naming the holder, and leaves its running jobs alone', async () => {
    fakes.okta.inject({ method: 'PUT', path: OKTA_MEMBERSHIP, hang: true });
    const first = startKeycard(envFor(await freePort()));
    await healthy(first);
    await driverFor(first).command(priya.slackId, '/request', 'salesforce viewer');
    await waitFor('the Okta PUT to arrive', () => fakes.okta.callsTo('PUT', OKTA_MEMBERSHIP).length > 0);
    const held = leaseRow();

    const second = startKeycard(envFor(await freePort()));
    const exit = await exitOf(second);

    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(held).toMatchObject({ pid: first.proc.pid, host: hostname() });
    expect(second.stderr).toContain(`pid ${first.proc.pid} on host ${hostname()}, since ${new Date(held?.acquired_at ?? 0).toISOString()}`);
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    const job = db.prepare(`SELECT status, attempts FROM jobs WHERE kind = 'idp.provision' AND request_id = 1`).get();
    db.close();
    expect(job).toEqual({ status: 'running', attempts: 1 });
    expect(second.stdout).not.toContain('resuming jobs left running');

    fakes.okta.releaseHung();
    await waitFor('the "You now have" DM', () => fakes.slack.dms(priya.slackId).some((m) => m.text.includes('You now have')));
    expect(fakes.okta.callsTo('PUT', OKTA_MEMBERSHIP)).toHaveLength(1);
    expect((await healthy(first)).ok).toBe(true);
    first.proc.kill('SIGTERM');
    expect(await exitOf(first)).toEqual({ code: 0, signal: null });
    expect(leaseRow()).toBeUndefined();
  }, 60_000);

  it('takes over from a holder killed with SIGKILL once its heartbeat is stale, and resumes its jobs', async () => {
    fakes.okta.inject({ method: 'PUT', path: OKTA_MEMBERSHIP, hang: true });
    const first = startKeycard(envFor(await freePort()));
    await healthy(first);
    await driverFor(first).command(priya.slackId, '/request', 'salesforce viewer');
    await waitFor('the Okta PUT to arrive', () => fakes.okta.callsTo('PUT', OKTA_MEMBERSHIP).length > 0);
    first.proc.kill('SIGKILL');
    await exitOf(first);
    fakes.okta.releaseHung();
    const dead = leaseRow();

    const second = startKeycard(envFor(await freePort()));
    await healthy(second);
    await waitFor('the "You now have" DM', () => fakes.slack.dms(priya.slackId).some((m) => m.text.includes('You now have')));

    const taken = leaseRow();
    expect(dead?.pid).toBe(first.proc.pid);
    expect(taken?.pid).toBe(second.proc.pid);
    // Not before the dead holder's heartbeat was three heartbeats (3 s) old.
    expect((taken?.acquired_at ?? 0) - (dead?.heartbeat_at ?? 0)).toBeGreaterThan(3000);
    expect(second.stdout).toContain('took over the database from a Keycard that stopped heartbeating');
    expect(second.stdout).toContain(`"previousPid":${first.proc.pid}`);
    expect(second.stdout).toContain('resuming jobs left running by a previous process');
    expect(fakes.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
  }, 60_000);

  it('refuses a catalog with a bad field, naming the file, line and field', async () => {
    const bad = TEST_CATALOG.replace('    provider: okta', '    provider: oktaa');
    const line = bad.split('\n').indexOf('    provider: oktaa') + 1;
    writeFileSync(catalogPath, bad);

    const child = startKeycard(envFor(await freePort()));
    const exit = await exitOf(child);

    expect(exit.code).toBe(78);
    expect(child.stderr).toContain(`catalog.yaml:${line} apps[0].provider`);
    expect(child.stderr).toContain("unknown provider 'oktaa'");
    expect(child.stderr).toContain('allowed: okta, entra, google, manual');
    expect(child.stderr).toContain('README');
    expect(child.stderr).toContain('npm run demo');
    expect(fakes.slack.calls).toEqual([]);
  });

  it('refuses to start without its settings, naming every missing variable', async () => {
    const env = envFor(await freePort());
    delete env.SLACK_SIGNING_SECRET;
    delete env.JIRA_API_TOKEN;

    const child = startKeycard(env);
    const exit = await exitOf(child);

    expect(exit.code).not.toBe(0);
    expect(exit.code).toBe(78);
    expect(child.stderr).toContain('SLACK_SIGNING_SECRET');
    expect(child.stderr).toContain('JIRA_API_TOKEN');
    expect(child.stderr).toContain('README');
  });

  it('answers /readyz with job counts and stops gracefully on SIGTERM', async () => {
    const child = startKeycard(envFor(await freePort()));

    const health = await healthy(child);

    expect(health).toEqual({ ok: true, jobs: { pending: 0, running: 0, done: 0, dead: 0 }, activeGrants: 0 });

    child.proc.kill('SIGTERM');
    const exit = await exitOf(child);

    expect(exit).toEqual({ code: 0, signal: null });
    expect(child.stdout).toContain('"signal":"SIGTERM"');
  });
});
