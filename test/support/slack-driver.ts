/**
 * Plays Slack's part towards the running Bolt app: signed slash commands, clicks, select changes, view
 * submissions, options requests and Events API callbacks, built from what the SlackFake holds (the
 * message or view the user is looking at), and it applies the app's answer to a view submission to the
 * fake as the Slack client would (close, update, push, or keep open with errors).
 *
 * Payload shapes follow docs.slack.dev:
 * - slash commands: "Implementing slash commands" (form fields token, team_id, team_domain, channel_id,
 *   channel_name, user_id, user_name, command, text, api_app_id, is_enterprise_install, response_url,
 *   trigger_id), and bolt-js `SlashCommand`;
 * - interactivity: reference/interaction-payloads/block_actions-payload, .../view-interactions-payload
 *   (view_submission, view_closed), block_suggestion (bolt-js `BlockSuggestion`), all sent as the form
 *   field `payload=<JSON>`; state values as in the 2020-09 "full state" changelog;
 * - Events API: apis/events-api (`event_callback` envelope with `authorizations`, `url_verification`),
 *   sent as `application/json`;
 * - signing: authentication/verifying-requests-from-slack (`v0=` + HMAC-SHA256 of `v0:{ts}:{body}`).
 * Bolt 5 wants the form content type exactly `application/x-www-form-urlencoded` (../shared/SDK-NOTES.md).
 */
import { createHmac } from 'node:crypto';
import { findElement, isObject, optionsOf, type JsonObject } from '../fakes/block-kit.js';
import type { SlackFake, SlackView, ViewStateValue } from '../fakes/slack.js';

export interface SlackDriverOptions {
  /** e.g. http://127.0.0.1:PORT/slack/events */
  appUrl: string;
  signingSecret: string;
  slack: SlackFake;
  teamId?: string;
}

export interface DriverResponse {
  /** HTTP status; 0 when Slack would not have sent anything (see selectOption). */
  status: number;
  body: string;
  json?: unknown;
}

export type MessageContainer = { message: { channel: string; ts: string } };
export type ViewContainer = { viewId: string };

export interface ClickButton {
  actionId: string;
  blockId: string;
  /** Defaults to the button's value; when given it must match it unless `force`. */
  value?: string;
  container?: MessageContainer | ViewContainer;
  /** Send even if the button is not there (a stale or forged click). */
  force?: boolean;
}

export interface SelectOption {
  viewId: string;
  blockId: string;
  actionId: string;
  /** The option value; null clears the selection. */
  value: string | null;
}

export type SubmittedValue = string | string[] | null;

function parseJson(body: string): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function plain(text: string): JsonObject {
  return { type: 'plain_text', text, emoji: true };
}

function optionText(option: JsonObject): string | undefined {
  const text = option['text'];
  return isObject(text) && typeof text['text'] === 'string' ? text['text'] : undefined;
}

function actionTs(): string {
  return (Date.now() / 1000).toFixed(6);
}

export class SlackDriver {
  readonly appUrl: string;
  readonly teamId: string;
  private readonly signingSecret: string;
  private readonly slack: SlackFake;
  /** Verification token Slack still sends (deprecated; Bolt ignores it). */
  private readonly legacyToken = 'verification-token';

  constructor(options: SlackDriverOptions) {
    this.appUrl = options.appUrl;
    this.signingSecret = options.signingSecret;
    this.slack = options.slack;
    this.teamId = options.teamId ?? options.slack.teamId;
  }

