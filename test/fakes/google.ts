/**
 * Stateful fake of the Google Admin SDK Directory API (users, groups, members), the Reports API
 * (user activities) and the OAuth token endpoint, as @googleapis/admin 32 calls them.
 *
 * Behaves like Google where our code can tell the difference:
 * - `Authorization: Bearer <token>` (the configured token, or one issued by `POST /token`) or 401.
 * - Errors in Google's JSON shape `{ error: { code, message, errors: [{ message, domain, reason }] } }`.
 * - `users/{userKey}` takes the unique id, the primary email or an alias; unknown: 404 notFound.
 * - users.update (PUT) changes `suspended` only: any other field sent is refused as 400 invalid (Keycard
 *   changes nothing else); an unknown user is 404.
 * - members.insert takes `email` (or `id`) and a role; an existing member is 409 duplicate
 *   "Member already exists."; an unknown group is 404 "Resource Not Found: groupKey".
 * - members.delete of a non-member is 404 "Resource Not Found: memberKey"; of an unknown group 404
 *   "Resource Not Found: groupKey" (the caller cannot tell them apart by status alone).
 * - Collections page with `maxResults` + `pageToken`/`nextPageToken`; a `maxResults` outside the method's
 *   range is 400 invalid (users.list 500, members.list and groups.list 200, activities.list 1000).
 * - members.list names each member's `type` (USER, GROUP, CUSTOMER) and, for users, `status` (ACTIVE or
 *   SUSPENDED) but no profile; `addNonUserMember` puts a group, the whole customer or an outside account in.
 * - groups.list `query` supports `name:prefix*`, `name:'quoted prefix*'`, `name='exact'` and `email:prefix*`.
 * - An address (primary email or alias) belongs to one user: `addUser` refuses a second owner.
 * - `lastLoginTime` of a user who never signed in is 1970-01-01T00:00:00.000Z.
 * - members insert and delete can be rate limited (`setRateLimit`, a sliding one-minute window): 403
 *   `userRateLimitExceeded` in the `usageLimits` domain, the Directory API's documented quota answer,
 *   with `Retry-After` in seconds.
 */
import { HttpFake, SlidingMinute, type FakeResponse, type RouteContext } from './http-fake.js';

export interface GoogleUserInput {
  id: string;
  primaryEmail: string;
  givenName: string;
  familyName: string;
  aliases?: string[];
  title?: string;
  department?: string;
  /** The manager's email (a `relations` entry of type manager). */
  managerEmail?: string;
  /** ISO time, or null for never (sent as the epoch). */
  lastLoginTime?: string | null;
  suspended?: boolean;
  /** An archived user (Archived User licence): cannot sign in. */
  archived?: boolean;
}

export interface GoogleGroupInput {
  id: string;
  email: string;
  name: string;
  /** Other addresses of the group; a groupKey may be any of them. */
  aliases?: string[];
}

export interface GoogleActivityInput {
  userId: string;
  applicationName: string;
  eventName: string;
  time: string;
  parameters: Record<string, string>;
}

export interface GoogleRateLimit {
  /** Member writes allowed in any sliding minute (the Directory API default is 2,400 queries per minute per user per project). */
  perMinute: number;
  /** The clock the window runs on (ms since epoch); default Date.now. */
  now?: () => number;
}

export interface GoogleFakeOptions {
  /** The bearer token the fake accepts (besides tokens it issues from POST /token). */
  token: string;
}

interface StoredGroup extends GoogleGroupInput {
  /** User ids in the order they were added, with their role. */
  members: Array<{ userId: string; role: string }>;
}

const USERS_PAGE_MAX = 500;
const MEMBERS_PAGE_MAX = 200;
const GROUPS_PAGE_MAX = 200;
const ACTIVITIES_PAGE_MAX = 1000;

const EPOCH = '1970-01-01T00:00:00.000Z';
const DIR = '/admin/directory/v1';

