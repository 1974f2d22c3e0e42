/**
 * `npm run bench -- faults [--seed N] [--requests N]`: access requests through random faults, then a check
 * that access never outlives its record.
 *
 * Keycard runs as real child processes (`node --import tsx src/main.ts`, as in test/scenarios/process.test.ts)
 * on one SQLite file, against the stateful fakes of Slack, Jira, Okta and Google on 127.0.0.1. Journeys go
 * through Slack's signed requests: `/request`, the owner's Approve click, "I'm done", `/access-admin revoke`,
 * or waiting for a short time-bound grant to expire. Meanwhile every fake answers a random share of calls
 * with 429 (+ Retry-After / X-Rate-Limit-Reset), 500 or a timeout (an answer after 20.5 s, past the 20 s
 * client timeouts; the write is still carried out, as a real server would), one Okta group answers a
 * permanent 404 on add, and Keycard is killed with SIGKILL at random points (often just as an IdP write
 * arrives) and restarted on the same database.
 *
 * Then the faults stop, the queue settles, Keycard stops, and for every user the IdP memberships (read from
 * the fakes) are compared with the groups Keycard's records say the user holds (the SQLite file, read-only).
 * The seed fixes the plan, the fault stream and the kill times; the interleaving still depends on timing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { Fault, HttpFake, RecordedCall } from '../fakes/http-fake.js';
import { harnessEnv, SECRETS, startFakes, stopFakes, type Fakes } from '../support/harness.js';
import { PEOPLE } from '../support/people.js';
import { SlackDriver, type DriverResponse } from '../support/slack-driver.js';
import { freePort } from '../support/ports.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { owen, ada } = PEOPLE;

// ------------------------------------------------------------------------------------------ settings

export interface FaultBenchOptions {
  readonly seed: number;
  readonly requests: number;
  readonly users: number;
  /** Kill and restart Keycard at least this many times. */
  readonly minRestarts: number;
  /** Keep the temporary directory (database and Keycard logs). */
  readonly keep: boolean;
}

/** Per call, once no injected fault matched: the chance of each kind of fault. */
const FAULT_RATES = { '429': 0.06, '500': 0.05, timeout: 0.007 } as const;
type FaultKind = keyof typeof FAULT_RATES;
/** Past the adapters' 20 s request timeout (Okta, Jira, Google, Graph); Slack's WebClient has none. */
const TIMEOUT_DELAY_MS = 20_500;
/** The whole run stops by itself after this, whatever state it is in. */
const RUN_DEADLINE_MS = 9 * 60_000;

/** Keycard's settings for this run: short back-off, a frequent expiry sweep, a fast lease heartbeat. */
const KEYCARD_ENV = {
  KEYCARD_JOB_MAX_ATTEMPTS: '6',
  KEYCARD_SCHEDULE_EXPIRY: '*/5 * * * * *',
  KEYCARD_WARN_BEFORE_SHORT: '30s',
  KEYCARD_WARN_BEFORE: '30s',
  KEYCARD_LEASE_HEARTBEAT: '1s',
  // Longer than a timed-out write can take to land (20.5 s here), so the recheck sees it.
  KEYCARD_REMOVAL_RECHECK: '30s',
  KEYCARD_SCHEDULE_AUDIT_CHECKPOINT: '0 0 0 1 1 *',
  LOG_LEVEL: 'info',
} as const;

// ------------------------------------------------------------------------------------------ catalog

interface RoleSpec {
  readonly app: string;
  readonly role: string;
  readonly provider: 'okta' | 'google';
  readonly groups: readonly string[];
  readonly approval: 'auto' | 'owner';
  readonly durations: readonly string[];
  /** Share of the journeys that ask for this role. */
  readonly weight: number;
}

/** The Okta group whose adds always answer 404 (it exists, so the start-up check passes). */
const BROKEN_GROUP = '00gwh_legacy';

/** Overlapping groups between roles of one app: viewer [read], admin [read, admin], and so on. */
const ROLES: readonly RoleSpec[] = [
  { app: 'crm', role: 'viewer', provider: 'okta', groups: ['00gcrm_read'], approval: 'auto', durations: [], weight: 3 },
  { app: 'crm', role: 'admin', provider: 'okta', groups: ['00gcrm_read', '00gcrm_admin'], approval: 'owner', durations: ['1m', '2m'], weight: 3 },
  { app: 'code', role: 'write', provider: 'okta', groups: ['00gcode_write'], approval: 'owner', durations: [], weight: 2 },
  { app: 'code', role: 'maintain', provider: 'okta', groups: ['00gcode_write', '00gcode_maint', '00gcode_audit'], approval: 'auto', durations: ['1m', '2m'], weight: 2 },
  { app: 'warehouse', role: 'reader', provider: 'okta', groups: ['00gwh_read'], approval: 'auto', durations: ['1m'], weight: 2 },
  { app: 'warehouse', role: 'loader', provider: 'okta', groups: ['00gwh_read', '00gwh_load', BROKEN_GROUP], approval: 'auto', durations: [], weight: 1 },
  { app: 'drive', role: 'viewer', provider: 'google', groups: ['drive-viewer@acme.com'], approval: 'auto', durations: [], weight: 2 },
  { app: 'drive', role: 'editor', provider: 'google', groups: ['drive-viewer@acme.com', 'drive-admin@acme.com'], approval: 'owner', durations: ['1m', '2m'], weight: 2 },
];

