/**
 * `POST /webhooks/jira` on the operator server, as Socket Mode serves it on PORT (HTTP mode serves the same
 * handler next to /slack/events; see test/scenarios/jira-inbound.test.ts): authentication by signature or
 * token, the body limit, and a delivery queued in the real store for the request handler. Also the rules
 * that read a body and a changelog, and the settings.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { Secret } from '../../src/domain/settings.js';
import { createJiraWebhookHandler, JIRA_WEBHOOK_PATH, parseJiraDelivery } from '../../src/jobs/jira-webhook.js';
import { createOpsHandler, startOpsServer, withRoutes } from '../../src/jobs/ops-http.js';
import type { IssueChange, IssueState } from '../../src/jira/types.js';
import type { Store } from '../../src/store/store.js';
import { actionableChanges, receiveJiraDelivery, requestIssueHandler, type JiraMeanings } from '../../src/workflows/inbound/index.js';
import type { WorkflowDeps } from '../../src/workflows/shared/deps.js';
import { configProblems } from '../support/config-env.js';
import { automationBody, JIRA_WEBHOOK_SECRET, postJiraWebhook } from '../support/jira-webhook.js';
import { memoryStore } from '../support/memory-store.js';

const MEANINGS: JiraMeanings = { statusApproved: 'Approved', statusDeclined: 'Declined', revokeStatus: 'Revoke access', revokeLabel: 'keycard-revoke' };

function fileRequest(store: Store, jiraKey: string, now: Date): number {
  const request = store.requests.insert(
    {
      requesterSlackId: 'UPRIYA',
      requesterEmail: 'priya@acme.com',
      requesterName: 'Priya Shah',
      appId: 'salesforce',
      roleId: 'admin',
      snapshot: { appName: 'Salesforce', roleName: 'Admin', roleDescription: '', provider: 'okta', groups: ['g'], owner: 'owen@acme.com', approval: ['manager'], maxDurationMs: null },
      durationMs: null,
      justification: 'x',
      status: 'pending_approval',
    },
    now,
  );
  store.requests.update(request.id, { jiraKey }, now);
  return request.id;
}

describe('the Jira webhook on the operator server (Socket Mode)', () => {
  let store: Store;
  let server: Server | undefined;
  let base: string;
  const clock = new ManualClock('2026-01-06T14:00:00Z');

  beforeEach(async () => {
    store = memoryStore();
    const deps = { store, clock, logger: pino({ level: 'silent' }) } as unknown as WorkflowDeps;
    const handlers = [requestIssueHandler(MEANINGS)];
    const ops = createOpsHandler({ readiness: () => ({ ready: true }), readyDetails: () => ({}), metrics: null, metricsToken: null });
    const webhook = createJiraWebhookHandler({ secret: new Secret(JIRA_WEBHOOK_SECRET), logger: pino({ level: 'silent' }), receive: (d) => receiveJiraDelivery(deps, handlers, d), bodyLimit: 4096 });
    server = await startOpsServer(withRoutes(ops, [{ path: JIRA_WEBHOOK_PATH, handler: webhook }]), 0, '127.0.0.1');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    fileRequest(store, 'ACCESS-7', clock.now());
  });
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    store.handle.close();
  });

  function inboundJobs() {
    return store.jobs.list().filter((j) => j.kind === 'jira.inbound').map((j) => j.payload);
  }

  it.each([
    ['a signed Jira Cloud webhook', { kind: 'signature' }],
    ['the token as X-Keycard-Token', { kind: 'token-header' }],
    ['the token in the query string', { kind: 'token-query' }],
  ] as const)('queues %s for the request handler', async (_, auth) => {
    const answer = await postJiraWebhook(base, automationBody('ACCESS-7'), auth);

    expect(answer).toEqual({ status: 200, json: { ok: true, queued: 'request' } });
    expect(inboundJobs()).toEqual([{ issueKey: 'ACCESS-7', handler: 'request' }]);
  });

  it.each([
    ['no secret at all', { kind: 'none' }],
    ['a signature made with another secret', { kind: 'signature', secret: 'another-secret-of-some-length' }],
    ['a wrong token in the header', { kind: 'token-header', token: `${JIRA_WEBHOOK_SECRET}x` }],
    ['a wrong token in the query', { kind: 'token-query', token: 'jira' }],
  ] as const)('answers 401 to %s and queues nothing', async (_, auth) => {
    const answer = await postJiraWebhook(base, automationBody('ACCESS-7'), auth);

    expect(answer.status).toBe(401);
    expect(inboundJobs()).toEqual([]);
  });

  it('trusts the signature when it is there: a right token does not save a wrong signature', async () => {
    const answer = await postJiraWebhook(base, automationBody('ACCESS-7'), { kind: 'token-header' }, { 'x-hub-signature': 'sha256=' + '0'.repeat(64) });

    expect(answer.status).toBe(401);
  });

  it('coalesces deliveries of one issue while one waits, and ignores an issue Keycard did not file', async () => {
    await postJiraWebhook(base, automationBody('ACCESS-7'));
    await postJiraWebhook(base, automationBody('access-7'));
    const other = await postJiraWebhook(base, automationBody('HR-1'));

    expect(other).toEqual({ status: 200, json: { ok: true, ignored: true } });
    expect(inboundJobs()).toEqual([{ issueKey: 'ACCESS-7', handler: 'request' }]);
  });

  it('skips a Jira webhook whose changelog changed neither status nor labels', async () => {
    const body = JSON.stringify({ webhookEvent: 'jira:issue_updated', issue: { key: 'ACCESS-7' }, changelog: { id: '1', items: [{ field: 'assignee' }] } });

    const answer = await postJiraWebhook(base, body);

    expect(answer).toEqual({ status: 200, json: { ok: true, ignored: true } });
  });

  it('answers 413 past the body limit, 405 to a GET, and still serves /healthz', async () => {
    const big = await postJiraWebhook(base, JSON.stringify({ key: 'ACCESS-7', pad: 'x'.repeat(5000) }));
    const get = await fetch(`${base}${JIRA_WEBHOOK_PATH}`);
    const health = await fetch(`${base}/healthz`);

    expect(big.status).toBe(413);
    expect(get.status).toBe(405);
    expect(health.status).toBe(200);
  });

  it('never logs the secret nor a token that was sent', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    const deps = { store, clock, logger } as unknown as WorkflowDeps;
    const handler = createJiraWebhookHandler({ secret: new Secret(JIRA_WEBHOOK_SECRET), logger, receive: (d) => receiveJiraDelivery(deps, [requestIssueHandler(MEANINGS)], d) });
    const logged = await startOpsServer(withRoutes(createOpsHandler({ readiness: () => ({ ready: true }), readyDetails: () => ({}), metrics: null, metricsToken: null }), [{ path: JIRA_WEBHOOK_PATH, handler }]), 0, '127.0.0.1');
    const url = `http://127.0.0.1:${(logged.address() as AddressInfo).port}`;
    try {
      await postJiraWebhook(url, automationBody('ACCESS-7'), { kind: 'token-query' });
      await postJiraWebhook(url, automationBody('ACCESS-7'), { kind: 'token-header', token: 'a-wrong-guess-of-the-token' });
      await postJiraWebhook(url, automationBody('ACCESS-7'), { kind: 'signature', secret: 'a-wrong-guess-of-the-token' });
    } finally {
      await new Promise((resolve) => logged.close(resolve));
    }

    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.join('\n')).not.toContain(JIRA_WEBHOOK_SECRET);
    expect(lines.join('\n')).not.toContain('a-wrong-guess-of-the-token');
  });

  it('is 404 on an operator server without the route (JIRA_WEBHOOK_SECRET unset)', async () => {
    const bare = await startOpsServer(withRoutes(createOpsHandler({ readiness: () => ({ ready: true }), readyDetails: () => ({}), metrics: null, metricsToken: null }), []), 0, '127.0.0.1');
    try {
      const answer = await postJiraWebhook(`http://127.0.0.1:${(bare.address() as AddressInfo).port}`, automationBody('ACCESS-7'));

      expect(answer.status).toBe(404);
    } finally {
      await new Promise((resolve) => bare.close(resolve));
    }
  });
});

describe('reading a webhook body', () => {
  it.each([
    ['a Jira Cloud webhook', { webhookEvent: 'jira:issue_updated', issue: { key: 'ACCESS-3', fields: { issuetype: { name: 'Task' } } }, changelog: { id: '9', items: [{ field: 'status' }, { field: 'labels' }] } }, { issueKey: 'ACCESS-3', event: 'jira:issue_updated', issueType: 'Task', changedFields: ['status', 'labels'] }],
    ['Automation "Issue data (Jira format)"', { issue: { key: 'ACCESS-3', changelog: { histories: null } } }, { issueKey: 'ACCESS-3', event: null, issueType: null, changedFields: null }],
    ['Automation "Issue data (Automation format)"', { key: 'access-3', fields: { issuetype: { name: 'Offboarding' } }, changelog: { histories: null } }, { issueKey: 'ACCESS-3', event: null, issueType: 'Offboarding', changedFields: null }],
    ['a custom body', { issueKey: ' ACCESS-3 ' }, { issueKey: 'ACCESS-3', event: null, issueType: null, changedFields: null }],
    ['a Jira Cloud webhook for a comment (no changelog)', { webhookEvent: 'jira:issue_updated', issue_event_type_name: 'issue_commented', issue: { key: 'ACCESS-3' } }, { issueKey: 'ACCESS-3', event: 'jira:issue_updated', issueType: null, changedFields: [] }],
  ])('takes the issue from %s', (_, body, expected) => {
    expect(parseJiraDelivery(body)).toEqual(expected);
  });

  it.each([
    [[], 'the body must be a JSON object naming the issue (issue.key, key or issueKey)'],
    [{ issue: {} }, 'the body names no issue: send its key as issue.key, key or issueKey (in Jira Automation: {{issue.key}})'],
    [{ key: '{{issue.key}}' }, "'{{issue.key}}' is not a Jira issue key (like ACCESS-12)"],
  ])('says what is wrong with %j', (body, message) => {
    expect(parseJiraDelivery(body)).toBe(message);
  });
});

describe('which changes made in Jira Keycard acts on', () => {
  const issue = (status: string, labels: string[] = []): IssueState => ({ key: 'ACCESS-1', status, labels, issueType: 'Task', project: 'ACCESS', summary: '', reporter: null, fields: {} });
  const person = { accountId: 'acct-marco', displayName: 'Marco', email: 'marco@acme.com' };
  const bot = { accountId: 'acct-bot', displayName: 'Keycard', email: null };
  const change = (id: string, author: typeof person | typeof bot, field: string, from: string | null, to: string | null): IssueChange => ({ id, at: new Date(0), author, items: [{ field, from, to }] });

  it.each([
    ['a move to Approved by a person', [change('1', person, 'status', 'To Do', 'Approved')], issue('Approved'), [['1', 'approve', 'status']]],
    ['a move to Declined, whatever the case of the name', [change('1', person, 'status', 'To Do', 'declined')], issue('Declined'), [['1', 'deny', 'status']]],
    ['a move to Revoke access', [change('1', person, 'status', 'Done', 'Revoke access')], issue('Revoke access'), [['1', 'revoke', 'status']]],
    ["Keycard's own move", [change('1', bot, 'status', 'To Do', 'Approved')], issue('Approved'), []],
    ['an earlier move, since moved on', [change('1', person, 'status', 'To Do', 'Approved'), change('2', person, 'status', 'Approved', 'To Do')], issue('To Do'), []],
    ['a move to a status that means nothing', [change('1', person, 'status', 'To Do', 'In Review')], issue('In Review'), []],
    ['the revoke label added', [change('1', person, 'labels', 'keycard', 'keycard keycard-revoke')], issue('Done', ['keycard', 'keycard-revoke']), [['1', 'revoke', 'label']]],
    ['the revoke label added, then taken off', [change('1', person, 'labels', 'keycard', 'keycard keycard-revoke')], issue('Done', ['keycard']), []],
    ['another label added', [change('1', person, 'labels', 'keycard', 'keycard urgent')], issue('Done', ['keycard', 'urgent']), []],
  ])('%s', (_, history, state, expected) => {
    expect(actionableChanges(history, state, MEANINGS, 'acct-bot').map((c) => [c.entry.id, c.action, c.via])).toEqual(expected);
  });
});

describe('Jira → Keycard settings', () => {
  it.each([
    [{ JIRA_WEBHOOK_SECRET: 'short' }, 'JIRA_WEBHOOK_SECRET must be at least 16 characters (e.g. `openssl rand -hex 32`); the value set is shorter'],
    [{ JIRA_STATUS_APPROVED: 'Approved' }, 'JIRA_STATUS_APPROVED is set but JIRA_WEBHOOK_SECRET is not: Keycard hears nothing from Jira without it (README "Deciding in Jira")'],
    [{ JIRA_WEBHOOK_SECRET, JIRA_STATUS_APPROVED: 'Done', JIRA_STATUS_DECLINED: 'done' }, "JIRA_STATUS_APPROVED and JIRA_STATUS_DECLINED name the same status 'Done'; each must be a status of its own"],
    [{ JIRA_WEBHOOK_SECRET, JIRA_REVOKE_LABEL: 'revoke me' }, 'JIRA_REVOKE_LABEL must be one Jira label: no spaces, quotes or backslashes, e.g. keycard-revoke'],
    [{ JIRA_WEBHOOK_SECRET, SLACK_APP_TOKEN: 'xapp-1' }, 'JIRA_WEBHOOK_SECRET is set in Socket Mode (SLACK_APP_TOKEN) but PORT is not: Keycard serves POST /webhooks/jira on PORT, so set it (e.g. PORT=3000) and let Jira reach it'],
  ])('refuses %j', (env, problem) => {
    expect(configProblems(env)).toContain(problem);
  });

  it('never shows the secret in a problem', () => {
    expect(configProblems({ JIRA_WEBHOOK_SECRET: 'tiny-secret' }).join('\n')).not.toContain('tiny-secret');
  });

  it('accepts the whole set', () => {
    expect(configProblems({ JIRA_WEBHOOK_SECRET, JIRA_STATUS_APPROVED: 'Approved', JIRA_STATUS_DECLINED: 'Declined', JIRA_REVOKE_STATUS: 'Revoke access', JIRA_REVOKE_LABEL: 'keycard-revoke' })).toEqual([]);
  });
});