export function googleError(code: number, reason: string, message: string, headers?: Record<string, string>): FakeResponse {
  const domain = reason === 'userRateLimitExceeded' || reason === 'rateLimitExceeded' || reason === 'quotaExceeded' ? 'usageLimits' : 'global';
  return { status: code, headers, body: { error: { code, message, errors: [{ message, domain, reason }] } } };
}

function notFound(what: 'userKey' | 'groupKey' | 'memberKey'): FakeResponse {
  return googleError(404, 'notFound', `Resource Not Found: ${what}`);
}

/** One page, or the 400 Google answers to a `maxResults` outside `[1, limit]`. */
function page<T>(items: T[], query: URLSearchParams, fallback: number, limit: number): { items: T[]; next?: string } | FakeResponse {
  const max = Number(query.get('maxResults') ?? fallback) || fallback;
  if (max < 1 || max > limit) return googleError(400, 'invalid', `Invalid value '${max}'. Values must be within the range: [1, ${limit}]`);
  const start = Number(query.get('pageToken') ?? 0) || 0;
  const slice = items.slice(start, start + max);
  return start + max < items.length ? { items: slice, next: String(start + max) } : { items: slice };
}

function isAnswer<T>(value: { items: T[]; next?: string } | FakeResponse): value is FakeResponse {
  return 'status' in value;
}

/** A member that is not a user of the directory. */
export interface GoogleNonUserMemberInput {
  id: string;
  email: string;
  /** GROUP (a nested group), CUSTOMER (everyone in the domain) or USER (an account outside the domain). */
  type: 'GROUP' | 'CUSTOMER' | 'USER';
}

export class GoogleFake extends HttpFake {
  private readonly users = new Map<string, GoogleUserInput>();
  private readonly groups = new Map<string, StoredGroup>();
  private readonly activities: GoogleActivityInput[] = [];
  private readonly nonUsers = new Map<string, GoogleNonUserMemberInput>();
  private readonly tokens = new Set<string>();
  private issued = 0;
  private window: SlidingMinute | null = null;

  constructor(options: GoogleFakeOptions) {
    super('google');
    this.tokens.add(options.token);
    this.registerRoutes();
  }

  /** An address (primary or alias) belongs to one user only: Google answers 409 to a second one. */
  addUser(input: GoogleUserInput): void {
    for (const address of [input.primaryEmail, ...(input.aliases ?? [])]) {
      const owner = this.findUser(address);
      if (owner && owner.id !== input.id) throw new Error(`GoogleFake: ${address} already belongs to user ${owner.id} (Google refuses it with 409)`);
    }
    this.users.set(input.id, input);
  }

  addGroup(input: GoogleGroupInput): void {
    this.groups.set(input.id, { ...input, members: [] });
  }

  /** Adds a membership directly, as an admin in the Admin console would. */
  addMember(groupKey: string, userId: string): void {
    const group = this.findGroup(groupKey);
    if (!group) throw new Error(`GoogleFake: no group ${groupKey}`);
    if (!this.users.has(userId)) throw new Error(`GoogleFake: no user ${userId}`);
    if (!group.members.some((m) => m.userId === userId)) group.members.push({ userId, role: 'MEMBER' });
  }

  /** Suspends, archives or restores a user, as an admin does in the Admin console. */
  setUserState(userId: string, state: { suspended?: boolean; archived?: boolean }): void {
    const user = this.users.get(userId);
    if (!user) throw new Error(`GoogleFake: no user ${userId}`);
    this.users.set(userId, { ...user, ...state });
  }

  /** Puts a nested group, the whole customer or an outside account in a group, as an admin can. */
  addNonUserMember(groupKey: string, input: GoogleNonUserMemberInput): void {
    const group = this.findGroup(groupKey);
    if (!group) throw new Error(`GoogleFake: no group ${groupKey}`);
    this.nonUsers.set(input.id, input);
    group.members.push({ userId: input.id, role: 'MEMBER' });
  }

