/**
 * `npm run bench`: Keycard's performance figures, measured on the real app against the local fakes.
 *
 * 1. `/request` → `views.open` sent: p50 / p99 over rounds of 50 concurrent commands (Slack allows 3000 ms),
 *    Keycard against a bare Bolt app that only acks and opens a one-input modal (`-- request` alone).
 * 2. Final Approve click → Okta membership + Jira "Added" comment + requester DM, with every fake adding
 *    50 ms per call: total time against the sum of those three calls, and the API calls one request costs.
 * 3. `-- expiry`: the expiry sweep at scale (expiry.ts).
 * 4. `-- review`: an access review of 5,000 items: build calls against the minimum, CSV export, reviewer list (review.ts).
 * 5. `-- evidence`: audit, export and stats on 100,000 requests and 1,000,000 audit events (evidence.ts).
 * 6. `-- drift`: `/access-admin sync` over the same 5,000 memberships: wall time, calls per provider, findings checked (drift.ts).
 * 7. `-- reclaim`: an auto reclaim scan of 20,000 members over 50 apps: provider calls against the minimum, wall time, peak RSS (reclaim.ts).
 * 6. `-- faults [--seed N]`: access requests through random faults and SIGKILLs, then IdP vs records (faults.ts);
 *    only when asked for.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Harness, SECRETS, harnessEnv, startFakes, type Fakes } from '../support/harness.js';
import { PEOPLE, TEST_CATALOG } from '../support/people.js';
import { SlackDriver } from '../support/slack-driver.js';
import type { RecordedCall } from '../fakes/http-fake.js';
import { DOCUMENTED_LIMITS, benchExpiry } from './expiry.js';
import { benchEvidence } from './evidence.js';
import { benchFaults, faultOptions } from './faults.js';
import { benchReview } from './review.js';
import { benchDrift } from './drift.js';
import { benchReclaim } from './reclaim.js';

const { priya, marco, owen } = PEOPLE;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Waits (bounded) until the child answers /healthz. */
async function waitHealthy(url: string, child: ChildProcess, deadlineMs = 30_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (let delay = 20; Date.now() < until; delay = Math.min(delay * 2, 500)) {
    if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  throw new Error('the app did not become healthy in time');
}

interface AppProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly driver: SlackDriver;
  readonly latencies: number[];
  /** CPU time (user + system) the app's process spent on each measured round, in ms. */
  readonly cpuMs: number[];
  /** The slowest command of each measured burst, in ms (the bursts of the two apps pair up by index). */
  readonly slowest: number[];
}

/**
 * CPU time (user + system, all threads) a process has used so far, in ms, from /proc (Linux); null
 * elsewhere. Less noisy than latency on a shared machine: it counts the app's own work, not its waiting.
 */
function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis): utime is the 12th, stime the 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    // Linux reports in clock ticks, 100 per second on every common configuration.
    return Number.isFinite(ticks) ? ticks * 10 : null;
  } catch {
    return null;
  }
}

/** Starts `script` in its own process (`node --import tsx`) listening on a free port, and waits until healthy. */
async function spawnApp(name: string, script: string, env: NodeJS.ProcessEnv, fakes: Fakes): Promise<AppProcess> {
  const port = await freePort();
  // BENCH_CPU_PROF=keycard (or bare, or 1 for both) writes a V8 CPU profile to /tmp/prof when the process exits.
  const prof = process.env.BENCH_CPU_PROF;
  const profile = prof && (prof === '1' || prof === name.toLowerCase().split(' ')[0]) ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : [];
  // BENCH_NODE_FLAGS (e.g. "--trace-gc" or "--heap-prof --heap-prof-dir=/tmp/prof") go to both apps: Node refuses some in NODE_OPTIONS.
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...profile, ...flags, '--import', 'tsx', script], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'inherit', 'inherit'] });
  const driver = new SlackDriver({ appUrl: `http://127.0.0.1:${port}/slack/events`, signingSecret: SECRETS.signingSecret, slack: fakes.slack });
  try {
    await waitHealthy(`http://127.0.0.1:${port}/healthz`, child);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { name, child, driver, latencies: [], cpuMs: [], slowest: [] };
}

async function stopApp(app: AppProcess): Promise<void> {
  if (app.child.exitCode !== null) return;
  app.child.kill('SIGTERM');
  await new Promise((resolve) => app.child.once('exit', resolve));
}

