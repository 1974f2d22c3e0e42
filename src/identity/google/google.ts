/**
 * Google Workspace adapter: Admin SDK Directory (users, groups, members) and Reports (per-app sign-ins)
 * through @googleapis/admin 32, authenticated as a service account with domain-wide delegation acting
 * as `GOOGLE_ADMIN_SUBJECT`.
 *
 * Traps this file handles (see ../shared/SDK-NOTES.md):
 * - googleapis keeps only the origin of `rootUrl`, so `apiRoot` must be an origin (config enforces it).
 * - gaxios retries some methods on its own, never POST or a 403 quota error, and ignores Retry-After.
 *   Its retries are off here (`retry: false`, `retryConfig.retry: 0`, also for the token request) so
 *   the job queue owns every retry and reads Retry-After itself.
 * - The token endpoint is hard-coded in gtoken; `tokenUrl` is applied by a request interceptor.
 */
import { readFileSync } from 'node:fs';
import { admin, auth, type admin_directory_v1, type admin_reports_v1 } from '@googleapis/admin';
import { z } from 'zod';
import { PermanentError, RetryableError } from '../../domain/errors.js';
import { chooseAccount } from '../match.js';
import { RECENT_READS_MS, Recent } from '../recent.js';
import type { AccountStatus, GroupMember, IdentityGroup, IdentityProvider, IdentityUser, LastSignIn, RemovalOutcome, SuspendOutcome } from '../types.js';

/** Least privilege: read users, change memberships, read groups, read the audit (Reports) log. */
export const GOOGLE_SCOPES = [
  'https://www.googleapis.com/auth/admin.directory.user.readonly',
  'https://www.googleapis.com/auth/admin.directory.group.member',
  'https://www.googleapis.com/auth/admin.directory.group.readonly',
  'https://www.googleapis.com/auth/admin.reports.audit.readonly',
] as const;

/**
 * The one write to users Keycard makes (suspending a leaver, `/access-admin offboard --suspend`), on a token
 * of its own: Google refuses a whole token request when one scope asked for is not delegated, so a
 * deployment that never suspends keeps working with the read-only scope alone.
 */
export const GOOGLE_SUSPEND_SCOPE = 'https://www.googleapis.com/auth/admin.directory.user';

const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
export const DEFAULT_GOOGLE_API_ROOT = 'https://admin.googleapis.com';
/** Google's `lastLoginTime` for a user who never signed in. */
const NEVER = '1970-01-01T00:00:00.000Z';
/** Groups per page when listing them all (groups.list allows at most 200). */
export const GOOGLE_GROUP_PAGE = 200;
/** Members per page of members.list (its maximum). */
export const GOOGLE_MEMBER_PAGE = 200;
/** Users per page of users.list (its maximum). */
export const GOOGLE_USER_PAGE = 500;
/** Activities per page of the Reports API's activities.list (its maximum). */
export const GOOGLE_REPORT_PAGE = 1000;
/** Up to this many users are always looked up one by one (users.get) rather than by listing the domain. */
export const GOOGLE_DIRECT_LOOKUPS = 10;
const QUOTA_REASONS = new Set(['userRateLimitExceeded', 'rateLimitExceeded', 'quotaExceeded']);

export interface GoogleCredentials {
  readonly client_email: string;
  readonly private_key: string;
}

export interface GoogleSettings {
  /** A service-account key file (JSON); or give `credentials`. */
  readonly serviceAccountFile?: string;
  readonly credentials?: GoogleCredentials;
  /** The admin the service account acts as (domain-wide delegation). */
  readonly adminSubject: string;
  /** An origin only (scheme://host:port); default https://admin.googleapis.com. */
  readonly apiRoot?: string;
  /** Replaces https://oauth2.googleapis.com/token (tests, private endpoints). */
  readonly tokenUrl?: string;
  /** Tests: a ready access token, so no token request is made. */
  readonly accessToken?: string;
  readonly now?: () => number;
}

const keyFileSchema = z.object({ client_email: z.string().min(1), private_key: z.string().min(1) });

