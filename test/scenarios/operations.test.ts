/**
 * Running Keycard as a service: /healthz says only that the process answers, /readyz says whether it is
 * doing its work (and in one line why not), /metrics exposes Prometheus series behind a flag or a token.
 * Every unhealthy condition is produced for real: the database made read-only, the clock moved past the
 * worker, a job held back behind a dead one, Okta failing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from '../support/harness.js';
import { PEOPLE } from '../support/people.js';

const { priya, eve } = PEOPLE;
const OKTA_MEMBERSHIP = /^\/api\/v1\/groups\/[^/]+\/users\/[^/]+$/;
const TOKEN = 'metrics-test-token';

async function get(h: Harness, path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; json: () => Record<string, unknown> }> {
  const response = await fetch(`${h.keycard.baseUrl}${path}`, { headers });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

/** The value of one series in a Prometheus text exposition, or undefined when absent. */
function series(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

async function approveLatest(h: Harness, person: 'marco' | 'owen'): Promise<void> {
  const card = h.slack.dms(PEOPLE[person].slackId).filter((m) => JSON.stringify(m.blocks ?? []).includes('approval_approve')).at(-1);
  if (!card) throw new Error(`${person} has no open approval card`);
  await h.driver.clickButton(PEOPLE[person].slackId, { actionId: 'approval_approve', blockId: 'approval_actions', container: { message: { channel: card.channel, ts: card.ts } } });
  await h.settle();
}

describe('/healthz and /readyz', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('/healthz answers 200 with no data; /readyz 200 with the job counts; /metrics is off by default', async () => {
    h = await Harness.start();

    const health = await get(h, '/healthz');
    const ready = await get(h, '/readyz');
    const metrics = await get(h, '/metrics');

    expect(health.status).toBe(200);
    expect(health.json()).toEqual({ ok: true });
    expect(ready.status).toBe(200);
    expect(ready.json()).toEqual({ ok: true, jobs: { pending: 0, running: 0, done: 0, dead: 0 }, activeGrants: 0 });
    expect(metrics.status).toBe(404);
  });

  it('is not ready while the database cannot be written, and ready again once it can', async () => {
    h = await Harness.start();
    const sqlite = h.store.handle.sqlite;

    sqlite.pragma('query_only = ON');
    const refused = await get(h, '/readyz');
    const alive = await get(h, '/healthz');
    sqlite.pragma('query_only = OFF');
    const back = await get(h, '/readyz');

    expect(refused.status).toBe(503);
    expect(refused.json()).toEqual({ ok: false, reason: 'database cannot be written (attempt to write a readonly database)' });
    expect(alive.status).toBe(200);
    expect(back.status).toBe(200);
  });

  it('is not ready when the job worker has not turned for a minute', async () => {
    h = await Harness.start();
    // A worker that stopped (as after the lease was lost, or a claim that keeps failing) no longer turns.
    await h.keycard.worker.stop();
    const fresh = await get(h, '/readyz');

    h.clock.advance(59_000);
    const justInTime = await get(h, '/readyz');
    h.clock.advance(2_000);
    const stale = await get(h, '/readyz');

    expect(fresh.status).toBe(200);
    expect(justInTime.status).toBe(200);
    expect(stale.status).toBe(503);
    expect(stale.json()).toEqual({ ok: false, reason: 'job worker has not turned for 61 s' });
  });

  it('is not ready when a job is overdue by more than KEYCARD_READY_JOB_OVERDUE', async () => {
    h = await Harness.start({ env: { KEYCARD_READY_JOB_OVERDUE: '10m' } });
    // Jira refuses the issue for good: the create job dies and the request's later Jira jobs wait behind it.
    h.jira.inject({ method: 'POST', path: '/rest/api/3/issue', status: 400, body: { errorMessages: ['Issue type is required'], errors: {} } });
    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.settle();
    const waiting = h.store.jobs.list({ requestId: 1 }).filter((j) => j.status === 'pending');
    const first = waiting.sort((a, b) => a.runAt - b.runAt || a.id - b.id)[0];

    h.clock.advance(10 * 60_000);
    await h.settle();
    const onTheEdge = await get(h, '/readyz');
    h.clock.advance(60_000);
    await h.settle();
    const late = await get(h, '/readyz');

    expect(h.store.jobs.list({ requestId: 1 }).find((j) => j.kind === 'jira.create')?.status).toBe('dead');
    expect(first).toBeDefined();
    expect(onTheEdge.status).toBe(200);
    expect(late.status).toBe(503);
    expect(late.json()).toEqual({ ok: false, reason: `job ${first?.id} (${first?.kind}) is overdue by 11 min` });
  });

  it('is not ready when the last KEYCARD_READY_FAILED_CALLS calls to a provider all failed, and ready once one succeeds', async () => {
    h = await Harness.start({ env: { KEYCARD_READY_FAILED_CALLS: '3' } });
    h.okta.inject({ method: 'PUT', path: OKTA_MEMBERSHIP, status: 500, body: { errorCode: 'E0000009', errorSummary: 'Internal Server Error' }, times: 3 });

    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.settle();
    await h.settle(60_000);
    const twoFailed = await get(h, '/readyz');
    await h.settle(60_000);
    const threeFailed = await get(h, '/readyz');
    await h.settle(60_000);
    const recovered = await get(h, '/readyz');

    expect(h.okta.callsTo('PUT', OKTA_MEMBERSHIP)).toHaveLength(4);
    expect(twoFailed.status).toBe(200);
    expect(threeFailed.status).toBe(503);
    expect(threeFailed.json()).toEqual({ ok: false, reason: 'the last 3 calls to okta failed' });
    expect(recovered.status).toBe(200);
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
  });
});

