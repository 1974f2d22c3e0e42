/**
 * A stateful fake of the Slack Web API for tests, served at `${fake.url}/api/` (configure the app with
 * `slackApiUrl: fake.url + '/api/'`), plus the response URLs Slack hands out with commands and clicks.
 *
 * It behaves like Slack where our app can tell the difference:
 * - every answer is HTTP 200 with `{ ok: true, ... }` or `{ ok: false, error }` (429 when rate limited);
 *   a missing token is `not_authed`, a wrong one `invalid_auth`;
 * - it keeps users, DMs, channel messages (with their edit history), ephemerals, modals and App Homes;
 * - it rejects what Slack rejects: unknown users and channels, Block Kit over the limits
 *   (`invalid_blocks` with `response_metadata.messages` for messages, `invalid_arguments` for views),
 *   trigger_ids that are unknown, used or older than 3 seconds, stale view hashes;
 * - a method it does not implement answers `unknown_method` and is recorded in `unexpected`, so
 *   `assertNoUnexpected()` fails the test;
 * - file uploads as files.uploadV2 makes them: files.getUploadURLExternal (filename and a byte length
 *   required) hands out a one-time `upload_url` on this fake; the bytes POSTed there (raw or multipart) must
 *   be as long as announced; files.completeUploadExternal shares uploaded files in a channel (unknown:
 *   `invalid_channel`) with `initial_comment` as the message, and refuses ids that were never uploaded or
 *   already shared (`file_not_found`). Bodies are read as UTF-8, so content is kept as text.
 *
 * Error names come from the method pages on docs.slack.dev (mirrored in slack-ruby/slack-api-ref):
 * chat.postMessage, chat.update, chat.postEphemeral, conversations.open, users.info,
 * users.lookupByEmail, users.list, views.open/update/push/publish, files.getUploadURLExternal,
 * files.completeUploadExternal. What the upload URL answers to a wrong length is not documented: 400 here.
 */
import { createHash } from 'node:crypto';
import { HttpFake, type FakeResponse, type RecordedCall } from './http-fake.js';
// The multipart parser lives with the Jira fake (its attachments are multipart too).
import { parseMultipart } from './jira.js';
import {
  BLOCK_KIT_LIMITS,
  elementsOf,
  isObject,
  validateBlocks,
  validateView,
  type JsonObject,
} from './block-kit.js';

export interface SlackFakeOptions {
  botToken: string;
  botUserId?: string;
  botId?: string;
  teamId?: string;
  teamDomain?: string;
  appId?: string;
}

export interface SlackUserInput {
  id: string;
  name: string;
  realName: string;
  email: string;
  tz?: string;
  title?: string;
  isBot?: boolean;
  deleted?: boolean;
}

export interface MessageVersion {
  readonly text: string;
  readonly blocks: readonly JsonObject[] | undefined;
  /** Date.now() when this version was written. */
  readonly at: number;
}

/** A file shared in a channel with files.completeUploadExternal. */
export interface SharedFile {
  readonly id: string;
  /** The file name given to files.getUploadURLExternal. */
  readonly name: string;
  readonly title: string;
  /** The uploaded bytes, read as UTF-8. */
  readonly content: string;
  /** The `initial_comment` of the message that shared it ('' when none). */
  readonly comment: string;
}

/** Every upload started with files.getUploadURLExternal, in order, whatever became of it. */
export interface UploadRecord {
  readonly id: string;
  readonly filename: string;
  /** The byte length announced to files.getUploadURLExternal. */
  readonly length: number;
  /** The bytes POSTed to the upload URL (read as UTF-8); undefined until then. */
  content: string | undefined;
  /** Where files.completeUploadExternal shared it; undefined until then (or when completed privately). */
  channel: string | undefined;
  completed: boolean;
  title: string;
  comment: string;
}

export interface StoredMessage {
  readonly channel: string;
  readonly ts: string;
  readonly threadTs: string | undefined;
  /** The bot user that posted it. */
  readonly user: string;
  text: string;
  blocks: JsonObject[] | undefined;
  metadata: unknown;
  deleted: boolean;
  /** Files the message shares (files.completeUploadExternal); absent on other messages. */
  files?: readonly SharedFile[];
  /** Earlier versions, oldest first; the current one is `text`/`blocks`. */
  readonly history: MessageVersion[];
}

export interface StoredEphemeral {
  readonly channel: string;
  readonly user: string;
  readonly ts: string;
  readonly text: string;
  readonly blocks: JsonObject[] | undefined;
  readonly source: 'chat.postEphemeral' | 'response_url';
}

export interface ResponseUrlOrigin {
  /** Who the response URL was issued to (ephemeral answers go to them). */
  userId?: string;
  channel?: string;
  /** The message the interaction came from: `replace_original`/`delete_original` act on it. */
  messageTs?: string;
}

export interface ResponseUrlPost {
  readonly id: string;
  readonly url: string;
  readonly origin: ResponseUrlOrigin;
  readonly body: JsonObject;
  readonly responseType: 'ephemeral' | 'in_channel';
  readonly replaceOriginal: boolean;
  readonly deleteOriginal: boolean;
  readonly text: string | undefined;
  readonly blocks: JsonObject[] | undefined;
}

export type ViewStateValue = JsonObject & { type: string };

