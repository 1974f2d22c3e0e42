/**
 * `npm run bench -- reclaim` (issue 11): a full auto reclaim scan at scale. 20,000 members over 50 apps (28
 * on Okta, 12 on Entra ID, 10 on Google Workspace), every app under a reclaim policy (its own sign-ins where
 * the catalog names the app, else the last sign-in anywhere), about three in ten members granted through
 * Keycard 90 days ago (policies: unused for 60 days, 14 days' grace), and every fake (identity providers, Slack, Jira) adding 50 ms to each call. Keycard
 * runs in this process on a manual clock, as in review.ts.
 *
 * Reports:
 * 1. the scan, `/access-admin reclaim run` → every app's run done (cases opened, warnings queued): wall time,
 *    and the calls made to each provider against the fewest a scan needs (each group's member pages, each
 *    app's sign-in log pages or overall batches), with what the adapters add besides (Okta's manager look-ups,
 *    Google's profile join) and how much the calls overlapped;
 * 2. the warnings delivered: every warning DM and each run's Jira issue through the worker;
 * 3. peak memory: the process's resident set (RSS) sampled through the scan, against before it.
 * Only errors exit non-zero.
 */
import { ManualClock } from '../../src/domain/clock.js';
import { Harness, startFakes, stopFakes, type Fakes } from '../support/harness.js';
import { PEOPLE } from '../support/people.js';
import { buildOrg, callKind, minimumCalls, overlap, seconds, seedFakes, seedOrgGrants, identityCalls, type BenchOrg, type BenchProvider, type CallKind, type OrgShape } from './review-org.js';

const { ada } = PEOPLE;
const LATENCY_MS = 50;
const DAY = 24 * 3600_000;
const NAMES: Readonly<Record<BenchProvider, string>> = { okta: 'Okta', entra: 'Entra', google: 'Google' };

/** 20,000 members: 12,000 on Okta over 28 apps, 5,000 on Entra over 12, 3,000 on Google over 10; 5,000 people. */
export const RECLAIM_SHAPE: OrgShape = {
  pool: 5000,
  sizes: {
    okta: [3000, 1500, 1000, 800, 700, 600, 500, 450, 400, 350, 300, 300, 250, 250, 200, 200, 150, 150, 150, 100, 100, 100, 100, 80, 70, 60, 50, 90],
    entra: [1500, 1000, 700, 500, 400, 300, 200, 150, 100, 70, 50, 30],
    google: [1200, 600, 400, 300, 200, 120, 80, 50, 30, 20],
  },
};

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

/** Every app under a revoke policy: judged by its own sign-ins where it names the app, else by the last sign-in anywhere. */
function reclaimCatalogYaml(org: BenchOrg): string {
  const lines = ['version: 1', 'apps:'];
  for (const app of org.apps) {
    lines.push(`  - id: ${app.id}`, `    name: ${app.name}`, `    description: Benchmark app on ${app.provider}`, `    owner: ${app.owner}`, `    provider: ${app.provider}`);
    if (app.signInApp) lines.push(`    signInApp: "${app.signInApp}"`);
    lines.push(`    reclaim: { inactiveAfter: 60d, grace: 14d, action: revoke, seatCost: 12${app.signInApp ? '' : ', useOverallSignIn: true'} }`);
    lines.push('    roles:');
    for (const role of app.roles) {
      lines.push(`      - id: ${role.id}`, `        name: ${role.id[0]?.toUpperCase()}${role.id.slice(1)}`, `        description: Benchmark role`, `        groups: [${role.groups.map((g) => `"${g}"`).join(', ')}]`, '        approval: auto');
    }
  }
  return `${lines.join('\n')}\n`;
}

function setLatency(fakes: Fakes, ms: number): void {
  fakes.okta.latencyMs = ms;
  if (fakes.graph) fakes.graph.latencyMs = ms;
  if (fakes.google) fakes.google.latencyMs = ms;
  fakes.slack.latencyMs = ms;
  fakes.jira.latencyMs = ms;
}