describe('/metrics', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('refuses a scrape without the token (401) and serves one with it', async () => {
    h = await Harness.start({ env: { KEYCARD_METRICS_TOKEN: TOKEN } });

    const none = await get(h, '/metrics');
    const wrong = await get(h, '/metrics', { authorization: 'Bearer not-the-token' });
    const right = await get(h, '/metrics', { authorization: `Bearer ${TOKEN}` });

    expect(none.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(none.text).not.toContain(TOKEN);
    expect(right.status).toBe(200);
    expect(right.text).toContain('# TYPE keycard_jobs gauge');
  });

  it('is served without a token when KEYCARD_METRICS=1', async () => {
    h = await Harness.start({ env: { KEYCARD_METRICS: '1' } });

    const scrape = await get(h, '/metrics');

    expect(scrape.status).toBe(200);
    expect(series(scrape.text, 'keycard_approvals_waiting')).toBe(0);
  });

  it('after a journey, shows requests, time to access, approvals waiting, grants, jobs, calls with 429s, expiries and removals', async () => {
    h = await Harness.start({ env: { KEYCARD_METRICS_TOKEN: TOKEN } });
    const scrape = async () => (await get(h, '/metrics', { authorization: `Bearer ${TOKEN}` })).text;

    // Standing access, auto-approved: Okta throttles the first add once.
    h.okta.inject({ method: 'PUT', path: OKTA_MEMBERSHIP, status: 429, headers: { 'x-rate-limit-reset': String(Math.floor(h.clock.now().getTime() / 1000) + 30) }, body: { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit' } });
    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.drain();
    // Elevated access for 6h, decided 10 minutes after it was asked for.
    await h.driver.command(priya.slackId, '/request', 'salesforce admin 6h fixing the pipeline sync');
    await h.settle();
    h.clock.advance(10 * 60_000);
    await approveLatest(h, 'marco');
    await approveLatest(h, 'owen');
    // One request still waits for the security group, for 5 minutes.
    await h.driver.command(eve.slackId, '/request', 'github write reviewing a pull request');
    await h.settle();
    h.clock.advance(5 * 60_000);
    await h.settle();
    const during = await scrape();
    // The 6h grant ends on its own.
    h.clock.advance(6 * 3600_000);
    h.keycard.schedules.runAll();
    await h.drain();
    const after = await scrape();

    expect(series(during, 'keycard_requests{status="active"}')).toBe(2);
    expect(series(during, 'keycard_requests{status="pending_approval"}')).toBe(1);
    expect(series(during, 'keycard_request_to_access_seconds_count')).toBe(2);
    expect(series(during, 'keycard_request_to_access_seconds_sum')).toBeGreaterThanOrEqual(600);
    expect(series(during, 'keycard_request_to_access_seconds_bucket{le="300"}')).toBe(1);
    expect(series(during, 'keycard_request_to_access_seconds_bucket{le="900"}')).toBe(2);
    expect(series(during, 'keycard_approvals_waiting')).toBe(1);
    expect(series(during, 'keycard_approval_oldest_wait_seconds')).toBe(300);
    expect(series(during, 'keycard_grants_active{kind="elevated"}')).toBe(1);
    expect(series(during, 'keycard_grants_active{kind="standing"}')).toBe(1);
    expect(series(during, 'keycard_jobs{state="pending"}')).toBe(0);
    expect(series(during, 'keycard_job_oldest_pending_seconds')).toBe(0);
    expect(series(during, 'keycard_external_calls_total{service="okta",outcome="rate_limited"}')).toBe(1);
    expect(series(during, 'keycard_external_calls_total{service="okta",outcome="ok"}')).toBe(2);
    expect(series(during, 'keycard_external_calls_total{service="jira",outcome="ok"}')).toBeGreaterThan(0);
    expect(series(during, 'keycard_external_calls_total{service="slack",outcome="ok"}')).toBeGreaterThan(0);
    expect(series(during, 'keycard_grants_ended_total{reason="expired"}')).toBeUndefined();
    expect(series(after, 'keycard_grants_ended_total{reason="expired"}')).toBe(1);
    // Salesforce / System Admin holds two groups.
    expect(series(after, 'keycard_group_removals_total{outcome="removed"}')).toBe(2);
    expect(series(after, 'keycard_grants_active{kind="elevated"}')).toBe(0);
    // The removal, then its recheck KEYCARD_REMOVAL_RECHECK later (the clock moved past it).
    expect(series(after, 'keycard_external_calls_total{service="okta",outcome="ok"}')).toBe(4);
    expect(h.okta.isMember('00g1admin', priya.oktaId)).toBe(false);
  });
});