/** A view as Slack returns it from views.* and sends it in interaction payloads. */
export interface SlackView {
  id: string;
  team_id: string;
  type: 'modal' | 'home';
  title: JsonObject | null;
  submit: JsonObject | null;
  close: JsonObject | null;
  blocks: JsonObject[];
  private_metadata: string;
  callback_id: string;
  external_id: string;
  state: { values: Record<string, Record<string, ViewStateValue>> };
  hash: string;
  clear_on_close: boolean;
  notify_on_close: boolean;
  root_view_id: string;
  previous_view_id: string | null;
  app_id: string;
  app_installed_team_id: string;
  bot_id: string;
}

export interface Rejection {
  readonly method: string;
  readonly error: string;
  readonly messages: readonly string[];
}

interface Trigger {
  readonly issuedAt: number;
  readonly userId: string | undefined;
  used: boolean;
}

interface ResponseUrlRecord {
  readonly origin: ResponseUrlOrigin;
  readonly issuedAt: number;
  uses: number;
}

interface ViewRecord {
  view: SlackView;
  readonly userId: string;
  open: boolean;
  readonly history: SlackView[];
}

type Args = Record<string, unknown>;

/** A trigger_id is good for 3 seconds (docs.slack.dev, "Handling user interaction"). */
const TRIGGER_TTL_MS = 3000;
/** A response_url takes 5 answers within 30 minutes (docs.slack.dev, "Handling user interaction"). */
const RESPONSE_URL_USES = 5;
const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;
/** A modal stack holds at most 3 views (views.push: push_limit_reached). */
const VIEW_STACK_LIMIT = 3;
const JSON_FIELDS = new Set(['blocks', 'view', 'attachments', 'metadata', 'files']);

function json(body: JsonObject): FakeResponse {
  return { status: 200, body };
}

function shortHash(input: string): string {
  return createHash('sha256').update(input).digest('base64url').slice(0, 5);
}

function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function asBool(value: unknown): boolean {
  return value === true || value === 'true' || value === '1';
}

