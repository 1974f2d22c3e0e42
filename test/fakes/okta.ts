/**
 * Stateful fake of the Okta Management API v1 (users, groups, group memberships), as
 * @okta/okta-sdk-nodejs 8 calls it.
 *
 * Behaves like Okta where our code can tell the difference:
 * - `Authorization: SSWS <token>` or 401 E0000011.
 * - Unknown user or group: 404 E0000007 `Not found: Resource not found: <id> (User|UserGroup)`.
 * - Membership PUT is idempotent (204 when already a member); DELETE of a non-member is also 204.
 *   Membership writes take a user **id** only (the path parameter is "ID of an existing Okta user"),
 *   while `GET /api/v1/users/{idOrLogin}` also takes a login or an unambiguous login shortname.
 * - Only `OKTA_GROUP` memberships can be changed: `APP_GROUP`/`BUILT_IN` answer 403 E0000006.
 * - Collections page with `limit` + `after` cursor and an RFC 5988 `Link: <abs url>; rel="next"`.
 * - `search` and `filter` take `eq`/`sw` clauses joined by `and` and `or` (no parentheses); logins are
 *   unique, but several users may share `profile.email`.
 * - `GET /api/v1/users` omits DEPROVISIONED users unless `search` or `filter` is used; `q` is a
 *   startsWith match on firstName/lastName/email, defaults to 10 results and does not page.
 * - `GET /api/v1/users` serves at most 200 users a page whatever `limit` asks (Okta's maximum there).
 * - `GET /api/v1/logs` (System Log) takes a SCIM `filter` of `and`ed `eq` clauses on eventType, actor.id,
 *   target.id (any target) and outcome.result, `since`/`until` (since defaults to 7 days before until, which
 *   defaults to now), `sortOrder` (default ASCENDING by `published`) and `limit` (default 100, at most 1000).
 *   Without `until` an ASCENDING search is a polling query, as in Okta: every page, even an empty one, has
 *   a `next` link, so a client that pages to the end without `until` never ends.
 * - `POST /api/v1/users/{id}/lifecycle/suspend` suspends an ACTIVE user (200 `{}`); any other status is
 *   400 E0000001, as Okta allows the operation only on ACTIVE users.
 * - Membership writes are rate limited (sliding one-minute window, see `setRateLimit`) with Okta's
 *   429 E0000047 and `X-Rate-Limit-Limit/-Remaining/-Reset` + `Date` headers, which the SDK's
 *   built-in retry reads.
 */
import { randomBytes } from 'node:crypto';
import { HttpFake, type FakeResponse, type RecordedCall, type RouteContext } from './http-fake.js';

export type OktaUserStatus = 'ACTIVE' | 'SUSPENDED' | 'DEPROVISIONED' | 'STAGED' | 'PROVISIONED' | 'LOCKED_OUT' | 'RECOVERY' | 'PASSWORD_EXPIRED';

export interface OktaUserInput {
  id: string;
  login: string;
  email: string;
  firstName: string;
  lastName: string;
  displayName?: string;
  title?: string;
  department?: string;
  managerId?: string;
  manager?: string;
  status?: OktaUserStatus;
  /** ISO timestamp or null (never signed in). Default null. */
  lastLogin?: string | null;
  /** ISO timestamp. Default: the fake's clock at `addUser`. */
  created?: string;
}

export interface OktaLogEventInput {
  eventType: string;
  /** The user (actor) id. */
  actorId: string;
  /** The app instance id (the event's `AppInstance` target). */
  targetId: string;
  /** ISO timestamp. */
  published: string;
  /** Default SUCCESS. */
  outcome?: 'SUCCESS' | 'FAILURE' | 'DENY';
}

export type OktaGroupType = 'OKTA_GROUP' | 'APP_GROUP' | 'BUILT_IN';

export interface OktaGroupInput {
  id: string;
  name: string;
  description?: string;
  /** Default OKTA_GROUP. Only OKTA_GROUP memberships can be changed through the API. */
  type?: OktaGroupType;
}

export interface OktaFakeOptions {
  token: string;
  /** Clock (ms since epoch) for timestamps; `setRateLimit({ now })` overrides it for rate limiting. */
  now?: () => number;
}