/** Reads a service-account key file; the error says what is wrong with it. */
export function readServiceAccountFile(path: string): GoogleCredentials {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `the file ${path} does not exist` : `cannot read ${path}: ${String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not JSON (download a JSON key for the service account)`);
  }
  const parsed = keyFileSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${path} is not a service-account key: it needs client_email and private_key`);
  return parsed.data;
}

/** Only the Directory user fields Keycard reads. */
const googleUserSchema = z.object({
  id: z.string(),
  primaryEmail: z.string(),
  name: z.object({ fullName: z.string().nullish(), givenName: z.string().nullish(), familyName: z.string().nullish() }).nullish(),
  organizations: z.array(z.object({ title: z.string().nullish(), department: z.string().nullish(), primary: z.boolean().nullish() })).nullish(),
  relations: z.array(z.object({ type: z.string().nullish(), value: z.string().nullish() })).nullish(),
  lastLoginTime: z.string().nullish(),
  suspended: z.boolean().nullish(),
  archived: z.boolean().nullish(),
});
export type GoogleUser = z.infer<typeof googleUserSchema>;

const membersPageSchema = z.object({
  members: z.array(z.object({ id: z.string().nullish(), email: z.string().nullish(), type: z.string().nullish(), status: z.string().nullish() })).nullish(),
  nextPageToken: z.string().nullish(),
});
const usersPageSchema = z.object({ users: z.array(googleUserSchema).nullish(), nextPageToken: z.string().nullish() });
const groupsPageSchema = z.object({
  groups: z
    .array(z.object({ id: z.string(), name: z.string().nullish(), email: z.string().nullish(), aliases: z.array(z.string()).nullish() }))
    .nullish(),
  nextPageToken: z.string().nullish(),
});
const activitiesSchema = z.object({
  items: z.array(z.object({ id: z.object({ time: z.string().nullish() }).nullish(), actor: z.object({ profileId: z.string().nullish() }).nullish() })).nullish(),
  nextPageToken: z.string().nullish(),
});

/** Google's user to Keycard's: the primary organization's title and department, the `manager` relation. */
export function toIdentityUser(user: GoogleUser): IdentityUser {
  const orgs = user.organizations ?? [];
  const org = orgs.find((o) => o.primary) ?? orgs[0];
  const manager = (user.relations ?? []).find((r) => r.type === 'manager' && r.value);
  const n = user.name;
  const displayName = n?.fullName || [n?.givenName, n?.familyName].filter(Boolean).join(' ') || user.primaryEmail;
  return {
    id: user.id,
    email: user.primaryEmail,
    displayName,
    title: org?.title || null,
    department: org?.department || null,
    managerEmail: manager?.value ?? null,
  };
}

/** An archived user (Archived User licence) is `deactivated`; a suspended one `suspended`. */
export function toAccountStatus(user: GoogleUser): AccountStatus {
  if (user.archived) return 'deactivated';
  return user.suspended ? 'suspended' : 'active';
}

/** `lastLoginTime`, where the epoch means never. */
function lastLogin(user: GoogleUser): Date | null {
  const raw = user.lastLoginTime;
  return raw && raw !== NEVER && Date.parse(raw) > 0 ? new Date(raw) : null;
}

function headerOf(headers: unknown, name: string): string | null {
  if (!headers) return null;
  const h = headers as { get?: (n: string) => string | null } & Record<string, unknown>;
  if (typeof h.get === 'function') return h.get(name);
  const value = h[name] ?? h[name.toLowerCase()];
  return typeof value === 'string' ? value : null;
}

/** Retry-After as seconds or an HTTP date, in ms from `nowMs`. */
function retryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(seconds * 1000, 0);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(date - nowMs, 0) : undefined;
}

interface GoogleFailure {
  status: number | null;
  reason: string | null;
  message: string;
  retryAfter: string | null;
  /** True when the token endpoint answered (delegation or key problems). */
  fromToken: boolean;
}

function describe(error: unknown): GoogleFailure {
  const e = error as {
    status?: number;
    message?: string;
    config?: { url?: unknown };
    response?: { status?: number; headers?: unknown; data?: unknown; config?: { url?: unknown } };
  };
  const status = typeof e.response?.status === 'number' ? e.response.status : typeof e.status === 'number' ? e.status : null;
  const data = e.response?.data as { error?: unknown; error_description?: string } | undefined;
  let reason: string | null = null;
  let message = e.message ?? String(error);
  if (data && typeof data.error === 'object' && data.error) {
    const body = data.error as { message?: string; errors?: Array<{ reason?: string }> };
    reason = body.errors?.[0]?.reason ?? null;
    message = body.message ?? message;
  } else if (data && typeof data.error === 'string') {
    reason = data.error;
    message = data.error_description ?? data.error;
  }
  const url = String(e.config?.url ?? e.response?.config?.url ?? '');
  return { status, reason, message, retryAfter: headerOf(e.response?.headers, 'retry-after'), fromToken: /\/token(\?|$)/.test(url) };
}

const SCOPE_HINT = `domain-wide delegation for the service account's client id with the scopes ${GOOGLE_SCOPES.join(',')}, and that GOOGLE_ADMIN_SUBJECT is an admin allowed to do this`;

