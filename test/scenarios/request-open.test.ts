/**
 * `/request` opens its form with one JSON POST of the cached view text (src/slack/open-view.ts) instead
 * of the WebClient. What Slack receives must be what the WebClient would have sent, a failure must reach
 * the person who typed the command instead of leaving them with nothing, and Slack's warnings must still
 * be logged.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { buildRequestModal } from '../../src/slack/blocks/request-modal.js';
import { formNotOpened, openViewJson } from '../../src/slack/open-view.js';
import { HttpFake } from '../fakes/http-fake.js';
import { Harness } from '../support/harness.js';
import { PEOPLE } from '../support/people.js';
import { freePort } from '../support/ports.js';

const { priya } = PEOPLE;

describe('/request opens its form with one JSON POST', () => {
  let h: Harness | undefined;

  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('sends Slack the form as JSON, with the bot token and the workspace, and the form opens', async () => {
    h = await Harness.start();
    await h.driver.command(priya.slackId, '/request', '');
    await h.settle();

    const opens = h.slack.callsTo('POST', '/api/views.open');
    expect(opens).toHaveLength(1);
    const [open] = opens;
    expect(open?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(open?.headers['authorization']).toBe(`Bearer ${h.slack.botToken}`);
    expect(open?.body).toMatchObject({ team_id: h.slack.teamId, view: JSON.parse(JSON.stringify(buildRequestModal(h.keycard.deps.catalog(), {}))) });
    expect(h.slack.triggerOwner(String((open?.body as { trigger_id?: unknown }).trigger_id))).toBe(priya.slackId);
    expect(h.slack.openViews(priya.slackId)).toHaveLength(1);
    expect(h.slack.ephemerals(priya.slackId)).toEqual([]);
    expect(h.slack.rejections).toEqual([]);
  });

  it('opens the form with the app chosen for `/request <app>` the same way', async () => {
    h = await Harness.start();
    await h.driver.command(priya.slackId, '/request', 'salesforce');
    await h.settle();

    const [view] = h.slack.openViews(priya.slackId);
    expect(JSON.stringify(view?.blocks)).toContain('Salesforce');
    expect(h.slack.callsTo('POST', '/api/views.open')[0]?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(h.slack.rejections).toEqual([]);
  });

  it('tells the person at once when Slack rate-limits the open, without waiting out Retry-After (the trigger would be spent)', async () => {
    h = await Harness.start();
    h.slack.inject({ path: '/api/views.open', status: 429, headers: { 'retry-after': '30' }, body: { ok: false, error: 'ratelimited' } });
    await h.driver.command(priya.slackId, '/request', '');
    await h.settle();

    expect(h.slack.callsTo('POST', '/api/views.open')).toHaveLength(1);
    expect(h.slack.openViews(priya.slackId)).toEqual([]);
    const [told] = h.slack.ephemerals(priya.slackId);
    expect(told?.text).toContain('asked to wait 30 s');
    expect(told?.text).toContain('Nothing was filed. Type `/request` again');
  });

  it('says the three seconds had passed when Slack answers with a spent trigger', async () => {
    h = await Harness.start();
    h.slack.inject({ path: '/api/views.open', status: 200, body: { ok: false, error: 'expired_trigger_id' } });
    await h.driver.command(priya.slackId, '/request', '');
    await h.settle();

    expect(h.slack.ephemerals(priya.slackId).map((e) => e.text)).toEqual([expect.stringContaining('Slack allows 3 seconds to open the request form and that time had passed (`expired_trigger_id`)')]);
  });

  it('names the HTTP status when Slack answers 500', async () => {
    h = await Harness.start();
    h.slack.inject({ path: '/api/views.open', status: 500, body: 'upstream failure' });
    await h.driver.command(priya.slackId, '/request', '');
    await h.settle();

    expect(h.slack.ephemerals(priya.slackId).map((e) => e.text)).toEqual([expect.stringContaining('Slack answered HTTP 500')]);
  });
});

describe('openViewJson', () => {
  let fake: HttpFake | undefined;

  afterEach(async () => {
    await fake?.stop();
    fake = undefined;
  });

  function collectingLogger(): { warn: string[]; error: string[]; logger: { warn: (m: string) => void; error: (m: string) => void } } {
    const warn: string[] = [];
    const error: string[] = [];
    return { warn, error, logger: { warn: (m) => warn.push(m), error: (m) => error.push(m) } };
  }

  async function slackAnswering(status: number, body: unknown, headers: Record<string, string> = {}): Promise<string> {
    fake = new HttpFake('slack');
    fake.route('POST', '/api/views.open', () => ({ status, headers, body }));
    return `${await fake.start()}/api/`;
  }

  it('logs the warnings and messages of an answer as the WebClient does', async () => {
    const url = await slackAnswering(200, { ok: true, response_metadata: { warnings: ['superfluous_charset'], messages: ['[WARN] a field was ignored', '[ERROR] a block was dropped'] } });
    const log = collectingLogger();
    await openViewJson({ client: { token: 'xoxb-1', slackApiUrl: url }, logger: log.logger }, 'trigger.1', '{"type":"modal"}');
    expect(log.warn).toEqual(['superfluous_charset', 'a field was ignored']);
    expect(log.error).toEqual(['a block was dropped']);
    // No team id: none is sent (the WebClient leaves it out too).
    expect(fake?.calls[0]?.body).toEqual({ trigger_id: 'trigger.1', view: { type: 'modal' } });
  });

  it('throws the WebClient error classes, which the person is told about in plain words', async () => {
    const cases: Array<{ status: number; body: unknown; headers?: Record<string, string>; type: new (...args: never[]) => Error; told: string }> = [
      { status: 200, body: { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] bad view'] } }, type: WebAPIPlatformError, told: 'Slack refused to open the request form (`invalid_arguments`)' },
      { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': '7' }, type: WebAPIRateLimitedError, told: 'asked to wait 7 s' },
      { status: 503, body: 'down', type: WebAPIHTTPError, told: 'Slack answered HTTP 503' },
      { status: 200, body: 'not json', type: WebAPIPlatformError, told: 'Slack refused to open the request form' },
    ];
    for (const c of cases) {
      const url = await slackAnswering(c.status, c.body, c.headers);
      const failure = await openViewJson({ client: { token: 'xoxb-1', slackApiUrl: url }, logger: collectingLogger().logger }, 't', '{}').then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure, JSON.stringify(c.body)).toBeInstanceOf(c.type);
      expect(formNotOpened(failure)).toContain(c.told);
      await fake?.stop();
    }
  });

  it('throws a request error when Slack cannot be reached', async () => {
    const port = await freePort();
    const failure = await openViewJson({ client: { token: 'xoxb-1', slackApiUrl: `http://127.0.0.1:${port}/api/` }, logger: collectingLogger().logger }, 't', '{}').then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(WebAPIRequestError);
    expect(formNotOpened(failure)).toContain('could not reach Slack');
  });
});
