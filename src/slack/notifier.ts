/**
 * The Slack adapter for the workflows' ports: DMs, approval cards, alerts, and a cached user directory.
 * The WebClient does not retry on its own here: the job queue retries, honouring Retry-After, so a
 * throttled call frees its worker slot instead of holding it.
 */
import { ErrorCode, WebClient, type WebClientOptions } from '@slack/web-api';
import type { Logger } from 'pino';
import { PermanentError, RetryableError } from '../domain/errors.js';
import type { ApprovalCard, BundleOfferCard, GrantNotice, MessageRef, Notifier, ReclaimNotice, RequestReceipt, ReviewInvite, SlackDirectory, SlackProfile, TaskCard } from '../workflows/shared/ports.js';
import { bundleOfferBlocks } from './blocks/bundle-offer.js';
import { buildReclaimNoticeBlocks, reclaimNoticeText } from './blocks/reclaim.js';
import { reviewInviteBlocks } from './blocks/review.js';
import { approvalCardText, buildApprovalCardBlocks } from './blocks/approval-card.js';
import { buildGrantNoticeBlocks, grantNoticeText } from './blocks/grant-notice.js';
import { buildTaskCardBlocks, taskCardText } from './blocks/task-card.js';
import { buildHomeView } from './blocks/home.js';
import type { HomeData } from '../workflows/notify/home.js';
import { buildRequestReceiptBlocks, requestReceiptText } from './blocks/request-receipt.js';

/** Slack errors that will not go away by trying again. */
const PERMANENT_SLACK_ERRORS = new Set([
  'channel_not_found',
  'user_not_found',
  'users_not_found',
  'invalid_blocks',
  'invalid_arguments',
  'msg_too_long',
  'no_text',
  'is_archived',
  'not_in_channel',
  'message_not_found',
  'cant_update_message',
  'account_inactive',
  'user_disabled',
  'missing_scope',
  'not_allowed_token_type',
  // files.getUploadURLExternal and files.completeUploadExternal
  'missing_argument',
  'invalid_channel',
  'posting_to_channel_denied',
  'file_uploads_disabled',
  'file_upload_size_restricted',
  'storage_limit_reached',
]);

/** Turns a Web API failure into the job queue's retryable or permanent error. */
function classifySlackError(method: string, error: unknown): Error {
  const code = (error as { code?: string }).code;
  if (code === ErrorCode.RateLimitedError) {
    const seconds = (error as { retryAfter?: number }).retryAfter ?? 1;
    return new RetryableError(`Slack ${method} rate limited`, seconds * 1000, { cause: error });
  }
  if (code === ErrorCode.PlatformError) {
    const slackError = (error as { data?: { error?: string } }).data?.error ?? 'unknown_error';
    const message = `Slack ${method} failed: ${slackError}`;
    return PERMANENT_SLACK_ERRORS.has(slackError) ? new PermanentError(message, { cause: error }) : new RetryableError(message, undefined, { cause: error });
  }
  if (code === ErrorCode.HTTPError) {
    const status = (error as { statusCode?: number }).statusCode ?? 0;
    return new RetryableError(`Slack ${method} answered HTTP ${status}`, undefined, { cause: error });
  }
  return new RetryableError(`Slack ${method} failed: ${error instanceof Error ? error.message : String(error)}`, undefined, { cause: error });
}

export function createSlackWebClient(token: string, slackApiUrl: string, extra: WebClientOptions = {}): WebClient {
  return new WebClient(token, { slackApiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, ...extra });
}

interface CacheEntry<T> {
  readonly value: Promise<T>;
  readonly expires: number;
}

/** A small TTL cache that also shares one in-flight lookup between concurrent callers. */
class LookupCache<T> {
  private readonly entries = new Map<string, CacheEntry<T>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  /** Remembers a value learnt another way (say, a profile that came with an email lookup). */
  put(key: string, value: T): void {
    this.entries.set(key, { value: Promise.resolve(value), expires: Date.now() + this.ttlMs });
  }

  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    const value = load();
    this.entries.set(key, { value, expires: now + this.ttlMs });
    // A failed lookup is not remembered.
    value.catch(() => this.entries.delete(key));
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return value;
  }
}

interface SlackUser {
  id?: string;
  name?: string;
  real_name?: string;
  tz?: string;
  profile?: { email?: string; real_name?: string };
}

function toProfile(user: SlackUser): SlackProfile {
  return {
    id: user.id ?? '',
    email: user.profile?.email ?? null,
    name: user.real_name || user.profile?.real_name || user.name || user.id || '',
    tz: user.tz ?? null,
  };
}

/** Up to this many emails are looked up one by one; more are found in one paged read of the members. */
const BULK_LOOKUP_AFTER = 20;
/** How long a whole read of the workspace's members answers look-ups (as long as the per-email cache). */
const WORKSPACE_TTL_MS = 15 * 60_000;

