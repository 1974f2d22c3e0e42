/**
 * The expiry sweep at scale: 100,000 active grants of which 10,000 are due, against a fake Okta that
 * allows 600 membership calls a minute (a sliding window on Keycard's own clock). Keycard runs in this
 * process on a manual clock, so ten thousand removals at Okta's pace take seconds, not 17 minutes.
 * The same sweep runs on the Graph fake (Entra) and the Google Directory fake, each with that provider's
 * documented write limit and Keycard's ENTRA_/GOOGLE_CALLS_PER_MINUTE set to it.
 *
 * Reports: the removal rate as a fraction of the provider's limit, the throttled answers seen, that every
 * due grant was removed exactly once, and the time the due-grant query takes on its own.
 */
import type { RecordedCall } from '../fakes/http-fake.js';
import { ENTRA_GROUPS, GOOGLE_GROUPS, Harness } from '../support/harness.js';
import { PEOPLE } from '../support/people.js';

const { priya } = PEOPLE;

export type BenchProvider = 'okta' | 'entra' | 'google';

/** Each provider's documented limit on membership writes, per minute. */
export const DOCUMENTED_LIMITS: Readonly<Record<BenchProvider, { perMinute: number; source: string }>> = {
  okta: { perMinute: 600, source: "the fake's Okta limit" },
  // Graph identity and access service: 3,000 write requests per 2 min 30 s per app and tenant.
  entra: { perMinute: 1200, source: "Entra's write quota (3,000 per 150 s per app and tenant)" },
  // Directory API: 2,400 queries per minute per user per Google Cloud project (the console default).
  google: { perMinute: 2400, source: "the Directory API's default quota (2,400/min per user per project)" },
};

interface Target {
  readonly group: string;
  /** The directory's user id for due grant `i` (distinct users, so each removal is a real one). */
  readonly userId: (i: number) => string;
  /** Arms the fake's limit and gives the due users their membership. */
  prepare(h: Harness, due: number, perMinute: number): void;
  /** Membership removals the directory carried out, and answers that were throttled. */
  writes(h: Harness): { removals: number; throttled: number; total: number };
}

const ENTRA_MEMBER_REF = /^\/v1\.0\/groups\/[^/]+\/members(\/[^/]+)?\/\$ref$/;
const GOOGLE_MEMBERS = /^\/admin\/directory\/v1\/groups\/[^/]+\/members(\/[^/]+)?$/;

function tally(calls: readonly RecordedCall[], throttledStatus: number): { removals: number; throttled: number; total: number } {
  return {
    removals: calls.filter((c) => c.method === 'DELETE' && c.status === 204).length,
    throttled: calls.filter((c) => c.status === throttledStatus).length,
    total: calls.length,
  };
}

function target(provider: BenchProvider): Target {
  if (provider === 'entra') {
    return {
      group: ENTRA_GROUPS[0],
      userId: (i) => `bench-entra-${i}`,
      prepare(h, due, perMinute) {
        h.graph.setRateLimit({ perMinute, now: () => h.clock.now().getTime() });
        for (let i = 0; i < due; i += 1) {
          h.graph.addUser({ id: `bench-entra-${i}`, userPrincipalName: `bench${i}@acme.com`, displayName: `Bench ${i}` });
          h.graph.addMember(ENTRA_GROUPS[0], `bench-entra-${i}`);
        }
      },
      writes: (h) => tally(h.graph.calls.filter((c) => ENTRA_MEMBER_REF.test(c.path) && c.method !== 'GET'), 429),
    };
  }
  if (provider === 'google') {
    return {
      group: GOOGLE_GROUPS[0],
      userId: (i) => `bench-google-${i}`,
      prepare(h, due, perMinute) {
        h.google.setRateLimit({ perMinute, now: () => h.clock.now().getTime() });
        for (let i = 0; i < due; i += 1) {
          h.google.addUser({ id: `bench-google-${i}`, primaryEmail: `bench${i}@acme.com`, givenName: 'Bench', familyName: String(i) });
          h.google.addMember(GOOGLE_GROUPS[0], `bench-google-${i}`);
        }
      },
      writes: (h) => tally(h.google.calls.filter((c) => GOOGLE_MEMBERS.test(c.path) && c.method !== 'GET'), 403),
    };
  }
  return {
    group: '00g1viewer',
    userId: () => priya.oktaId,
    prepare(h, _due, perMinute) {
      h.okta.setRateLimit({ perMinute, now: () => h.clock.now().getTime() });
      h.okta.addMember('00g1viewer', priya.oktaId);
    },
    writes(h) {
      const calls = h.okta.membershipCalls();
      return { removals: calls.filter((c) => c.method === 'DELETE' && c.status === 204).length, throttled: calls.filter((c) => c.status === 429).length, total: calls.length };
    },
  };
}