  /** Limits member inserts and deletes to `perMinute` in any sliding minute; beyond it, 403 userRateLimitExceeded. */
  setRateLimit(limit: GoogleRateLimit): void {
    this.window = new SlidingMinute(limit.perMinute, limit.now);
  }

  addActivity(input: GoogleActivityInput): void {
    this.activities.push(input);
  }

  /** Whether the user is suspended or archived. */
  userState(userId: string): { suspended: boolean; archived: boolean } {
    const user = this.users.get(userId);
    if (!user) throw new Error(`GoogleFake: no user ${userId}`);
    return { suspended: user.suspended ?? false, archived: user.archived ?? false };
  }

  isMember(groupKey: string, userId: string): boolean {
    return this.findGroup(groupKey)?.members.some((m) => m.userId === userId) ?? false;
  }

  members(groupKey: string): string[] {
    return this.findGroup(groupKey)?.members.map((m) => m.userId) ?? [];
  }

  private findUser(key: string): GoogleUserInput | undefined {
    const lower = key.toLowerCase();
    return this.users.get(key) ?? [...this.users.values()].find((u) => u.primaryEmail.toLowerCase() === lower || u.aliases?.some((a) => a.toLowerCase() === lower));
  }

  private findGroup(key: string): StoredGroup | undefined {
    const lower = key.toLowerCase();
    return this.groups.get(key) ?? [...this.groups.values()].find((g) => g.email.toLowerCase() === lower || g.aliases?.some((a) => a.toLowerCase() === lower));
  }

  private userResource(u: GoogleUserInput): Record<string, unknown> {
    return {
      kind: 'admin#directory#user',
      id: u.id,
      primaryEmail: u.primaryEmail,
      name: { givenName: u.givenName, familyName: u.familyName, fullName: `${u.givenName} ${u.familyName}` },
      isAdmin: false,
      suspended: u.suspended ?? false,
      archived: u.archived ?? false,
      lastLoginTime: u.lastLoginTime ?? EPOCH,
      ...(u.aliases ? { aliases: u.aliases } : {}),
      ...(u.title || u.department ? { organizations: [{ title: u.title, department: u.department, primary: true, customType: '' }] } : {}),
      ...(u.managerEmail ? { relations: [{ value: u.managerEmail, type: 'manager' }] } : {}),
    };
  }

  private groupResource(g: StoredGroup): Record<string, unknown> {
    return { kind: 'admin#directory#group', id: g.id, email: g.email, name: g.name, directMembersCount: String(g.members.length), ...(g.aliases ? { aliases: g.aliases } : {}) };
  }

  private memberResource(g: StoredGroup, m: { userId: string; role: string }): Record<string, unknown> {
    const u = this.users.get(m.userId);
    const other = this.nonUsers.get(m.userId);
    if (!u && other) return { kind: 'admin#directory#member', id: other.id, email: other.email, role: m.role, type: other.type, ...(other.type === 'USER' ? { status: 'ACTIVE' } : {}) };
    return { kind: 'admin#directory#member', id: m.userId, email: u?.primaryEmail, role: m.role, type: 'USER', status: u?.suspended ? 'SUSPENDED' : 'ACTIVE' };
  }

  /** Counts a member write; the quota answer when the window is full, else null. */
  private throttled(): FakeResponse | null {
    const retryAfter = this.window?.hit() ?? 0;
    if (retryAfter === 0) return null;
    return googleError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded', { 'retry-after': String(retryAfter) });
  }