  /** The two signature headers for a body; `timestamp` in seconds (defaults to now). */
  sign(rawBody: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
    const signature = createHmac('sha256', this.signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex');
    return { 'x-slack-signature': `v0=${signature}`, 'x-slack-request-timestamp': String(timestamp) };
  }

  /** Sends a body as it is, with exactly these headers (forged, unsigned or stale requests). */
  async raw(body: string, headers: Record<string, string>): Promise<DriverResponse> {
    const response = await fetch(this.appUrl, { method: 'POST', headers, body });
    const text = await response.text();
    const parsed = parseJson(text);
    return parsed === undefined ? { status: response.status, body: text } : { status: response.status, body: text, json: parsed };
  }

  private async signed(body: string, contentType: string): Promise<DriverResponse> {
    return this.raw(body, { 'content-type': contentType, ...this.sign(body) });
  }

  private async form(fields: Record<string, string>): Promise<DriverResponse> {
    return this.signed(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded');
  }

  private async interaction(payload: JsonObject): Promise<DriverResponse> {
    return this.form({ payload: JSON.stringify(payload) });
  }

  private userOf(userId: string): JsonObject {
    const name = this.slack.user(userId)?.name ?? userId;
    return { id: userId, username: name, name, team_id: this.teamId };
  }

  private team(): JsonObject {
    return { id: this.teamId, domain: this.slack.teamDomain };
  }

  private envelope(type: string, userId: string): JsonObject {
    return {
      type,
      user: this.userOf(userId),
      api_app_id: this.slack.appId,
      token: this.legacyToken,
      team: this.team(),
      enterprise: null,
      is_enterprise_install: false,
    };
  }

  private viewOrThrow(viewId: string): SlackView {
    const view = this.slack.view(viewId);
    if (!view) throw new Error(`SlackDriver: no view ${viewId} in the Slack fake`);
    return view;
  }

  /** A slash command typed in the user's DM with the app unless `channelId` says otherwise. */
  async command(userId: string, command: string, text: string, options: { channelId?: string } = {}): Promise<DriverResponse> {
    const channelId = options.channelId ?? `D${userId}`;
    return this.form({
      token: this.legacyToken,
      team_id: this.teamId,
      team_domain: this.slack.teamDomain,
      channel_id: channelId,
      channel_name: this.slack.channelName(channelId),
      user_id: userId,
      user_name: this.slack.user(userId)?.name ?? userId,
      command,
      text,
      api_app_id: this.slack.appId,
      is_enterprise_install: 'false',
      response_url: this.slack.issueResponseUrl({ userId, channel: channelId }),
      trigger_id: this.slack.issueTrigger(userId),
    });
  }

  /** A `block_actions` click on a button in a message (channel + ts) or a view (modal or Home). */
  async clickButton(userId: string, click: ClickButton): Promise<DriverResponse> {
    const payload: JsonObject = { ...this.envelope('block_actions', userId), trigger_id: this.slack.issueTrigger(userId) };
    let blocks: unknown;
    const container = click.container;
    if (container && 'message' in container) {
      const { channel, ts } = container.message;
      const message = this.slack.message(channel, ts);
      if (!message && !click.force) throw new Error(`SlackDriver: no message ${channel}/${ts} in the Slack fake`);
      blocks = message?.blocks;
      payload['container'] = { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: false };
      payload['channel'] = { id: channel, name: this.slack.channelName(channel) };
      payload['message'] = message
        ? {
            type: 'message',
            user: message.user,
            bot_id: this.slack.botId,
            app_id: this.slack.appId,
            team: this.teamId,
            ts: message.ts,
            text: message.text,
            ...(message.blocks ? { blocks: structuredClone(message.blocks) } : {}),
          }
        : { type: 'message', ts, text: '' };
      payload['state'] = { values: {} };
      payload['response_url'] = this.slack.issueResponseUrl({ userId, channel, messageTs: ts });
    } else if (container && 'viewId' in container) {
      const view = this.viewOrThrow(container.viewId);
      blocks = view.blocks;
      payload['container'] = { type: 'view', view_id: view.id };
      payload['view'] = structuredClone(view);
    } else {
      payload['container'] = {};
    }
    const found = findElement(blocks, click.blockId, click.actionId);
    if (!click.force) {
      if (!found || found.element['type'] !== 'button') {
        throw new Error(`SlackDriver: no button ${click.blockId}/${click.actionId} where the user clicked`);
      }
      if (click.value !== undefined && click.value !== found.element['value']) {
        throw new Error(`SlackDriver: button ${click.actionId} has value ${String(found.element['value'])}, not ${click.value}`);
      }
    }
    const action: JsonObject = {
      type: 'button',
      action_id: click.actionId,
      block_id: click.blockId,
      action_ts: actionTs(),
    };
    const text = found?.element['text'];
    if (isObject(text)) action['text'] = structuredClone(text);
    const value = click.value ?? found?.element['value'];
    if (value !== undefined) action['value'] = value;
    if (found?.element['style'] !== undefined) action['style'] = found.element['style'];
    payload['actions'] = [action];
    return this.interaction(payload);
  }

  private selectedOption(element: JsonObject, value: string): JsonObject {
    const option = optionsOf(element).find((o) => o['value'] === value);
    if (option) return structuredClone(option);
    if (element['type'] === 'external_select' || element['type'] === 'multi_external_select') {
      return { text: plain(value), value };
    }
    throw new Error(`SlackDriver: ${String(element['action_id'])} has no option ${value}`);
  }

  /**
   * The user picks an option in a static or external select (or radio buttons) in a view. The view's
   * state is updated so a later submit carries it. Slack sends `block_actions` only for elements
   * outside input blocks or in input blocks with `dispatch_action: true`; otherwise nothing is sent
   * and this answers `{ status: 0, body: '' }`.
   */
  async selectOption(userId: string, select: SelectOption): Promise<DriverResponse> {
    const view = this.viewOrThrow(select.viewId);
    const found = findElement(view.blocks, select.blockId, select.actionId);
    if (!found) throw new Error(`SlackDriver: no element ${select.blockId}/${select.actionId} in view ${view.id}`);
    const type = String(found.element['type']);
    if (!['static_select', 'external_select', 'radio_buttons'].includes(type)) {
      throw new Error(`SlackDriver: ${select.actionId} is a ${type}, not a single select`);
    }
    const selected = select.value === null ? null : this.selectedOption(found.element, select.value);
    this.slack.setViewState(view.id, select.blockId, select.actionId, { type, selected_option: selected });
    if (found.inInput && found.block['dispatch_action'] !== true) return { status: 0, body: '' };
    const current = this.viewOrThrow(select.viewId);
    const action: JsonObject = {
      type,
      action_id: select.actionId,
      block_id: select.blockId,
      selected_option: selected,
      action_ts: actionTs(),
    };
    if (isObject(found.element['placeholder'])) action['placeholder'] = structuredClone(found.element['placeholder']);
    return this.interaction({
      ...this.envelope('block_actions', userId),
      trigger_id: this.slack.issueTrigger(userId),
      container: { type: 'view', view_id: current.id },
      view: structuredClone(current),
      state: structuredClone(current.state),
      actions: [action],
    });
  }

  private stateValue(element: JsonObject, value: SubmittedValue | undefined, kept: ViewStateValue | undefined): ViewStateValue {
    const type = String(element['type']);
    if (value === undefined && kept) return kept;
    const pick = (initial: unknown): unknown => (value !== undefined ? value : initial);
    const one = (v: unknown): string | null => (typeof v === 'string' ? v : null);
    const many = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
    switch (type) {
      case 'static_select':
      case 'external_select':
      case 'radio_buttons': {
        if (Array.isArray(value)) throw new Error(`SlackDriver: ${type} takes one value`);
        if (value === undefined) {
          const initial = element['initial_option'];
          return { type, selected_option: isObject(initial) ? structuredClone(initial) : null };
        }
        return { type, selected_option: value === null ? null : this.selectedOption(element, value) };
      }
      case 'multi_static_select':
      case 'multi_external_select':
      case 'checkboxes': {
        if (value === undefined) {
          const initial = element['initial_options'];
          return { type, selected_options: Array.isArray(initial) ? structuredClone(initial) : [] };
        }
        return { type, selected_options: many(value).map((v) => this.selectedOption(element, v)) };
      }
      case 'users_select':
        return { type, selected_user: one(pick(element['initial_user'])) };
      case 'conversations_select':
        return { type, selected_conversation: one(pick(element['initial_conversation'])) };
      case 'channels_select':
        return { type, selected_channel: one(pick(element['initial_channel'])) };
      case 'multi_users_select':
        return { type, selected_users: many(pick(element['initial_users'])) };
      case 'multi_conversations_select':
        return { type, selected_conversations: many(pick(element['initial_conversations'])) };
      case 'multi_channels_select':
        return { type, selected_channels: many(pick(element['initial_channels'])) };
      case 'datepicker':
        return { type, selected_date: one(pick(element['initial_date'])) };
      case 'timepicker':
        return { type, selected_time: one(pick(element['initial_time'])) };
      default:
        // plain_text_input, email_text_input, url_text_input, number_input
        return { type, value: one(pick(element['initial_value'])) };
    }
  }

  private static isEmpty(state: ViewStateValue): boolean {
    return Object.entries(state).every(
      ([key, v]) => key === 'type' || v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0),
    );
  }

  /**
   * The user submits a modal with these values (block_id -> action_id -> value); blocks not listed keep
   * what was picked before or their initial value. Like the Slack client, it refuses to submit with a
   * required input empty or a value for an element the view does not have. The app's answer is applied
   * to the fake (see SlackFake.applySubmissionAnswer) and returned.
   */
  async submitView(
    userId: string,
    viewId: string,
    values: Record<string, Record<string, SubmittedValue>> = {},
  ): Promise<DriverResponse> {
    const view = this.viewOrThrow(viewId);
    if (!this.slack.isViewOpen(viewId)) throw new Error(`SlackDriver: view ${viewId} is not open`);
    for (const [blockId, byAction] of Object.entries(values)) {
      for (const actionId of Object.keys(byAction)) {
        if (!findElement(view.blocks, blockId, actionId)) {
          throw new Error(`SlackDriver: view ${viewId} has no element ${blockId}/${actionId}`);
        }
      }
    }
    const state: Record<string, Record<string, ViewStateValue>> = {};
    for (const block of view.blocks) {
      const blockId = String(block['block_id']);
      const candidates =
        block['type'] === 'input'
          ? [block['element']]
          : block['type'] === 'actions' && Array.isArray(block['elements'])
            ? block['elements']
            : [block['accessory']];
      for (const element of candidates) {
        if (!isObject(element) || typeof element['action_id'] !== 'string') continue;
        const type = String(element['type']);
        if (type === 'button' || type === 'overflow' || type === 'image' || type === 'workflow_button') continue;
        const actionId = element['action_id'];
        const entry = this.stateValue(element, values[blockId]?.[actionId], view.state.values[blockId]?.[actionId]);
        if (block['type'] === 'input' && block['optional'] !== true && SlackDriver.isEmpty(entry)) {
          throw new Error(`SlackDriver: required input ${blockId}/${actionId} is empty; Slack would not submit`);
        }
        state[blockId] = { ...state[blockId], [actionId]: entry };
      }
    }
    // What the user entered stays in the form, e.g. when the app answers with errors.
    for (const [blockId, byAction] of Object.entries(state)) {
      for (const [actionId, entry] of Object.entries(byAction)) this.slack.setViewState(viewId, blockId, actionId, entry);
    }
    const payload: JsonObject = {
      ...this.envelope('view_submission', userId),
      trigger_id: this.slack.issueTrigger(userId),
      view: { ...structuredClone(view), state: { values: state } },
      response_urls: [],
    };
    const answer = await this.interaction(payload);
    if (answer.status === 200) this.slack.applySubmissionAnswer(viewId, answer.json);
    return answer;
  }

  /** The user closes a modal (X or Cancel); `view_closed` is sent only when the view asked for it. */
  async closeView(userId: string, viewId: string): Promise<DriverResponse> {
    const view = this.viewOrThrow(viewId);
    this.slack.closeViews(userId);
    if (!view.notify_on_close) return { status: 0, body: '' };
    return this.interaction({ ...this.envelope('view_closed', userId), view: structuredClone(view), is_cleared: false });
  }

  /** An external_select asks for options (`block_suggestion`); answers with the app's JSON. */
  async suggest(userId: string, query: { viewId: string; blockId: string; actionId: string; value: string }): Promise<DriverResponse> {
    const view = this.viewOrThrow(query.viewId);
    const found = findElement(view.blocks, query.blockId, query.actionId);
    if (!found) throw new Error(`SlackDriver: no element ${query.blockId}/${query.actionId} in view ${view.id}`);
    return this.interaction({
      ...this.envelope('block_suggestion', userId),
      container: { type: 'view', view_id: view.id },
      view: structuredClone(view),
      action_id: query.actionId,
      block_id: query.blockId,
      value: query.value,
    });
  }

  /** An Events API `event_callback`, e.g. `event('app_home_opened', { user, channel, tab: 'home' })`. */
  async event(type: string, fields: JsonObject = {}): Promise<DriverResponse> {
    const now = Date.now();
    const body = {
      token: this.legacyToken,
      team_id: this.teamId,
      api_app_id: this.slack.appId,
      event: { type, ...fields, event_ts: (now / 1000).toFixed(6) },
      type: 'event_callback',
      event_id: `Ev${now.toString(36).toUpperCase()}`,
      event_time: Math.floor(now / 1000),
      authorizations: [
        { enterprise_id: null, team_id: this.teamId, user_id: this.slack.botUserId, is_bot: true, is_enterprise_install: false },
      ],
      is_ext_shared_channel: false,
    };
    return this.signed(JSON.stringify(body), 'application/json');
  }

  /** The challenge Slack sends when the Request URL is saved; Bolt echoes `challenge`. */
  async urlVerification(challenge: string): Promise<DriverResponse> {
    return this.signed(JSON.stringify({ token: this.legacyToken, challenge, type: 'url_verification' }), 'application/json');
  }
}