export interface OktaRateLimit {
  perMinute: number;
  now?: () => number;
}

export interface OktaMembershipCall {
  readonly method: 'PUT' | 'DELETE';
  readonly groupId: string;
  readonly userId: string;
  /** HTTP status answered (including injected faults and 429s). */
  readonly status: number;
}

interface StoredUser {
  id: string;
  status: OktaUserStatus;
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastLogin: string | null;
  lastUpdated: string;
  profile: Record<string, string>;
}

interface StoredGroup {
  id: string;
  type: OktaGroupType;
  name: string;
  description: string;
  created: string;
  lastUpdated: string;
  lastMembershipUpdated: string;
  /** User ids in the order they were added. */
  members: string[];
}

/** Effectively unlimited unless `setRateLimit` is called; the headers are still sent. */
const DEFAULT_PER_MINUTE = 100_000;
const WINDOW_MS = 60_000;
const MEMBERSHIP_PATH = /^\/api\/v1\/groups\/([^/]+)\/users\/([^/]+)$/;

function oktaError(status: number, errorCode: string, errorSummary: string, headers?: Record<string, string>): FakeResponse {
  return {
    status,
    headers,
    body: { errorCode, errorSummary, errorLink: errorCode, errorId: `oae${randomBytes(11).toString('base64url')}`, errorCauses: [] },
  };
}

/** The largest page `GET /api/v1/users` serves. */
const USERS_PAGE_MAX = 200;
const LOG_FILTER_PROPERTIES = ['eventType', 'actor.id', 'target.id', 'outcome.result'];
const SEVEN_DAYS_MS = 7 * 24 * 60 * 60 * 1000;

interface StoredLogEvent extends Required<OktaLogEventInput> {
  uuid: string;
}

function notFound(id: string, kind: 'User' | 'UserGroup'): FakeResponse {
  return oktaError(404, 'E0000007', `Not found: Resource not found: ${id} (${kind})`);
}

interface Clause {
  property: string;
  operator: 'eq' | 'sw';
  value: string;
}

/** `profile.email eq "x" and status eq "ACTIVE"`; anything fancier is refused as Okta refuses bad criteria. */
function parseExpression(expression: string, allowed: readonly string[]): Clause[] | undefined {
  const clauses: Clause[] = [];
  for (const part of expression.trim().split(/\s+and\s+/i)) {
    const m = /^([\w.]+)\s+(eq|sw)\s+"((?:[^"\\]|\\.)*)"$/i.exec(part.trim());
    if (!m) return undefined;
    const property = m[1] ?? '';
    if (!allowed.includes(property)) return undefined;
    clauses.push({ property, operator: (m[2] ?? 'eq').toLowerCase() as Clause['operator'], value: (m[3] ?? '').replace(/\\(.)/g, '$1') });
  }
  return clauses;
}

/** `a eq "x" or b eq "y" and c eq "z"`: `and` binds tighter than `or`, as in SCIM; no parentheses. */
function parseAlternatives(expression: string, allowed: readonly string[]): Clause[][] | undefined {
  const alternatives = expression.trim().split(/\s+or\s+/i).map((part) => parseExpression(part, allowed));
  return alternatives.every((a): a is Clause[] => a !== undefined) ? alternatives : undefined;
}

const SEARCH_PROPERTIES = [
  'id',
  'status',
  'profile.login',
  'profile.email',
  'profile.firstName',
  'profile.lastName',
  'profile.displayName',
  'profile.department',
  'profile.title',
  'profile.managerId',
];
const FILTER_PROPERTIES = ['id', 'status', 'profile.login', 'profile.email', 'profile.firstName', 'profile.lastName'];

function propertyOf(user: StoredUser, property: string): string | undefined {
  if (property === 'id') return user.id;
  if (property === 'status') return user.status;
  if (property.startsWith('profile.')) return user.profile[property.slice('profile.'.length)];
  return undefined;
}

