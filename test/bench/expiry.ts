/**
 * The expiry sweep at scale: 100,000 active grants of which 10,000 are due, against a fake Okta that
 * allows 600 membership calls a minute (a sliding window on Keycard's own clock). Keycard runs in this
 * process on a manual clock, so ten thousand removals at Okta's pace take seconds, not 17 minutes.
 *
 * Reports: the removal rate as a fraction of Okta's limit, the 429s seen, that every due grant was removed
 * exactly once, and the time the due-grant query takes on its own.
 */
import { Harness } from '../support/harness.js';
import { PEOPLE } from '../support/people.js';

const { priya } = PEOPLE;

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Writes `total` active grants straight into the database; the first `due` end one second before now. */
function seed(h: Harness, total: number, due: number, jiraKey: string): void {
  const now = h.clock.now().getTime();
  const db = h.store.handle.sqlite;
  const snapshot = JSON.stringify({ appName: 'Salesforce', roleName: 'Viewer', roleDescription: 'Read-only', provider: 'okta', groups: ['00g1viewer'], owner: 'owen@acme.com', approval: 'auto', maxDurationMs: null });
  const request = db.prepare(
    `INSERT INTO requests (requester_slack_id, requester_email, requester_name, app_id, role_id, kind, snapshot, duration_ms, justification, status, current_stage, jira_key, idp_user_id, created_at, updated_at)
     VALUES (?, 'priya@acme.com', 'Priya Shah', 'salesforce', 'viewer', 'access', ?, 3600000, 'bench', 'active', 0, ?, ?, ?, ?)`,
  );
  const grant = db.prepare(
    `INSERT INTO grants (request_id, user_slack_id, app_id, role_id, provider, idp_user_id, groups, status, starts_at, ends_at, warned_at)
     VALUES (?, ?, 'salesforce', 'viewer', 'okta', ?, '["00g1viewer"]', 'active', ?, ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < total; i += 1) {
      const endsAt = i < due ? now - 1000 : now + 3_600_000 + i * 1000;
      const { lastInsertRowid } = request.run(priya.slackId, snapshot, jiraKey, priya.oktaId, now - 7_200_000, now);
      // Warned already: this benchmark is about removals.
      grant.run(lastInsertRowid, priya.slackId, priya.oktaId, endsAt - 3_600_000, endsAt, now);
    }
  })();
}

export async function benchExpiry(total = 100_000, due = 10_000, perMinute = 600): Promise<void> {
  const h = await Harness.start({ env: { OKTA_CALLS_PER_MINUTE: String(perMinute), KEYCARD_JOB_MAX_ATTEMPTS: '12' } });
  try {
    h.okta.setRateLimit({ perMinute, now: () => h.clock.now().getTime() });
    h.okta.addMember('00g1viewer', priya.oktaId);
    const jiraKey = h.jira.addIssue({ summary: 'bench', labels: ['bench'] });
    const seeded = performance.now();
    seed(h, total, due, jiraKey);
    print(`\nExpiry sweep: ${total.toLocaleString('en')} active grants, ${due.toLocaleString('en')} due, fake Okta limit ${perMinute} membership calls/min`);
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
      const deletes = h.okta.membershipCalls().filter((c) => c.method === 'DELETE' && c.status === 204).length;
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
    const calls = h.okta.membershipCalls();
    const throttled = calls.filter((c) => c.status === 429).length;
    const expired = h.store.handle.sqlite.prepare(`SELECT count(*) AS n FROM grants WHERE status = 'expired'`).get() as { n: number };
    const events = h.store.handle.sqlite.prepare(`SELECT count(*) AS n FROM audit_events WHERE action = 'grant.expired'`).get() as { n: number };
    const deadJobs = h.store.jobs.list({ status: 'dead' });
    const dead = deadJobs.length === 0 ? '0' : `${deadJobs.length} (${deadJobs.map((j) => `${j.kind}: ${j.lastError}`).join('; ').slice(0, 300)})`;
    print(`  marking ${due.toLocaleString('en')} grants ending and queueing their removal: ${sweepMs.toFixed(0)} ms`);
    print(`  removals: ${removals.toLocaleString('en')} in ${minutes.toFixed(2)} min of Keycard's clock = ${rate.toFixed(0)}/min, ${((rate / perMinute) * 100).toFixed(1)}% of Okta's limit (target ≥ 90%)`);
    print(`  429 answers from Okta: ${throttled} of ${calls.length} membership calls; dead jobs: ${dead}`);
    print(`  grants expired: ${expired.n.toLocaleString('en')}, grant.expired audit events: ${events.n.toLocaleString('en')} (each due grant exactly once: ${expired.n === due && events.n === due && removals === due ? 'yes' : 'NO'})`);
    print(`  wall time for the whole sweep incl. ${due.toLocaleString('en')} Jira comments and DMs: ${((performance.now() - wall) / 1000).toFixed(1)} s`);
  } finally {
    await h.stop();
  }
}