function catalogYaml(): string {
  const apps = [...new Set(ROLES.map((r) => r.app))];
  const lines = ['version: 1', 'apps:'];
  for (const app of apps) {
    const roles = ROLES.filter((r) => r.app === app);
    lines.push(`  - id: ${app}`, `    name: ${app.toUpperCase()}`, `    description: ${app} for the fault bench`, `    owner: ${owen.email}`, `    provider: ${roles[0]?.provider ?? 'okta'}`, '    roles:');
    for (const r of roles) {
      lines.push(`      - id: ${r.role}`, `        name: ${r.role}`, `        description: ${r.app} ${r.role}`, `        groups: [${r.groups.join(', ')}]`, `        approval: ${r.approval === 'auto' ? 'auto' : '[owner]'}`);
      if (r.durations.length > 0) lines.push(`        durations: [${r.durations.join(', ')}]`);
    }
  }
  return `${lines.join('\n')}\n`;
}

// ------------------------------------------------------------------------------------------ helpers

/** mulberry32: small, fast, good enough to draw a plan and a fault stream from a seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function between(random: () => number, low: number, high: number): number {
  return low + random() * (high - low);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}


/** Polls `probe` every `everyMs` until it returns something other than undefined, or the deadline passes. */
async function poll<T>(probe: () => T | undefined | Promise<T | undefined>, deadlineMs: number, everyMs = 250): Promise<T | undefined> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= until) return undefined;
    await sleep(everyMs);
  }
}

function countInto(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function describeCounts(map: ReadonlyMap<string, number>): string {
  return [...map.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
}

// ------------------------------------------------------------------------------------------ people

interface BenchUser {
  readonly slackId: string;
  readonly email: string;
  readonly name: string;
  readonly oktaId: string;
  readonly googleId: string;
}

function benchUsers(count: number): BenchUser[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(2, '0');
    return { slackId: `UBENCH${n}`, email: `bench${n}@acme.com`, name: `Bench User${n}`, oktaId: `00uBENCH${n}`, googleId: `3000000000000000${n}` };
  });
}

function addUsers(fakes: Fakes, users: readonly BenchUser[]): void {
  for (const u of users) {
    fakes.slack.addUser({ id: u.slackId, name: u.email.split('@')[0] ?? u.slackId, realName: u.name, email: u.email, tz: 'UTC' });
    fakes.okta.addUser({ id: u.oktaId, login: u.email, email: u.email, firstName: 'Bench', lastName: u.name.split(' ')[1] ?? '' });
    fakes.google?.addUser({ id: u.googleId, primaryEmail: u.email, givenName: 'Bench', familyName: u.name.split(' ')[1] ?? '' });
  }
  for (const r of ROLES) {
    for (const g of r.groups) {
      if (r.provider === 'okta') fakes.okta.addGroup({ id: g, name: g });
    }
  }
  // The Google groups (drive-viewer@, drive-admin@) are the ones startFakes(['google']) creates.
}

// ------------------------------------------------------------------------------------------ faults

type Service = 'slack' | 'jira' | 'okta' | 'google';

class Chaos {
  on = false;
  readonly injected = new Map<string, number>();
  /** Called when an IdP membership write arrives (the kill controller may SIGKILL Keycard right then). */
  onIdpWrite: () => void = () => {};

  constructor(private readonly random: () => number) {}

  attach(fake: HttpFake, service: Service): void {
    fake.chaos = (call) => this.decide(service, call);
  }

  private decide(service: Service, call: RecordedCall): Fault | undefined {
    if ((service === 'okta' || service === 'google') && isMembershipWrite(service, call)) this.onIdpWrite();
    if (!this.on) return undefined;
    const r = this.random();
    let kind: FaultKind | null = null;
    if (r < FAULT_RATES['429']) kind = '429';
    else if (r < FAULT_RATES['429'] + FAULT_RATES['500']) kind = '500';
    else if (r < FAULT_RATES['429'] + FAULT_RATES['500'] + FAULT_RATES.timeout) kind = 'timeout';
    if (kind === null) return undefined;
    countInto(this.injected, `${service} ${kind}`);
    if (kind === 'timeout') return { delayMs: TIMEOUT_DELAY_MS };
    const retryAfter = 1 + Math.floor(this.random() * 2);
    return kind === '429' ? throttled(service, retryAfter) : serverError(service);
  }
}

const OKTA_MEMBERSHIP = /^\/api\/v1\/groups\/[^/]+\/users\/[^/]+$/;
const GOOGLE_MEMBERS = /^\/admin\/directory\/v1\/groups\/[^/]+\/members(\/[^/]+)?$/;

function isMembershipWrite(service: Service, call: RecordedCall): boolean {
  if (service === 'okta') return (call.method === 'PUT' || call.method === 'DELETE') && OKTA_MEMBERSHIP.test(call.path);
  return (call.method === 'POST' || call.method === 'DELETE') && GOOGLE_MEMBERS.test(call.path);
}

function throttled(service: Service, seconds: number): Fault {
  switch (service) {
    case 'okta':
      return {
        status: 429,
        headers: { 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + seconds), date: new Date().toUTCString() },
        body: { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.', errorLink: 'E0000047', errorId: 'bench', errorCauses: [] },
      };
    case 'google':
      return { status: 429, headers: { 'retry-after': String(seconds) }, body: { error: { code: 429, message: 'Rate Limit Exceeded', errors: [{ reason: 'rateLimitExceeded', domain: 'usageLimits', message: 'Rate Limit Exceeded' }] } } };
    case 'jira':
      return { status: 429, headers: { 'retry-after': String(seconds) }, body: { errorMessages: ['Rate limit exceeded.'], errors: {} } };
    case 'slack':
      return { status: 429, headers: { 'retry-after': String(seconds) }, body: { ok: false, error: 'ratelimited' } };
  }
}