function matches(user: StoredUser, clauses: Clause[], caseSensitive: boolean): boolean {
  return clauses.every((c) => {
    const actual = propertyOf(user, c.property);
    if (actual === undefined) return false;
    const a = caseSensitive ? actual : actual.toLowerCase();
    const v = caseSensitive ? c.value : c.value.toLowerCase();
    return c.operator === 'eq' ? a === v : a.startsWith(v);
  });
}

export class OktaFake extends HttpFake {
  private readonly users = new Map<string, StoredUser>();
  private readonly groups = new Map<string, StoredGroup>();
  private readonly logEvents: StoredLogEvent[] = [];
  private readonly clock: () => number;
  private perMinute = DEFAULT_PER_MINUTE;
  private rateClock: () => number;
  /** Times (ms) of accepted membership writes inside the window. */
  private windowHits: number[] = [];

  constructor(private readonly options: OktaFakeOptions) {
    super('Okta');
    this.clock = options.now ?? Date.now;
    this.rateClock = this.clock;
    this.registerRoutes();
  }

  // ----- configuration -----------------------------------------------------------------------

  /** Logins are unique in an org (Okta refuses a second one); emails are not. */
  addUser(input: OktaUserInput): void {
    const clash = [...this.users.values()].find((u) => u.id !== input.id && (u.profile['login'] ?? '').toLowerCase() === input.login.toLowerCase());
    if (clash) throw new Error(`OktaFake: login ${input.login} is already used by ${clash.id}`);
    const at = new Date(this.clock()).toISOString();
    const status = input.status ?? 'ACTIVE';
    const profile: Record<string, string> = {
      login: input.login,
      email: input.email,
      firstName: input.firstName,
      lastName: input.lastName,
    };
    for (const key of ['displayName', 'title', 'department', 'managerId', 'manager'] as const) {
      const value = input[key];
      if (value !== undefined) profile[key] = value;
    }
    const created = input.created ?? at;
    this.users.set(input.id, {
      id: input.id,
      status,
      created,
      activated: status === 'STAGED' ? null : created,
      statusChanged: status === 'ACTIVE' ? null : created,
      lastLogin: input.lastLogin ?? null,
      lastUpdated: created,
      profile,
    });
  }

  addGroup(input: OktaGroupInput): void {
    const at = new Date(this.clock()).toISOString();
    this.groups.set(input.id, {
      id: input.id,
      type: input.type ?? 'OKTA_GROUP',
      name: input.name,
      description: input.description ?? '',
      created: at,
      lastUpdated: at,
      lastMembershipUpdated: at,
      members: [],
    });
  }

  /** Adds a membership directly (no HTTP call, no rate limit), as if an admin had done it. */
  addMember(groupId: string, userId: string): void {
    const group = this.requireGroup(groupId);
    if (!this.users.has(userId)) throw new Error(`OktaFake: no user ${userId}`);
    if (!group.members.includes(userId)) group.members.push(userId);
  }

  /** Records a System Log event, as Okta does when a user signs in to an app. */
  addLogEvent(input: OktaLogEventInput): void {
    this.logEvents.push({ ...input, outcome: input.outcome ?? 'SUCCESS', uuid: randomBytes(16).toString('hex') });
  }

  /** Records a user's last sign-in anywhere (`lastLogin`), as Okta does when they sign in. */
  setLastLogin(userId: string, at: string | null): void {
    const user = this.users.get(userId);
    if (!user) throw new Error(`OktaFake: no user ${userId}`);
    user.lastLogin = at;
  }

