/**
 * Dead jobs and what comes after them: a retried Jira create that must not file a second issue, and a dead
 * notification that must not hold back the ones after it. Drives the real app against the fakes and moves
 * the ManualClock, never real time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from '../support/harness.js';
import { PEOPLE } from '../support/people.js';

const { priya, ada, eve } = PEOPLE;

const JIRA_CREATE = '/rest/api/3/issue';
const JIRA_SEARCH = '/rest/api/3/search/jql';
const JIRA_DOWN = { status: 500, body: { errorMessages: ['Internal server error'], errors: {} } } as const;

/** Moves the clock a minute at a time until `done` holds (drain() would wait on jobs a dead one holds back). */
async function settleUntil(h: Harness, done: () => boolean, maxSteps = 30): Promise<void> {
  await h.settle();
  for (let i = 0; i < maxSteps && !done(); i += 1) await h.settle(60_000);
  if (!done()) throw new Error('the awaited state never came');
}

describe('dead jobs', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('files exactly one Jira issue when an admin retries a create whose first answer was lost', async () => {
    h = await Harness.start();
    // The create reaches Jira but its answer is lost; then Jira's search fails until the job is dead.
    h.jira.inject({ method: 'POST', path: JIRA_CREATE, afterApply: true, ...JIRA_DOWN });
    h.jira.inject({ path: JIRA_SEARCH, times: 4, ...JIRA_DOWN });

    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    const create = () => h!.store.jobs.list({ requestId: 1 }).find((j) => j.kind === 'jira.create');
    await settleUntil(h, () => create()?.status === 'dead');

    expect(h.jira.issues()).toHaveLength(1);

    const answer = await h.driver.command(ada.slackId, '/access-admin', 'retry 1');
    await h.drain();

    expect(answer.body).toContain('Request #1 is being retried');
    const filed = h.jira.issues().filter((i) => i.labels.includes('keycard-request-1'));
    expect(filed).toHaveLength(1);
    expect(h.jira.issues()).toHaveLength(1);
    expect(h.jira.callsTo('POST', JIRA_CREATE)).toHaveLength(1);
    const key = h.store.requests.get(1)?.jiraKey;
    expect(key).toBe(filed[0]?.key);
    expect(h.jira.comments(key!).filter((c) => c.includes('Added Priya Shah'))).toHaveLength(1);
    expect(h.store.jobs.countByStatus().dead).toBe(0);
  });

  it('sends later DMs to a person whose earlier DM failed for good, and alerts the one that failed', async () => {
    h = await Harness.start();
    // Slack refuses the first message Keycard posts (Priya's first DM) for good.
    h.slack.inject({ method: 'POST', path: '/api/chat.postMessage', status: 200, body: { ok: false, error: 'channel_not_found' } });

    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.settle();

    const toPriya = h.store.jobs.list({ requestId: 1 }).filter((j) => j.orderKey === `dm:${priya.slackId}`);
    expect(toPriya).toHaveLength(2);
    expect(toPriya[0]).toMatchObject({ status: 'skipped', attempts: 1, lastError: expect.stringContaining('channel_not_found') });
    expect(toPriya[1]?.status).toBe('done');
    // The receipt is lost; the DM after it still arrives.
    expect(h.slack.dms(priya.slackId).map((m) => m.text)).toEqual([expect.stringContaining('You now have *Salesforce / Viewer*')]);
    const alerts = h.slack.messages('CALERTS').map((m) => m.text);
    expect(alerts).toEqual([expect.stringContaining('channel_not_found')]);
    expect(alerts[0]).toContain(`/access-admin retry job ${toPriya[0]!.id}`);
    expect(h.store.audit.all().filter((e) => e.action === 'job.dead')).toHaveLength(1);

    // Once the cause is gone an admin can still send it.
    const retried = await h.driver.command(ada.slackId, '/access-admin', `retry job ${toPriya[0]!.id}`);
    await h.settle();

    expect(retried.body).toContain('is queued again');
    expect(h.slack.dms(priya.slackId)).toHaveLength(2);
    expect(h.store.jobs.countByStatus()).toMatchObject({ pending: 0, dead: 0, skipped: 0 });
  });

  it('lets an admin skip a dead job so the jobs queued behind it go ahead, on record', async () => {
    h = await Harness.start();
    // Jira refuses the request's first comment (the auto-approval) for good; the grant comment and the
    // issue's transition wait behind it.
    h.jira.inject({ method: 'POST', path: /^\/rest\/api\/3\/issue\/[^/]+\/comment$/, status: 400, body: { errorMessages: ['Comment body is not valid'], errors: {} } });

    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.settle();

    const key = h.store.requests.get(1)?.jiraKey ?? '';
    const dead = h.store.jobs.list({ status: 'dead' });
    expect(dead.map((j) => j.kind)).toEqual(['jira.comment']);
    expect(h.jira.comments(key)).toEqual([]);
    expect(h.store.requests.get(1)?.status).toBe('active');

    const refused = await h.driver.command(eve.slackId, '/access-admin', `skip ${dead[0]!.id}`);
    const notDead = await h.driver.command(ada.slackId, '/access-admin', 'skip 1');
    const answer = await h.driver.command(ada.slackId, '/access-admin', `skip ${dead[0]!.id}`);
    await h.settle();

    expect(refused.body).toContain('is for Keycard admins');
    expect(notDead.body).toContain('Job 1 is done, not dead');
    expect(answer.body).toContain(`Job ${dead[0]!.id} (\`jira.comment\`) is skipped`);
    expect(h.store.jobs.get(dead[0]!.id)).toMatchObject({ status: 'skipped', lastError: expect.stringContaining('HTTP 400') });
    expect(h.jira.comments(key)).toEqual([expect.stringContaining('Added Priya Shah')]);
    expect(h.jira.status(key)).toBe('Done');
    const skipped = h.store.audit.all().filter((e) => e.action === 'job.skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ actor: `user:${ada.slackId}`, requestId: 1, data: { jobId: dead[0]!.id, kind: 'jira.comment' } });
    expect(h.store.jobs.countByStatus()).toMatchObject({ pending: 0, dead: 0, skipped: 1 });
    expect(h.store.audit.verify().ok).toBe(true);
  });
});
