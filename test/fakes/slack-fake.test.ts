import type { AddressInfo } from 'node:net';
import { App, LogLevel, type types } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SlackDriver } from '../support/slack-driver.js';
import { isObject, type JsonObject } from './block-kit.js';
import { SlackFake } from './slack.js';

const TOKEN = 'xoxb-test-token';
const SIGNING_SECRET = 'signing-secret';

function plain(text: string): { type: 'plain_text'; text: string } {
  return { type: 'plain_text', text };
}

function requestModal(extra: Partial<types.ModalView> = {}): types.ModalView {
  return {
    type: 'modal',
    callback_id: 'request',
    title: plain('Request access'),
    submit: plain('Submit'),
    blocks: [
      {
        type: 'input',
        block_id: 'app',
        label: plain('Application'),
        element: {
          type: 'static_select',
          action_id: 'app',
          options: [
            { text: plain('GitHub'), value: 'github' },
            { text: plain('AWS prod'), value: 'aws-prod' },
          ],
        },
      },
      { type: 'input', block_id: 'reason', label: plain('Reason'), element: { type: 'plain_text_input', action_id: 'reason' } },
      { type: 'input', block_id: 'note', optional: true, label: plain('Note'), element: { type: 'plain_text_input', action_id: 'note' } },
    ],
    ...extra,
  };
}

/** The Slack error code and messages of a rejected WebClient call. */
async function slackError(call: Promise<unknown>): Promise<{ error: unknown; messages: unknown }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof Error && 'data' in error && isObject(error.data)) {
      const metadata = error.data['response_metadata'];
      return { error: error.data['error'], messages: isObject(metadata) ? metadata['messages'] : undefined };
    }
    throw error;
  }
  throw new Error('expected the call to fail');
}