function serverError(service: Service): Fault {
  switch (service) {
    case 'okta':
      return { status: 500, body: { errorCode: 'E0000009', errorSummary: 'Internal Server Error', errorLink: 'E0000009', errorId: 'bench', errorCauses: [] } };
    case 'google':
      return { status: 500, body: { error: { code: 500, message: 'Backend Error', errors: [{ reason: 'backendError', domain: 'global', message: 'Backend Error' }] } } };
    case 'jira':
      return { status: 500, body: { errorMessages: ['Internal server error'], errors: {} } };
    case 'slack':
      return { status: 500, body: 'Internal Server Error' };
  }
}

// ------------------------------------------------------------------------------------------ Keycard processes

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

interface Child {
  readonly proc: ChildProcess;
  readonly port: number;
  readonly exited: Promise<Exit>;
  readonly logPath: string;
  readonly driver: SlackDriver;
}

/** One Keycard at a time on the database; restarts on a fresh port, waits (bounded) for /healthz. */
class Fleet {
  current: Child | null = null;
  restarts = 0;
  kills = 0;
  failedStarts = 0;
  /** Time from each SIGKILL until the next Keycard was healthy. */
  readonly downMs: number[] = [];
  private starting: Promise<void> | null = null;
  private count = 0;

  constructor(
    private readonly env: (port: number) => Record<string, string>,
    private readonly fakes: Fakes,
    private readonly dir: string,
    private readonly chaos: Chaos,
  ) {}

  private spawnOne(port: number): Child {
    this.count += 1;
    const logPath = join(this.dir, `keycard-${this.count}.log`);
    const log = openSync(logPath, 'a');
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env: this.env(port), stdio: ['ignore', log, log] });
    closeSync(log);
    const exited = new Promise<Exit>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
    const driver = new SlackDriver({ appUrl: `http://127.0.0.1:${port}/slack/events`, signingSecret: SECRETS.signingSecret, slack: this.fakes.slack });
    return { proc, port, exited, logPath, driver };
  }

  /** Starts a Keycard (faults paused during its start-up checks) and waits until it is healthy. */
  start(): Promise<void> {
    this.starting ??= this.startLoop().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async startLoop(): Promise<void> {
    this.chaos.on = false;
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const child = this.spawnOne(await freePort());
      const healthy = await poll(async () => {
        if (child.proc.exitCode !== null || child.proc.signalCode !== null) return false;
        try {
          return (await fetch(`http://127.0.0.1:${child.port}/healthz`, { signal: AbortSignal.timeout(2000) })).ok ? true : undefined;
        } catch {
          return undefined;
        }
      }, 60_000, 100);
      if (healthy === true) {
        this.current = child;
        this.chaos.on = true;
        return;
      }
      this.failedStarts += 1;
      if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
      await child.exited;
      process.stderr.write(`Keycard start ${attempt} failed; log tail:\n${readFileSync(child.logPath, 'utf8').slice(-1500)}\n`);
    }
    throw new Error('Keycard did not start in 5 attempts');
  }

  /** SIGKILL the running Keycard and start another on the same database. */
  async killAndRestart(): Promise<void> {
    const child = this.current;
    if (!child) return;
    this.current = null;
    const killedAt = Date.now();
    child.proc.kill('SIGKILL');
    this.kills += 1;
    await child.exited;
    this.restarts += 1;
    await this.start();
    this.downMs.push(Date.now() - killedAt);
  }

  /** The healthy Keycard, waiting (bounded) while one starts. */
  async up(): Promise<Child | null> {
    if (this.current) return this.current;
    await poll(() => (this.current ? true : undefined), 90_000, 100);
    return this.current;
  }

  async stop(): Promise<Exit | null> {
    const child = this.current;
    this.current = null;
    if (!child) return null;
    child.proc.kill('SIGTERM');
    const timer = setTimeout(() => child.proc.kill('SIGKILL'), 60_000);
    const exit = await child.exited;
    clearTimeout(timer);
    return exit;
  }
}

// ------------------------------------------------------------------------------------------ journeys

type EndAction = 'keep' | 'relinquish' | 'revoke' | 'expire';

interface Journey {
  readonly n: number;
  readonly tag: string;
  readonly user: BenchUser;
  readonly role: RoleSpec;
  readonly duration: string | null;
  readonly end: EndAction;
  readonly startAfterMs: number;
  readonly holdMs: number;
  requestId: number | null;
  /** What happened on the way that the request's status does not say. */
  note: string | null;
}