/** Google failures to the queue's error kinds. */
function classifyGoogleError(what: string, error: unknown, nowMs: number = Date.now()): Error {
  const f = describe(error);
  const e = error as { library?: string; message?: string };
  if (f.status === null && (e.library !== undefined || /DECODER|PEM|private key/i.test(e.message ?? ''))) {
    return new PermanentError(`Google credentials cannot sign a token to ${what} (${e.message ?? String(error)}); check the private_key in GOOGLE_SERVICE_ACCOUNT_FILE`, { cause: error });
  }
  const detail = `HTTP ${f.status ?? '-'}${f.reason ? ` ${f.reason}` : ''}: ${f.message}`;
  if (f.status === 429 || (f.status === 403 && f.reason !== null && QUOTA_REASONS.has(f.reason))) {
    return new RetryableError(`Google quota exceeded while trying to ${what} (${detail})`, retryAfterMs(f.retryAfter, nowMs), { cause: error });
  }
  if (f.fromToken && f.status !== null && f.status < 500) {
    return new PermanentError(`Google refused a token to ${what} (${detail}); check GOOGLE_SERVICE_ACCOUNT_FILE and ${SCOPE_HINT}`, { cause: error });
  }
  if (f.status === 401 || f.status === 403) {
    return new PermanentError(`Google refused to ${what} (${detail}); check ${SCOPE_HINT}`, { cause: error });
  }
  if (f.status !== null && f.status >= 400 && f.status < 500) {
    return new PermanentError(`Google could not ${what} (${detail})`, { cause: error });
  }
  return new RetryableError(`Google failed to ${what} (${detail})`, retryAfterMs(f.retryAfter, nowMs), { cause: error });
}

function statusOf(error: unknown): number | null {
  return describe(error).status;
}

/** Reports data for SAML and OAuth apps: OAuth client ids look like `123-abc.apps.googleusercontent.com` or digits. */
function reportQuery(appId: string): { applicationName: string; eventName: string; filters: string } {
  if (/\.apps\.googleusercontent\.com$/.test(appId) || /^\d+$/.test(appId)) {
    return { applicationName: 'token', eventName: 'authorize', filters: `client_id==${appId}` };
  }
  // SAML sign-ins name the app by its name in the Admin console (parameter `application_name`).
  return { applicationName: 'saml', eventName: 'login_success', filters: `application_name==${appId}` };
}

/** A page of the domain's users (users.list) and the token of the next one; none after the last page. */
interface UsersPage {
  readonly users: readonly GoogleUser[];
  readonly next: string | null;
}

/**
 * One listing of the domain's users, read page by page as the reads of the moment need it and shared by them:
 * each page is read once whoever asks for it, even while it is under way.
 */
interface DomainListing {
  readonly at: number;
  readonly pages: Array<Promise<UsersPage>>;
}

function prefixQuery(prefix: string): string {
  const escaped = prefix.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  return /\s/.test(prefix) || prefix.includes("'") ? `name:'${escaped}*'` : `name:${escaped}*`;
}

