/**
 * Dead jobs and what comes after them: a retried Jira create that must not file a second issue, and a dead
 * notification that must not hold back the ones after it. Drives the real app against the fakes and moves
 * the ManualClock, never real time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from '../support/harness.js';
import { PEOPLE } from '../support/people.js';

const { priya, ada } = PEOPLE;

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
});