const CALLS_PER_MINUTE: Readonly<Record<BenchProvider, string>> = { okta: 'OKTA_CALLS_PER_MINUTE', entra: 'ENTRA_CALLS_PER_MINUTE', google: 'GOOGLE_CALLS_PER_MINUTE' };

const BENCH_CATALOG = `version: 1
apps:
  - id: salesforce
    name: Salesforce
    description: CRM
    owner: owen@acme.com
    provider: okta
    roles:
      - id: viewer
        name: Viewer
        description: Read-only
        groups: [00g1viewer]
        approval: auto
`;

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Writes `total` active grants straight into the database; the first `due` end one second before now. */
function seed(h: Harness, total: number, due: number, jiraKey: string, provider: BenchProvider, on: Target): void {
  const now = h.clock.now().getTime();
  const db = h.store.handle.sqlite;
  const snapshot = JSON.stringify({ appName: 'Salesforce', roleName: 'Viewer', roleDescription: 'Read-only', provider, groups: [on.group], owner: 'owen@acme.com', approval: 'auto', maxDurationMs: null });
  const request = db.prepare(
    `INSERT INTO requests (requester_slack_id, requester_email, requester_name, app_id, role_id, kind, snapshot, duration_ms, justification, status, current_stage, jira_key, idp_user_id, created_at, updated_at)
     VALUES (?, 'priya@acme.com', 'Priya Shah', 'salesforce', 'viewer', 'access', ?, 3600000, 'bench', 'active', 0, ?, ?, ?, ?)`,
  );
  const grant = db.prepare(
    `INSERT INTO grants (request_id, user_slack_id, app_id, role_id, provider, idp_user_id, groups, status, starts_at, ends_at, warned_at)
     VALUES (?, ?, 'salesforce', 'viewer', ?, ?, ?, 'active', ?, ?, ?)`,
  );
  // Each grant holds its group (migrations/0004): the removal job removes what is held.
  const held = db.prepare(`INSERT INTO grant_groups (grant_id, group_id, status, added_at) VALUES (?, ?, 'held', ?)`);
  db.transaction(() => {
    for (let i = 0; i < total; i += 1) {
      const endsAt = i < due ? now - 1000 : now + 3_600_000 + i * 1000;
      const userId = i < due ? on.userId(i) : on.userId(0);
      const { lastInsertRowid } = request.run(priya.slackId, snapshot, jiraKey, userId, now - 7_200_000, now);
      // Warned already: this benchmark is about removals.
      const seeded = grant.run(lastInsertRowid, priya.slackId, provider, userId, JSON.stringify([on.group]), endsAt - 3_600_000, endsAt, now);
      held.run(seeded.lastInsertRowid, on.group, endsAt - 3_600_000);
    }
  })();
}