/**
 * Waits (bounded) until the app's CPU time has stopped moving for `quietMs`. A round ends when the last
 * `views.open` arrives, but the app still reads Slack's answers after that: without this wait, that work
 * ran during the other app's next round (slowing it) and was left out of the app's own CPU figure.
 */
async function waitIdle(app: AppProcess, quietMs = 30, deadlineMs = 1000): Promise<void> {
  let last = processCpuMs(app.child.pid);
  if (last === null) return;
  const until = performance.now() + deadlineMs;
  let stillSince = performance.now();
  while (performance.now() < until && performance.now() - stillSince < quietMs) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const now = processCpuMs(app.child.pid);
    if (now !== last) {
      last = now;
      stillSince = performance.now();
    }
  }
}

/** One burst of `concurrency` `/request` commands; the time from each command sent to its `views.open` arriving. */
async function requestRound(app: AppProcess, slack: Fakes['slack'], concurrency: number): Promise<number[]> {
  const sentAt = new Map<string, number>();
  const before = slack.calls.length;
  await Promise.all(
    Array.from({ length: concurrency }, (_, i) => {
      const user = `UBENCH${i}`;
      sentAt.set(user, performance.now());
      return app.driver.command(user, '/request', '');
    }),
  );
  // The listener acks before it calls views.open: wait (bounded) until every call arrived.
  for (let waited = 0; slack.calls.slice(before).filter((c) => c.path === '/api/views.open').length < concurrency && waited < 5000; waited += 5) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const opens = slack.calls.slice(before).filter((c) => c.path === '/api/views.open');
  if (opens.length !== concurrency) throw new Error(`${app.name}: expected ${concurrency} views.open calls, saw ${opens.length}`);
  return opens.map((call) => {
    const owner = slack.triggerOwner(String((call.body as Record<string, unknown>).trigger_id));
    const start = owner ? sentAt.get(owner) : undefined;
    if (start === undefined) throw new Error('views.open with an unknown trigger');
    return call.receivedAt - start;
  });
}

/**
 * `/request` → `views.open`, Keycard against a bare Bolt app (bare-bolt.ts) in the same run. Each runs as
 * its own process (Keycard through `src/main.ts`, as in production) so the fakes and the driver, which live
 * in this process, do not share its event loop. Rounds alternate between the two (and which goes first),
 * so a noisy moment on a shared machine falls on both alike, and each app finishes its round (goes idle)
 * before the other's starts, so neither pays for the other's leftover work on the same two cores.
 */
