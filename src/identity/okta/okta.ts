/**
 * Okta adapter (@okta/okta-sdk-nodejs 8). The SDK's own cache and retries are off: stale membership
 * answers are wrong for access control, and the job queue retries with Okta's X-Rate-Limit-Reset.
 */
import { Client, DefaultRequestExecutor } from '@okta/okta-sdk-nodejs';
import { z } from 'zod';
import { PermanentError, RetryableError } from '../../domain/errors.js';
import { chooseAccount } from '../match.js';
import { Recent } from '../recent.js';
import type { AccountStatus, GroupMember, IdentityGroup, IdentityProvider, IdentityUser, LastSignIn, RemovalOutcome, SuspendOutcome } from '../types.js';

export interface OktaSettings {
  readonly orgUrl: string;
  readonly token: string;
  /** The injected clock's time: Okta's X-Rate-Limit-Reset is an absolute time. */
  readonly now?: () => number;
}

/** Only the Okta user fields Keycard reads. */
const oktaUserSchema = z.object({
  id: z.string(),
  status: z.string().optional(),
  lastLogin: z.union([z.date(), z.string()]).nullish(),
  profile: z.object({
    login: z.string(),
    email: z.string().nullish(),
    firstName: z.string().nullish(),
    lastName: z.string().nullish(),
    displayName: z.string().nullish(),
    title: z.string().nullish(),
    department: z.string().nullish(),
    managerId: z.string().nullish(),
    manager: z.string().nullish(),
  }),
});
export type OktaUser = z.infer<typeof oktaUserSchema>;

/** Okta's user to Keycard's; `managerEmail` is filled in by the caller, which may need another lookup. */
export function toIdentityUser(user: OktaUser, managerEmail: string | null): IdentityUser {
  const p = user.profile;
  const name = p.displayName || [p.firstName, p.lastName].filter(Boolean).join(' ') || p.login;
  return { id: user.id, email: p.email ?? p.login, displayName: name, title: p.title ?? null, department: p.department ?? null, managerEmail };
}

/**
 * Statuses of a live account. LOCKED_OUT, RECOVERY and PASSWORD_EXPIRED are an employee who cannot sign in
 * for the moment; STAGED and PROVISIONED were never activated, SUSPENDED and DEPROVISIONED were turned off:
 * granting to those would be granting to an account nobody should be using.
 */
const OKTA_ACTIVE_STATUSES: ReadonlySet<string> = new Set(['ACTIVE', 'LOCKED_OUT', 'RECOVERY', 'PASSWORD_EXPIRED']);

/**
 * An Okta status in a review's terms. ACTIVE, and the live accounts of OKTA_ACTIVE_STATUSES (LOCKED_OUT,
 * RECOVERY, PASSWORD_EXPIRED: the employee gets back in by unlocking or resetting, and the access is still
 * theirs), are `active`. STAGED and PROVISIONED were never activated (nobody can sign in to them until they
 * are) and SUSPENDED was turned off: all three keep their groups and can be turned back on, so `suspended`.
 * DEPROVISIONED is `deactivated`. A status Okta adds later is `suspended`: not claimed live, not claimed gone.
 */
export function toAccountStatus(status: string | undefined): AccountStatus {
  if (status !== undefined && OKTA_ACTIVE_STATUSES.has(status)) return 'active';
  return status === 'DEPROVISIONED' ? 'deactivated' : 'suspended';
}

/** Groups per page when listing them all. */
export const OKTA_GROUP_PAGE = 1000;

/**
 * Members per page of `GET /api/v1/groups/{id}/users`, as `listGroupMembers` asks. The SDK's note says the
 * default page is "a very high number" and recommends 200; 1000 is well inside what Okta serves and costs a
 * fifth of the calls (2,500 members: 3 calls).
 */
export const OKTA_MEMBER_PAGE = 1000;

/**
 * Values per `filter` of `or`ed `eq` clauses (`id eq "00u..." or ...`). Okta documents no clause limit, only
 * that an overly long query fails; 50 ids keep the URL near 2 KB. `filter` rather than `search`: it reads
 * current data (search is eventually consistent) and includes DEPROVISIONED users.
 */