export class SlackNotifier implements Notifier, SlackDirectory {
  private readonly profiles = new LookupCache<SlackProfile | null>(15 * 60_000);
  private readonly emails = new LookupCache<string | null>(15 * 60_000);
  /**
   * The workspace's members read whole (users.list), email → Slack id, for 15 minutes: a run of scans or a big
   * review reads the workspace once, and callers asking at the same time share the one read.
   */
  private workspace: { readonly at: number; readonly ids: Promise<Map<string, string>> } | null = null;

  constructor(
    private readonly client: WebClient,
    private readonly alertChannel: string | null,
    private readonly logger: Logger,
  ) {}

  private async call<T>(method: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw classifySlackError(method, error);
    }
  }

  async sendApprovalCard(approverSlackId: string, card: ApprovalCard): Promise<MessageRef> {
    const res = await this.call('chat.postMessage', () =>
      this.client.chat.postMessage({ channel: approverSlackId, text: approvalCardText(card), blocks: buildApprovalCardBlocks(card) }),
    );
    return { channel: res.channel ?? approverSlackId, ts: res.ts ?? '' };
  }

  async updateApprovalCard(ref: MessageRef, card: ApprovalCard): Promise<void> {
    await this.call('chat.update', () =>
      this.client.chat.update({ channel: ref.channel, ts: ref.ts, text: approvalCardText(card), blocks: buildApprovalCardBlocks(card) }),
    );
  }

  async sendRequestReceipt(userSlackId: string, receipt: RequestReceipt): Promise<MessageRef> {
    const res = await this.call('chat.postMessage', () =>
      this.client.chat.postMessage({ channel: userSlackId, text: requestReceiptText(receipt), blocks: buildRequestReceiptBlocks(receipt) }),
    );
    return { channel: res.channel ?? userSlackId, ts: res.ts ?? '' };
  }

  async updateRequestReceipt(ref: MessageRef, receipt: RequestReceipt): Promise<void> {
    await this.call('chat.update', () =>
      this.client.chat.update({ channel: ref.channel, ts: ref.ts, text: requestReceiptText(receipt), blocks: buildRequestReceiptBlocks(receipt) }),
    );
  }

  async sendGrantNotice(userSlackId: string, notice: GrantNotice): Promise<MessageRef> {
    const res = await this.call('chat.postMessage', () =>
      this.client.chat.postMessage({ channel: userSlackId, text: grantNoticeText(notice), blocks: buildGrantNoticeBlocks(notice) }),
    );
    return { channel: res.channel ?? userSlackId, ts: res.ts ?? '' };
  }

  async sendTask(card: TaskCard): Promise<MessageRef | null> {
    if (!this.alertChannel) {
      this.logger.error({ taskId: card.taskId }, 'manual fulfilment task not posted: KEYCARD_ALERT_CHANNEL is not set');
      return null;
    }
    const channel = this.alertChannel;
    const res = await this.call('chat.postMessage', () => this.client.chat.postMessage({ channel, text: taskCardText(card), blocks: buildTaskCardBlocks(card) }));
    return { channel: res.channel ?? channel, ts: res.ts ?? '' };
  }

  async updateTask(ref: MessageRef, card: TaskCard): Promise<void> {
    await this.call('chat.update', () => this.client.chat.update({ channel: ref.channel, ts: ref.ts, text: taskCardText(card), blocks: buildTaskCardBlocks(card) }));
  }

  async sendReviewInvite(userSlackId: string, invite: ReviewInvite): Promise<MessageRef> {
    const blocks = reviewInviteBlocks(invite);
    const res = await this.call('chat.postMessage', () => this.client.chat.postMessage({ channel: userSlackId, text: invite.text, blocks }));
    return { channel: res.channel ?? userSlackId, ts: res.ts ?? '' };
  }

  async sendBundleOffer(userSlackId: string, offer: BundleOfferCard): Promise<MessageRef> {
    const res = await this.call('chat.postMessage', () => this.client.chat.postMessage({ channel: userSlackId, text: offer.text, blocks: bundleOfferBlocks(offer) }));
    return { channel: res.channel ?? userSlackId, ts: res.ts ?? '' };
  }

  async sendReclaimNotice(userSlackId: string, notice: ReclaimNotice): Promise<MessageRef> {
    const res = await this.call('chat.postMessage', () =>
      this.client.chat.postMessage({ channel: userSlackId, text: reclaimNoticeText(notice), blocks: buildReclaimNoticeBlocks(notice) }),
    );
    return { channel: res.channel ?? userSlackId, ts: res.ts ?? '' };
  }

  async updateReclaimNotice(ref: MessageRef, notice: ReclaimNotice): Promise<void> {
    await this.call('chat.update', () => this.client.chat.update({ channel: ref.channel, ts: ref.ts, text: reclaimNoticeText(notice), blocks: buildReclaimNoticeBlocks(notice) }));
  }

  async sendDm(userSlackId: string, text: string): Promise<MessageRef> {
    const res = await this.call('chat.postMessage', () => this.client.chat.postMessage({ channel: userSlackId, text, mrkdwn: true }));
    return { channel: res.channel ?? userSlackId, ts: res.ts ?? '' };
  }

  /**
   * files.uploadV2 (files.upload is retired): files.getUploadURLExternal, the bytes POSTed to the URL it
   * returns, then files.completeUploadExternal shares the file in the person's DM with the comment. The
   * DM's channel id comes from conversations.open: completeUploadExternal takes a channel, not a user.
   * A retry starts over; a file uploaded but never completed is not shared, and Slack discards it.
   */
  async uploadFile(userSlackId: string, file: { readonly name: string; readonly title: string; readonly content: string; readonly comment: string }): Promise<void> {
    const opened = await this.call('conversations.open', () => this.client.conversations.open({ users: userSlackId }));
    const channel = opened.channel?.id;
    if (!channel) throw new RetryableError(`Slack conversations.open gave no DM channel for ${userSlackId}`);
    await this.call('files.uploadV2', () =>
      this.client.files.uploadV2({ channel_id: channel, filename: file.name, title: file.title, content: file.content, initial_comment: file.comment }),
    );
  }

  async publishHome(userSlackId: string, home: HomeData): Promise<void> {
    await this.call('views.publish', () => this.client.views.publish({ user_id: userSlackId, view: buildHomeView(home) }));
  }

  async sendAlert(text: string): Promise<void> {
    if (!this.alertChannel) {
      this.logger.warn({ alert: text }, 'alert not sent to Slack: KEYCARD_ALERT_CHANNEL is not set');
      return;
    }
    const channel = this.alertChannel;
    await this.call('chat.postMessage', () => this.client.chat.postMessage({ channel, text, mrkdwn: true }));
  }

  userIdByEmail(email: string): Promise<string | null> {
    return this.emails.get(email.toLowerCase(), async () => {
      try {
        const res = await this.client.users.lookupByEmail({ email });
        const user = res.user;
        if (!user?.id) return null;
        // The answer carries the whole profile: keep it, so naming this person later costs no call.
        this.profiles.put(user.id, toProfile(user));
        return user.id;
      } catch (error) {
        if ((error as { data?: { error?: string } }).data?.error === 'users_not_found') return null;
        throw classifySlackError('users.lookupByEmail', error);
      }
    });
  }

  async userIdsByEmail(emails: readonly string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(emails.map((e) => e.toLowerCase()))];
    const found = new Map<string, string>();
    const recent = this.workspace !== null && Date.now() - this.workspace.at < WORKSPACE_TTL_MS;
    if (wanted.length <= BULK_LOOKUP_AFTER && !recent) {
      for (const email of wanted) {
        const id = await this.userIdByEmail(email);
        if (id) found.set(email, id);
      }
      return found;
    }
    const ids = await this.workspaceIds();
    for (const email of wanted) {
      const id = ids.get(email);
      if (id) found.set(email, id);
    }
    return found;
  }

  /** Every member's Slack id by email: the recent whole read, or a new one (shared by callers meanwhile). */
  private workspaceIds(): Promise<Map<string, string>> {
    if (this.workspace && Date.now() - this.workspace.at < WORKSPACE_TTL_MS) return this.workspace.ids;
    const ids = this.readWorkspace();
    const entry = { at: Date.now(), ids };
    this.workspace = entry;
    // A failed read is not remembered.
    ids.catch(() => {
      if (this.workspace === entry) this.workspace = null;
    });
    return ids;
  }

  private async readWorkspace(): Promise<Map<string, string>> {
    // users.list is Tier 2 (20+ a minute) at up to 200 a page; users.lookupByEmail is Tier 3 (50+ a minute), one each.
    const ids = new Map<string, string>();
    let cursor: string | undefined;
    do {
      const page = await this.call('users.list', () => this.client.users.list({ limit: 200, ...(cursor ? { cursor } : {}) }));
      for (const user of (page.members ?? []) as SlackUser[]) {
        if (!user.id || (user as { deleted?: boolean }).deleted) continue;
        const profile = toProfile(user);
        this.profiles.put(user.id, profile);
        const email = profile.email?.toLowerCase();
        if (!email) continue;
        this.emails.put(email, user.id);
        ids.set(email, user.id);
      }
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return ids;
  }

  profile(slackId: string): Promise<SlackProfile | null> {
    return this.profiles.get(slackId, async () => {
      try {
        const res = await this.client.users.info({ user: slackId });
        return res.user?.id ? toProfile(res.user) : null;
      } catch (error) {
        if ((error as { data?: { error?: string } }).data?.error === 'user_not_found') return null;
        throw classifySlackError('users.info', error);
      }
    });
  }
}