function plan(random: () => number, users: readonly BenchUser[], count: number, spreadMs: number): Journey[] {
  const weighted = ROLES.flatMap((r) => Array.from({ length: r.weight }, () => r));
  const used = new Set<string>();
  const journeys: Journey[] = [];
  for (let n = 1; n <= count; n += 1) {
    // Each (user, role) once, so no journey meets its own earlier grant (that is an extension offer).
    let user = pick(random, users);
    let role = pick(random, weighted);
    for (let tries = 0; used.has(`${user.slackId}/${role.app}/${role.role}`) && tries < 1000; tries += 1) {
      user = pick(random, users);
      role = pick(random, weighted);
    }
    used.add(`${user.slackId}/${role.app}/${role.role}`);
    const timeBound = role.durations.length > 0;
    const r = random();
    const end: EndAction = timeBound ? (r < 0.5 ? 'expire' : r < 0.75 ? 'relinquish' : 'revoke') : r < 0.4 ? 'keep' : r < 0.7 ? 'relinquish' : 'revoke';
    journeys.push({
      n,
      tag: `j${String(n).padStart(3, '0')}`,
      user,
      role,
      duration: timeBound ? pick(random, role.durations) : null,
      end,
      startAfterMs: Math.floor(random() * spreadMs),
      holdMs: Math.floor(between(random, 1000, 12_000)),
      requestId: null,
      note: null,
    });
  }
  return journeys;
}

interface Row {
  readonly id: number;
  readonly status: string;
}

/** Read-only views of Keycard's database (WAL: readers never block the writer). */
class Records {
  private db: Database.Database | null = null;

  constructor(private readonly path: string) {}

  private handle(): Database.Database {
    this.db ??= new Database(this.path, { readonly: true, fileMustExist: true });
    return this.db;
  }

  reopen(): void {
    this.db?.close();
    this.db = null;
  }

  requestByTag(tag: string): Row | undefined {
    return this.handle().prepare(`SELECT id, status FROM requests WHERE justification LIKE ? ORDER BY id LIMIT 1`).get(`%[${tag}]%`) as Row | undefined;
  }

  request(id: number): Row | undefined {
    return this.handle().prepare('SELECT id, status FROM requests WHERE id = ?').get(id) as Row | undefined;
  }

  grantOf(requestId: number): Row | undefined {
    return this.handle().prepare('SELECT id, status FROM grants WHERE request_id = ?').get(requestId) as Row | undefined;
  }

  queue(): { pending: number; running: number; dueGrants: number } {
    const db = this.handle();
    const jobs = db.prepare(`SELECT sum(status = 'pending') AS pending, sum(status = 'running') AS running FROM jobs`).get() as { pending: number | null; running: number | null };
    const due = db.prepare(`SELECT count(*) AS n FROM grants WHERE status = 'active' AND ends_at IS NOT NULL AND ends_at <= ?`).get(Date.now()) as { n: number };
    return { pending: jobs.pending ?? 0, running: jobs.running ?? 0, dueGrants: due.n };
  }

  close(): void {
    this.db?.close();
    this.db = null;
  }

  get raw(): Database.Database {
    return this.handle();
  }
}

const TERMINAL = new Set(['active', 'failed', 'denied', 'cancelled', 'expired', 'revoked', 'relinquished', 'awaiting_fulfilment']);
const ENDED = new Set(['expired', 'revoked', 'relinquished']);

class Runner {
  constructor(
    private readonly fleet: Fleet,
    private readonly records: Records,
    private readonly fakes: Fakes,
    private readonly random: () => number,
    private readonly deadline: number,
  ) {}

  /** Sends something to Keycard, retrying (bounded) while it is down or answers anything but 200. */
  private async send(act: (driver: SlackDriver) => Promise<DriverResponse>, before?: () => boolean): Promise<DriverResponse | null> {
    for (let attempt = 0; attempt < 12 && Date.now() < this.deadline; attempt += 1) {
      if (before && before()) return null;
      const child = await this.fleet.up();
      if (!child) continue;
      try {
        const answer = await act(child.driver);
        if (answer.status === 200) return answer;
      } catch {
        // Keycard went away mid-request (or the card changed under the click): try again.
      }
      await sleep(between(this.random, 300, 1500));
    }
    return null;
  }

  private status(j: Journey): string | undefined {
    return j.requestId === null ? undefined : this.records.request(j.requestId)?.status;
  }

  private grantStatus(j: Journey): Row | undefined {
    return j.requestId === null ? undefined : this.records.grantOf(j.requestId);
  }

  async run(j: Journey): Promise<void> {
    await sleep(j.startAfterMs);
    const text = `${j.role.app} ${j.role.role}${j.duration ? ` ${j.duration}` : ''} fault bench [${j.tag}] needs this for a task`;
    const known = () => {
      const row = this.records.requestByTag(j.tag);
      if (row) j.requestId = row.id;
      return row !== undefined;
    };
    const answer = await this.send((d) => d.command(j.user.slackId, '/request', text), known);
    if (j.requestId === null) {
      const id = /Request \*#(\d+)\*/.exec(answer?.body ?? '')?.[1];
      if (id) j.requestId = Number(id);
      else if (!known()) {
        j.note = answer ? `no request: ${answer.body.slice(0, 120)}` : 'no request: /request never answered';
        return;
      }
    }

    if (j.role.approval === 'owner') await this.approve(j);
    const settled = await poll(() => {
      const s = this.status(j);
      return s && TERMINAL.has(s) ? s : undefined;
    }, Math.max(0, Math.min(150_000, this.deadline - Date.now())), 300);
    if (settled !== 'active') {
      if (!settled) j.note = `stuck in ${this.status(j) ?? 'unknown'}`;
      return;
    }
    if (j.end === 'keep') return;
    if (j.end === 'expire') {
      const ms = (j.duration === '2m' ? 120_000 : 60_000) + 90_000;
      await poll(() => (ENDED.has(this.status(j) ?? '') ? true : undefined), Math.min(ms, this.deadline - Date.now()), 500);
      return;
    }
    await sleep(j.holdMs);
    const leftActive = () => this.grantStatus(j)?.status !== 'active';
    for (let round = 0; round < 4 && !leftActive() && Date.now() < this.deadline; round += 1) {
      const grant = this.grantStatus(j);
      if (!grant) break;
      if (j.end === 'relinquish') {
        // The "I'm done" button as App Home and the ends-soon DM carry it: its value is the grant id.
        await this.send((d) => d.clickButton(j.user.slackId, { actionId: 'grant_relinquish', blockId: 'grant_actions', value: String(grant.id), force: true }), leftActive);
      } else {
        await this.send((d) => d.command(ada.slackId, '/access-admin', `revoke ${j.requestId ?? 0} fault bench ${j.tag} revoked`), leftActive);
      }
      await poll(() => (leftActive() ? true : undefined), 8000, 300);
    }
    if (!leftActive()) {
      j.note = `${j.end} did not take`;
      return;
    }
    await poll(() => (ENDED.has(this.status(j) ?? '') ? true : undefined), Math.min(90_000, this.deadline - Date.now()), 500);
  }