export async function benchExpiry(total = 100_000, due = 10_000, perMinute = 600, provider: BenchProvider = 'okta'): Promise<void> {
  const on = target(provider);
  const h = await Harness.start({
    ...(provider === 'okta' ? {} : { providers: [provider], catalogYaml: BENCH_CATALOG }),
    env: { [CALLS_PER_MINUTE[provider]]: String(perMinute), KEYCARD_JOB_MAX_ATTEMPTS: '12' },
  });
  const name = { okta: 'Okta', entra: 'Entra', google: 'Google' }[provider];
  try {
    on.prepare(h, due, perMinute);
    const jiraKey = h.jira.addIssue({ summary: 'bench', labels: ['bench'] });
    const seeded = performance.now();
    seed(h, total, due, jiraKey, provider, on);
    print(`\nExpiry sweep on ${name}: ${total.toLocaleString('en')} active grants, ${due.toLocaleString('en')} due, fake ${name} limit ${perMinute} membership writes/min (${provider === 'okta' ? "the fake's Okta limit" : DOCUMENTED_LIMITS[provider].source}), ${CALLS_PER_MINUTE[provider]}=${perMinute}`);
    print(`  seeding took ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

    const queryTimes: number[] = [];
    for (let i = 0; i < 50; i += 1) {
      const t = performance.now();
      h.store.grants.due(h.clock.now(), 500);
      queryTimes.push(performance.now() - t);
    }
    queryTimes.sort((a, b) => a - b);
    print(`  due-grant query (500 of ${due.toLocaleString('en')} due among ${total.toLocaleString('en')}): p50 ${queryTimes[25]!.toFixed(2)} ms, p99 ${queryTimes[49]!.toFixed(2)} ms`);

    const start = h.clock.now().getTime();
    const wall = performance.now();
    const sweepStart = performance.now();
    h.keycard.schedules.runAll();
    const sweepMs = performance.now() - sweepStart;
    let lastRemovalAt = start;
    let removals = 0;
    for (let rounds = 0; rounds < 1_000_000; rounds += 1) {
      await h.keycard.worker.runUntilIdle();
      const deletes = on.writes(h).removals;
      if (deletes !== removals) {
        removals = deletes;
        lastRemovalAt = h.clock.now().getTime();
      }
      const next = h.store.jobs.nextRunAt();
      if (next === null) break;
      h.clock.set(Math.max(next, h.clock.now().getTime() + 1));
    }
    const minutes = (lastRemovalAt - start) / 60_000;
    const rate = removals / minutes;
    const writes = on.writes(h);
    const expired = h.store.handle.sqlite.prepare(`SELECT count(*) AS n FROM grants WHERE status = 'expired'`).get() as { n: number };
    const events = h.store.handle.sqlite.prepare(`SELECT count(*) AS n FROM audit_events WHERE action = 'grant.expired'`).get() as { n: number };
    const deadJobs = h.store.jobs.list({ status: 'dead' });
    const dead = deadJobs.length === 0 ? '0' : `${deadJobs.length} (${deadJobs.map((j) => `${j.kind}: ${j.lastError}`).join('; ').slice(0, 300)})`;
    print(`  marking ${due.toLocaleString('en')} grants ending and queueing their removal: ${sweepMs.toFixed(0)} ms`);
    print(`  removals: ${removals.toLocaleString('en')} in ${minutes.toFixed(2)} min of Keycard's clock = ${rate.toFixed(0)}/min, ${((rate / perMinute) * 100).toFixed(1)}% of ${name}'s limit (target ≥ 90%)`);
    print(`  throttled answers from ${name} (${provider === 'google' ? '403 userRateLimitExceeded' : '429'}): ${writes.throttled} of ${writes.total} membership writes; dead jobs: ${dead}`);
    print(`  grants expired: ${expired.n.toLocaleString('en')}, grant.expired audit events: ${events.n.toLocaleString('en')} (each due grant exactly once: ${expired.n === due && events.n === due && removals === due ? 'yes' : 'NO'})`);
    print(`  wall time for the whole sweep incl. ${due.toLocaleString('en')} Jira comments and DMs: ${((performance.now() - wall) / 1000).toFixed(1)} s`);
  } finally {
    await h.stop();
  }
}
