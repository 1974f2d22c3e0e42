/**
 * Resilience: the durable job queue against misbehaving neighbours. Okta rate limits, fails and does not
 * know a group; Jira is down or loses an answer or lacks a transition; Slack throttles; the process is
 * down when a grant ends. Every journey drives the real app and moves the ManualClock, never real time.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from '../support/harness.js';
import { PEOPLE, TEST_CATALOG } from '../support/people.js';

const { priya, sara, ada, eve } = PEOPLE;

const OKTA_MEMBERSHIP = /^\/api\/v1\/groups\/[^/]+\/users\/[^/]+$/;
const JIRA_CREATE = '/rest/api/3/issue';

/** The test catalog plus an app whose group Okta does not have. */
const GHOST_CATALOG = `${TEST_CATALOG}  - id: ghost
    name: Ghost
    description: An app whose Okta group was deleted
    owner: owen@acme.com
    provider: okta
    roles:
      - id: user
        name: User
        description: Everyday use
        groups: [00g9ghost]
        approval: auto
`;

function oktaError(errorCode: string, errorSummary: string) {
  return { errorCode, errorSummary, errorLink: errorCode, errorId: 'oaeTEST', errorCauses: [] };
}

function provisionJobOf(h: Harness, requestId = 1) {
  return h.store.jobs.list({ requestId }).find((j) => j.kind === 'idp.provision');
}

function jiraKeyOf(h: Harness, requestId = 1): string {
  const key = h.store.requests.get(requestId)?.jiraKey;
  if (!key) throw new Error(`request ${requestId} has no Jira issue`);
  return key;
}

function commentsContaining(h: Harness, key: string, text: string): string[] {
  return h.jira.comments(key).filter((c) => c.includes(text));
}

function dmTexts(h: Harness, slackId: string): string[] {
  return h.slack.dms(slackId).map((m) => m.text);
}

/** Runs `script` (ESM, may import TypeScript) in a child node with tsx; SIGKILLs it at the deadline. */
async function runScript(script: string, env: Record<string, string>, deadlineMs: number): Promise<{ code: number | null; stdout: string; timedOut: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.resume();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, deadlineMs);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout, timedOut };
}