async function benchRequestModal(rounds: number, concurrency: number): Promise<void> {
  const fakes = await startFakes();
  const dir = mkdtempSync(join(tmpdir(), 'keycard-bench-'));
  const catalogPath = join(dir, 'catalog.yaml');
  writeFileSync(catalogPath, TEST_CATALOG);
  const env = { ...process.env, ...harnessEnv(fakes, join(dir, 'keycard.db'), { CATALOG_PATH: catalogPath, LOG_LEVEL: 'warn' }) };
  const apps: AppProcess[] = [];
  try {
    apps.push(await spawnApp('Keycard', 'src/main.ts', env, fakes));
    apps.push(await spawnApp('bare Bolt app', 'test/bench/bare-bolt.ts', env, fakes));
    for (let i = 0; i < concurrency; i += 1) {
      fakes.slack.addUser({ id: `UBENCH${i}`, name: `bench${i}`, realName: `Bench User ${i}`, email: `bench${i}@acme.com` });
    }
    // Two warm-up rounds each so module loading, JIT and connection set-up do not count. One was not
    // enough: each app's second burst was still among its slowest (Keycard's p50 in it about twice its
    // later rounds'; the bare app opened some 40 more connections to Slack in it), and that one round set
    // Keycard's p99.
    const warmupRounds = 2;
    for (let round = 0; round < rounds + warmupRounds; round += 1) {
      const order = round % 2 === 0 ? apps : [...apps].reverse();
      for (const app of order) {
        const cpuBefore = processCpuMs(app.child.pid);
        const latencies = await requestRound(app, fakes.slack, concurrency);
        await waitIdle(app);
        const cpuAfter = processCpuMs(app.child.pid);
        if (round < warmupRounds) continue;
        app.latencies.push(...latencies);
        app.slowest.push(Math.max(...latencies));
        if (cpuBefore !== null && cpuAfter !== null) app.cpuMs.push(cpuAfter - cpuBefore);
      }
    }
    if (fakes.slack.rejections.length > 0) throw new Error(`Slack fake rejected calls: ${JSON.stringify(fakes.slack.rejections[0])}`);
    print(`/request → views.open sent, ${rounds} rounds × ${concurrency} concurrent commands, each app in its own process, rounds alternating:`);
    const cpuPerCommand = (app: AppProcess) => (app.cpuMs.length > 0 ? app.cpuMs.reduce((a, b) => a + b, 0) / (app.cpuMs.length * concurrency) : null);
    for (const app of apps) {
      const l = app.latencies;
      const perCommand = cpuPerCommand(app);
      const cpu = perCommand !== null ? `; CPU ${perCommand.toFixed(2)} ms per command` : '';
      print(`  ${app.name.padEnd(13)} (n=${l.length}): p50 ${ms(percentile(l, 50))}, p90 ${ms(percentile(l, 90))}, p99 ${ms(percentile(l, 99))}, max ${ms(Math.max(...l))}${cpu}`);
    }
    const [keycard, bare] = apps as [AppProcess, AppProcess];
    const ratio = (p: number) => (percentile(keycard.latencies, p) / percentile(bare.latencies, p)).toFixed(2);
    const [keycardCpu, bareCpu] = [cpuPerCommand(keycard), cpuPerCommand(bare)];
    const cpuRatio = keycardCpu !== null && bareCpu !== null ? `; CPU per command ${(keycardCpu / bareCpu).toFixed(2)}×` : '';
    print(`  Keycard / bare Bolt app: p50 ${ratio(50)}×, p99 ${ratio(99)}× (target at p99 ≤ 1.0×)${cpuRatio}`);
    // p99 over 1,000 commands is set by the one or two slowest bursts, and one hiccup of a shared machine
    // during a burst moves it by 2x. The bursts of the two apps run back to back, so comparing each pair
    // shows the same thing with every moment's noise falling on both.
    const pairs = keycard.slowest.map((k, i) => k / (bare.slowest[i] ?? Number.NaN)).filter(Number.isFinite);
    const sooner = pairs.filter((r) => r < 1).length;
    print(`  burst by burst (${pairs.length} pairs run back to back), Keycard's slowest command / the bare app's: median ${percentile(pairs, 50).toFixed(2)}×; Keycard's burst done sooner in ${sooner} of ${pairs.length}`);
    print(`  Keycard's p99 is ${((percentile(keycard.latencies, 99) / 3000) * 100).toFixed(1)}% of Slack's 3000 ms window`);
  } finally {
    for (const app of apps) await stopApp(app);
    await Promise.all([fakes.slack.stop(), fakes.jira.stop(), fakes.okta.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

function countBy(calls: readonly RecordedCall[], name: (c: RecordedCall) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of calls) counts.set(name(call), (counts.get(name(call)) ?? 0) + 1);
  return counts;
}

function describeCounts(counts: Map<string, number>): string {
  return [...counts.entries()].map(([k, v]) => `${k}×${v}`).join(', ');
}

/** The newest approval card of a person that still has its buttons. */
function openCard(h: Harness, userId: string) {
  const card = h.slack.dms(userId).filter((m) => JSON.stringify(m.blocks ?? []).includes('approval_approve')).at(-1);
  if (!card) throw new Error(`no open approval card for ${userId}`);
  return card;
}

async function benchApproval(requests: number, latencyMs: number): Promise<void> {
  const h = await Harness.start();
  try {
    h.slack.latencyMs = latencyMs;
    h.jira.latencyMs = latencyMs;
    h.okta.latencyMs = latencyMs;
    const ratios: number[] = [];
    const totals: number[] = [];
    const sums: number[] = [];
    let perRequest: { slack: RecordedCall[]; jira: RecordedCall[]; okta: RecordedCall[] } | null = null;
    for (let i = 0; i < requests; i += 1) {
      const mark = { slack: h.slack.calls.length, jira: h.jira.calls.length, okta: h.okta.calls.length };
      await h.driver.command(priya.slackId, '/request', 'salesforce admin 6h benchmark of the approval path');
      await h.settle();
      const managerCard = openCard(h, marco.slackId);
      await h.driver.clickButton(marco.slackId, { actionId: 'approval_approve', blockId: 'approval_actions', container: { message: { channel: managerCard.channel, ts: managerCard.ts } } });
      await h.settle();
      const ownerCard = openCard(h, owen.slackId);
      const clickMark = { slack: h.slack.calls.length, jira: h.jira.calls.length, okta: h.okta.calls.length };

      const clickedAt = performance.now();
      await h.driver.clickButton(owen.slackId, { actionId: 'approval_approve', blockId: 'approval_actions', container: { message: { channel: ownerCard.channel, ts: ownerCard.ts } } });
      await h.settle();

      const oktaAdds = h.okta.calls.slice(clickMark.okta).filter((c) => c.method === 'PUT');
      const added = h.jira.calls.slice(clickMark.jira).find((c) => c.method === 'POST' && c.path.endsWith('/comment') && c.rawBody.includes('Added '));
      const dm = h.slack.calls.slice(clickMark.slack).find((c) => c.path === '/api/chat.postMessage' && String((c.body as Record<string, unknown>).text ?? '').includes('You now have'));
      if (oktaAdds.length === 0 || !added || !dm) throw new Error('an expected effect did not happen');
      const effects = [...oktaAdds, added, dm];
      const done = Math.max(...effects.map((c) => c.answeredAt));
      const sum = effects.reduce((acc, c) => acc + (c.answeredAt - c.receivedAt), 0);
      totals.push(done - clickedAt);
      sums.push(sum);
      ratios.push((done - clickedAt) / sum);
      if (i === 0) {
        perRequest = { slack: h.slack.calls.slice(mark.slack), jira: h.jira.calls.slice(mark.jira), okta: h.okta.calls.slice(mark.okta) };
      }
      // Let the grant expire so the next round is a new request, not an extension offer.
      h.clock.advance(7 * 60 * 60_000);
      h.keycard.schedules.runAll();
      await h.settle();
    }
    print(`\nFinal Approve click → Okta membership + Jira comment + requester DM, every fake +${latencyMs} ms per call (${requests} requests, 2 groups each):`);
    print(`  total p50 ${ms(percentile(totals, 50))}, p99 ${ms(percentile(totals, 99))}; sum of the unavoidable calls (2 Okta adds, 1 Jira comment, 1 DM) p50 ${ms(percentile(sums, 50))}`);
    print(`  ratio total / sum: p50 ${percentile(ratios, 50).toFixed(2)}×, p99 ${percentile(ratios, 99).toFixed(2)}× (target ≤ 1.1×; below 1 because independent calls run in parallel)`);
    if (perRequest) {
      const name = (c: RecordedCall) => `${c.method} ${c.path.replace(/\/[A-Z]+-\d+/, '/{key}').replace(/00[a-z][A-Za-z0-9]+/g, '{id}')}`;
      print(`  API calls for one request through two approvals (submit → provisioned):`);
      print(`    Slack ${perRequest.slack.length}: ${describeCounts(countBy(perRequest.slack, (c) => c.path.replace('/api/', '')))}`);
      print(`    Jira ${perRequest.jira.length}: ${describeCounts(countBy(perRequest.jira, name))}`);
      print(`    Okta ${perRequest.okta.length}: ${describeCounts(countBy(perRequest.okta, name))}`);
    }
  } finally {
    await h.stop();
  }
}

async function main(): Promise<void> {
  const only = process.argv[2];
  if (!only || only === 'request') await benchRequestModal(20, 50);
  if (!only || only === 'approval') await benchApproval(20, 50);
  if (!only || only === 'expiry') {
    await benchExpiry();
    // Smaller sizes for the other directories, each at its documented per-minute write limit.
    await benchExpiry(20_000, 2_000, DOCUMENTED_LIMITS.entra.perMinute, 'entra');
    await benchExpiry(20_000, 2_000, DOCUMENTED_LIMITS.google.perMinute, 'google');
  }
  if (!only || only === 'review') await benchReview();
  if (!only || only === 'evidence') await benchEvidence();
  if (!only || only === 'drift') await benchDrift();
  if (!only || only === 'reclaim') await benchReclaim();
  // Minutes long, so only when asked for: `npm run bench -- faults [--seed N]`.
  if (only === 'faults') await benchFaults(faultOptions(process.argv.slice(3)));
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