function countBy<T>(values: readonly T[], key: (v: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(key(v), (counts.get(key(v)) ?? 0) + 1);
  return counts;
}

export async function benchReclaim(): Promise<void> {
  const wall = performance.now();
  const org = buildOrg(RECLAIM_SHAPE);
  const clock = new ManualClock('2026-01-06T14:00:00Z');
  const fakes = await startFakes(['entra', 'google']);
  let h: Harness | undefined;
  try {
    seedFakes(fakes, org, clock.now().getTime());
    h = await Harness.start({ fakes, clock, catalogYaml: reclaimCatalogYaml(org) });
    const grants = seedOrgGrants(h, org, { why: 'seeded for the reclaim benchmark', startsAt: h.clock.now().getTime() - 90 * DAY, inSlackOnly: true });
    const counts = { okta: 0, entra: 0, google: 0 };
    for (const app of org.apps) counts[app.provider] += 1;
    const perApp = org.apps.filter((a) => a.signInApp).length;
    print(
      `\nAuto reclaim at scale: ${org.items.toLocaleString('en')} members over ${org.apps.length} apps (${counts.okta} Okta, ${counts.entra} Entra, ${counts.google} Google; ${perApp} judged by their own sign-ins, ${org.apps.length - perApp} by the last sign-in anywhere), ${org.people.length.toLocaleString('en')} people, ${grants.toLocaleString('en')} Keycard grants (seeded in ${seconds(performance.now() - wall)})`,
    );

    if (global.gc) global.gc();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    let heapPeak = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => {
      const use = process.memoryUsage();
      rssPeak = Math.max(rssPeak, use.rss);
      heapPeak = Math.max(heapPeak, use.heapUsed);
    }, 20);
    const heapBefore = heapPeak;
    setLatency(fakes, LATENCY_MS);
    const marks = identityCalls(fakes, 'reclaim').map((f) => f.calls.length);
    const slackMark = fakes.slack.calls.length;
    const started = performance.now();
    const answer = await h.driver.command(ada.slackId, '/access-admin', 'reclaim run');
    if (!answer.body.includes('Scanning')) throw new Error(`reclaim run refused: ${answer.body}`);
    let scannedAt: number | null = null;
    const runs = () => org.apps.map((a) => h!.store.reclaim.unfinishedRuns(a.id).length).reduce((x, y) => x + y, 0);
    let rssAtScan = 0;
    const poll = setInterval(() => {
      if (scannedAt === null && runs() === 0) {
        scannedAt = performance.now();
        rssAtScan = process.memoryUsage().rss;
      }
    }, 2);
    try {
      await h.settle();
    } finally {
      clearInterval(poll);
      clearInterval(sampler);
    }
    const settled = performance.now();
    setLatency(fakes, 0);
    const scanned: number = scannedAt ?? settled;
    const rssAfter = process.memoryUsage().rss;
    rssPeak = Math.max(rssPeak, rssAfter);

    const cases = org.apps.flatMap((a) => h!.store.reclaim.casesOfApp(a.id));
    const ranRuns = [...Array(org.apps.length).keys()].map((i) => h!.store.reclaim.run(i + 1));
    const notDone = ranRuns.filter((r) => r?.status !== 'done');
    if (notDone.length > 0) throw new Error(`${notDone.length} runs did not finish: ${JSON.stringify(notDone[0])}`);
    const members = ranRuns.reduce((sum, r) => sum + (r?.members ?? 0), 0);
    const noTelemetry = ranRuns.reduce((sum, r) => sum + (r?.noTelemetry ?? 0), 0);
    print(`  scan, reclaim run → every app's run done: ${seconds(scanned - started)}; ${members.toLocaleString('en')} memberships judged, ${cases.length.toLocaleString('en')} warned, ${noTelemetry} without usable sign-ins`);
    print(`    ${'provider'.padEnd(8)} ${'calls made / minimum'.padEnd(21)} ratio  ${'members'.padEnd(11)} ${'logs'.padEnd(9)} ${'users'.padEnd(11)} max in flight  overlap`);
    let made = 0;
    let least = 0;
    const notes: string[] = [];
    identityCalls(fakes, 'reclaim').forEach(({ provider, calls }, i) => {
      const window = calls.slice(marks[i]).filter((c) => c.receivedAt <= scanned);
      const api = window.filter((c) => callKind(provider, c.path) !== 'auth');
      const kinds = countBy(api, (c) => callKind(provider, c.path));
      const k = (kind: CallKind) => kinds.get(kind) ?? 0;
      const min = minimumCalls(org, provider);
      // A scan needs the member pages and the sign-ins (log pages, or overall batches); a listing's profile joins are the adapters' own.
      const overall = min.users - min.joins;
      const needed = min.members + min.logs + overall;
      made += api.length;
      least += needed;
      const { maxInFlight, parallelism } = overlap(api);
      print(
        `    ${NAMES[provider].padEnd(8)} ${`${api.length} / ${needed}`.padEnd(21)} ${`${(api.length / needed).toFixed(2)}×`.padEnd(6)} ${`${k('members')}/${min.members}`.padEnd(11)} ${`${k('logs')}/${min.logs}`.padEnd(9)} ${`${k('users')}/${overall}`.padEnd(11)} ${String(maxInFlight).padEnd(14)} ${parallelism.toFixed(2)}×${k('other') > 0 ? `, other ${k('other')}` : ''}`,
      );
      if (provider === 'okta') {
        const managers = api.filter((c) => c.path === '/api/v1/users' && (c.query.get('filter') ?? '').includes('profile.login')).length;
        if (managers > 0) notes.push(`Okta: ${managers} of the users calls are manager look-ups the member listing makes for every group (a scan does not use managers)`);
      }
      if (provider === 'google' && k('users') > overall) notes.push(`Google: the member listing joins each group with the domain's profiles (users.list pages, or users.get for a few), which a scan needs only for names and states`);
    });
    print(`    all      ${`${made} / ${least}`.padEnd(21)} ${(made / least).toFixed(2)}×`);
    print(`    members: group listing pages (minimum ceil(members / page), each group once); sign-ins: per-app log pages or overall batches; +${LATENCY_MS} ms per call on every fake`);
    for (const note of notes) print(`    extra calls: ${note}`);

    const dms = fakes.slack.calls.slice(slackMark).filter((c) => c.path === '/api/chat.postMessage');
    const lookups = fakes.slack.calls.slice(slackMark).filter((c) => c.path === '/api/users.list' || c.path === '/api/users.lookupByEmail');
    const issues = org.apps.filter((a) => h!.fakes.jira.issueByLabel(`keycard-reclaim-${ranRuns.find((r) => r?.appId === a.id)?.id ?? 0}`)).length;
    print(`  warnings delivered through the worker (Slack and Jira +${LATENCY_MS} ms): all settled ${seconds(settled - started)} after the command; ${dms.length.toLocaleString('en')} DMs, ${lookups.length} Slack user look-ups (one paged read of the workspace's members, shared by every scan), ${issues} Jira issues (one per app that warned someone)`);
    print(`  memory: RSS ${mb(rssBefore)} before the scan, ${mb(rssAtScan)} when every run was done, peak ${mb(rssPeak)} until the warnings were delivered (+${mb(rssPeak - rssBefore)}), ${mb(rssAfter)} after; the fakes (and every call and message they keep) run in this process too`);
    const live = global.gc ? (global.gc(), process.memoryUsage().heapUsed) : null;
    print(
      `    V8 heap in use: ${mb(heapBefore)} before, peak ${mb(heapPeak)}${live !== null ? `, ${mb(live)} live after a full collection` : ' (run with NODE_OPTIONS=--expose-gc for the live heap after a full collection)'}; RSS also counts garbage not yet collected and SQLite's pages`,
    );
    for (const fake of [h.slack, h.jira, h.okta, h.graph, h.google]) fake.assertNoUnexpected();
    print(`  whole reclaim benchmark: ${seconds(performance.now() - wall)}`);
  } finally {
    if (h) await h.stop();
    else await stopFakes(fakes);
  }
}