  /** Null when authorised, else the 401 Google sends. */
  private unauthorised(ctx: RouteContext): FakeResponse | null {
    const header = ctx.call.headers.authorization ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    if (match && this.tokens.has(match[1] ?? '')) return null;
    return googleError(401, 'required', 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
  }

  private authed(method: string, path: string, handler: (ctx: RouteContext) => FakeResponse): void {
    this.route(method, path, (ctx) => this.unauthorised(ctx) ?? handler(ctx));
  }

  private registerRoutes(): void {
    this.route('POST', '/token', (ctx) => {
      const body = (ctx.call.body ?? {}) as Record<string, string>;
      if (body.grant_type !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' || !body.assertion) {
        return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid grant: assertion required' } };
      }
      this.issued += 1;
      const token = `ya29.fake-${this.issued}`;
      this.tokens.add(token);
      return { status: 200, body: { access_token: token, expires_in: 3599, token_type: 'Bearer' } };
    });

    this.authed('GET', `${DIR}/users`, (ctx) => {
      if (!ctx.call.query.get('customer') && !ctx.call.query.get('domain')) return googleError(400, 'badRequest', 'Bad Request');
      const listed = page([...this.users.values()], ctx.call.query, 100, USERS_PAGE_MAX);
      if (isAnswer(listed)) return listed;
      const { items, next } = listed;
      return { status: 200, body: { kind: 'admin#directory#users', users: items.map((u) => this.userResource(u)), ...(next ? { nextPageToken: next } : {}) } };
    });

    this.authed('GET', `${DIR}/users/:userKey`, (ctx) => {
      const user = this.findUser(ctx.params.userKey ?? '');
      return user ? { status: 200, body: this.userResource(user) } : googleError(404, 'notFound', 'Resource Not Found: userKey');
    });

    this.authed('PUT', `${DIR}/users/:userKey`, (ctx) => {
      const user = this.findUser(ctx.params.userKey ?? '');
      if (!user) return googleError(404, 'notFound', 'Resource Not Found: userKey');
      const body = (ctx.call.body ?? {}) as Record<string, unknown>;
      const others = Object.keys(body).filter((k) => k !== 'suspended');
      if (others.length > 0 || typeof body['suspended'] !== 'boolean') return googleError(400, 'invalid', `Invalid Input: this fake changes only suspended (got ${Object.keys(body).join(', ') || 'nothing'})`);
      const updated = { ...user, suspended: body['suspended'] };
      this.users.set(user.id, updated);
      return { status: 200, body: this.userResource(updated) };
    });

    this.authed('GET', `${DIR}/groups`, (ctx) => {
      if (!ctx.call.query.get('customer') && !ctx.call.query.get('domain')) return googleError(400, 'badRequest', 'Bad Request');
      const query = ctx.call.query.get('query');
      let groups = [...this.groups.values()];
      if (query) {
        const m = /^(name|email)(:|=)(?:'((?:[^'\\]|\\.)*)'|(\S+))$/.exec(query.trim());
        if (!m) return googleError(400, 'invalid', 'Invalid Input');
        const field = m[1] as 'name' | 'email';
        const raw = (m[3] ?? m[4] ?? '').replace(/\\(.)/g, '$1');
        if (m[2] === ':' && !raw.endsWith('*')) return googleError(400, 'invalid', 'Invalid Input');
        const value = raw.replace(/\*$/, '').toLowerCase();
        groups = groups.filter((g) => (m[2] === ':' ? g[field].toLowerCase().startsWith(value) : g[field].toLowerCase() === value));
      }
      const listed = page(groups, ctx.call.query, 200, GROUPS_PAGE_MAX);
      if (isAnswer(listed)) return listed;
      const { items, next } = listed;
      return { status: 200, body: { kind: 'admin#directory#groups', groups: items.map((g) => this.groupResource(g)), ...(next ? { nextPageToken: next } : {}) } };
    });

    this.authed('GET', `${DIR}/groups/:groupKey`, (ctx) => {
      const group = this.findGroup(ctx.params.groupKey ?? '');
      return group ? { status: 200, body: this.groupResource(group) } : notFound('groupKey');
    });

    this.authed('GET', `${DIR}/groups/:groupKey/members`, (ctx) => {
      const group = this.findGroup(ctx.params.groupKey ?? '');
      if (!group) return notFound('groupKey');
      const listed = page(group.members, ctx.call.query, 200, MEMBERS_PAGE_MAX);
      if (isAnswer(listed)) return listed;
      const { items, next } = listed;
      return { status: 200, body: { kind: 'admin#directory#members', members: items.map((m) => this.memberResource(group, m)), ...(next ? { nextPageToken: next } : {}) } };
    });