describe('resilience', () => {
  let h: Harness | undefined;
  const cleanups: Array<() => void> = [];
  afterEach(async () => {
    await h?.stop();
    h = undefined;
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it('waits for Okta\'s X-Rate-Limit-Reset after a 429, then grants exactly once', async () => {
    h = await Harness.start();
    // Okta's reset is an absolute time; Keycard reads it against its own (here: the test's) clock.
    const resetSeconds = Math.floor(h.clock.now().getTime() / 1000) + 5;
    h.okta.inject({
      method: 'PUT',
      path: OKTA_MEMBERSHIP,
      status: 429,
      headers: { 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(resetSeconds), date: h.clock.now().toUTCString() },
      body: oktaError('E0000047', 'API call exceeded rate limit due to too many requests.'),
    });

    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.settle();

    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(false);
    const waiting = provisionJobOf(h);
    expect(waiting?.status).toBe('pending');
    // Okta said "not before the reset" (4-5 s away): the retry is scheduled for then, not sooner.
    expect(waiting!.runAt - h.clock.now().getTime()).toBeGreaterThan(3_000);
    expect(h.store.requests.get(1)?.status).toBe('provisioning');

    await h.settle(1_000);
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(false);

    await h.settle(5_000);

    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
    expect(h.okta.membershipCalls().map((c) => c.status)).toEqual([429, 204]);
    expect(h.store.grants.countActive()).toBe(1);
    expect(h.store.grants.forRequest(1)?.groups).toEqual(['00g1viewer']);
    expect(commentsContaining(h, jiraKeyOf(h), 'Added Priya Shah')).toHaveLength(1);
    expect(h.store.requests.get(1)?.status).toBe('active');
    expect(h.slack.messages('CALERTS')).toEqual([]);
  });

  it('retries Okta 500s with back-off and provisions without alerting anyone', async () => {
    h = await Harness.start();
    h.okta.inject({ method: 'PUT', path: OKTA_MEMBERSHIP, times: 2, status: 500, body: oktaError('E0000009', 'Internal Server Error') });

    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.drain();

    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
    expect(h.okta.membershipCalls().map((c) => c.status)).toEqual([500, 500, 204]);
    expect(h.store.requests.get(1)?.status).toBe('active');
    expect(provisionJobOf(h)).toMatchObject({ status: 'done', attempts: 3 });
    expect(h.slack.messages('CALERTS')).toEqual([]);
    expect(dmTexts(h, priya.slackId).filter((t) => t.includes('You now have'))).toHaveLength(1);
  });

  it('fails the request after the last attempt, alerts, and lets an admin retry once the cause is fixed', async () => {
    h = await Harness.start();
    h.okta.inject({ method: 'PUT', path: OKTA_MEMBERSHIP, times: Infinity, status: 500, body: oktaError('E0000009', 'Internal Server Error') });

    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.settle();

    expect(h.store.requests.get(1)?.status).toBe('provisioning');
    expect(h.slack.messages('CALERTS')).toEqual([]);

    await h.drain();

    expect(h.okta.membershipCalls()).toHaveLength(5);
    expect(provisionJobOf(h)).toMatchObject({ status: 'dead', attempts: 5 });
    const request = h.store.requests.get(1);
    expect(request?.status).toBe('failed');
    expect(request?.failureReason).toContain('HTTP 500');
    const alerts = h.slack.messages('CALERTS').map((m) => m.text);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain('request #1 (Salesforce / Viewer');
    expect(alerts[0]).toContain('after 5 attempt(s)');
    expect(alerts[0]).toContain('HTTP 500');
    expect(alerts[0]).toContain('/access-admin retry 1');
    expect(commentsContaining(h, jiraKeyOf(h), 'Provisioning failed after 5 attempt(s)')).toHaveLength(1);
    expect(h.lastDm('priya')?.text).toContain('could not grant it yet');
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(false);

    // A non-admin cannot look, let alone retry.
    const refused = await h.driver.command(eve.slackId, '/access-admin', 'status');
    expect(refused.status).toBe(200);
    expect(refused.body).toContain('is for Keycard admins');
    expect(refused.body).not.toContain('Keycard status');
    expect(h.store.audit.all().some((e) => e.action === 'admin.refused')).toBe(true);

    // Okta recovers; Ada retries.
    h.okta.clearFaults();
    const retried = await h.driver.command(ada.slackId, '/access-admin', 'retry 1');
    await h.settle();

    expect(retried.body).toContain('Request #1 is being retried');
    expect(h.store.requests.get(1)?.status).toBe('active');
    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
    expect(h.store.grants.countActive()).toBe(1);
    expect(commentsContaining(h, jiraKeyOf(h), 'Added Priya Shah')).toHaveLength(1);
    expect(h.lastDm('priya')?.text).toContain('You now have *Salesforce / Viewer*');
    expect(h.store.jobs.countByStatus().dead).toBe(0);
    expect(h.store.audit.verify().ok).toBe(true);
  });

  it('treats a group Okta does not have as permanent: one attempt, failed at once, 404 in the alert', async () => {
    // Started with the start-up group check downgraded to a warning: this is a group gone after start-up.
    h = await Harness.start({ catalogYaml: GHOST_CATALOG, env: { KEYCARD_MISSING_GROUPS: 'warn' } });

    await h.driver.command(priya.slackId, '/request', 'ghost user');
    await h.settle();

    expect(h.okta.membershipCalls()).toEqual([{ method: 'PUT', groupId: '00g9ghost', userId: priya.oktaId, status: 404 }]);
    expect(provisionJobOf(h)).toMatchObject({ status: 'dead', attempts: 1 });
    expect(h.store.requests.get(1)?.status).toBe('failed');
    const alerts = h.slack.messages('CALERTS').map((m) => m.text);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain('request #1 (Ghost / User');
    expect(alerts[0]).toContain('HTTP 404');
    expect(alerts[0]).toContain('00g9ghost');
    expect(h.store.grants.countActive()).toBe(0);
  });

  // Four failures still leave the create one attempt; the issue's transitions must not give up first.
  it.each([3, 4])('stores the request and routes approvers while Jira is down (%i failed creates), then files the issue once with comments in order', async (failures) => {
    h = await Harness.start();
    h.jira.inject({ method: 'POST', path: JIRA_CREATE, times: failures, status: 500, body: { errorMessages: ['Internal server error'], errors: {} } });

    const answer = await h.driver.command(priya.slackId, '/request', 'github write pushing the release branch');
    await h.settle();

    expect(answer.body).toContain('Request *#1*');
    expect(h.store.requests.get(1)?.status).toBe('pending_approval');
    expect(h.jira.issues()).toEqual([]);
    const card = h.card('sara');
    expect(card).toBeDefined();
    expect(h.card('sam')).toBeDefined();

    await h.driver.clickButton(sara.slackId, { actionId: 'approval_approve', blockId: 'approval_actions', container: { message: { channel: card!.channel, ts: card!.ts } } });
    await h.settle();

    // Approved and provisioned, but Jira still has nothing: its writes wait behind the create.
    expect(h.okta.isMember('00g2write', priya.oktaId)).toBe(true);
    expect(h.jira.issues()).toEqual([]);

    await h.drain();

    expect(h.jira.issues()).toHaveLength(1);
    expect(h.jira.callsTo('POST', JIRA_CREATE).map((c) => c.status)).toEqual([...Array<number>(failures).fill(500), 201]);
    const key = jiraKeyOf(h);
    expect(h.jira.comments(key)).toEqual([
      expect.stringContaining('Approved by Sara Lind (sara@acme.com) at 14:00 UTC, stage 1 of 1'),
      expect.stringContaining('Added Priya Shah (priya@acme.com) to okta group 00g2write'),
    ]);
    expect(h.jira.status(key)).toBe('Done');
    expect(h.store.jobs.countByStatus().dead).toBe(0);
    expect(h.slack.messages('CALERTS')).toEqual([]);
  });

  it('finds the issue by its label when a create\'s answer was lost, instead of filing a second one', async () => {
    h = await Harness.start();
    // As if the first create reached Jira but its answer never came back.
    const existing = h.jira.addIssue({ summary: 'Access request: Priya Shah → Salesforce / Viewer', labels: ['keycard', 'keycard-request-1'] });
    h.jira.inject({ method: 'POST', path: JIRA_CREATE, status: 500, body: { errorMessages: ['Internal server error'], errors: {} } });

    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.drain();

    expect(h.jira.issues().filter((i) => i.labels.includes('keycard-request-1'))).toHaveLength(1);
    expect(h.jira.issues()).toHaveLength(1);
    expect(h.jira.callsTo('POST', JIRA_CREATE)).toHaveLength(1);
    expect(h.store.requests.get(1)?.jiraKey).toBe(existing);
    expect(commentsContaining(h, existing, 'Added Priya Shah')).toHaveLength(1);
    expect(h.store.requests.get(1)?.status).toBe('active');
  });

  it('completes provisioning when the Jira workflow lacks the configured transition', async () => {
    h = await Harness.start();
    h.jira.setWorkflow([{ id: '11', name: 'In Progress', to: 'In Progress' }]);

    await h.driver.command(priya.slackId, '/request', 'github write pushing the release branch');
    await h.settle();
    const card = h.card('sara');
    await h.driver.clickButton(sara.slackId, { actionId: 'approval_approve', blockId: 'approval_actions', container: { message: { channel: card!.channel, ts: card!.ts } } });
    await h.settle();

    const key = jiraKeyOf(h);
    expect(h.okta.isMember('00g2write', priya.oktaId)).toBe(true);
    expect(h.store.requests.get(1)?.status).toBe('active');
    expect(h.jira.status(key)).toBe('In Progress');
    expect(commentsContaining(h, key, 'Approved by Sara Lind')).toHaveLength(1);
    expect(commentsContaining(h, key, 'Added Priya Shah')).toHaveLength(1);
    expect(h.store.jobs.countByStatus()).toMatchObject({ pending: 0, running: 0, dead: 0 });
    expect(h.slack.messages('CALERTS')).toEqual([]);
  });

  it('honours Slack\'s Retry-After on a throttled DM', async () => {
    h = await Harness.start();
    h.slack.inject({ method: 'POST', path: '/api/chat.postMessage', status: 429, headers: { 'retry-after': '2' }, body: { ok: false, error: 'ratelimited' } });

    await h.driver.command(priya.slackId, '/request', 'salesforce viewer');
    await h.settle();

    expect(h.okta.isMember('00g1viewer', priya.oktaId)).toBe(true);
    expect(dmTexts(h, priya.slackId)).toEqual([]);

    await h.settle(1_000);
    expect(dmTexts(h, priya.slackId)).toEqual([]);

    await h.settle(1_000);

    expect(dmTexts(h, priya.slackId)).toEqual([expect.stringContaining('is filed as'), expect.stringContaining('You now have *Salesforce / Viewer*')]);
    expect(h.slack.callCount('chat.postMessage')).toBe(3);
  });

  it('carries out an expiry that fell due while the process was down, once, at start-up', async () => {
    const first = await Harness.start();
    h = first;
    cleanups.push(() => rmSync(dirname(first.databasePath), { recursive: true, force: true }));
    await first.driver.command(priya.slackId, '/request', 'salesforce admin 1h fixing the pipeline sync');
    await first.settle();
    for (const approver of ['marco', 'owen'] as const) {
      const card = first.card(approver);
      expect(card).toBeDefined();
      await first.driver.clickButton(PEOPLE[approver].slackId, { actionId: 'approval_approve', blockId: 'approval_actions', container: { message: { channel: card!.channel, ts: card!.ts } } });
      await first.settle();
    }
    expect(first.okta.isMember('00g1admin', priya.oktaId)).toBe(true);
    const key = jiraKeyOf(first);

    await first.stop({ keepFakes: true, keepDatabase: true });
    h = undefined;
    first.clock.advance(2 * 60 * 60_000);
    const second = await Harness.start({ databasePath: first.databasePath, fakes: first.fakes, clock: first.clock });
    h = second;
    await second.settle();

    expect(second.okta.isMember('00g1admin', priya.oktaId)).toBe(false);
    expect(second.okta.isMember('00g1audit', priya.oktaId)).toBe(false);
    expect(commentsContaining(second, key, 'Access ended (expired)')).toHaveLength(1);
    expect(second.store.requests.get(1)?.status).toBe('expired');
    expect(second.store.grants.forRequest(1)?.status).toBe('expired');
    expect(second.lastDm('priya')?.text).toContain('has ended');

    // A later sweep finds nothing more to do.
    second.keycard.schedules.runAll();
    await second.settle();
    expect(commentsContaining(second, key, 'Access ended (expired)')).toHaveLength(1);
    expect(second.okta.membershipCalls().filter((c) => c.method === 'DELETE')).toHaveLength(2);
  });
  it('lets h.settle() return while a job waits behind one in back-off', async () => {
    // The auto-approval comment is queued behind the failed create. A child process runs it, because
    // a settle() that never returns starves every timer here, vitest's own timeout included.
    const script = `
      const { Harness } = await import(process.env.HARNESS_URL);
      const h = await Harness.start();
      h.jira.inject({ method: 'POST', path: '/rest/api/3/issue', status: 500, body: { errorMessages: ['down'], errors: {} } });
      await h.driver.command('${priya.slackId}', '/request', 'salesforce viewer');
      await h.settle();
      const outcome = { settled: true, member: h.okta.isMember('00g1viewer', '${priya.oktaId}'), issues: h.jira.issues().length };
      await h.stop();
      process.stdout.write(JSON.stringify(outcome));
    `;

    const run = await runScript(script, { HARNESS_URL: new URL('../support/harness.ts', import.meta.url).href }, 10_000);

    expect(run.timedOut, 'h.settle() did not return within 10 s (Keycard.settle() spins on a held-back job)').toBe(false);
    expect(run.code).toBe(0);
    // Provisioning went ahead; the create waits for its retry and the comments wait behind it.
    expect(JSON.parse(run.stdout)).toEqual({ settled: true, member: true, issues: 0 });
  }, 30_000);
});