async function waitFor<T>(read: () => T | undefined, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('waitFor timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let fake: SlackFake;
let client: WebClient;

beforeEach(async () => {
  fake = new SlackFake({ botToken: TOKEN });
  await fake.start();
  fake.addUser({ id: 'U1', name: 'ada', realName: 'Ada Lovelace', email: 'Ada@example.com', tz: 'Europe/London', title: 'Engineer' });
  fake.addUser({ id: 'U2', name: 'grace', realName: 'Grace Hopper', email: 'grace@example.com' });
  fake.addUser({ id: 'U3', name: 'gone', realName: 'Gone User', email: 'gone@example.com', deleted: true });
  client = new WebClient(TOKEN, {
    slackApiUrl: `${fake.url}/api/`,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: LogLevel.ERROR,
  });
});

afterEach(async () => {
  await fake.stop();
});

describe('SlackFake Web API', () => {
  it('answers auth.test with the bot identity', async () => {
    const result = await client.auth.test();

    expect(result).toMatchObject({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T0001' });
  });

  it('posts a DM by user id, updates it and keeps the history', async () => {
    const first = await client.chat.postMessage({ channel: 'U1', text: 'Request KEY-1 is waiting', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Waiting' } }] });
    const second = await client.chat.postMessage({ channel: 'U1', text: 'Another' });

    await client.chat.update({ channel: String(first.channel), ts: String(first.ts), text: 'Approved' });
    await client.chat.update({ channel: String(first.channel), ts: String(first.ts), text: 'Approved', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Approved by Grace' } }] });

    expect(first.channel).toBe('DU1');
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    const [message] = fake.dms('U1');
    expect(message?.text).toBe('Approved');
    expect(message?.blocks?.[0]).toMatchObject({ text: { text: 'Approved by Grace' } });
    expect(message?.history.map((v) => v.text)).toEqual(['Request KEY-1 is waiting', 'Approved']);
    // chat.update without blocks keeps the earlier blocks, as Slack does.
    expect(message?.history[1]?.blocks?.[0]).toMatchObject({ text: { text: 'Waiting' } });
    expect(message?.blocks?.[0]?.['block_id']).toEqual(expect.any(String));
    expect(fake.dms('U1')).toHaveLength(2);
    expect(fake.callCount('chat.update')).toBe(2);
  });

  it('refuses unknown messages and channels', async () => {
    const posted = await client.chat.postMessage({ channel: 'U1', text: 'hi' });

    expect(await slackError(client.chat.update({ channel: 'DU1', ts: '1.000001', text: 'x' }))).toMatchObject({ error: 'message_not_found' });
    expect(await slackError(client.chat.update({ channel: 'U1', ts: String(posted.ts), text: 'x' }))).toMatchObject({ error: 'channel_not_found' });
    expect(await slackError(client.chat.postMessage({ channel: 'C404', text: 'x' }))).toMatchObject({ error: 'channel_not_found' });
    expect(await slackError(client.chat.postMessage({ channel: 'U404', text: 'x' }))).toMatchObject({ error: 'channel_not_found' });
    expect(await slackError(client.chat.postMessage({ channel: 'U1', text: '' }))).toMatchObject({ error: 'no_text' });
    expect(await slackError(client.chat.postMessage({ channel: 'U1', text: 'x'.repeat(40_001) }))).toMatchObject({ error: 'msg_too_long' });
    expect(fake.rejections.map((r) => r.error)).toEqual([
      'message_not_found',
      'channel_not_found',
      'channel_not_found',
      'channel_not_found',
      'no_text',
      'msg_too_long',
    ]);
  });

  it('posts to a channel once it is added', async () => {
    fake.addChannel('C1', { name: 'access-requests' });
    fake.addChannel('C2', { isMember: false });

    const posted = await client.chat.postMessage({ channel: 'C1', text: 'New request' });

    expect(posted.channel).toBe('C1');
    expect(fake.messages('C1').map((m) => m.text)).toEqual(['New request']);
    expect(await slackError(client.chat.postMessage({ channel: 'C2', text: 'x' }))).toMatchObject({ error: 'not_in_channel' });
  });

  it('finds users by id and by email', async () => {
    const byEmail = await client.users.lookupByEmail({ email: 'ada@example.com' });
    const byId = await client.users.info({ user: 'U2' });

    expect(byEmail.user).toMatchObject({ id: 'U1', real_name: 'Ada Lovelace', tz: 'Europe/London', profile: { email: 'Ada@example.com', title: 'Engineer' } });
    expect(byId.user).toMatchObject({ id: 'U2', name: 'grace', deleted: false });
    expect(await slackError(client.users.lookupByEmail({ email: 'nobody@example.com' }))).toMatchObject({ error: 'users_not_found' });
    expect(await slackError(client.users.info({ user: 'U404' }))).toMatchObject({ error: 'user_not_found' });
  });

  it('opens DMs and refuses disabled users', async () => {
    const opened = await client.conversations.open({ users: 'U2' });

    expect(opened.channel?.id).toBe('DU2');
    expect(await slackError(client.conversations.open({ users: 'U3' }))).toMatchObject({ error: 'user_disabled' });
    expect(await slackError(client.conversations.open({ users: 'U404' }))).toMatchObject({ error: 'user_not_found' });
  });

  it('answers invalid_auth for a wrong token and not_authed for none', async () => {
    const wrong = new WebClient('xoxb-wrong', { slackApiUrl: `${fake.url}/api/`, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
    const none = new WebClient(undefined, { slackApiUrl: `${fake.url}/api/`, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });

    expect(await slackError(wrong.auth.test())).toMatchObject({ error: 'invalid_auth' });
    expect(await slackError(none.chat.postMessage({ channel: 'U1', text: 'x' }))).toMatchObject({ error: 'not_authed' });
    expect(fake.dms('U1')).toEqual([]);
  });

  it('stores ephemerals per user', async () => {
    fake.addChannel('C1');

    await client.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'Only you can see this' });

    expect(fake.ephemerals('U1')).toMatchObject([{ channel: 'C1', text: 'Only you can see this', source: 'chat.postEphemeral' }]);
    expect(fake.ephemerals('U2')).toEqual([]);
    expect(await slackError(client.chat.postEphemeral({ channel: 'C1', user: 'U404', text: 'x' }))).toMatchObject({ error: 'user_not_found' });
  });

  it('rejects 51 blocks in a message with invalid_blocks and the reason', async () => {
    const blocks = Array.from({ length: 51 }, (_, i) => ({ type: 'section', text: { type: 'mrkdwn', text: `line ${i}` } }));

    const rejected = await slackError(client.chat.postMessage({ channel: 'U1', text: 'many', blocks }));

    expect(rejected).toEqual({ error: 'invalid_blocks', messages: ['[ERROR] must be less than 51 items [json-pointer:/blocks]'] });
    expect(fake.dms('U1')).toEqual([]);
    expect(fake.rejections).toEqual([{ method: 'chat.postMessage', error: 'invalid_blocks', messages: rejected.messages }]);
  });

  it('answers unknown methods with unknown_method and fails assertNoUnexpected', async () => {
    expect(await slackError(client.apiCall('reactions.add', { channel: 'DU1', name: 'tada', timestamp: '1.1' }))).toMatchObject({ error: 'unknown_method' });
    expect(() => fake.assertNoUnexpected()).toThrow(/reactions\.add/);
  });
});

describe('SlackFake file uploads', () => {
  const csv = 'login,name\nada@example.com,Ada Lovelace\nzoë@example.com,Zoë Ørsted\n';

  it('takes a files.uploadV2 upload (URL, bytes, completion) and shares it in the DM with its comment', async () => {
    const opened = await client.conversations.open({ users: 'U1' });

    const result = await client.files.uploadV2({ channel_id: opened.channel?.id ?? '', filename: 'révision-accès.csv', title: 'Access review', content: csv, initial_comment: 'Your *review* export' });

    expect(result.ok).toBe(true);
    expect(fake.filesSentTo('U1')).toEqual([{ name: 'révision-accès.csv', title: 'Access review', content: csv, comment: 'Your *review* export' }]);
    expect(fake.dms('U1').map((m) => m.text)).toEqual(['Your *review* export']);
    expect(fake.uploads()).toEqual([expect.objectContaining({ filename: 'révision-accès.csv', length: Buffer.byteLength(csv), channel: 'DU1', completed: true })]);
    expect(fake.filesSentTo('U2')).toEqual([]);
  });

  it('refuses an upload without a filename or a length, as files.getUploadURLExternal does', async () => {
    expect(await slackError(client.files.getUploadURLExternal({ filename: '', length: 10 }))).toMatchObject({ error: 'invalid_arguments' });
    expect(await slackError(client.apiCall('files.getUploadURLExternal', { filename: 'a.csv' }))).toMatchObject({ error: 'invalid_arguments' });
    expect(await slackError(client.files.getUploadURLExternal({ filename: 'a.csv', length: 0 }))).toMatchObject({ error: 'missing_argument' });
    expect(fake.uploads()).toEqual([]);
  });

  it('refuses bytes of another length than announced (in bytes, not characters), and an upload URL used twice', async () => {
    const { upload_url: url = '', file_id: id = '' } = await client.files.getUploadURLExternal({ filename: 'a.txt', length: 6 });

    const short = await fetch(url, { method: 'POST', body: 'abc' });
    const characters = await fetch(url, { method: 'POST', body: 'abcde' });
    const good = await fetch(url, { method: 'POST', body: 'abcdé' });
    const again = await fetch(url, { method: 'POST', body: 'abcdé' });
    await client.files.completeUploadExternal({ files: [{ id }], channel_id: 'DU1' });

    expect([short.status, characters.status, good.status, again.status]).toEqual([400, 400, 200, 404]);
    expect(await good.text()).toBe('OK - 6');
    expect(fake.filesSentTo('U1')).toEqual([{ name: 'a.txt', title: 'a.txt', content: 'abcdé', comment: '' }]);
  });

  it('completes only uploaded files, once, in a channel that exists', async () => {
    const started = await client.files.getUploadURLExternal({ filename: 'a.csv', length: 3 });
    const id = started.file_id ?? '';

    const early = await slackError(client.files.completeUploadExternal({ files: [{ id }], channel_id: 'DU1' }));
    await fetch(started.upload_url ?? '', { method: 'POST', body: 'a,b' });
    const unknownChannel = await slackError(client.files.completeUploadExternal({ files: [{ id }], channel_id: 'C404' }));
    const userId = await slackError(client.files.completeUploadExternal({ files: [{ id }], channel_id: 'U1' }));
    await client.files.completeUploadExternal({ files: [{ id, title: 'A' }], channel_id: 'DU1', initial_comment: 'here' });
    const twice = await slackError(client.files.completeUploadExternal({ files: [{ id }], channel_id: 'DU1' }));

    expect([early.error, unknownChannel.error, userId.error, twice.error]).toEqual(['file_not_found', 'invalid_channel', 'invalid_channel', 'file_not_found']);
    expect(fake.filesSentTo('U1')).toEqual([{ name: 'a.csv', title: 'A', content: 'a,b', comment: 'here' }]);
  });

  it('answers an injected 429 on the upload URL, which the client reports as rate limited', async () => {
    fake.inject({ method: 'POST', path: /^\/upload\//, status: 429, headers: { 'retry-after': '9' }, body: 'rate limited' });

    const error = await client.files.uploadV2({ channel_id: 'DU1', filename: 'a.csv', title: 'A', content: 'a,b' }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 9 });
    expect(fake.filesSentTo('U1')).toEqual([]);
  });
});

describe('SlackFake views', () => {
  it('opens a modal with a fresh trigger_id and refuses it a second time', async () => {
    const trigger = fake.issueTrigger('U1');

    const opened = await client.views.open({ trigger_id: trigger, view: requestModal() });
    const reused = await slackError(client.views.open({ trigger_id: trigger, view: requestModal() }));

    expect(opened.view).toMatchObject({ id: expect.stringMatching(/^V/), hash: expect.any(String), callback_id: 'request', state: { values: {} } });
    expect(fake.openViews('U1').map((v) => v.id)).toEqual([opened.view?.id]);
    expect(reused).toMatchObject({ error: 'exchanged_trigger_id' });
    expect(await slackError(client.views.open({ trigger_id: '1.2.made-up', view: requestModal() }))).toMatchObject({ error: 'invalid_trigger_id' });
  });

  it('refuses a trigger_id older than 3 seconds', async () => {
    const trigger = fake.issueTrigger('U1');
    const issued = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(issued + 3100);

    try {
      expect(await slackError(client.views.open({ trigger_id: trigger, view: requestModal() }))).toMatchObject({ error: 'expired_trigger_id' });
    } finally {
      vi.restoreAllMocks();
    }
    expect(fake.openViews('U1')).toEqual([]);
  });

  it('rejects a modal title over 24 characters with invalid_arguments', async () => {
    const view = requestModal({ title: plain('Request access to an app!') });

    const rejected = await slackError(client.views.open({ trigger_id: fake.issueTrigger('U1'), view: view }));

    expect(rejected).toEqual({ error: 'invalid_arguments', messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'] });
  });

  it('updates a view by id, checks the hash and keeps entered values', async () => {
    const opened = await client.views.open({ trigger_id: fake.issueTrigger('U1'), view: requestModal() });
    const viewId = String(opened.view?.id);
    fake.setViewState(viewId, 'reason', 'reason', { type: 'plain_text_input', value: 'on call' });

    const updated = await client.views.update({ view_id: viewId, hash: String(opened.view?.hash), view: requestModal({ private_metadata: 'KEY-1' }) });
    const stale = await slackError(client.views.update({ view_id: viewId, hash: String(opened.view?.hash), view: requestModal() }));

    expect(updated.view?.hash).not.toBe(opened.view?.hash);
    expect(fake.view(viewId)?.private_metadata).toBe('KEY-1');
    expect(fake.view(viewId)?.state.values['reason']?.['reason']).toEqual({ type: 'plain_text_input', value: 'on call' });
    expect(fake.viewHistory(viewId)).toHaveLength(1);
    expect(stale).toMatchObject({ error: 'hash_conflict' });
    expect(await slackError(client.views.update({ view_id: 'V404', view: requestModal() }))).toMatchObject({ error: 'not_found' });
  });

  it('pushes up to three views', async () => {
    await client.views.open({ trigger_id: fake.issueTrigger('U1'), view: requestModal() });
    await client.views.push({ trigger_id: fake.issueTrigger('U1'), view: requestModal({ callback_id: 'second' }) });
    await client.views.push({ trigger_id: fake.issueTrigger('U1'), view: requestModal({ callback_id: 'third' }) });

    const fourth = await slackError(client.views.push({ trigger_id: fake.issueTrigger('U1'), view: requestModal() }));

    expect(fake.openViews('U1').map((v) => v.callback_id)).toEqual(['request', 'second', 'third']);
    expect(fourth).toMatchObject({ error: 'push_limit_reached' });
  });

  it('publishes an App Home per user', async () => {
    const home: types.HomeView = { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Your requests' } }] };

    await client.views.publish({ user_id: 'U1', view: home });
    await client.views.publish({ user_id: 'U1', view: { ...home, blocks: [{ type: 'divider' }] } });

    expect(fake.home('U1')?.blocks).toMatchObject([{ type: 'divider' }]);
    expect(fake.home('U2')).toBeUndefined();
    expect(await slackError(client.views.publish({ user_id: 'U404', view: home }))).toMatchObject({ error: 'invalid_arguments' });
  });
});

describe('SlackFake faults and limits', () => {
  it('answers an injected 429 with Retry-After', async () => {
    fake.inject({ method: 'POST', path: '/api/chat.postMessage', status: 429, headers: { 'retry-after': '7' }, body: { ok: false, error: 'ratelimited' } });

    const error = await client.chat.postMessage({ channel: 'U1', text: 'x' }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
    expect(fake.dms('U1')).toEqual([]);
  });

  it('rate limits a method per minute', async () => {
    fake.rateLimit('users.info', { perMinute: 2 });

    await client.users.info({ user: 'U1' });
    await client.users.info({ user: 'U1' });
    const error = await client.users.info({ user: 'U1' }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: expect.any(Number) });
    expect(fake.rejections).toEqual([{ method: 'users.info', error: 'ratelimited', messages: [] }]);
  });
});

describe('SlackFake response URLs', () => {
  async function respond(url: string, body: JsonObject): Promise<number> {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return response.status;
  }

  it('stores ephemeral answers for the user who acted', async () => {
    const url = fake.issueResponseUrl({ userId: 'U1', channel: 'DU1' });

    const status = await respond(url, { text: 'Request sent' });

    expect(status).toBe(200);
    expect(fake.responses).toMatchObject([{ responseType: 'ephemeral', text: 'Request sent', replaceOriginal: false }]);
    expect(fake.ephemerals('U1')).toMatchObject([{ text: 'Request sent', source: 'response_url' }]);
  });

  it('replaces the original message and refuses after five uses', async () => {
    const posted = await client.chat.postMessage({ channel: 'U2', text: 'Approve?' });
    const url = fake.issueResponseUrl({ userId: 'U2', channel: 'DU2', messageTs: String(posted.ts) });

    await respond(url, { replace_original: true, text: 'Approved' });
    for (let i = 0; i < 4; i += 1) await respond(url, { text: `note ${i}` });
    const sixth = await respond(url, { text: 'too many' });

    expect(fake.dms('U2').map((m) => m.text)).toEqual(['Approved']);
    expect(sixth).toBe(404);
    expect(await respond(`${fake.url}/response/R404`, { text: 'x' })).toBe(404);
  });
});

describe('SlackDriver against a real Bolt app', () => {
  let app: App;
  let driver: SlackDriver;
  const seen: string[] = [];

  beforeEach(async () => {
    seen.length = 0;
    app = new App({
      token: TOKEN,
      signingSecret: SIGNING_SECRET,
      clientOptions: { slackApiUrl: `${fake.url}/api/`, retryConfig: { retries: 0 } },
      botId: 'B1',
      botUserId: 'UBOT',
      logLevel: LogLevel.ERROR,
    });
    app.command('/request', async ({ ack, body, client: web, respond }) => {
      await ack();
      seen.push(`command:${body.user_id}:${body.text}`);
      await web.views.open({ trigger_id: body.trigger_id, view: requestModal() });
      await respond({ text: 'Opening the form' });
    });
    app.view('request', async ({ ack, view, body }) => {
      const reason = view.state.values['reason']?.['reason']?.value ?? '';
      if (reason.length < 5) {
        await ack({ response_action: 'errors', errors: { reason: 'Say a bit more' } });
        return;
      }
      await ack();
      seen.push(`submit:${body.user.id}:${view.state.values['app']?.['app']?.selected_option?.value}:${reason}`);
      await app.client.chat.postMessage({
        channel: 'U2',
        text: 'Approve?',
        blocks: [
          { type: 'section', block_id: 'summary', text: { type: 'mrkdwn', text: 'Ada asks for GitHub' } },
          { type: 'actions', block_id: 'decide', elements: [{ type: 'button', action_id: 'approve', text: plain('Approve'), value: 'KEY-1' }] },
        ],
      });
    });
    app.action('approve', async ({ ack, body, action, respond }) => {
      await ack();
      seen.push(`approve:${body.user.id}:${'value' in action ? String(action.value) : ''}`);
      await respond({ replace_original: true, text: 'Approved by Grace' });
    });
    app.event('app_home_opened', async ({ event, client: web }) => {
      await web.views.publish({ user_id: event.user, view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Hi' } }] } });
    });
    const server = await app.start(0);
    const { port } = server.address() as AddressInfo;
    driver = new SlackDriver({ appUrl: `http://127.0.0.1:${port}/slack/events`, signingSecret: SIGNING_SECRET, slack: fake });
  });

  afterEach(async () => {
    await app.stop();
  });

  it('runs a signed command, a modal submission and a button click end to end', async () => {
    const command = await driver.command('U1', '/request', 'github');
    const view = await waitFor(() => fake.openViews('U1')[0]);
    await waitFor(() => fake.ephemerals('U1')[0]);
    const tooShort = await driver.submitView('U1', view.id, { app: { app: 'github' }, reason: { reason: 'no' } });
    const submitted = await driver.submitView('U1', view.id, { reason: { reason: 'on call this week' } });
    const approval = await waitFor(() => fake.dms('U2')[0]);
    const click = await driver.clickButton('U2', { actionId: 'approve', blockId: 'decide', container: { message: { channel: approval.channel, ts: approval.ts } } });
    await waitFor(() => (fake.dms('U2')[0]?.text === 'Approved by Grace' ? true : undefined));

    expect(command.status).toBe(200);
    expect(tooShort).toMatchObject({ status: 200, json: { response_action: 'errors', errors: { reason: 'Say a bit more' } } });
    expect(submitted.status).toBe(200);
    expect(fake.openViews('U1')).toEqual([]);
    expect(click.status).toBe(200);
    expect(seen).toEqual(['command:U1:github', 'submit:U1:github:on call this week', 'approve:U2:KEY-1']);
    expect(fake.ephemerals('U1')).toMatchObject([{ text: 'Opening the form' }]);
    expect(fake.rejections).toEqual([]);
    fake.assertNoUnexpected();
  });

  it('refuses a forged signature, a stale timestamp and the wrong content type', async () => {
    const body = new URLSearchParams({ command: '/request', user_id: 'U1', text: 'x' }).toString();
    const stale = driver.sign(body, Math.floor(Date.now() / 1000) - 6 * 60);

    const forged = await driver.raw(body, { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-signature': 'v0=deadbeef', 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)) });
    const old = await driver.raw(body, { 'content-type': 'application/x-www-form-urlencoded', ...stale });
    const unsigned = await driver.raw(body, { 'content-type': 'application/x-www-form-urlencoded' });
    const charset = await driver.raw(body, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...driver.sign(body) });

    expect([forged.status, old.status, unsigned.status]).toEqual([401, 401, 401]);
    expect(charset.status).toBe(400);
    expect(seen).toEqual([]);
  });

  it('refuses clicks on buttons that are not there unless forced', async () => {
    const posted = await client.chat.postMessage({ channel: 'U2', text: 'plain' });

    await expect(driver.clickButton('U2', { actionId: 'approve', blockId: 'decide', container: { message: { channel: 'DU2', ts: String(posted.ts) } } })).rejects.toThrow(/no button/);
    const forced = await driver.clickButton('U2', { actionId: 'approve', blockId: 'decide', value: 'KEY-9', force: true, container: { message: { channel: 'DU2', ts: String(posted.ts) } } });

    expect(forced.status).toBe(200);
    await waitFor(() => fake.responses[0]);
    expect(seen).toEqual(['approve:U2:KEY-9']);
  });

  it('keeps a selection for the submit and refuses an empty required input', async () => {
    await driver.command('U1', '/request', '');
    const view = await waitFor(() => fake.openViews('U1')[0]);

    const selected = await driver.selectOption('U1', { viewId: view.id, blockId: 'app', actionId: 'app', value: 'aws-prod' });
    await expect(driver.submitView('U1', view.id, {})).rejects.toThrow(/required input reason\/reason is empty/);
    await driver.submitView('U1', view.id, { reason: { reason: 'incident 42' } });

    expect(selected.status).toBe(0);
    await waitFor(() => fake.dms('U2')[0]);
    expect(seen[1]).toBe('submit:U1:aws-prod:incident 42');
  });

  it('answers url_verification and delivers events', async () => {
    const verification = await driver.urlVerification('challenge-123');
    const event = await driver.event('app_home_opened', { user: 'U1', channel: 'DU1', tab: 'home' });
    const home = await waitFor(() => fake.home('U1'));

    expect(verification).toMatchObject({ status: 200, json: { challenge: 'challenge-123' } });
    expect(event.status).toBe(200);
    expect(home.blocks).toMatchObject([{ type: 'section', text: { text: 'Hi' } }]);
  });
});