  /** The owner clicks Approve on the card for this request once it has arrived (again if a click was lost). */
  private async approve(j: Journey): Promise<void> {
    const marker = `(request #${j.requestId ?? 0})`;
    const until = Math.min(Date.now() + 150_000, this.deadline);
    let lastClick = 0;
    while (Date.now() < until) {
      const status = this.status(j);
      if (status !== undefined && status !== 'pending_approval' && status !== 'submitted') return;
      const card = this.fakes.slack.dms(owen.slackId).find((m) => {
        const blocks = JSON.stringify(m.blocks ?? []);
        return blocks.includes(marker) && blocks.includes('approval_approve');
      });
      if (card && Date.now() - lastClick > 6000) {
        lastClick = Date.now();
        await this.send((d) => d.clickButton(owen.slackId, { actionId: 'approval_approve', blockId: 'approval_actions', container: { message: { channel: card.channel, ts: card.ts } } }), () => this.status(j) !== 'pending_approval');
      }
      await sleep(400);
    }
    if (this.status(j) === 'pending_approval') j.note = this.fakes.slack.dms(owen.slackId).some((m) => JSON.stringify(m.blocks ?? []).includes(marker)) ? 'approval click never took' : 'approval card never arrived';
  }
}

// ------------------------------------------------------------------------------------------ the check

interface Mismatch {
  readonly user: string;
  readonly provider: string;
  readonly group: string;
  readonly idp: boolean;
  readonly keycard: string;
  readonly requests: string;
  /** The likely cause, from the records: partial provisioning, an overlapping grant's removal, or unexplained. */
  readonly cause: string;
  readonly detail: string;
}

interface GrantRecord {
  readonly id: number;
  readonly request_id: number;
  readonly user_slack_id: string;
  readonly provider: string;
  readonly idp_user_id: string | null;
  readonly groups: string;
  readonly status: string;
  readonly starts_at: number;
  readonly ended_at: number | null;
}