  /** Changes profile fields directly, as HR's sync into Okta would (a move: new department or manager). */
  updateProfile(userId: string, fields: Partial<Record<'title' | 'department' | 'managerId' | 'manager', string>>): void {
    const user = this.users.get(userId);
    if (!user) throw new Error(`OktaFake: no user ${userId}`);
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) user.profile[key] = value;
    user.lastUpdated = new Date(this.clock()).toISOString();
  }

  /** Changes a user's status directly, as an admin or a lifecycle policy would. */
  setUserStatus(userId: string, status: OktaUserStatus): void {
    const user = this.users.get(userId);
    if (!user) throw new Error(`OktaFake: no user ${userId}`);
    const at = new Date(this.clock()).toISOString();
    user.status = status;
    user.statusChanged = at;
    user.lastUpdated = at;
  }

  /**
   * Limits membership writes (PUT/DELETE /api/v1/groups/:g/users/:u) to `perMinute` in any sliding
   * minute of `now()`. Rejected calls do not count. Resets the window.
   */
  setRateLimit(limit: OktaRateLimit): void {
    this.perMinute = limit.perMinute;
    this.rateClock = limit.now ?? this.clock;
    this.windowHits = [];
  }

  // ----- inspection --------------------------------------------------------------------------

  /** Member user ids, in the order they were added. */
  members(groupId: string): string[] {
    return [...this.requireGroup(groupId).members];
  }

  isMember(groupId: string, userId: string): boolean {
    return this.requireGroup(groupId).members.includes(userId);
  }

  /** A user's status (ACTIVE, SUSPENDED, ...). */
  userStatus(userId: string): OktaUserStatus {
    const user = this.users.get(userId);
    if (!user) throw new Error(`OktaFake: no user ${userId}`);
    return user.status;
  }

  /** Every membership write that reached the fake, in order, with the status it got. */
  membershipCalls(): OktaMembershipCall[] {
    return this.calls.flatMap((call: RecordedCall) => {
      const m = MEMBERSHIP_PATH.exec(call.path);
      if (!m || (call.method !== 'PUT' && call.method !== 'DELETE')) return [];
      return [{ method: call.method, groupId: m[1] ?? '', userId: m[2] ?? '', status: call.status }];
    });
  }

  // ----- internals ---------------------------------------------------------------------------

  private requireGroup(groupId: string): StoredGroup {
    const group = this.groups.get(groupId);
    if (!group) throw new Error(`OktaFake: no group ${groupId}`);
    return group;
  }

  /** By id, login (case-insensitive) or unambiguous login shortname, as `GET /users/{idOrLogin}`. */
  private findUser(idOrLogin: string): StoredUser | undefined {
    const byId = this.users.get(idOrLogin);
    if (byId) return byId;
    const wanted = idOrLogin.toLowerCase();
    const all = [...this.users.values()];
    const byLogin = all.find((u) => (u.profile['login'] ?? '').toLowerCase() === wanted);
    if (byLogin) return byLogin;
    const byShort = all.filter((u) => (u.profile['login'] ?? '').toLowerCase().split('@')[0] === wanted);
    return byShort.length === 1 ? byShort[0] : undefined;
  }

  private userJson(user: StoredUser): Record<string, unknown> {
    const self = `${this.url}/api/v1/users/${user.id}`;
    return {
      id: user.id,
      status: user.status,
      created: user.created,
      activated: user.activated,
      statusChanged: user.statusChanged,
      lastLogin: user.lastLogin,
      lastUpdated: user.lastUpdated,
      passwordChanged: user.created,
      type: { id: 'oty1a2b3c4d5e6f7g8h9' },
      profile: { mobilePhone: null, secondEmail: null, ...user.profile },
      credentials: { provider: { type: 'OKTA', name: 'OKTA' } },
      _links: { self: { href: self } },
    };
  }

  private groupJson(group: StoredGroup): Record<string, unknown> {
    const self = `${this.url}/api/v1/groups/${group.id}`;
    return {
      id: group.id,
      created: group.created,
      lastUpdated: group.lastUpdated,
      lastMembershipUpdated: group.lastMembershipUpdated,
      objectClass: ['okta:user_group'],
      type: group.type,
      profile: { name: group.name, description: group.description },
      _links: {
        logo: [],
        users: { href: `${self}/users` },
        apps: { href: `${self}/apps` },
        self: { href: self },
      },
    };
  }

  /** One page by id cursor, with Okta's `Link` header (`self`, and `next` when more remain). */
  private page<T extends { id: string }>(
    items: T[],
    call: RecordedCall,
    defaultLimit: number,
    render: (item: T) => Record<string, unknown>,
    maxLimit = Number.POSITIVE_INFINITY,
  ): FakeResponse {
    const limit = Math.min(Math.max(1, Number.parseInt(call.query.get('limit') ?? '', 10) || defaultLimit), maxLimit);
    const after = call.query.get('after');
    const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const rest = after ? sorted.filter((i) => i.id > after) : sorted;
    const page = rest.slice(0, limit);
    const selfUrl = new URL(call.path, this.url);
    call.query.forEach((value, key) => selfUrl.searchParams.set(key, value));
    const links = [`<${selfUrl.href}>; rel="self"`];
    const last = page[page.length - 1];
    if (rest.length > limit && last) {
      const nextUrl = new URL(selfUrl.href);
      nextUrl.searchParams.set('after', last.id);
      nextUrl.searchParams.set('limit', String(limit));
      links.push(`<${nextUrl.href}>; rel="next"`);
    }
    return { status: 200, headers: { link: links.join(', ') }, body: page.map(render) };
  }

  private rateHeaders(remaining: number, resetMs: number, now: number): Record<string, string> {
    return {
      'x-rate-limit-limit': String(this.perMinute),
      'x-rate-limit-remaining': String(Math.max(0, remaining)),
      'x-rate-limit-reset': String(Math.ceil(resetMs / 1000)),
      date: new Date(now).toUTCString(),
    };
  }

  /** Counts a membership write; returns the 429 answer when the window is full, else headers. */
  private takeRateSlot(): { rejected: FakeResponse } | { headers: Record<string, string> } {
    const now = this.rateClock();
    this.windowHits = this.windowHits.filter((t) => t > now - WINDOW_MS);
    if (this.windowHits.length >= this.perMinute) {
      const reset = (this.windowHits[0] ?? now) + WINDOW_MS;
      return {
        rejected: oktaError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.', this.rateHeaders(0, reset, now)),
      };
    }
    this.windowHits.push(now);
    const reset = (this.windowHits[0] ?? now) + WINDOW_MS;
    return { headers: this.rateHeaders(this.perMinute - this.windowHits.length, reset, now) };
  }

  private membership(ctx: RouteContext, method: 'PUT' | 'DELETE'): FakeResponse {
    const slot = this.takeRateSlot();
    if ('rejected' in slot) return slot.rejected;
    const groupId = ctx.params['groupId'] ?? '';
    const userId = ctx.params['userId'] ?? '';
    const group = this.groups.get(groupId);
    if (!group) return { ...notFound(groupId, 'UserGroup'), headers: slot.headers };
    if (!this.users.has(userId)) return { ...notFound(userId, 'User'), headers: slot.headers };
    if (group.type !== 'OKTA_GROUP') {
      return oktaError(403, 'E0000006', 'You do not have permission to perform the requested action', slot.headers);
    }
    const isMember = group.members.includes(userId);
    if (method === 'PUT' && !isMember) group.members.push(userId);
    if (method === 'DELETE' && isMember) group.members = group.members.filter((id) => id !== userId);
    if ((method === 'PUT') !== isMember) group.lastMembershipUpdated = new Date(this.clock()).toISOString();
    return { status: 204, headers: slot.headers };
  }

  private listUsers(call: RecordedCall): FakeResponse {
    const search = call.query.get('search');
    const filter = call.query.get('filter');
    const q = call.query.get('q');
    const all = [...this.users.values()];
    if (search !== null) {
      const alternatives = parseAlternatives(search, SEARCH_PROPERTIES);
      if (!alternatives) return oktaError(400, 'E0000031', 'Invalid search criteria.');
      return this.page(all.filter((u) => alternatives.some((clauses) => matches(u, clauses, false))), call, 200, (u) => this.userJson(u), USERS_PAGE_MAX);
    }
    if (filter !== null) {
      const alternatives = parseAlternatives(filter, FILTER_PROPERTIES);
      if (!alternatives || alternatives.flat().some((c) => c.operator !== 'eq')) return oktaError(400, 'E0000031', 'Invalid search criteria.');
      return this.page(all.filter((u) => alternatives.some((clauses) => matches(u, clauses, true))), call, 200, (u) => this.userJson(u), USERS_PAGE_MAX);
    }
    const visible = all.filter((u) => u.status !== 'DEPROVISIONED');
    if (q !== null) {
      const prefix = q.toLowerCase();
      const limit = Math.max(1, Number.parseInt(call.query.get('limit') ?? '', 10) || 10);
      const found = visible.filter((u) =>
        ['firstName', 'lastName', 'email'].some((k) => (u.profile[k] ?? '').toLowerCase().startsWith(prefix)),
      );
      return { status: 200, body: found.slice(0, limit).map((u) => this.userJson(u)) };
    }
    return this.page(visible, call, 200, (u) => this.userJson(u), USERS_PAGE_MAX);
  }

  private logEventJson(event: StoredLogEvent): Record<string, unknown> {
    const actor = this.users.get(event.actorId);
    return {
      uuid: event.uuid,
      published: event.published,
      eventType: event.eventType,
      version: '0',
      severity: 'INFO',
      legacyEventType: event.eventType === 'user.authentication.sso' ? 'app.auth.sso' : null,
      displayMessage: event.eventType === 'user.authentication.sso' ? 'User single sign on to app' : event.eventType,
      actor: { id: event.actorId, type: 'User', alternateId: actor?.profile['login'] ?? 'unknown', displayName: actor ? `${actor.profile['firstName']} ${actor.profile['lastName']}` : 'unknown', detailEntry: null },
      client: { userAgent: null, zone: 'null', device: 'Computer', id: null, ipAddress: '203.0.113.7', geographicalContext: null },
      outcome: { result: event.outcome, reason: null },
      target: [
        { id: event.targetId, type: 'AppInstance', alternateId: event.targetId, displayName: event.targetId, detailEntry: { signOnModeType: 'SAML_2_0' } },
        { id: `0ua${event.uuid.slice(0, 17)}`, type: 'AppUser', alternateId: actor?.profile['login'] ?? 'unknown', displayName: 'app user', detailEntry: null },
      ],
      transaction: { type: 'WEB', id: event.uuid, detail: {} },
      debugContext: { debugData: {} },
      authenticationContext: { authenticationStep: 0, externalSessionId: event.uuid },
      securityContext: {},
      request: { ipChain: [] },
    };
  }

  /** `GET /api/v1/logs`: filter, since/until window, sortOrder, limit with an offset `after` cursor. */
  private listLogEvents(call: RecordedCall): FakeResponse {
    const filter = call.query.get('filter');
    const clauses = filter === null ? [] : parseExpression(filter, LOG_FILTER_PROPERTIES);
    if (!clauses || clauses.some((c) => c.operator !== 'eq')) return oktaError(400, 'E0000001', 'Api validation failed: filter');
    const untilRaw = call.query.get('until');
    const sinceRaw = call.query.get('since');
    const until = untilRaw ? Date.parse(untilRaw) : this.clock();
    const since = sinceRaw ? Date.parse(sinceRaw) : until - SEVEN_DAYS_MS;
    if (!Number.isFinite(until) || !Number.isFinite(since)) return oktaError(400, 'E0000001', 'Api validation failed: since/until');
    const sortOrder = call.query.get('sortOrder') ?? 'ASCENDING';
    if (sortOrder !== 'ASCENDING' && sortOrder !== 'DESCENDING') return oktaError(400, 'E0000001', 'Api validation failed: sortOrder');
    const value = (event: StoredLogEvent, property: string): string[] => {
      if (property === 'eventType') return [event.eventType];
      if (property === 'actor.id') return [event.actorId];
      if (property === 'target.id') return [event.targetId];
      return [event.outcome];
    };
    const found = this.logEvents
      .filter((e) => {
        const at = Date.parse(e.published);
        return at >= since && at < until && clauses.every((c) => value(e, c.property).includes(c.value));
      })
      .sort((a, b) => (Date.parse(a.published) - Date.parse(b.published)) * (sortOrder === 'ASCENDING' ? 1 : -1));
    const limit = Math.min(Math.max(1, Number.parseInt(call.query.get('limit') ?? '', 10) || 100), 1000);
    const offset = Number.parseInt(call.query.get('after') ?? '0', 10) || 0;
    const page = found.slice(offset, offset + limit);
    const selfUrl = new URL(call.path, this.url);
    call.query.forEach((v, k) => selfUrl.searchParams.set(k, v));
    const links = [`<${selfUrl.href}>; rel="self"`];
    const polling = untilRaw === null && sortOrder === 'ASCENDING';
    if (polling || offset + limit < found.length) {
      const nextUrl = new URL(selfUrl.href);
      nextUrl.searchParams.set('after', String(Math.min(offset + limit, found.length)));
      links.push(`<${nextUrl.href}>; rel="next"`);
    }
    return { status: 200, headers: { link: links.join(', ') }, body: page.map((e) => this.logEventJson(e)) };
  }

  private authed(handler: (ctx: RouteContext) => FakeResponse): (ctx: RouteContext) => FakeResponse {
    return (ctx) => {
      if (ctx.call.headers.authorization !== `SSWS ${this.options.token}`) {
        return oktaError(401, 'E0000011', 'Invalid token provided');
      }
      const answer = handler(ctx);
      return { ...answer, headers: { 'x-okta-request-id': randomBytes(12).toString('base64url'), ...answer.headers } };
    };
  }

  private on(method: string, path: string, handler: (ctx: RouteContext) => FakeResponse): void {
    this.route(method, path, this.authed(handler));
  }

  private registerRoutes(): void {
    this.on('GET', '/api/v1/users', ({ call }) => this.listUsers(call));

    this.on('GET', '/api/v1/users/:idOrLogin', ({ params }) => {
      const key = params['idOrLogin'] ?? '';
      const user = this.findUser(key);
      return user ? { status: 200, body: this.userJson(user) } : notFound(key, 'User');
    });

    this.on('GET', '/api/v1/users/:idOrLogin/groups', ({ params }) => {
      const key = params['idOrLogin'] ?? '';
      const user = this.findUser(key);
      if (!user) return notFound(key, 'User');
      const groups = [...this.groups.values()].filter((g) => g.members.includes(user.id));
      return { status: 200, body: groups.map((g) => this.groupJson(g)) };
    });

    // List groups: `q` is a starts-with match on the group name that does not page, as in Okta; without
    // it every group is listed in pages of `limit` (default 10000) with a `Link: rel=next` cursor.
    this.on('GET', '/api/v1/groups', ({ call }) => {
      const q = call.query.get('q');
      if (q === null) return this.page([...this.groups.values()], call, 10_000, (g) => this.groupJson(g));
      const limit = Number(call.query.get('limit') ?? '200');
      const groups = [...this.groups.values()].filter((g) => g.name.toLowerCase().startsWith(q.toLowerCase())).slice(0, limit);
      return { status: 200, body: groups.map((g) => this.groupJson(g)) };
    });

    this.on('GET', '/api/v1/groups/:groupId', ({ params }) => {
      const id = params['groupId'] ?? '';
      const group = this.groups.get(id);
      return group ? { status: 200, body: this.groupJson(group) } : notFound(id, 'UserGroup');
    });

    this.on('GET', '/api/v1/groups/:groupId/users', ({ params, call }) => {
      const id = params['groupId'] ?? '';
      const group = this.groups.get(id);
      if (!group) return notFound(id, 'UserGroup');
      const members = group.members.flatMap((userId) => {
        const user = this.users.get(userId);
        return user ? [user] : [];
      });
      return this.page(members, call, 1000, (u) => this.userJson(u));
    });

    this.on('POST', '/api/v1/users/:idOrLogin/lifecycle/suspend', ({ params }) => {
      const key = params['idOrLogin'] ?? '';
      const user = this.findUser(key);
      if (!user) return notFound(key, 'User');
      if (user.status !== 'ACTIVE') return oktaError(400, 'E0000001', 'Api validation failed: Cannot suspend a user that is not active');
      this.setUserStatus(user.id, 'SUSPENDED');
      return { status: 200, body: {} };
    });

    this.on('GET', '/api/v1/logs', ({ call }) => this.listLogEvents(call));

    this.on('PUT', '/api/v1/groups/:groupId/users/:userId', (ctx) => this.membership(ctx, 'PUT'));
    this.on('DELETE', '/api/v1/groups/:groupId/users/:userId', (ctx) => this.membership(ctx, 'DELETE'));
  }
}