export class GoogleProvider implements IdentityProvider {
  readonly kind = 'google' as const;
  private readonly directory: admin_directory_v1.Admin;
  private readonly reports: admin_reports_v1.Admin;
  /** Directory client on a token with GOOGLE_SUSPEND_SCOPE, used only to suspend. */
  private readonly userWriter: admin_directory_v1.Admin;
  private readonly now: () => number;
  /** The domain's users as listed in the last minute (RECENT_READS_MS), page by page; null before any. */
  private domain: DomainListing | null = null;
  /** Users read one by one (users.get) in the last minute, by id; null: no Directory user has the id. */
  private readonly recentUsers: Recent<GoogleUser | null>;

  constructor(settings: GoogleSettings) {
    this.now = settings.now ?? Date.now;
    this.recentUsers = new Recent(this.now);
    const credentials = settings.credentials ?? (settings.serviceAccountFile ? readServiceAccountFile(settings.serviceAccountFile) : null);
    if (!credentials) throw new PermanentError('Google settings need serviceAccountFile or credentials');
    const tokenUrl = settings.tokenUrl;
    const jwtFor = (scopes: readonly string[]) => {
      const jwt = new auth.JWT({ email: credentials.client_email, key: credentials.private_key, scopes: [...scopes], subject: settings.adminSubject });
      jwt.transporter.interceptors.request.add({
        resolved: async (config) => {
          if (String(config.url) === GOOGLE_TOKEN_URL) {
            // gtoken retries the token POST itself; the queue retries instead.
            config.retryConfig = { ...config.retryConfig, retry: 0, noResponseRetries: 0 };
            if (tokenUrl) config.url = new URL(tokenUrl);
          }
          return config;
        },
      });
      // The auth library checks expiry against the real clock, not the injected one.
      if (settings.accessToken) jwt.setCredentials({ access_token: settings.accessToken, expiry_date: Date.now() + 3_600_000 });
      return jwt;
    };
    const rootUrl = `${new URL(settings.apiRoot ?? DEFAULT_GOOGLE_API_ROOT).origin}/`;
    const common = { rootUrl, retry: false, retryConfig: { retry: 0, noResponseRetries: 0 }, timeout: 20_000 };
    const jwt = jwtFor(GOOGLE_SCOPES);
    this.directory = admin({ version: 'directory_v1', auth: jwt, ...common });
    this.reports = admin({ version: 'reports_v1', auth: jwt, ...common });
    this.userWriter = admin({ version: 'directory_v1', auth: jwtFor([GOOGLE_SUSPEND_SCOPE]), ...common });
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw classifyGoogleError(what, error, this.now());
    }
  }

  private async getUser(userKey: string): Promise<GoogleUser | null> {
    try {
      const res = await this.directory.users.get({ userKey, projection: 'basic', viewType: 'admin_view' });
      return googleUserSchema.parse(res.data);
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw classifyGoogleError(`look up user ${userKey}`, error, this.now());
    }
  }

  private async requireUser(userId: string): Promise<GoogleUser> {
    const user = await this.getUser(userId);
    if (!user) throw new PermanentError(`no Google Workspace user ${userId}`);
    return user;
  }

  /** Confirms a group exists (a 404 from a member call does not say whether the group or the member is missing). */
  private async requireGroup(groupKey: string): Promise<void> {
    try {
      await this.directory.groups.get({ groupKey });
    } catch (error) {
      if (statusOf(error) === 404) throw new PermanentError(`no Google group ${groupKey}`);
      throw classifyGoogleError(`look up group ${groupKey}`, error, this.now());
    }
  }

  /**
   * `users.get` takes a primary email or an alias, and Google lets an address belong to one user only, so
   * there is never more than one candidate; what can still go wrong is a suspended or archived account.
   */
  async findUserByEmail(email: string): Promise<IdentityUser | null> {
    const user = await this.getUser(email);
    const status = user?.archived ? 'archived' : user?.suspended ? 'suspended' : 'active';
    const match = chooseAccount('google', email, user ? [{ account: { id: user.id, login: user.primaryEmail, status }, active: status === 'active', value: user }] : []);
    return match ? toIdentityUser(match) : null;
  }

  /**
   * The Member resource documents `email` as required on insert, so the user id is first turned into
   * the primary email (one users.get, which also refuses an unknown user before anything changes).
   */
  async addToGroup(userId: string, groupId: string): Promise<void> {
    const user = await this.requireUser(userId);
    try {
      await this.directory.members.insert({ groupKey: groupId, requestBody: { email: user.primaryEmail, role: 'MEMBER' } });
    } catch (error) {
      const status = statusOf(error);
      if (status === 409) return; // "Member already exists."
      if (status === 404) throw new PermanentError(`no Google group ${groupId} (${describe(error).message})`);
      throw classifyGoogleError(`add user ${userId} to group ${groupId}`, error, this.now());
    }
  }

  /** memberKey takes the user's unique id. A 404 is "not a member" only when the group itself exists. */
  async removeFromGroup(userId: string, groupId: string): Promise<RemovalOutcome> {
    try {
      await this.directory.members.delete({ groupKey: groupId, memberKey: userId });
      return 'removed';
    } catch (error) {
      if (statusOf(error) !== 404) throw classifyGoogleError(`remove user ${userId} from group ${groupId}`, error, this.now());
    }
    try {
      await this.directory.groups.get({ groupKey: groupId });
      return 'not_member';
    } catch (error) {
      if (statusOf(error) === 404) return 'no_group';
      throw classifyGoogleError(`look up group ${groupId}`, error, this.now());
    }
  }

  /** Direct or nested membership (hasMember), which is what grants access. */
  async isMember(userId: string, groupId: string): Promise<boolean> {
    try {
      const res = await this.directory.members.hasMember({ groupKey: groupId, memberKey: userId });
      return res.data.isMember === true;
    } catch (error) {
      if (statusOf(error) === 404) {
        await this.requireGroup(groupId);
        return false;
      }
      throw classifyGoogleError(`check whether user ${userId} is in group ${groupId}`, error, this.now());
    }
  }

  /** Direct user members (nested groups are not expanded), every page. */
  async listGroupMembers(groupId: string): Promise<string[]> {
    const ids: string[] = [];
    let pageToken: string | undefined;
    do {
      const token = pageToken;
      const res = await this.call(`list members of group ${groupId}`, () => this.directory.members.list({ groupKey: groupId, maxResults: 200, pageToken: token }));
      const page = membersPageSchema.parse(res.data);
      for (const m of page.members ?? []) if (m.id && (m.type ?? 'USER') === 'USER') ids.push(m.id);
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    return ids;
  }

  /**
   * Lists the customer's groups once (`groups.list`, 200 a page, Google's largest). A catalog may name a
   * group by its id, its email or an alias (members calls take any of them), so all three count.
   */
  async findMissingGroups(groupIds: readonly string[]): Promise<string[]> {
    if (groupIds.length === 0) return [];
    const existing = new Set<string>();
    let pageToken: string | undefined;
    do {
      const token = pageToken;
      const res = await this.call('list groups (catalog check)', () => this.directory.groups.list({ customer: 'my_customer', maxResults: GOOGLE_GROUP_PAGE, pageToken: token }));
      const page = groupsPageSchema.parse(res.data);
      for (const g of page.groups ?? []) {
        existing.add(g.id);
        for (const address of [g.email, ...(g.aliases ?? [])]) if (address) existing.add(address.toLowerCase());
      }
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    return groupIds.filter((id) => !existing.has(id) && !existing.has(id.toLowerCase()));
  }

  async searchGroups(query: string, limit = 20): Promise<IdentityGroup[]> {
    const found: IdentityGroup[] = [];
    let pageToken: string | undefined;
    do {
      const token = pageToken;
      const res = await this.call(`search groups '${query}'`, () =>
        this.directory.groups.list({ customer: 'my_customer', query: prefixQuery(query), maxResults: Math.min(Math.max(limit, 1), 200), pageToken: token }),
      );
      const page = groupsPageSchema.parse(res.data);
      for (const g of page.groups ?? []) {
        const aliases = [g.email, ...(g.aliases ?? [])].filter((a): a is string => Boolean(a));
        found.push({ id: g.id, name: g.name ?? g.email ?? g.id, ...(aliases.length > 0 ? { aliases } : {}) });
        if (found.length >= limit) return found;
      }
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    return found;
  }

  /**
   * Overall: `lastLoginTime` (the epoch means never). Per app: the newest Reports event for the app (SAML
   * `login_success` by application name, or OAuth `authorize` by client id). Reports lag by hours and keep
   * about six months; when Reports refuses (scope not delegated), the overall answer says why.
   */
  async lastSignIn(userId: string, appId?: string): Promise<LastSignIn> {
    const user = await this.requireUser(userId);
    const overall = lastLogin(user);
    if (!appId) return { at: overall, scope: 'overall' };
    return this.userAppSignIn(userId, overall, appId);
  }

  /** One user's newest Reports event for the app; the overall answer, saying why, when Reports refuses. */
  private async userAppSignIn(userId: string, overall: Date | null, appId: string): Promise<LastSignIn> {
    const q = reportQuery(appId);
    try {
      const res = await this.reports.activities.list({ userKey: userId, applicationName: q.applicationName, eventName: q.eventName, filters: q.filters, maxResults: 1 });
      const time = activitiesSchema.parse(res.data).items?.[0]?.id?.time;
      return { at: time ? new Date(time) : null, scope: 'app' };
    } catch (error) {
      const classified = classifyGoogleError(`read ${q.applicationName} activity of user ${userId}`, error, this.now());
      if (classified instanceof RetryableError) throw classified;
      return { at: overall, scope: 'overall', unsupported: classified.message };
    }
  }

  /**
   * The Directory users with these ids, read the cheaper way. members.list names members but carries no
   * title, department, manager or state, so each needs its user: users.get costs one call per user (U),
   * users.list of the whole domain one call per 500 users (P pages), and neither count is known up front
   * (the domain's size is not). So the domain is listed page by page while more users remain to be found
   * than pages were read (and more than GOOGLE_DIRECT_LOOKUPS), and the rest are then read one by one:
   * at most 2 x min(U, P) + GOOGLE_DIRECT_LOOKUPS calls, never worse than twice the better choice made
   * with hindsight. Measured against the fake: 450 members spread over a 1,200-user domain, 3 users.list
   * and no users.get; 6 members of it, 6 users.get; 40 members spread over 5,000 users, 8 users.list and
   * 8 users.get (listing alone: 10, users.get alone: 40). An id no Directory user has is left out.
   *
   * Reads of the last minute (RECENT_READS_MS) are shared rather than repeated: the pages of the domain's
   * listing (a page another read has under way is awaited, not read again; only pages read here count
   * against the rule above) and the users read one by one. A read that joins a listing others began goes on
   * without the GOOGLE_DIRECT_LOOKUPS floor (still while more users remain than pages it read): the reads of
   * the moment want the domain whole (a review's every group and sign-in), and a page serves them all where a
   * users.get serves one. So the group listings, sign-ins and managers of one review build read the domain
   * once between them (5,000 users: 10 calls, not 10 per group).
   */
  private async usersByIds(ids: readonly string[], what: string): Promise<Map<string, GoogleUser>> {
    const remaining = new Set(ids);
    const found = new Map<string, GoogleUser>();
    for (const id of ids) {
      const kept = this.recentUsers.get(id);
      if (!kept) continue;
      const user = await kept;
      remaining.delete(id);
      if (user) found.set(id, user);
    }
    if (remaining.size === 0) return found;
    const listing = this.domainListing();
    const floor = listing.pages.length > 0 ? 0 : GOOGLE_DIRECT_LOOKUPS;
    let paid = 0;
    for (let i = 0; remaining.size > 0; i += 1) {
      let page = listing.pages[i];
      if (!page) {
        if (remaining.size <= Math.max(paid, floor)) break;
        page = this.domainPage(listing, i, what);
        paid += 1;
      }
      const read = await page;
      for (const user of read.users) {
        if (remaining.delete(user.id)) found.set(user.id, user);
      }
      // The whole domain was read: whoever is still missing is not a user of it.
      if (read.next === null) return found;
    }
    for (const id of remaining) {
      const user = await this.recentUsers.getOrSet(id, () => this.getUser(id));
      if (user) found.set(id, user);
    }
    return found;
  }

  /** The domain's listing of the last minute, else a new one (its pages read as asked for). */
  private domainListing(): DomainListing {
    if (this.domain && this.now() - this.domain.at < RECENT_READS_MS) return this.domain;
    this.domain = { at: this.now(), pages: [] };
    return this.domain;
  }

  /**
   * Page `index` of `listing`, read now and kept in it before any await, so a read asking a moment later
   * shares it. The page before it must have been asked for; a listing whose page failed is dropped.
   */
  private domainPage(listing: DomainListing, index: number, what: string): Promise<UsersPage> {
    const previous = listing.pages[index - 1];
    if (index > 0 && !previous) throw new Error(`page ${index} of the domain's users asked for before page ${index - 1}`);
    const page = (async (): Promise<UsersPage> => {
      const token = previous ? (await previous).next : undefined;
      // Past the last page (a read that stopped early asked for no more): nothing more to read.
      if (token === null) return { users: [], next: null };
      const res = await this.call(what, () =>
        this.directory.users.list({ customer: 'my_customer', maxResults: GOOGLE_USER_PAGE, projection: 'basic', viewType: 'admin_view', pageToken: token }),
      );
      const data = usersPageSchema.parse(res.data);
      return { users: data.users ?? [], next: data.nextPageToken ?? null };
    })();
    listing.pages[index] = page;
    page.catch(() => {
      if (this.domain === listing) this.domain = null;
    });
    return page;
  }

  /**
   * Direct members (nested groups and other non-user members skipped), every page of members.list (200 a
   * page, always read afresh), joined with their Directory users (see `usersByIds` for the cost, and for the
   * domain's users of the last minute being reused). `managerEmail` is the user's `manager` relation, as
   * `findUserByEmail` reads it: no extra call. A member who is no user of the domain
   * (an outside account) keeps what members.list says: its email, and `suspended` when its status is.
   */
  async listGroupMemberProfiles(groupId: string): Promise<GroupMember[]> {
    const what = `list the members of group ${groupId} with profiles`;
    const members: Array<{ id: string; email: string | null; status: string | null }> = [];
    let pageToken: string | undefined;
    do {
      const token = pageToken;
      const res = await this.call(what, () => this.directory.members.list({ groupKey: groupId, maxResults: GOOGLE_MEMBER_PAGE, pageToken: token }));
      const page = membersPageSchema.parse(res.data);
      for (const m of page.members ?? []) if (m.id && (m.type ?? 'USER') === 'USER') members.push({ id: m.id, email: m.email ?? null, status: m.status ?? null });
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    const users = await this.usersByIds(members.map((m) => m.id), `read the profiles of the members of group ${groupId}`);
    return members.map((m): GroupMember => {
      const user = users.get(m.id);
      if (user) return { ...toIdentityUser(user), status: toAccountStatus(user) };
      const email = m.email ?? m.id;
      return { id: m.id, email, displayName: email, title: null, department: null, managerEmail: null, status: m.status === 'SUSPENDED' ? 'suspended' : 'active' };
    });
  }

  /**
   * Overall: `lastLoginTime` of each user (read as `usersByIds` does, so from the domain's listing of the
   * last minute when a group listing just read it); an id no user has is answered `unsupported`. For one
   * app: one paged Reports search of the app's events across all users (as `lastSignIn` filters them: SAML
   * `login_success` by application name, OAuth `authorize` by client id),
   * newest first, 1000 a page, keeping each user's first event and stopping once every user has one: at
   * most ceil(events / 1000) calls. A single user is asked about alone, exactly as `lastSignIn`. When
   * Reports refuses (scope not delegated), every user gets the overall answer saying why, as from
   * `lastSignIn`. Per-app answers do not check that the user exists.
   */
  async lastSignIns(userIds: readonly string[], appId?: string): Promise<Map<string, LastSignIn>> {
    const ids = [...new Set(userIds)];
    if (ids.length === 0) return new Map();
    if (!appId) return this.overallSignIns(ids);
    const [only] = ids;
    if (ids.length === 1 && only) {
      // As `lastSignIn` (users.get, then one Reports call for the user), but an unknown user is an answer.
      const user = await this.getUser(only);
      return new Map([[only, user ? await this.userAppSignIn(only, lastLogin(user), appId) : { at: null, scope: 'app' }]]);
    }
    const q = reportQuery(appId);
    const wanted = new Set(ids);
    const newest = new Map<string, Date>();
    let pageToken: string | undefined;
    try {
      do {
        const token = pageToken;
        const res = await this.reports.activities.list({
          userKey: 'all',
          applicationName: q.applicationName,
          eventName: q.eventName,
          filters: q.filters,
          maxResults: GOOGLE_REPORT_PAGE,
          pageToken: token,
        });
        const page = activitiesSchema.parse(res.data);
        for (const item of page.items ?? []) {
          const user = item.actor?.profileId;
          const time = item.id?.time;
          if (user && time && wanted.has(user) && !newest.has(user)) newest.set(user, new Date(time));
        }
        pageToken = page.nextPageToken ?? undefined;
      } while (pageToken && newest.size < wanted.size);
    } catch (error) {
      const classified = classifyGoogleError(`read ${q.applicationName} activity of ${ids.length} users`, error, this.now());
      if (classified instanceof RetryableError) throw classified;
      const overall = await this.overallSignIns(ids);
      return new Map(ids.map((id) => [id, { at: overall.get(id)?.at ?? null, scope: 'overall', unsupported: classified.message }]));
    }
    return new Map(ids.map((id) => [id, { at: newest.get(id) ?? null, scope: 'app' }]));
  }

  private async overallSignIns(ids: readonly string[]): Promise<Map<string, LastSignIn>> {
    const users = await this.usersByIds(ids, `read the last sign-in of ${ids.length} users`);
    return new Map(
      ids.map((id): [string, LastSignIn] => {
        const user = users.get(id);
        return [id, user ? { at: lastLogin(user), scope: 'overall' } : { at: null, scope: 'overall', unsupported: `no Google Workspace user ${id}` }];
      }),
    );
  }

  /**
   * The users' `manager` relation, as `listGroupMemberProfiles` reads it, from their Directory users read as
   * `usersByIds` does: for the members of groups listed in the last minute, no call at all. Null for a user
   * without the relation and for an id no Directory user has.
   */
  async managersOf(userIds: readonly string[]): Promise<Map<string, string | null>> {
    const ids = [...new Set(userIds)];
    if (ids.length === 0) return new Map();
    const users = await this.usersByIds(ids, `read the managers of ${ids.length} users`);
    return new Map(
      ids.map((id) => {
        const user = users.get(id);
        return [id, user ? toIdentityUser(user).managerEmail : null];
      }),
    );
  }

  /** Reads one user and one group page: proves the key, the delegation and the read scopes. */
  /**
   * `users.update` with `{ suspended: true }` (a PUT that changes only the fields sent), after one read, so an
   * account suspended or archived already is left alone. Needs GOOGLE_SUSPEND_SCOPE delegated to the service
   * account and a GOOGLE_ADMIN_SUBJECT whose role may update users; without them Google's refusal names it.
   */
  async suspendUser(userId: string): Promise<SuspendOutcome> {
    const user = await this.requireUser(userId);
    if (toAccountStatus(user) !== 'active') return 'already_inactive';
    try {
      await this.userWriter.users.update({ userKey: userId, requestBody: { suspended: true } });
    } catch (error) {
      const f = describe(error);
      if (f.status === 401 || f.status === 403 || (f.fromToken && f.status !== null && f.status < 500)) {
        if (!(f.status === 403 && f.reason !== null && QUOTA_REASONS.has(f.reason))) {
          throw new PermanentError(`Google refused to suspend user ${userId} (HTTP ${f.status}${f.reason ? ` ${f.reason}` : ''}: ${f.message}); delegate ${GOOGLE_SUSPEND_SCOPE} to the service account and make GOOGLE_ADMIN_SUBJECT an admin who may update users`, { cause: error });
        }
      }
      throw classifyGoogleError(`suspend user ${userId}`, error, this.now());
    }
    return 'suspended';
  }

  async checkHealth(): Promise<void> {
    await this.call('list users (health check: admin.directory.user.readonly)', () => this.directory.users.list({ customer: 'my_customer', maxResults: 1 }));
    await this.call('list groups (health check: admin.directory.group.readonly)', () => this.directory.groups.list({ customer: 'my_customer', maxResults: 1 }));
  }
}