    this.authed('POST', `${DIR}/groups/:groupKey/members`, (ctx) => {
      const limited = this.throttled();
      if (limited) return limited;
      const group = this.findGroup(ctx.params.groupKey ?? '');
      if (!group) return notFound('groupKey');
      const body = (ctx.call.body ?? {}) as { email?: string; id?: string; role?: string };
      const key = body.email ?? body.id;
      if (!key) return googleError(400, 'required', 'Missing required field: member');
      const user = this.findUser(key);
      if (!user) return notFound('memberKey');
      if (group.members.some((m) => m.userId === user.id)) return googleError(409, 'duplicate', 'Member already exists.');
      const member = { userId: user.id, role: body.role ?? 'MEMBER' };
      group.members.push(member);
      return { status: 200, body: this.memberResource(group, member) };
    });

    this.authed('GET', `${DIR}/groups/:groupKey/members/:memberKey`, (ctx) => {
      const group = this.findGroup(ctx.params.groupKey ?? '');
      if (!group) return notFound('groupKey');
      const user = this.findUser(ctx.params.memberKey ?? '');
      const member = user && group.members.find((m) => m.userId === user.id);
      return member ? { status: 200, body: this.memberResource(group, member) } : notFound('memberKey');
    });

    this.authed('DELETE', `${DIR}/groups/:groupKey/members/:memberKey`, (ctx) => {
      const limited = this.throttled();
      if (limited) return limited;
      const group = this.findGroup(ctx.params.groupKey ?? '');
      if (!group) return notFound('groupKey');
      const user = this.findUser(ctx.params.memberKey ?? '');
      const index = user ? group.members.findIndex((m) => m.userId === user.id) : -1;
      if (index < 0) return notFound('memberKey');
      group.members.splice(index, 1);
      return { status: 204 };
    });

    this.authed('GET', `${DIR}/groups/:groupKey/hasMember/:memberKey`, (ctx) => {
      const group = this.findGroup(ctx.params.groupKey ?? '');
      if (!group) return notFound('groupKey');
      const user = this.findUser(ctx.params.memberKey ?? '');
      if (!user) return notFound('memberKey');
      return { status: 200, body: { isMember: group.members.some((m) => m.userId === user.id) } };
    });

    this.authed('GET', '/admin/reports/v1/activity/users/:userKey/applications/:app', (ctx) => {
      const userKey = ctx.params.userKey ?? '';
      const user = userKey === 'all' ? undefined : this.findUser(userKey);
      if (userKey !== 'all' && !user) return googleError(404, 'notFound', 'Resource Not Found: userKey');
      const q = ctx.call.query;
      const eventName = q.get('eventName');
      const filters = (q.get('filters') ?? '').split(',').filter(Boolean).map((f) => f.split('=='));
      const items = this.activities
        .filter((a) => a.applicationName === ctx.params.app && (!user || a.userId === user.id) && (!eventName || a.eventName === eventName))
        .filter((a) => filters.every(([name, value]) => a.parameters[name ?? ''] === value))
        .sort((a, b) => b.time.localeCompare(a.time));
      const listed = page(items, q, 1000, ACTIVITIES_PAGE_MAX);
      if (isAnswer(listed)) return listed;
      const { items: slice, next } = listed;
      return {
        status: 200,
        body: {
          kind: 'admin#reports#activities',
          items: slice.map((a, i) => ({
            kind: 'admin#reports#activity',
            id: { time: a.time, uniqueQualifier: String(i), applicationName: a.applicationName, customerId: 'C0fake' },
            actor: { email: this.users.get(a.userId)?.primaryEmail, profileId: a.userId },
            events: [{ type: a.applicationName, name: a.eventName, parameters: Object.entries(a.parameters).map(([name, value]) => ({ name, value })) }],
          })),
          ...(next ? { nextPageToken: next } : {}),
        },
      };
    });
  }
}