function parseList(text: string | null | undefined): string[] {
  if (!text) return [];
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

function compare(db: Database.Database, fakes: Fakes, users: readonly BenchUser[]): { mismatches: Mismatch[]; rule: string; memberships: number; held: number } {
  // Keycard's record of what is held: the `grant_groups` rows still `held` (one row per group a grant
  // added and has not seen confirmed gone); before that table existed, the groups of live grants.
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((t) => t.name);
  const hasHeld = tables.includes('grant_groups');
  const rule = hasHeld ? "`grant_groups` rows with status 'held', of every grant" : '`groups` of grants in status active or ending (no grant_groups table)';
  const grants = db.prepare('SELECT id, request_id, user_slack_id, provider, idp_user_id, groups, status, starts_at, ended_at FROM grants').all() as GrantRecord[];
  const heldRows = hasHeld ? (db.prepare("SELECT grant_id AS grantId, group_id AS groupId FROM grant_groups WHERE status = 'held'").all() as Array<{ grantId: number; groupId: string }>) : [];
  const heldOf = new Map<number, string[]>();
  for (const row of heldRows) heldOf.set(row.grantId, [...(heldOf.get(row.grantId) ?? []), row.groupId]);
  const requests = db.prepare('SELECT id, requester_slack_id AS user, status, snapshot FROM requests').all() as Array<{ id: number; user: string; status: string; snapshot: string }>;

  const byIdpId = new Map<string, BenchUser>();
  for (const u of users) {
    byIdpId.set(`okta|${u.oktaId}`, u);
    byIdpId.set(`google|${u.googleId}`, u);
  }
  const userOf = (provider: string, idpId: string) => byIdpId.get(`${provider}|${idpId}`);
  const idpIdOf = (provider: string, u: BenchUser) => (provider === 'okta' ? u.oktaId : u.googleId);

  // Keycard's view: provider|slackId|group -> grants that say they hold it.
  const keycard = new Map<string, GrantRecord[]>();
  for (const g of grants) {
    const held = hasHeld ? (heldOf.get(g.id) ?? []) : g.status === 'active' || g.status === 'ending' ? parseList(g.groups) : [];
    for (const group of held) {
      const key = `${g.provider}|${g.user_slack_id}|${group}`;
      keycard.set(key, [...(keycard.get(key) ?? []), g]);
    }
  }
  // The IdPs' view, for every group in the catalog.
  const idp = new Set<string>();
  const groups = new Map<string, 'okta' | 'google'>();
  for (const r of ROLES) for (const g of r.groups) groups.set(g, r.provider);
  for (const [group, provider] of groups) {
    const members = provider === 'okta' ? fakes.okta.members(group) : (fakes.google?.members(group) ?? []);
    for (const member of members) idp.add(`${provider}|${userOf(provider, member)?.slackId ?? `?${member}`}|${group}`);
  }

  const mismatches: Mismatch[] = [];
  for (const key of new Set([...idp, ...keycard.keys()])) {
    const inIdp = idp.has(key);
    const records = keycard.get(key) ?? [];
    if (inIdp === records.length > 0) continue;
    const [provider = '', slackId = '', group = ''] = key.split('|');
    const user = users.find((u) => u.slackId === slackId);
    const related = requests.filter((r) => r.user === slackId && parseList(JSON.stringify((JSON.parse(r.snapshot) as { groups?: unknown }).groups ?? [])).includes(group));
    let cause = 'unexplained';
    let detail = '';
    if (inIdp) {
      const failed = related.filter((r) => r.status === 'failed');
      const late = user ? lateAdd(fakes, provider, idpIdOf(provider, user), user.email, group) : undefined;
      if (failed.length > 0) {
        cause = 'left behind by a provisioning that failed half-way';
        detail = ` (${failed.map((r) => `#${r.id}`).join(', ')})`;
      } else if (late) {
        cause = 'an add that timed out was carried out after the removal';
        detail = ` (${late})`;
      }
    } else {
      const holder = records[0];
      const remover = grants.find(
        (g) => g !== holder && g.user_slack_id === slackId && g.provider === provider && g.ended_at !== null && holder !== undefined && g.ended_at >= holder.starts_at && parseList(g.groups).includes(group),
      );
      if (remover) {
        cause = 'removed when an overlapping grant ended';
        detail = ` (grant ${remover.id}, request #${remover.request_id}, ${remover.status})`;
      }
    }
    mismatches.push({
      cause,
      detail,
      user: user ? `${slackId} (${user.email}, ${provider} ${idpIdOf(provider, user)})` : slackId,
      provider,
      group,
      idp: inIdp,
      keycard: records.length > 0 ? `held by ${records.map((g) => `grant ${g.id} (${g.status})`).join(', ')}` : 'not held',
      requests: related.map((r) => `#${r.id} ${r.status}`).join(', ') || 'none',
    });
  }
  let held = 0;
  for (const list of keycard.values()) held += list.length > 0 ? 1 : 0;
  return { mismatches, rule, memberships: idp.size, held };
}

// ------------------------------------------------------------------------------------------ the run

export async function benchFaults(options: FaultBenchOptions): Promise<void> {
  const started = Date.now();
  const deadline = started + RUN_DEADLINE_MS;
  const planRandom = rng(options.seed);
  const faultRandom = rng(options.seed ^ 0x5f3759df);
  const killRandom = rng(options.seed ^ 0x2545f491);
  const actRandom = rng(options.seed ^ 0x9e3779b9);

  print(`\nFault injection: ${options.requests} access requests, ${options.users} users, seed ${options.seed} (replay: npm run bench -- faults --seed ${options.seed})`);
  print(`  faults per call: 429 ${(FAULT_RATES['429'] * 100).toFixed(1)}%, 500 ${(FAULT_RATES['500'] * 100).toFixed(1)}%, timeout ${(FAULT_RATES.timeout * 100).toFixed(1)}% (answer after ${TIMEOUT_DELAY_MS / 1000} s); ${BROKEN_GROUP} answers 404 to every add; SIGKILL at random points, at least ${options.minRestarts} restarts`);

  const fakes = await startFakes(['google']);
  const dir = mkdtempSync(join(tmpdir(), 'keycard-faults-'));
  const catalogPath = join(dir, 'catalog.yaml');
  const dbPath = join(dir, 'keycard.db');
  writeFileSync(catalogPath, catalogYaml());
  const users = benchUsers(options.users);
  addUsers(fakes, users);
  fakes.okta.inject({
    method: 'PUT',
    path: new RegExp(`^/api/v1/groups/${BROKEN_GROUP}/users/`),
    times: Number.POSITIVE_INFINITY,
    status: 404,
    body: { errorCode: 'E0000007', errorSummary: `Not found: Resource not found: ${BROKEN_GROUP} (UserGroup)`, errorLink: 'E0000007', errorId: 'bench', errorCauses: [] },
  });

  const chaos = new Chaos(faultRandom);
  chaos.attach(fakes.slack, 'slack');
  chaos.attach(fakes.jira, 'jira');
  chaos.attach(fakes.okta, 'okta');
  if (fakes.google) chaos.attach(fakes.google, 'google');

  const env = (port: number): Record<string, string> => {
    const base: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir };
    if (process.env.TMPDIR) base.TMPDIR = process.env.TMPDIR;
    return { ...base, ...harnessEnv(fakes, dbPath, { PORT: String(port), CATALOG_PATH: catalogPath, ...KEYCARD_ENV }) };
  };
  const fleet = new Fleet(env, fakes, dir, chaos);
  const records = new Records(dbPath);
  let settledCleanly = false;
  let finalExit: Exit | null = null;

  try {
    await fleet.start();
    const journeys = plan(planRandom, users, options.requests, 100_000);
    const runner = new Runner(fleet, records, fakes, actRandom, deadline);

    // Kills: every 6-16 s, armed to strike at the next IdP membership write (or after 2 s without one).
    let journeysDone = false;
    const killer = (async () => {
      while (!journeysDone && Date.now() < deadline) {
        const wait = between(killRandom, 6000, 16_000);
        const until = Date.now() + wait;
        while (!journeysDone && Date.now() < until) await sleep(200);
        if (journeysDone && fleet.restarts >= options.minRestarts) break;
        if (!fleet.current) continue;
        const atWrite = killRandom() < 0.6;
        if (atWrite) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 2000);
            chaos.onIdpWrite = () => {
              clearTimeout(timer);
              chaos.onIdpWrite = () => {};
              fleet.current?.proc.kill('SIGKILL');
              resolve();
            };
          });
          chaos.onIdpWrite = () => {};
        }
        await fleet.killAndRestart();
        if (journeysDone && fleet.restarts >= options.minRestarts) break;
      }
    })();

    const t0 = Date.now();
    await Promise.all(journeys.map((j) => runner.run(j).catch((error: unknown) => {
      j.note = `journey error: ${error instanceof Error ? error.message : String(error)}`;
    })));
    const journeyMs = Date.now() - t0;
    // Any restarts still owed happen now, a few seconds apart, before the calm.
    journeysDone = true;
    await killer;
    while (fleet.restarts < options.minRestarts && Date.now() < deadline) {
      await sleep(3000);
      await fleet.killAndRestart();
    }

    // The calm: no more faults or kills; wait until nothing is pending, running or due.
    chaos.on = false;
    const settleStart = Date.now();
    let stableFor = 0;
    for (; Date.now() < Math.min(deadline, settleStart + 240_000); await sleep(1000)) {
      const q = records.queue();
      stableFor = q.pending === 0 && q.running === 0 && q.dueGrants === 0 ? stableFor + 1 : 0;
      if (stableFor >= 3) {
        settledCleanly = true;
        break;
      }
    }
    const settleMs = Date.now() - settleStart;
    finalExit = await fleet.stop();
    // Writes that timed out on Keycard's side are still carried out by the fakes: wait for them.
    const all = [fakes.slack, fakes.jira, fakes.okta, ...(fakes.google ? [fakes.google] : [])];
    await poll(() => (all.every((f) => f.calls.every((c) => c.status !== 0)) ? true : undefined), 30_000, 200);

    // ------------------------------------------------------------------ report
    records.reopen();
    const db = records.raw;
    const outcomes = new Map<string, number>();
    for (const j of journeys) {
      const status = j.requestId === null ? 'no request' : (records.request(j.requestId)?.status ?? 'missing');
      countInto(outcomes, status);
    }
    const notes = new Map<string, number>();
    for (const j of journeys) if (j.note) countInto(notes, j.note.replace(/#\d+/g, '#N').slice(0, 80));
    const plannedEnds = new Map<string, number>();
    for (const j of journeys) countInto(plannedEnds, j.end);
    const dead = db.prepare(`SELECT kind, count(*) AS n, max(last_error) AS sample FROM jobs WHERE status = 'dead' GROUP BY kind ORDER BY kind`).all() as Array<{ kind: string; n: number; sample: string | null }>;
    const left = db.prepare(`SELECT status, count(*) AS n FROM jobs WHERE status NOT IN ('done', 'dead') GROUP BY status`).all() as Array<{ status: string; n: number }>;
    const grantStatuses = db.prepare('SELECT status, count(*) AS n FROM grants GROUP BY status ORDER BY status').all() as Array<{ status: string; n: number }>;
    const check = compare(db, fakes, users);
    const faults = new Map(chaos.injected);
    const broken = fakes.okta.calls.filter((c) => c.method === 'PUT' && c.path.startsWith(`/api/v1/groups/${BROKEN_GROUP}/`)).length;
    countInto(faults, 'okta 404 (permanent group)', broken);
    let totalFaults = 0;
    for (const v of faults.values()) totalFaults += v;
    const calls = all.reduce((acc, f) => acc + f.calls.length, 0);
    const jiraDuplicates = countJiraDuplicates(fakes);

    print(`  requests: ${journeys.length} planned, ${journeys.filter((j) => j.requestId !== null).length} created (ends planned: ${describeCounts(plannedEnds)})`);
    print(`  request outcomes: ${describeCounts(outcomes)}`);
    if (notes.size > 0) print(`  journeys that did not go as planned: ${describeCounts(notes)}`);
    print(`  grants by status: ${grantStatuses.map((g) => `${g.status} ${g.n}`).join(', ') || 'none'}`);
    print(`  faults injected: ${totalFaults} of ${calls} calls to the fakes: ${describeCounts(faults)}`);
    print(`  restarts: ${fleet.restarts} (SIGKILL ${fleet.kills}, start-ups that failed and were retried ${fleet.failedStarts}; down ${(fleet.downMs.reduce((a, b) => a + b, 0) / 1000).toFixed(0)} s in all, ${(Math.max(0, ...fleet.downMs) / 1000).toFixed(1)} s at most); final stop: ${finalExit ? `code ${finalExit.code ?? 'null'} signal ${finalExit.signal ?? 'none'}` : 'none'}`);
    print(`  dead jobs: ${dead.reduce((acc, d) => acc + d.n, 0)}${dead.length > 0 ? ` (${dead.map((d) => `${d.kind} ${d.n}`).join(', ')})` : ''}`);
    for (const d of dead) print(`    ${d.kind}: e.g. ${(d.sample ?? '').slice(0, 160)}`);
    print(`  queue after the calm: ${settledCleanly ? 'settled' : 'DID NOT SETTLE'} in ${(settleMs / 1000).toFixed(1)} s; jobs neither done nor dead: ${left.map((l) => `${l.status} ${l.n}`).join(', ') || 'none'}`);
    if (jiraDuplicates.requests > 0) print(`  Jira: ${jiraDuplicates.requests} request(s) with more than one issue (${jiraDuplicates.afterTimeout} of them after an issue create whose answer came after 20 s)`);
    print(`  memberships in the IdPs: ${check.memberships}; held per Keycard's records: ${check.held} (rule: ${check.rule})`);
    print(`  mismatches: ${check.mismatches.length}`);
    const causes = new Map<string, number>();
    for (const m of check.mismatches) countInto(causes, m.cause);
    if (check.mismatches.length > 0) print(`    by likely cause: ${describeCounts(causes)}`);
    for (const m of check.mismatches) {
      print(`    ${m.user} ${m.group}: IdP says ${m.idp ? 'member' : 'not a member'}, Keycard says ${m.keycard}; requests: ${m.requests}; ${m.cause}${m.detail}`);
    }
    print(`  run time: ${((Date.now() - started) / 1000).toFixed(0)} s (journeys ${(journeyMs / 1000).toFixed(0)} s, calm ${(settleMs / 1000).toFixed(0)} s)${options.keep ? `; database and logs kept in ${dir}` : ''}`);
  } finally {
    records.close();
    if (fleet.current) await fleet.stop();
    chaos.on = false;
    await stopFakes(fakes);
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * When the last membership write that took effect for (user, group) is an add the fake answered 20 s or more
 * after it arrived (Keycard had given up on it, or had been killed) and a removal arrived and was carried out
 * in between: says so, with the timings. Otherwise undefined.
 */
function lateAdd(fakes: Fakes, provider: string, idpId: string, email: string, group: string): string | undefined {
  const fake = provider === 'okta' ? fakes.okta : fakes.google;
  if (!fake) return undefined;
  const concerns = (c: RecordedCall): 'add' | 'remove' | null => {
    if (provider === 'okta') {
      if (c.path !== `/api/v1/groups/${group}/users/${idpId}`) return null;
      return c.method === 'PUT' ? 'add' : c.method === 'DELETE' ? 'remove' : null;
    }
    if (!c.path.startsWith(`/admin/directory/v1/groups/${group}/members`)) return null;
    if (c.method === 'POST' && (c.rawBody.includes(idpId) || c.rawBody.includes(email))) return 'add';
    if (c.method === 'DELETE' && (c.path.endsWith(`/${idpId}`) || c.path.endsWith(`/${email}`))) return 'remove';
    return null;
  };
  const writes = fake.calls.filter((c) => concerns(c) !== null && c.status >= 200 && c.status < 300).sort((a, b) => a.answeredAt - b.answeredAt);
  const last = writes.at(-1);
  if (!last || concerns(last) !== 'add' || last.answeredAt - last.receivedAt < 20_000) return undefined;
  const removal = writes.find((c) => concerns(c) === 'remove' && c.receivedAt > last.receivedAt);
  if (!removal) return undefined;
  return `${last.method} arrived ${((removal.answeredAt - last.receivedAt) / 1000).toFixed(1)} s before the removal was done and took effect ${((last.answeredAt - removal.answeredAt) / 1000).toFixed(1)} s after it`;
}

/** Requests with more than one Jira issue (a create whose answer was lost, then retried). */
function countJiraDuplicates(fakes: Fakes): { requests: number; afterTimeout: number } {
  const perRequest = new Map<string, number>();
  for (const issue of fakes.jira.issues()) {
    for (const label of issue.labels) if (/^keycard-request-\d+$/.test(label)) countInto(perRequest, label);
  }
  const duplicated = [...perRequest.entries()].filter(([, n]) => n > 1).map(([label]) => label);
  const creates = fakes.jira.calls.filter((c) => c.method === 'POST' && c.path === '/rest/api/3/issue');
  const afterTimeout = duplicated.filter((label) => creates.some((c) => c.rawBody.includes(`"${label}"`) && c.answeredAt - c.receivedAt >= 20_000)).length;
  return { requests: duplicated.length, afterTimeout };
}

/** `faults [--seed N] [--requests N] [--users N] [--restarts N] [--keep]` from the bench's arguments. */
export function faultOptions(args: readonly string[]): FaultBenchOptions {
  const value = (name: string): number | undefined => {
    const i = args.indexOf(`--${name}`);
    const inline = args.find((a) => a.startsWith(`--${name}=`));
    const text = inline ? inline.slice(name.length + 3) : i >= 0 ? args[i + 1] : undefined;
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, not '${text}'`);
    return n;
  };
  return {
    seed: value('seed') ?? randomInt(1, 2 ** 31 - 1),
    requests: value('requests') ?? 200,
    users: value('users') ?? 40,
    minRestarts: value('restarts') ?? 10,
    keep: args.includes('--keep'),
  };
}