function tzOffsetSeconds(tz: string): number {
  const part = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
    .formatToParts(new Date())
    .find((p) => p.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(part ?? '');
  if (!match) return 0;
  const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60;
  return match[1] === '-' ? -seconds : seconds;
}

/**
 * Slack fills in a block_id (and an action_id) when the app leaves them out; interaction payloads
 * carry the generated ones. Deterministic here so test runs repeat.
 */
function withGeneratedIds(blocks: unknown): JsonObject[] {
  return (Array.isArray(blocks) ? blocks : []).filter(isObject).map((block, i) => {
    const copy: JsonObject = structuredClone(block);
    if (copy['block_id'] === undefined) copy['block_id'] = shortHash(`${i}:${JSON.stringify(block)}`);
    const fill = (el: unknown, j: number): void => {
      if (isObject(el) && el['type'] !== 'image' && el['action_id'] === undefined) {
        el['action_id'] = shortHash(`${String(copy['block_id'])}:${j}:${JSON.stringify(el)}`);
      }
    };
    if (Array.isArray(copy['elements']) && copy['type'] === 'actions') copy['elements'].forEach(fill);
    fill(copy['accessory'], 0);
    fill(copy['element'], 0);
    return copy;
  });
}

export class SlackFake extends HttpFake {
  readonly botToken: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly teamId: string;
  readonly teamDomain: string;
  readonly appId: string;
  /** Every request answered ok:false (or 429), in order. */
  readonly rejections: Rejection[] = [];
  /** Every post to a response URL, in order. */
  readonly responses: ResponseUrlPost[] = [];

  private readonly users = new Map<string, SlackUserInput>();
  private readonly channels = new Map<string, { name: string; isMember: boolean }>();
  private readonly messagesByChannel = new Map<string, StoredMessage[]>();
  private readonly ephemeralList: StoredEphemeral[] = [];
  private readonly views = new Map<string, ViewRecord>();
  private readonly stacks = new Map<string, string[]>();
  private readonly homes = new Map<string, string>();
  private readonly triggers = new Map<string, Trigger>();
  private readonly responseUrls = new Map<string, ResponseUrlRecord>();
  private readonly limits = new Map<string, { perMinute: number; hits: number[] }>();
  private readonly uploadList: UploadRecord[] = [];
  /** Upload URL tickets not used yet, to the upload they belong to. */
  private readonly uploadTickets = new Map<string, UploadRecord>();
  private tsCounter = 0;
  private idCounter = 0;

  constructor(options: SlackFakeOptions) {
    super('Slack');
    this.botToken = options.botToken;
    this.botUserId = options.botUserId ?? 'UBOT';
    this.botId = options.botId ?? 'BBOT';
    this.teamId = options.teamId ?? 'T0001';
    this.teamDomain = options.teamDomain ?? 'keycard-test';
    this.appId = options.appId ?? 'A0KEYCARD';
    this.route('POST', '/api/:method', ({ call, params }) => this.handleApi(params['method'] ?? '', call));
    this.route('POST', '/response/:id', ({ call, params }) => this.handleResponseUrl(params['id'] ?? '', call));
    this.route('POST', '/upload/v1/:ticket', ({ call, params }) => this.handleUpload(params['ticket'] ?? '', call));
  }

  // ---------------------------------------------------------------- arrange

  addUser(user: SlackUserInput): void {
    this.users.set(user.id, { ...user });
  }

  user(userId: string): SlackUserInput | undefined {
    return this.users.get(userId);
  }

  /** A public or private channel the bot can post in (`isMember: false` -> not_in_channel). */
  addChannel(id: string, options: { name?: string; isMember?: boolean } = {}): void {
    this.channels.set(id, { name: options.name ?? id.toLowerCase(), isMember: options.isMember ?? true });
  }

  channelName(channelId: string): string {
    if (channelId.startsWith('D')) return 'directmessage';
    return this.channels.get(channelId)?.name ?? channelId.toLowerCase();
  }

  /** A trigger_id as Slack sends with a command or click; valid for one views.open/push within 3 s. */
  issueTrigger(userId?: string): string {
    const n = this.nextId();
    const id = `${n}.${this.teamId.replace(/\D/g, '') || '1'}.${shortHash(`trigger${n}`)}`;
    this.triggers.set(id, { issuedAt: Date.now(), userId, used: false });
    return id;
  }

  /** The user a trigger_id was issued to (benchmarks match views.open calls to commands with it). */
  triggerOwner(triggerId: string): string | undefined {
    return this.triggers.get(triggerId)?.userId;
  }

  issueResponseUrl(origin: ResponseUrlOrigin = {}): string {
    const id = `R${this.nextId()}`;
    this.responseUrls.set(id, { origin, issuedAt: Date.now(), uses: 0 });
    return `${this.url}/response/${id}`;
  }

  /** Answers 429 with Retry-After once a method is called more than `perMinute` times in 60 s. */
  rateLimit(method: string, options: { perMinute: number }): void {
    this.limits.set(method, { perMinute: options.perMinute, hits: [] });
  }

  clearRateLimits(): void {
    this.limits.clear();
  }

  // ---------------------------------------------------------------- inspect

  /** Messages in the user's DM with the bot, oldest first. */
  dms(userId: string): StoredMessage[] {
    return this.messages(`D${userId}`);
  }

  messages(channelId: string): StoredMessage[] {
    return (this.messagesByChannel.get(channelId) ?? []).filter((m) => !m.deleted);
  }

  message(channelId: string, ts: string): StoredMessage | undefined {
    return this.messagesByChannel.get(channelId)?.find((m) => m.ts === ts && !m.deleted);
  }

  /** What only this user saw: chat.postEphemeral and ephemeral response_url answers. */
  ephemerals(userId: string): StoredEphemeral[] {
    return this.ephemeralList.filter((e) => e.user === userId);
  }

  /** The user's modal stack, root first; empty when no modal is open. */
  openViews(userId: string): SlackView[] {
    return (this.stacks.get(userId) ?? []).flatMap((id) => {
      const record = this.views.get(id);
      return record ? [record.view] : [];
    });
  }

  view(viewId: string): SlackView | undefined {
    return this.views.get(viewId)?.view;
  }

  viewOwner(viewId: string): string | undefined {
    return this.views.get(viewId)?.userId;
  }

  isViewOpen(viewId: string): boolean {
    return this.views.get(viewId)?.open ?? false;
  }

  /** Earlier versions of a view, oldest first. */
  viewHistory(viewId: string): SlackView[] {
    return this.views.get(viewId)?.history ?? [];
  }

  home(userId: string): SlackView | undefined {
    const id = this.homes.get(userId);
    return id === undefined ? undefined : this.views.get(id)?.view;
  }

  /** Files shared in the user's DM with the bot, oldest first. */
  filesSentTo(userId: string): Array<Pick<SharedFile, 'name' | 'title' | 'content' | 'comment'>> {
    return this.dms(userId).flatMap((m) => (m.files ?? []).map(({ name, title, content, comment }) => ({ name, title, content, comment })));
  }

  /** Every upload started, in order, including those never uploaded or never shared. */
  uploads(): UploadRecord[] {
    return this.uploadList.map((u) => ({ ...u }));
  }

  callCount(method: string): number {
    return this.callsTo('POST', `/api/${method}`).length;
  }

  // ------------------------------------------- what the Slack client does (used by SlackDriver)

  /** Records what the user picked in an open view, as the Slack client does before a submit. */
  setViewState(viewId: string, blockId: string, actionId: string, value: ViewStateValue): void {
    const record = this.views.get(viewId);
    if (!record) throw new Error(`no view ${viewId} in the Slack fake`);
    record.view.state.values[blockId] = { ...record.view.state.values[blockId], [actionId]: value };
  }

  /** The user closed the modal (or the app answered a submission with nothing or `clear`). */
  closeViews(userId: string): void {
    for (const id of this.stacks.get(userId) ?? []) {
      const record = this.views.get(id);
      if (record) record.open = false;
    }
    this.stacks.delete(userId);
  }

  /**
   * Applies the app's answer to a view_submission as Slack does: nothing -> close the stack's top view
   * (the whole stack for `clear`), `update` -> replace it, `push` -> push a new one, `errors` -> keep it
   * open. An answer Slack would refuse is recorded in `rejections` (method `view_submission`).
   */
  applySubmissionAnswer(viewId: string, answer: unknown): void {
    const record = this.views.get(viewId);
    if (!record) throw new Error(`no view ${viewId} in the Slack fake`);
    const refuse = (error: string, messages: string[] = []): void => {
      this.rejections.push({ method: 'view_submission', error, messages });
    };
    const action = isObject(answer) ? answer['response_action'] : undefined;
    if (answer !== undefined && !isObject(answer)) {
      refuse('invalid_response', ['the answer to a view_submission must be empty or a JSON object']);
      return;
    }
    if (action === undefined) {
      this.popView(record);
      return;
    }
    if (action === 'clear') {
      this.closeViews(record.userId);
      return;
    }
    if (action === 'errors') {
      const errors = isObject(answer) ? answer['errors'] : undefined;
      const inputIds = new Set(
        record.view.blocks.filter((b) => b['type'] === 'input').map((b) => String(b['block_id'])),
      );
      if (!isObject(errors) || Object.keys(errors).length === 0) {
        refuse('invalid_response', ['response_action errors needs an errors object']);
        return;
      }
      const unknown = Object.keys(errors).filter((id) => !inputIds.has(id));
      if (unknown.length > 0) refuse('invalid_response', unknown.map((id) => `errors refer to ${id}, not an input block_id of the view`));
      return;
    }
    if (action === 'update' || action === 'push') {
      const next = isObject(answer) ? answer['view'] : undefined;
      const problems = validateView(next, 'modal');
      if (problems.length > 0 || !isObject(next)) {
        refuse('invalid_arguments', problems);
        return;
      }
      if (action === 'update') {
        this.replaceView(record, next);
        return;
      }
      const stack = this.stacks.get(record.userId) ?? [];
      if (stack.length >= VIEW_STACK_LIMIT) {
        refuse('push_limit_reached');
        return;
      }
      this.createView(record.userId, next, 'modal', stack[0] ?? record.view.id, stack.at(-1) ?? null);
      return;
    }
    refuse('invalid_response', [`unknown response_action ${String(action)}`]);
  }

  // ---------------------------------------------------------------- HTTP

  private nextId(): number {
    this.idCounter += 1;
    return this.idCounter;
  }

  private nextTs(): string {
    this.tsCounter += 1;
    const micros = this.tsCounter * 100;
    const seconds = 1_700_000_000 + Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  private fail(method: string, error: string, messages: string[] = []): FakeResponse {
    this.rejections.push({ method, error, messages });
    const body: JsonObject = { ok: false, error };
    if (messages.length > 0) body['response_metadata'] = { messages };
    return json(body);
  }

  private rateLimited(method: string): FakeResponse | undefined {
    const limit = this.limits.get(method);
    if (!limit) return undefined;
    const now = Date.now();
    while (limit.hits.length > 0 && now - (limit.hits[0] ?? now) >= 60_000) limit.hits.shift();
    if (limit.hits.length < limit.perMinute) {
      limit.hits.push(now);
      return undefined;
    }
    const retryAfter = Math.max(1, Math.ceil((60_000 - (now - (limit.hits[0] ?? now))) / 1000));
    this.rejections.push({ method, error: 'ratelimited', messages: [] });
    return { status: 429, headers: { 'retry-after': String(retryAfter) }, body: { ok: false, error: 'ratelimited' } };
  }

  private async handleApi(method: string, call: RecordedCall): Promise<FakeResponse> {
    const limited = this.rateLimited(method);
    if (limited) return limited;
    const parsed = this.parseArgs(call.body);
    if ('error' in parsed) return this.fail(method, parsed.error, parsed.messages);
    const args = parsed.args;
    const header = call.headers['authorization'];
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : asString(args['token']);
    if (token === undefined || token === '') return this.fail(method, 'not_authed');
    if (token !== this.botToken) return this.fail(method, 'invalid_auth');
    switch (method) {
      case 'auth.test':
        return json({
          ok: true,
          url: `https://${this.teamDomain}.slack.com/`,
          team: this.teamDomain,
          user: 'keycard',
          team_id: this.teamId,
          user_id: this.botUserId,
          bot_id: this.botId,
          is_enterprise_install: false,
        });
      case 'users.info':
        return this.usersInfo(method, args);
      case 'users.lookupByEmail':
        return this.lookupByEmail(method, args);
      case 'users.list':
        return this.usersList(method, args);
      case 'conversations.open':
        return this.conversationsOpen(method, args);
      case 'chat.postMessage':
        return this.postMessage(method, args);
      case 'chat.update':
        return this.chatUpdate(method, args);
      case 'chat.delete':
        return this.chatDelete(method, args);
      case 'chat.postEphemeral':
        return this.postEphemeral(method, args);
      case 'views.open':
      case 'views.push':
        return this.viewsOpenOrPush(method, args);
      case 'views.update':
        return this.viewsUpdate(method, args);
      case 'views.publish':
        return this.viewsPublish(method, args);
      case 'files.getUploadURLExternal':
        return this.getUploadUrl(method, args);
      case 'files.completeUploadExternal':
        return this.completeUpload(method, args);
      default:
        this.unexpected.push(call);
        return this.fail(method, 'unknown_method');
    }
  }

  private parseArgs(body: unknown): { args: Args } | { error: string; messages: string[] } {
    if (body === undefined) return { args: {} };
    if (!isObject(body)) return { error: 'invalid_form_data', messages: [] };
    const args: Args = { ...body };
    for (const field of JSON_FIELDS) {
      const raw = args[field];
      if (typeof raw !== 'string') continue;
      try {
        args[field] = JSON.parse(raw) as unknown;
      } catch {
        return field === 'blocks'
          ? { error: 'invalid_blocks_format', messages: [] }
          : { error: 'invalid_arguments', messages: [`[ERROR] ${field} is not valid JSON [json-pointer:/${field}]`] };
      }
    }
    return { args };
  }

  private slackUser(user: SlackUserInput): JsonObject {
    return {
      id: user.id,
      team_id: this.teamId,
      name: user.name,
      deleted: user.deleted ?? false,
      real_name: user.realName,
      tz: user.tz ?? 'UTC',
      tz_offset: tzOffsetSeconds(user.tz ?? 'UTC'),
      is_bot: user.isBot ?? false,
      is_app_user: false,
      profile: {
        real_name: user.realName,
        display_name: user.name,
        email: user.email,
        title: user.title ?? '',
      },
    };
  }

  private usersInfo(method: string, args: Args): FakeResponse {
    const user = this.users.get(asString(args['user']) ?? '');
    if (!user) return this.fail(method, 'user_not_found');
    return json({ ok: true, user: this.slackUser(user) });
  }

  /** Pages by an opaque cursor; Slack refuses a limit over 1000 and recommends at most 200. */
  private usersList(method: string, args: Args): FakeResponse {
    const limit = Number(asString(args['limit']) ?? args['limit'] ?? 0) || 1000;
    if (limit > 1000 || limit < 1) return this.fail(method, 'invalid_limit');
    const all = [...this.users.values()].sort((a, b) => a.id.localeCompare(b.id));
    const cursor = asString(args['cursor']);
    const start = cursor ? Number(Buffer.from(cursor, 'base64').toString('utf8').replace(/^offset:/, '')) : 0;
    if (!Number.isSafeInteger(start) || start < 0 || start > all.length) return this.fail(method, 'invalid_cursor');
    const members = all.slice(start, start + limit).map((u) => this.slackUser(u));
    const next = start + limit < all.length ? Buffer.from(`offset:${start + limit}`).toString('base64') : '';
    return json({ ok: true, members, response_metadata: { next_cursor: next } });
  }

  private lookupByEmail(method: string, args: Args): FakeResponse {
    const email = (asString(args['email']) ?? '').toLowerCase();
    const user = [...this.users.values()].find((u) => u.email.toLowerCase() === email);
    if (!user || email === '') return this.fail(method, 'users_not_found');
    return json({ ok: true, user: this.slackUser(user) });
  }

  private conversationsOpen(method: string, args: Args): FakeResponse {
    const channel = asString(args['channel']);
    if (channel !== undefined) {
      const resolved = this.resolveChannel(channel, false);
      if ('error' in resolved) return this.fail(method, resolved.error);
      return json({ ok: true, no_op: true, already_open: true, channel: { id: resolved.id } });
    }
    const ids = (asString(args['users']) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (ids.length === 0) return this.fail(method, 'users_list_not_supplied');
    if (ids.length > 8) return this.fail(method, 'too_many_users');
    for (const id of ids) {
      const user = this.users.get(id);
      if (!user) return this.fail(method, 'user_not_found');
      if (user.deleted) return this.fail(method, 'user_disabled');
    }
    if (ids.length === 1) return json({ ok: true, channel: { id: `D${ids[0]}` } });
    const id = `G${shortHash(ids.join(',')).toUpperCase()}`;
    if (!this.channels.has(id)) this.addChannel(id, { name: `mpdm-${ids.join('--')}` });
    return json({ ok: true, channel: { id } });
  }

  /**
   * chat.postMessage takes a user id and posts to that user's DM; everything else must be a DM of a
   * known user (`D<userId>`) or a channel added with addChannel.
   */
  private resolveChannel(channel: string, acceptUserId: boolean): { id: string } | { error: string } {
    if (/^[UW]/.test(channel)) {
      if (!acceptUserId) return { error: 'channel_not_found' };
      const user = this.users.get(channel);
      if (!user) return { error: 'channel_not_found' };
      if (user.isBot) return { error: 'cannot_dm_bot' };
      return { id: `D${channel}` };
    }
    if (channel.startsWith('D')) {
      return this.users.has(channel.slice(1)) ? { id: channel } : { error: 'channel_not_found' };
    }
    const known = this.channels.get(channel);
    if (!known) return { error: 'channel_not_found' };
    if (!known.isMember) return { error: 'not_in_channel' };
    return { id: channel };
  }

  /** Checks text/blocks of a message; returns the stored blocks or a failure. */
  private messageContent(
    method: string,
    args: Args,
    requireContent: boolean,
  ): { text: string | undefined; blocks: JsonObject[] | undefined } | FakeResponse {
    const text = asString(args['text']);
    const rawBlocks = args['blocks'];
    if (requireContent && (text === undefined || text === '') && rawBlocks === undefined && args['attachments'] === undefined) {
      return this.fail(method, 'no_text');
    }
    if (text !== undefined && text.length > BLOCK_KIT_LIMITS.messageText) return this.fail(method, 'msg_too_long');
    if (rawBlocks === undefined) return { text, blocks: undefined };
    const problems = validateBlocks(rawBlocks, 'message');
    if (problems.length > 0) return this.fail(method, 'invalid_blocks', problems);
    return { text, blocks: withGeneratedIds(rawBlocks) };
  }

  private messageJson(message: StoredMessage): JsonObject {
    const out: JsonObject = {
      type: 'message',
      user: message.user,
      bot_id: this.botId,
      app_id: this.appId,
      team: this.teamId,
      ts: message.ts,
      text: message.text,
    };
    if (message.blocks !== undefined) out['blocks'] = structuredClone(message.blocks);
    if (message.threadTs !== undefined) out['thread_ts'] = message.threadTs;
    if (message.history.length > 0) out['edited'] = { user: message.user, ts: message.ts };
    return out;
  }

  private store(channel: string, text: string, blocks: JsonObject[] | undefined, threadTs?: string, metadata?: unknown): StoredMessage {
    const message: StoredMessage = {
      channel,
      ts: this.nextTs(),
      threadTs,
      user: this.botUserId,
      text,
      blocks,
      metadata,
      deleted: false,
      history: [],
    };
    const list = this.messagesByChannel.get(channel) ?? [];
    list.push(message);
    this.messagesByChannel.set(channel, list);
    return message;
  }

  private replaceMessage(message: StoredMessage, text: string | undefined, blocks: JsonObject[] | undefined): void {
    message.history.push({ text: message.text, blocks: message.blocks, at: Date.now() });
    if (text !== undefined) message.text = text;
    // chat.update keeps the previous blocks when none are sent; `[]` removes them.
    if (blocks !== undefined) message.blocks = blocks.length === 0 ? undefined : blocks;
  }

  private postMessage(method: string, args: Args): FakeResponse {
    const channel = asString(args['channel']);
    if (channel === undefined || channel === '') return this.fail(method, 'channel_not_found');
    const resolved = this.resolveChannel(channel, true);
    if ('error' in resolved) return this.fail(method, resolved.error);
    const content = this.messageContent(method, args, true);
    if ('status' in content) return content;
    const threadTs = asString(args['thread_ts']);
    const message = this.store(resolved.id, content.text ?? '', content.blocks, threadTs, args['metadata']);
    return json({ ok: true, channel: resolved.id, ts: message.ts, message: this.messageJson(message) });
  }

  private chatUpdate(method: string, args: Args): FakeResponse {
    const channel = asString(args['channel']) ?? '';
    const resolved = this.resolveChannel(channel, false);
    if ('error' in resolved) return this.fail(method, resolved.error === 'not_in_channel' ? 'cant_update_message' : resolved.error);
    const message = this.message(resolved.id, asString(args['ts']) ?? '');
    if (!message) return this.fail(method, 'message_not_found');
    const content = this.messageContent(method, args, true);
    if ('status' in content) return content;
    this.replaceMessage(message, content.text, content.blocks);
    return json({ ok: true, channel: resolved.id, ts: message.ts, text: message.text, message: this.messageJson(message) });
  }

  private chatDelete(method: string, args: Args): FakeResponse {
    const channel = asString(args['channel']) ?? '';
    const resolved = this.resolveChannel(channel, false);
    if ('error' in resolved) return this.fail(method, resolved.error);
    const message = this.message(resolved.id, asString(args['ts']) ?? '');
    if (!message) return this.fail(method, 'message_not_found');
    message.deleted = true;
    return json({ ok: true, channel: resolved.id, ts: message.ts });
  }

  private postEphemeral(method: string, args: Args): FakeResponse {
    const userId = asString(args['user']) ?? '';
    const user = this.users.get(userId);
    if (!user) return this.fail(method, 'user_not_found');
    const channel = asString(args['channel']) ?? '';
    const resolved = this.resolveChannel(channel, true);
    if ('error' in resolved) return this.fail(method, resolved.error);
    if (resolved.id.startsWith('D') && resolved.id !== `D${userId}`) return this.fail(method, 'user_not_in_channel');
    const content = this.messageContent(method, args, true);
    if ('status' in content) return content;
    const ts = this.nextTs();
    this.ephemeralList.push({
      channel: resolved.id,
      user: userId,
      ts,
      text: content.text ?? '',
      blocks: content.blocks,
      source: 'chat.postEphemeral',
    });
    return json({ ok: true, message_ts: ts });
  }

  private getUploadUrl(method: string, args: Args): FakeResponse {
    const filename = asString(args['filename']) ?? '';
    if (filename === '') return this.fail(method, 'invalid_arguments', ['[ERROR] missing required field: filename']);
    const rawLength = asString(args['length']);
    if (rawLength === undefined || !/^\d+$/.test(rawLength)) return this.fail(method, 'invalid_arguments', ['[ERROR] missing required field: length']);
    const length = Number(rawLength);
    if (length === 0) return this.fail(method, 'missing_argument');
    const id = `F${String(this.nextId()).padStart(9, '0')}`;
    const ticket = `${id}-${shortHash(`upload${id}`)}`;
    const upload: UploadRecord = { id, filename, length, content: undefined, channel: undefined, completed: false, title: filename, comment: '' };
    this.uploadList.push(upload);
    this.uploadTickets.set(ticket, upload);
    return json({ ok: true, upload_url: `${this.url}/upload/v1/${ticket}`, file_id: id });
  }

  /** The upload URL takes the bytes once, raw or as the one file part of a multipart form. */
  private handleUpload(ticket: string, call: RecordedCall): FakeResponse {
    const upload = this.uploadTickets.get(ticket);
    if (!upload) return { status: 404, body: 'invalid upload URL' };
    const contentType = call.headers['content-type'];
    let content = call.rawBody;
    if (contentType?.startsWith('multipart/form-data')) {
      const parts = parseMultipart(call.rawBody, contentType);
      const files = parts?.filter((p) => p.filename !== undefined) ?? [];
      if (files.length !== 1) return { status: 400, body: 'expected one file part' };
      content = files[0]?.data ?? '';
    }
    const bytes = Buffer.byteLength(content, 'utf8');
    if (bytes !== upload.length) return { status: 400, body: `received ${bytes} bytes, expected ${upload.length}` };
    this.uploadTickets.delete(ticket);
    upload.content = content;
    return { status: 200, body: `OK - ${bytes}` };
  }

  private completeUpload(method: string, args: Args): FakeResponse {
    const entries = args['files'];
    if (!Array.isArray(entries) || entries.length === 0 || !entries.every((e) => isObject(e) && typeof e['id'] === 'string')) {
      return this.fail(method, 'invalid_arguments', ['[ERROR] missing required field: files']);
    }
    const uploads = entries.map((entry) => ({ entry, upload: this.uploadList.find((u) => u.id === entry['id']) }));
    if (uploads.some(({ upload }) => !upload || upload.content === undefined || upload.completed)) return this.fail(method, 'file_not_found');
    const channelArg = asString(args['channel_id']);
    let channel: string | undefined;
    if (channelArg !== undefined && channelArg !== '') {
      const resolved = this.resolveChannel(channelArg, false);
      if ('error' in resolved) return this.fail(method, resolved.error === 'channel_not_found' ? 'invalid_channel' : resolved.error);
      channel = resolved.id;
    }
    const comment = asString(args['initial_comment']) ?? '';
    const shared: SharedFile[] = [];
    for (const { entry, upload } of uploads) {
      if (!upload) continue;
      upload.completed = true;
      upload.channel = channel;
      upload.title = asString(entry['title']) ?? upload.filename;
      upload.comment = comment;
      shared.push({ id: upload.id, name: upload.filename, title: upload.title, content: upload.content ?? '', comment });
    }
    if (channel !== undefined) {
      const message = this.store(channel, comment, undefined);
      message.files = shared;
    }
    return json({ ok: true, files: shared.map((f) => ({ id: f.id, name: f.name, title: f.title, size: Buffer.byteLength(f.content, 'utf8') })) });
  }

  private newHash(): string {
    return `${Math.floor(Date.now() / 1000)}.${shortHash(`hash${this.nextId()}`)}`;
  }

  private buildView(
    id: string,
    input: JsonObject,
    kind: 'modal' | 'home',
    rootViewId: string,
    previousViewId: string | null,
    state: SlackView['state'],
  ): SlackView {
    const blocks = withGeneratedIds(input['blocks']);
    // Slack keeps what the user entered for blocks that survive an update (same block_id/action_id).
    const values: SlackView['state']['values'] = {};
    for (const location of elementsOf(blocks)) {
      const kept = state.values[location.blockId]?.[location.actionId];
      if (kept) values[location.blockId] = { ...values[location.blockId], [location.actionId]: kept };
    }
    const text = (value: unknown): JsonObject | null => (isObject(value) ? { ...value } : null);
    return {
      id,
      team_id: this.teamId,
      type: kind,
      title: text(input['title']),
      submit: text(input['submit']),
      close: text(input['close']),
      blocks,
      private_metadata: asString(input['private_metadata']) ?? '',
      callback_id: asString(input['callback_id']) ?? '',
      external_id: asString(input['external_id']) ?? '',
      state: { values },
      hash: this.newHash(),
      clear_on_close: asBool(input['clear_on_close']),
      notify_on_close: asBool(input['notify_on_close']),
      root_view_id: rootViewId,
      previous_view_id: previousViewId,
      app_id: this.appId,
      app_installed_team_id: this.teamId,
      bot_id: this.botId,
    };
  }

  private createView(
    userId: string,
    input: JsonObject,
    kind: 'modal' | 'home',
    rootViewId: string | undefined,
    previousViewId: string | null,
  ): SlackView {
    const id = `V${String(this.nextId()).padStart(9, '0')}`;
    const view = this.buildView(id, input, kind, rootViewId ?? id, previousViewId, { values: {} });
    this.views.set(id, { view, userId, open: true, history: [] });
    if (kind === 'modal') {
      const stack = this.stacks.get(userId) ?? [];
      stack.push(id);
      this.stacks.set(userId, stack);
    }
    return view;
  }

  private replaceView(record: ViewRecord, input: JsonObject): SlackView {
    record.history.push(record.view);
    record.view = this.buildView(
      record.view.id,
      input,
      record.view.type,
      record.view.root_view_id,
      record.view.previous_view_id,
      record.view.state,
    );
    return record.view;
  }

  private popView(record: ViewRecord): void {
    record.open = false;
    const stack = this.stacks.get(record.userId) ?? [];
    const index = stack.indexOf(record.view.id);
    if (index >= 0) stack.splice(index, 1);
    if (stack.length === 0) this.stacks.delete(record.userId);
  }

  private duplicateExternalId(input: JsonObject, exceptViewId?: string): boolean {
    const externalId = asString(input['external_id']);
    if (externalId === undefined || externalId === '') return false;
    return [...this.views.values()].some((r) => r.view.external_id === externalId && r.view.id !== exceptViewId);
  }

  private viewsOpenOrPush(method: string, args: Args): FakeResponse {
    const triggerId = asString(args['trigger_id']) ?? asString(args['interactivity_pointer']);
    if (triggerId === undefined || triggerId === '') return this.fail(method, 'invalid_arguments', ['invalid `trigger_id`']);
    const trigger = this.triggers.get(triggerId);
    if (!trigger) return this.fail(method, 'invalid_trigger_id');
    if (trigger.used) return this.fail(method, 'exchanged_trigger_id');
    if (Date.now() - trigger.issuedAt > TRIGGER_TTL_MS) return this.fail(method, 'expired_trigger_id');
    const input = args['view'];
    const problems = validateView(input, 'modal');
    if (problems.length > 0 || !isObject(input)) return this.fail(method, 'invalid_arguments', problems);
    if (this.duplicateExternalId(input)) return this.fail(method, 'duplicate_external_id');
    const userId = trigger.userId ?? '';
    const stack = this.stacks.get(userId) ?? [];
    if (method === 'views.push') {
      if (stack.length === 0) return this.fail(method, 'not_found');
      if (stack.length >= VIEW_STACK_LIMIT) return this.fail(method, 'push_limit_reached');
    }
    trigger.used = true;
    if (method === 'views.open') this.closeViews(userId);
    const view =
      method === 'views.open'
        ? this.createView(userId, input, 'modal', undefined, null)
        : this.createView(userId, input, 'modal', stack[0], stack.at(-1) ?? null);
    return json({ ok: true, view: structuredClone(view) });
  }

  private viewsUpdate(method: string, args: Args): FakeResponse {
    const viewId = asString(args['view_id']);
    const externalId = asString(args['external_id']);
    if (!viewId && !externalId) return this.fail(method, 'invalid_arguments', ['either view_id or external_id is required']);
    const record = viewId
      ? this.views.get(viewId)
      : [...this.views.values()].find((r) => r.view.external_id === externalId);
    if (!record) return this.fail(method, 'not_found');
    const hash = asString(args['hash']);
    if (hash !== undefined && hash !== '' && hash !== record.view.hash) return this.fail(method, 'hash_conflict');
    const input = args['view'];
    const problems = validateView(input, record.view.type);
    if (problems.length > 0 || !isObject(input)) return this.fail(method, 'invalid_arguments', problems);
    if (this.duplicateExternalId(input, record.view.id)) return this.fail(method, 'duplicate_external_id');
    return json({ ok: true, view: structuredClone(this.replaceView(record, input)) });
  }

  private viewsPublish(method: string, args: Args): FakeResponse {
    const userId = asString(args['user_id']) ?? '';
    if (!this.users.has(userId)) return this.fail(method, 'invalid_arguments', ['invalid `user_id`']);
    const input = args['view'];
    const problems = validateView(input, 'home');
    if (problems.length > 0 || !isObject(input)) return this.fail(method, 'invalid_arguments', problems);
    const existingId = this.homes.get(userId);
    const existing = existingId === undefined ? undefined : this.views.get(existingId);
    const hash = asString(args['hash']);
    if (existing && hash !== undefined && hash !== '' && hash !== existing.view.hash) return this.fail(method, 'hash_conflict');
    if (existing) return json({ ok: true, view: structuredClone(this.replaceView(existing, input)) });
    const view = this.createView(userId, input, 'home', undefined, null);
    this.homes.set(userId, view.id);
    return json({ ok: true, view: structuredClone(view) });
  }

  /**
   * A response_url answer (Bolt's `respond()` POSTs JSON). Ephemeral by default; `in_channel` posts a
   * message; `replace_original`/`delete_original` act on the message the interaction came from.
   * Slack's exact status codes for a used or expired URL are not documented: 404 here.
   */
  private handleResponseUrl(id: string, call: RecordedCall): FakeResponse {
    const record = this.responseUrls.get(id);
    const method = 'response_url';
    const refuse = (status: number, error: string, messages: string[] = []): FakeResponse => {
      this.rejections.push({ method, error, messages });
      return { status, body: { ok: false, error } };
    };
    if (!record) return refuse(404, 'invalid_url');
    if (record.uses >= RESPONSE_URL_USES) return refuse(404, 'used_url');
    if (Date.now() - record.issuedAt > RESPONSE_URL_TTL_MS) return refuse(404, 'expired_url');
    if (!isObject(call.body)) return refuse(400, 'invalid_payload');
    const body = call.body;
    const deleteOriginal = asBool(body['delete_original']);
    const replaceOriginal = asBool(body['replace_original']);
    const responseType = body['response_type'] === 'in_channel' ? 'in_channel' : 'ephemeral';
    const text = asString(body['text']);
    let blocks: JsonObject[] | undefined;
    if (!deleteOriginal) {
      if ((text === undefined || text === '') && body['blocks'] === undefined) return refuse(400, 'no_text');
      if (text !== undefined && text.length > BLOCK_KIT_LIMITS.messageText) return refuse(400, 'msg_too_long');
      if (body['blocks'] !== undefined) {
        const problems = validateBlocks(body['blocks'], 'message');
        if (problems.length > 0) return refuse(400, 'invalid_blocks', problems);
        blocks = withGeneratedIds(body['blocks']);
      }
    }
    record.uses += 1;
    const { origin } = record;
    this.responses.push({
      id,
      url: `${this.url}/response/${id}`,
      origin,
      body,
      responseType,
      replaceOriginal,
      deleteOriginal,
      text,
      blocks,
    });
    const original =
      origin.channel !== undefined && origin.messageTs !== undefined
        ? this.message(origin.channel, origin.messageTs)
        : undefined;
    if (deleteOriginal) {
      if (original) original.deleted = true;
    } else if (replaceOriginal && original) {
      this.replaceMessage(original, text ?? '', blocks ?? []);
    } else if (responseType === 'in_channel' && origin.channel !== undefined) {
      this.store(origin.channel, text ?? '', blocks);
    } else if (origin.userId !== undefined) {
      this.ephemeralList.push({
        channel: origin.channel ?? `D${origin.userId}`,
        user: origin.userId,
        ts: this.nextTs(),
        text: text ?? '',
        blocks,
        source: 'response_url',
      });
    }
    return { status: 200, body: { ok: true } };
  }
}