export const OKTA_IDS_PER_FILTER = 50;

/** System Log events per page (its documented maximum). */
export const OKTA_LOG_PAGE = 1000;

/** How far back the System Log goes (Okta keeps 90 days of events). */
const SYSTEM_LOG_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

/** A value for a double-quoted Okta filter literal. */
function quoted(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function toDate(raw: unknown): Date | null {
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : raw;
  if (typeof raw !== 'string' || !raw) return null;
  const at = new Date(raw);
  return Number.isNaN(at.getTime()) ? null : at;
}

function header(headers: unknown, name: string): string | null {
  if (!headers) return null;
  const h = headers as { get?: (n: string) => string | null } & Record<string, unknown>;
  if (typeof h.get === 'function') return h.get(name);
  const value = h[name] ?? h[name.toLowerCase()];
  return typeof value === 'string' ? value : null;
}

/** Okta failures to the queue's error kinds: 404 and 4xx are permanent; 429, 5xx and network errors retry. */
function classifyOktaError(what: string, error: unknown, nowMs: number = Date.now()): Error {
  const e = error as { status?: number; errorCode?: string; errorSummary?: string; headers?: unknown; message?: string };
  const status = typeof e.status === 'number' ? e.status : Number(e.status ?? Number.NaN);
  const summary = e.errorSummary || e.message || String(error);
  if (status === 429) {
    const reset = Number(header(e.headers, 'x-rate-limit-reset'));
    const retryAfterMs = Number.isFinite(reset) && reset > 0 ? Math.max(reset * 1000 - nowMs, 0) : undefined;
    return new RetryableError(`Okta rate limit while trying to ${what}`, retryAfterMs, { cause: error });
  }
  if (status === 401 || status === 403) {
    return new PermanentError(`Okta refused to ${what} (HTTP ${status}: ${summary}); check OKTA_API_TOKEN and that its admin role covers the group`, { cause: error });
  }
  if (Number.isFinite(status) && status >= 400 && status < 500) {
    return new PermanentError(`Okta could not ${what} (HTTP ${status}${e.errorCode ? ` ${e.errorCode}` : ''}: ${summary})`, { cause: error });
  }
  return new RetryableError(`Okta failed to ${what}: ${Number.isFinite(status) ? `HTTP ${status} ` : ''}${summary}`, undefined, { cause: error });
}

export class OktaProvider implements IdentityProvider {
  readonly kind = 'okta' as const;
  private readonly client: Client;
  /** Users read a moment ago (group listings, look-ups by id), by id; null: no user has the id. */
  private readonly recentUsers: Recent<OktaUser | null>;
  /** Managers looked up a moment ago, by `managerId` as the profile writes it (an id or a login); null: nobody. */
  private readonly recentManagers: Recent<OktaUser | null>;

  constructor(settings: OktaSettings) {
    this.now = settings.now ?? Date.now;
    this.recentUsers = new Recent(this.now);
    this.recentManagers = new Recent(this.now);
    this.client = new Client({
      orgUrl: settings.orgUrl,
      token: settings.token,
      cacheMiddleware: null,
      // `maxRetries` is not a Client option (it is ignored there): it belongs to the executor.
      requestExecutor: new DefaultRequestExecutor({ maxRetries: 0, requestTimeout: 20_000 }),
    });
  }

  private readonly now: () => number;

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw classifyOktaError(what, error, this.now());
    }
  }

  private async getUser(idOrLogin: string): Promise<OktaUser | null> {
    try {
      const user = await this.client.userApi.getUser({ userId: idOrLogin });
      return oktaUserSchema.parse(user);
    } catch (error) {
      if ((error as { status?: number }).status === 404) return null;
      throw classifyOktaError(`look up user ${idOrLogin}`, error, this.now());
    }
  }

  /**
   * Every account whose login or email is `email`, in any status: `search` (unlike a plain list) includes
   * DEPROVISIONED users, which must be seen to be refused rather than silently skipped.
   */
  private async searchByEmail(email: string): Promise<OktaUser[]> {
    const value = quoted(email);
    const what = `search users by email ${email}`;
    const users = await this.call(what, () => this.client.userApi.listUsers({ search: `profile.login eq "${value}" or profile.email eq "${value}"`, limit: 200 }));
    const found: OktaUser[] = [];
    try {
      for await (const user of users) if (user) found.push(oktaUserSchema.parse(user));
    } catch (error) {
      throw classifyOktaError(what, error, this.now());
    }
    return found;
  }

  /** Every item of an SDK collection (all pages), failures classified. */
  private async collect<T>(what: string, list: () => Promise<AsyncIterable<T | null | undefined>>): Promise<T[]> {
    const items: T[] = [];
    try {
      for await (const item of await list()) if (item) items.push(item);
    } catch (error) {
      throw classifyOktaError(what, error, this.now());
    }
    return items;
  }

  /**
   * The users whose id, or login, is one of `values`, in any status: one `filter` per OKTA_IDS_PER_FILTER
   * values (a login is matched as written: `filter` compares values with case).
   */
  private async usersMatching(values: readonly string[], what: string, byLogin: boolean): Promise<OktaUser[]> {
    const found: OktaUser[] = [];
    const perCall = byLogin ? Math.floor(OKTA_IDS_PER_FILTER / 2) : OKTA_IDS_PER_FILTER;
    for (let i = 0; i < values.length; i += perCall) {
      const clauses = values.slice(i, i + perCall).flatMap((v) => {
        const value = quoted(v);
        return byLogin ? [`id eq "${value}"`, `profile.login eq "${value}"`] : [`id eq "${value}"`];
      });
      const users = await this.collect(what, () => this.client.userApi.listUsers({ filter: clauses.join(' or '), limit: 200 }));
      found.push(...users.map((u) => oktaUserSchema.parse(u)));
    }
    return found;
  }

  /**
   * The users with these ids (any status), from those read a moment ago, the rest with one `filter` per
   * OKTA_IDS_PER_FILTER ids; an id no user has is left out.
   */
  private async recentUsersByIds(ids: readonly string[], what: string): Promise<Map<string, OktaUser>> {
    const pending = new Map<string, Promise<OktaUser | null>>();
    const missing: string[] = [];
    for (const id of ids) {
      const kept = this.recentUsers.get(id);
      if (kept) pending.set(id, kept);
      else missing.push(id);
    }
    if (missing.length > 0) {
      const lookup = this.usersMatching(missing, what, false);
      for (const id of missing) pending.set(id, this.recentUsers.set(id, lookup.then((users) => users.find((u) => u.id === id) ?? null)));
    }
    const found = new Map<string, OktaUser>();
    for (const [id, user] of await Promise.all([...pending].map(async ([id, read]) => [id, await read] as const))) if (user) found.set(id, user);
    return found;
  }

  /**
   * The users named by these `managerId` values (Okta ids or logins), from those looked up a moment ago, the
   * rest with one `filter` per 25 values (id or login): a manager shared by many groups is looked up once,
   * however many listings name them at once. Null: no user has the value.
   */
  private async managersNamed(values: readonly string[], what: string): Promise<Map<string, OktaUser | null>> {
    const pending = new Map<string, Promise<OktaUser | null>>();
    const missing: string[] = [];
    for (const value of new Set(values)) {
      const kept = this.recentManagers.get(value);
      if (kept) pending.set(value, kept);
      else missing.push(value);
    }
    if (missing.length > 0) {
      const lookup = this.usersMatching(missing, what, true);
      for (const value of missing) {
        const match = lookup.then((users) => users.find((u) => u.id === value) ?? users.find((u) => u.profile.login.toLowerCase() === value.toLowerCase()) ?? null);
        pending.set(value, this.recentManagers.set(value, match));
      }
    }
    return new Map(await Promise.all([...pending].map(async ([value, read]) => [value, await read] as const)));
  }

  /**
   * Each user's manager email, as `findUserByEmail` resolves it (`managerId` as an Okta id or login, else
   * `manager` when it is an email), keyed by user id: from `users` themselves when the manager is one of them,
   * else through `managersNamed`. A `managerId` that is only a login shortname, which `GET /users/{idOrLogin}`
   * would also take, is not matched here.
   */
  private async managerEmails(users: readonly OktaUser[], what: string): Promise<Map<string, string | null>> {
    const known = new Map<string, OktaUser>();
    for (const user of users) {
      known.set(user.id, user);
      known.set(user.profile.login.toLowerCase(), user);
    }
    const among = (value: string): OktaUser | undefined => known.get(value) ?? known.get(value.toLowerCase());
    const named = users.flatMap((u) => (u.profile.managerId && !among(u.profile.managerId) ? [u.profile.managerId] : []));
    const looked = named.length > 0 ? await this.managersNamed(named, what) : new Map<string, OktaUser | null>();
    return new Map(
      users.map((user) => {
        const { managerId, manager } = user.profile;
        const found = managerId ? (among(managerId) ?? looked.get(managerId) ?? null) : null;
        return [user.id, found ? (found.profile.email ?? found.profile.login) : manager && manager.includes('@') ? manager : null];
      }),
    );
  }

  /** The manager from `managerId` (an Okta id or login), else `manager` when it is an email. */
  private async managerEmail(user: OktaUser): Promise<string | null> {
    const { managerId, manager } = user.profile;
    if (managerId) {
      const found = await this.getUser(managerId);
      if (found) return found.profile.email ?? found.profile.login;
    }
    if (manager && manager.includes('@')) return manager;
    return null;
  }

  async findUserByEmail(email: string): Promise<IdentityUser | null> {
    const candidates = (await this.searchByEmail(email)).map((user) => ({
      account: { id: user.id, login: user.profile.login, status: user.status ?? 'UNKNOWN' },
      active: OKTA_ACTIVE_STATUSES.has(user.status ?? ''),
      value: user,
    }));
    const user = chooseAccount('okta', email, candidates);
    if (!user) return null;
    return toIdentityUser(user, await this.managerEmail(user));
  }

  async addToGroup(userId: string, groupId: string): Promise<void> {
    // Okta answers 204 whether or not the user was already a member.
    await this.call(`add user ${userId} to group ${groupId}`, () => this.client.groupApi.assignUserToGroup({ groupId, userId }));
  }

  async removeFromGroup(userId: string, groupId: string): Promise<RemovalOutcome> {
    try {
      // Okta answers 204 whether or not the user was a member: it cannot tell us which.
      await this.client.groupApi.unassignUserFromGroup({ groupId, userId });
      return 'removed';
    } catch (error) {
      // E0000007 "Not found: Resource not found: <id> (UserGroup)": a group that is gone grants nothing.
      const e = error as { status?: number; errorSummary?: string };
      if (e.status === 404 && /\(UserGroup\)/.test(e.errorSummary ?? '')) return 'no_group';
      // An unknown user stays an error: a wrong id on record is worth an admin's look.
      throw classifyOktaError(`remove user ${userId} from group ${groupId}`, error, this.now());
    }
  }

  async isMember(userId: string, groupId: string): Promise<boolean> {
    const groups = await this.call(`list groups of user ${userId}`, () => this.client.userApi.listUserGroups({ userId }));
    for await (const group of groups) {
      if (group?.id === groupId) return true;
    }
    return false;
  }

  async listGroupMembers(groupId: string): Promise<string[]> {
    const users = await this.call(`list members of group ${groupId}`, () => this.client.groupApi.listGroupUsers({ groupId, limit: 1000 }));
    const ids: string[] = [];
    try {
      for await (const user of users) if (user?.id) ids.push(user.id);
    } catch (error) {
      throw classifyOktaError(`list members of group ${groupId}`, error, this.now());
    }
    return ids;
  }

  /**
   * Lists every group once (`GET /api/v1/groups`, pages of 1000 followed through `Link: rel=next`): Okta
   * recommends a set page size below its maximum, and no `q`, which would cap the answer without paging.
   */
  async findMissingGroups(groupIds: readonly string[]): Promise<string[]> {
    if (groupIds.length === 0) return [];
    const what = 'list groups (catalog check)';
    const groups = await this.call(what, () => this.client.groupApi.listGroups({ limit: OKTA_GROUP_PAGE }));
    const existing = new Set<string>();
    try {
      for await (const group of groups) if (group?.id) existing.add(group.id);
    } catch (error) {
      throw classifyOktaError(what, error, this.now());
    }
    return groupIds.filter((id) => !existing.has(id));
  }

  async searchGroups(query: string, limit = 20): Promise<IdentityGroup[]> {
    const groups = await this.call(`search groups '${query}'`, () => this.client.groupApi.listGroups({ q: query, limit }));
    const found: IdentityGroup[] = [];
    for await (const group of groups) {
      if (group?.id) found.push({ id: group.id, name: group.profile?.name ?? group.id });
      if (found.length >= limit) break;
    }
    return found;
  }

  /**
   * Overall: Okta's `lastLogin`. For one app (its app instance id): the newest successful
   * `user.authentication.sso` event in the System Log with that app as a target (needs `okta.logs.read`).
   * The System Log keeps 90 days and searches only the last 7 unless told `since`, so we ask for all 90.
   */
  async lastSignIn(userId: string, appId?: string): Promise<LastSignIn> {
    if (appId) return { at: await this.lastAppSignIn(userId, appId), scope: 'app' };
    const user = await this.getUser(userId);
    if (!user) throw new PermanentError(`no Okta user ${userId}`);
    return { at: toDate(user.lastLogin), scope: 'overall' };
  }

  private async lastAppSignIn(userId: string, appId: string): Promise<Date | null> {
    const what = `read the System Log for sign-ins of user ${userId} to app ${appId}`;
    const filter = `eventType eq "user.authentication.sso" and outcome.result eq "SUCCESS" and actor.id eq "${quoted(userId)}" and target.id eq "${quoted(appId)}"`;
    const since = new Date(this.now() - SYSTEM_LOG_RETENTION_MS).toISOString();
    const events = await this.call(what, () => this.client.systemLogApi.listLogEvents({ filter, since, sortOrder: 'DESCENDING', limit: 1 }));
    try {
      for await (const event of events) return toDate(event?.published);
    } catch (error) {
      throw classifyOktaError(what, error, this.now());
    }
    return null;
  }

  /**
   * `GET /api/v1/groups/{id}/users` returns whole user objects, so the listing is the profile: ceil(members /
   * 1000) calls, always read afresh. Okta groups hold only users. The manager is resolved as
   * `findUserByEmail` does it (`managerEmails`): from the listing itself when the manager is a member, else
   * with one `filter` per 25 distinct managers not looked up in the last minute (RECENT_READS_MS), so the
   * listings of one review build look each manager up once between them. The listed users are kept for the
   * same minute, for `managersOf`.
   */
  async listGroupMemberProfiles(groupId: string): Promise<GroupMember[]> {
    const what = `list the members of group ${groupId} with profiles`;
    const raw = await this.collect(what, () => this.client.groupApi.listGroupUsers({ groupId, limit: OKTA_MEMBER_PAGE }));
    const users = raw.map((u) => oktaUserSchema.parse(u));
    for (const user of users) this.recentUsers.set(user.id, Promise.resolve(user));
    const managers = await this.managerEmails(users, `look up the managers of group ${groupId}`);
    return users.map((user) => ({ ...toIdentityUser(user, managers.get(user.id) ?? null), status: toAccountStatus(user.status) }));
  }

  /**
   * The users' profiles (those listed or read in the last minute, the rest with one `filter` per 50 ids), then
   * their managers as `listGroupMemberProfiles` resolves them (a manager looked up in the last minute is not
   * looked up again): for U users not read recently and M distinct managers not among them nor looked up
   * recently, ceil(U / 50) + ceil(M / 25) calls. For the members of groups just listed, no call at all.
   */
  async managersOf(userIds: readonly string[]): Promise<Map<string, string | null>> {
    const ids = [...new Set(userIds)];
    if (ids.length === 0) return new Map();
    const users = await this.recentUsersByIds(ids, `read the profiles of ${ids.length} users for their managers`);
    const managers = await this.managerEmails([...users.values()], `look up the managers of ${ids.length} users`);
    return new Map(ids.map((id) => [id, managers.get(id) ?? null]));
  }

  /**
   * Overall: `lastLogin`, read with one `filter` per 50 ids (1,200 users: 24 calls); an id Okta does not know
   * is answered `unsupported`. For one app: one search of the System Log for the app's successful
   * `user.authentication.sso` events over its 90 days, newest first in pages of 1000, keeping each user's
   * first (newest) event and stopping once every user has one: at most ceil(events / 1000) calls, whatever
   * the number of users. A single user is asked about alone (one call, as `lastSignIn`). Per-app answers do
   * not check that the user exists.
   */
  async lastSignIns(userIds: readonly string[], appId?: string): Promise<Map<string, LastSignIn>> {
    const ids = [...new Set(userIds)];
    if (ids.length === 0) return new Map();
    if (appId) return this.appSignIns(ids, appId);
    const users = new Map((await this.usersMatching(ids, `read the last sign-in of ${ids.length} users`, false)).map((u) => [u.id, u]));
    return new Map(
      ids.map((id): [string, LastSignIn] => {
        const user = users.get(id);
        return [id, user ? { at: toDate(user.lastLogin), scope: 'overall' } : { at: null, scope: 'overall', unsupported: `no Okta user ${id}` }];
      }),
    );
  }

  private async appSignIns(ids: readonly string[], appId: string): Promise<Map<string, LastSignIn>> {
    const [only] = ids;
    if (ids.length === 1 && only) return new Map([[only, { at: await this.lastAppSignIn(only, appId), scope: 'app' }]]);
    const what = `read the System Log for sign-ins of ${ids.length} users to app ${appId}`;
    const filter = `eventType eq "user.authentication.sso" and outcome.result eq "SUCCESS" and target.id eq "${quoted(appId)}"`;
    // `until` makes this a bounded query: without it Okta treats the search as polling and always sends a
    // next link, so the pages would never end.
    const until = new Date(this.now());
    const since = new Date(until.getTime() - SYSTEM_LOG_RETENTION_MS);
    const wanted = new Set(ids);
    const newest = new Map<string, Date | null>();
    try {
      const events = await this.client.systemLogApi.listLogEvents({ filter, since: since.toISOString(), until: until.toISOString(), sortOrder: 'DESCENDING', limit: OKTA_LOG_PAGE });
      for await (const event of events) {
        const actor = event?.actor?.id;
        if (actor && wanted.has(actor) && !newest.has(actor)) newest.set(actor, toDate(event.published));
        if (newest.size === wanted.size) break;
      }
    } catch (error) {
      throw classifyOktaError(what, error, this.now());
    }
    return new Map(ids.map((id) => [id, { at: newest.get(id) ?? null, scope: 'app' }]));
  }

  /**
   * `POST /api/v1/users/{id}/lifecycle/suspend`, which Okta allows only on an ACTIVE user: the status is
   * read first (one GET), so an account that cannot sign in already is left alone and a LOCKED_OUT,
   * RECOVERY or PASSWORD_EXPIRED one is refused by name rather than with Okta's validation error. Needs an
   * admin role with `okta.users.lifecycle.manage` on the user.
   */
  async suspendUser(userId: string): Promise<SuspendOutcome> {
    const user = await this.getUser(userId);
    if (!user) throw new PermanentError(`no Okta user ${userId}`);
    if (toAccountStatus(user.status) !== 'active') return 'already_inactive';
    if (user.status !== 'ACTIVE') {
      throw new PermanentError(`Okta suspends only ACTIVE users; ${userId} (${user.profile.login}) is ${user.status ?? 'of unknown status'}: unlock or reset it, or suspend or deactivate it in the Okta console`);
    }
    try {
      await this.client.userApi.suspendUser({ userId });
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 403) {
        throw new PermanentError(`Okta refused to suspend user ${userId} (HTTP 403): the API token's admin role needs okta.users.lifecycle.manage on this user`, { cause: error });
      }
      throw classifyOktaError(`suspend user ${userId}`, error, this.now());
    }
    return 'suspended';
  }

  async checkHealth(): Promise<void> {
    const users = await this.call('list users (health check)', () => this.client.userApi.listUsers({ limit: 1 }));
    for await (const _ of users) break;
  }
}
