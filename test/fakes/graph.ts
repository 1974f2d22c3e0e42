/**
 * Stateful fake of Microsoft Graph v1.0 (users, groups, memberships, manager, signInActivity) and the
 * Microsoft identity platform token endpoint, as @microsoft/microsoft-graph-client 3 and
 * @azure/identity call them.
 *
 * Behaves like Graph where our code can tell the difference:
 * - Every `/v1.0/...` call needs `Authorization: Bearer <token>` with a token the fake issued (or the
 *   one given in the options), else 401 `InvalidAuthenticationToken`.
 * - Errors are `{ error: { code, message, innerError: { date, request-id, client-request-id } } }`.
 * - Unknown user or group: 404 `Request_ResourceNotFound` "Resource '<id>' does not exist or one of its
 *   queried reference-property objects are not present."
 * - `POST /groups/{id}/members/$ref` answers 204, or 400 `Request_BadRequest` "One or more added object
 *   references already exist ..." for a member; `DELETE /groups/{id}/members/{userId}/$ref` answers 204,
 *   or 404 for a non-member (and for an unknown group).
 * - `GET /users/{id}/manager` is 404 when the user has none.
 * - `mail` is not unique: a guest's `mail` may be a member's address; `accountEnabled` and `userType` come
 *   back only when `$select`ed.
 * - `$select=signInActivity` needs a P1 licence and AuditLog.Read.All: `setSignInActivityAvailable(false)`
 *   answers 403 `Authentication_RequestFromNonPremiumTenantOrB2CTenant`, as a tenant without the licence does.
 * - `GET /users` takes a `$filter` of at most 15 `or`ed `eq` clauses on mail, userPrincipalName or id, or one
 *   `id in ('..', ...)` of at most 15 ids (Graph's limit outside advanced queries: 400 "Too many child
 *   clauses ... Max allowed: 15"); an id that is not a GUID is 400 "Invalid object identifier". Listing users
 *   with `signInActivity` needs the licence and permission as for one user, and serves at most 120 a page.
 * - `GET /users` takes `$expand=manager` or `$expand=manager($select=...)`: each user carries `manager` (the
 *   manager's `@odata.type`, `id` and the selected properties), absent when the user has none. As in Graph,
 *   only one relationship can be expanded, `$expand` on directory objects serves at most 100 a page whatever
 *   `$top` asks, and `$expand` is refused in an advanced query (`ConsistencyLevel: eventual`): 400.
 * - `GET /auditLogs/signIns` takes a `$filter` of `and`ed `userId eq '..'`, `appId eq '..'`,
 *   `status/errorCode eq N` and `createdDateTime ge <date>` clauses and answers newest first, 1000 a page at
 *   most; like `signInActivity` it needs P1 and AuditLog.Read.All (403 otherwise). With `now` given, entries
 *   older than the 30 days a P1 tenant keeps are gone.
 * - Groups may hold non-user members (`addNonUserMember`: groups, devices, service principals); the
 *   member listing returns them with their own `@odata.type`.
 * - `PATCH /users/{id}` takes `accountEnabled` (204; needs User.EnableDisableAccount.All) and refuses a
 *   property a user does not have with 400 `Request_BadRequest`.
 * - Permissions can be withdrawn (`revoke('User.Read.All')`): calls needing them answer 403
 *   `Authorization_RequestDenied` "Insufficient privileges to complete the operation."
 * - Collections page with `$top` and an absolute `@odata.nextLink` carrying `$skiptoken`; a `$top` over
 *   Graph's maximum (999 for directory objects, 1000 for sign-ins) is 400 `Request_BadRequest`.
 * - The token endpoint serves MSAL's OpenID discovery (`/{tenant}/v2.0/.well-known/openid-configuration`,
 *   the issuer on the fake's own origin, as MSAL checks) and the client-credentials grant: a scope without
 *   `/.default` is refused (AADSTS1002012), and with `audience` set a scope for another resource is refused
 *   (AADSTS500011), as a national cloud refuses the public Graph's audience. Served over https with
 *   `start(tls)` it stands in for a private authority a real `ClientSecretCredential` can use.
 * - Membership writes (`members/$ref` POST and DELETE) can be rate limited (`setRateLimit`, a sliding
 *   one-minute window): 429 `TooManyRequests` with `Retry-After` in seconds, as Graph throttles.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { HttpFake, SlidingMinute, type FakeResponse, type RecordedCall, type RouteContext } from './http-fake.js';

export interface GraphUserInput {
  id: string;
  userPrincipalName: string;
  mail?: string | null;
  displayName: string;
  jobTitle?: string | null;
  department?: string | null;
  managerId?: string | null;
  /** ISO timestamp of the last successful sign-in, or null (never). */
  lastSignIn?: string | null;
  /** False: the account is disabled (blocked from signing in). Default true. */
  accountEnabled?: boolean;
  /** Default Member. A B2B guest has a `...#EXT#@tenant.onmicrosoft.com` UPN and its outside address as `mail`. */
  userType?: 'Member' | 'Guest';
}

export interface GraphSignInInput {
  userId: string;
  /** The application (client) id signed in to. */
  appId: string;
  /** ISO timestamp. */
  createdDateTime: string;
  /** 0 (the default) is a successful sign-in; anything else a failure (e.g. 50126 bad password). */
  errorCode?: number;
}

export interface GraphGroupInput {
  id: string;
  displayName: string;
}

export interface GraphFakeOptions {
  /** A bearer token accepted without a token request (tests that inject a credential use it). */
  token?: string;
  /** Client credentials the token endpoint accepts. */
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  /** Largest page the fake serves whatever `$top` asks (Graph caps members at 999). */
  maxPageSize?: number;
  /** The clock (ms since epoch) the sign-in logs' 30-day retention runs on; without it nothing expires. */
  now?: () => number;
}

/** A member of a group that is not a user. */
export interface GraphNonUserInput {
  id: string;
  /** `#microsoft.graph.group`, `#microsoft.graph.device`, `#microsoft.graph.servicePrincipal`, `#microsoft.graph.orgContact`. */
  odataType: string;
  displayName: string;
}

export interface GraphRateLimit {
  /** Membership writes allowed in any sliding minute (Entra's write quota is 3,000 per 150 s = 1,200/min per app and tenant). */
  perMinute: number;
  /** The clock the window runs on (ms since epoch); default Date.now. */
  now?: () => number;
}

export type GraphPermission = 'User.Read.All' | 'GroupMember.ReadWrite.All' | 'AuditLog.Read.All' | 'User.EnableDisableAccount.All';

interface StoredUser extends Required<Omit<GraphUserInput, 'managerId' | 'lastSignIn'>> {
  managerId: string | null;
  lastSignIn: string | null;
}

type StoredSignIn = Required<GraphSignInInput> & { id: string };

/** Directory objects (users, groups, members) per page at most; sign-ins per page at most. */
const DIRECTORY_PAGE_MAX = 999;
const SIGN_IN_PAGE_MAX = 1000;
/** Users per page when `signInActivity` is selected. */
const SIGN_IN_ACTIVITY_PAGE_MAX = 120;
/** Directory objects per page when `$expand` is used (Graph's known limit: `$top` above it is served 100). */
const EXPAND_PAGE_MAX = 100;
/** `or`ed clauses (or `in` values) one `$filter` may hold outside advanced queries. */
const FILTER_CHILD_CLAUSES_MAX = 15;
const SIGN_IN_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface StoredGroup {
  id: string;
  displayName: string;
  members: string[];
}

const ALREADY_MEMBER = "One or more added object references already exist for the following modified properties: 'members'.";

export class GraphFake extends HttpFake {
  private readonly users = new Map<string, StoredUser>();
  private readonly groups = new Map<string, StoredGroup>();
  private readonly nonUsers = new Map<string, GraphNonUserInput>();
  private readonly tokens = new Set<string>();
  private readonly signIns: StoredSignIn[] = [];
  private readonly revoked = new Set<GraphPermission>();
  private signInAvailable = true;
  private readonly maxPageSize: number;
  private window: SlidingMinute | null = null;
  /**
   * The resource the token endpoint issues tokens for (e.g. https://graph.microsoft.us); any when null.
   * Settable after `start()`, since a fake serving its own Graph knows its origin only then.
   */
  audience: string | null = null;

  constructor(private readonly options: GraphFakeOptions = {}) {
    super('Microsoft Graph');
    if (options.token) this.tokens.add(options.token);
    this.maxPageSize = options.maxPageSize ?? 999;
    this.registerRoutes();
  }

  /** Graph's root as the adapter's `graphBaseUrl` wants it. */
  get graphBaseUrl(): string {
    return `${this.url}/v1.0`;
  }

  // ----- configuration -----------------------------------------------------------------------

  addUser(input: GraphUserInput): void {
    this.users.set(input.id, {
      id: input.id,
      userPrincipalName: input.userPrincipalName,
      mail: input.mail ?? null,
      displayName: input.displayName,
      jobTitle: input.jobTitle ?? null,
      department: input.department ?? null,
      managerId: input.managerId ?? null,
      lastSignIn: input.lastSignIn ?? null,
      accountEnabled: input.accountEnabled ?? true,
      userType: input.userType ?? 'Member',
    });
  }

  addGroup(input: GraphGroupInput): void {
    this.groups.set(input.id, { id: input.id, displayName: input.displayName, members: [] });
  }

  /** Blocks (false) or unblocks an account's sign-in, as an admin does in the Entra portal. */
  setAccountEnabled(userId: string, enabled: boolean): void {
    const user = this.users.get(userId);
    if (!user) throw new Error(`GraphFake: no user ${userId}`);
    user.accountEnabled = enabled;
  }

  /** Puts a group, device or service principal in a group, as an admin can. */
  addNonUserMember(groupId: string, input: GraphNonUserInput): void {
    const group = this.requireGroup(groupId);
    this.nonUsers.set(input.id, input);
    if (!group.members.includes(input.id)) group.members.push(input.id);
  }

  /** Records an entry in the sign-in logs, as Entra does when a user signs in to an app. */
  addSignIn(input: GraphSignInInput): void {
    this.signIns.push({ ...input, errorCode: input.errorCode ?? 0, id: randomUUID() });
  }

  /** Adds a membership directly, as an admin in the Entra portal would. */
  addMember(groupId: string, userId: string): void {
    const group = this.requireGroup(groupId);
    if (!this.users.has(userId)) throw new Error(`GraphFake: no user ${userId}`);
    if (!group.members.includes(userId)) group.members.push(userId);
  }

  /** False: the tenant lacks Entra ID P1 (or AuditLog.Read.All), so `signInActivity` is refused. */
  setSignInActivityAvailable(available: boolean): void {
    this.signInAvailable = available;
  }

  /** Limits membership writes to `perMinute` in any sliding minute; beyond it, 429 with Retry-After. */
  setRateLimit(limit: GraphRateLimit): void {
    this.window = new SlidingMinute(limit.perMinute, limit.now);
  }

  /** Withdraws an application permission: calls that need it answer 403. */
  revoke(permission: GraphPermission): void {
    this.revoked.add(permission);
  }

  // ----- inspection --------------------------------------------------------------------------

  /** Whether the account may sign in (false once disabled). */
  accountEnabled(userId: string): boolean {
    const user = this.users.get(userId);
    if (!user) throw new Error(`GraphFake: no user ${userId}`);
    return user.accountEnabled;
  }

  members(groupId: string): string[] {
    return [...this.requireGroup(groupId).members];
  }

  isMember(groupId: string, userId: string): boolean {
    return this.requireGroup(groupId).members.includes(userId);
  }

  // ----- internals ---------------------------------------------------------------------------

  private requireGroup(groupId: string): StoredGroup {
    const group = this.groups.get(groupId);
    if (!group) throw new Error(`GraphFake: no group ${groupId}`);
    return group;
  }

  private error(status: number, code: string, message: string): FakeResponse {
    const requestId = randomUUID();
    return {
      status,
      headers: { 'request-id': requestId },
      body: { error: { code, message, innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': requestId, 'client-request-id': requestId } } },
    };
  }

  private notFound(id: string): FakeResponse {
    return this.error(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
  }

  private denied(): FakeResponse {
    return this.error(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  }

  /** By object id or userPrincipalName (case-insensitive), as `/users/{id | userPrincipalName}`. */
  private findUser(key: string): StoredUser | undefined {
    return this.users.get(key) ?? [...this.users.values()].find((u) => u.userPrincipalName.toLowerCase() === key.toLowerCase());
  }

  private userJson(user: StoredUser, select: string[] | null, withType = false): Record<string, unknown> {
    const all: Record<string, unknown> = {
      id: user.id,
      displayName: user.displayName,
      mail: user.mail,
      userPrincipalName: user.userPrincipalName,
      jobTitle: user.jobTitle,
      department: user.department,
      givenName: null,
      surname: null,
      businessPhones: [],
      officeLocation: null,
    };
    // Not in Graph's default property set: returned only when `$select` asks for them.
    if (select?.includes('accountEnabled')) all['accountEnabled'] = user.accountEnabled;
    if (select?.includes('userType')) all['userType'] = user.userType;
    if (select?.includes('signInActivity')) {
      all['signInActivity'] = user.lastSignIn
        ? { lastSignInDateTime: user.lastSignIn, lastSignInRequestId: randomUUID(), lastSuccessfulSignInDateTime: user.lastSignIn, lastNonInteractiveSignInDateTime: null }
        : null;
    }
    const json = select ? Object.fromEntries(select.filter((k) => k in all).map((k) => [k, all[k]])) : all;
    return withType ? { '@odata.type': '#microsoft.graph.user', ...json } : json;
  }

  private select(call: RecordedCall): string[] | null {
    const raw = call.query.get('$select');
    return raw ? raw.split(',').map((s) => s.trim()) : null;
  }

  /** One page by `$skiptoken` (an offset here; opaque to clients), with an absolute nextLink. */
  private page(call: RecordedCall, items: Array<Record<string, unknown>>, context: string, max = DIRECTORY_PAGE_MAX, serves = max): FakeResponse {
    const asked = Number.parseInt(call.query.get('$top') ?? '', 10) || 100;
    if (asked < 1 || asked > max) return this.error(400, 'Request_BadRequest', `Invalid page size specified: '${asked}'. Must be between 1 and ${max} inclusive.`);
    const top = Math.min(asked, serves, this.maxPageSize);
    const skip = Number.parseInt(call.query.get('$skiptoken') ?? '0', 10) || 0;
    const body: Record<string, unknown> = { '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#${context}`, value: items.slice(skip, skip + top) };
    if (skip + top < items.length) {
      const next = new URL(`${this.graphBaseUrl}${call.path.slice('/v1.0'.length)}`);
      call.query.forEach((value, key) => next.searchParams.set(key, value));
      next.searchParams.set('$skiptoken', String(skip + top));
      body['@odata.nextLink'] = next.href;
    }
    return { status: 200, body };
  }

  /**
   * `mail eq 'x' or userPrincipalName eq 'x'` (up to 15 `or`ed eq clauses on mail, userPrincipalName or id),
   * or `id in ('a', 'b')` (up to 15 ids). A FakeResponse is the 400 Graph answers.
   */
  private filterUsers(filter: string): StoredUser[] | FakeResponse {
    const unsupported = this.error(400, 'Request_UnsupportedQuery', 'Unsupported or invalid query filter clause specified.');
    const tooMany = (n: number): FakeResponse =>
      this.error(400, 'Request_UnsupportedQuery', `Too many child clauses specified in search filter expression containing 'OR' operators: ${n}. Max allowed: ${FILTER_CHILD_CLAUSES_MAX}.`);
    const badId = (id: string): FakeResponse => this.error(400, 'Request_BadRequest', `Invalid object identifier '${id}'.`);
    const within = /^id\s+in\s+\((.*)\)$/i.exec(filter.trim());
    if (within) {
      const values = (within[1] ?? '').split(',').map((v) => /^\s*'((?:[^']|'')*)'\s*$/.exec(v)?.[1]?.replace(/''/g, "'"));
      if (values.some((v) => v === undefined)) return unsupported;
      if (values.length > FILTER_CHILD_CLAUSES_MAX) return tooMany(values.length);
      const bad = values.find((v) => !GUID.test(v ?? ''));
      if (bad !== undefined) return badId(bad);
      const wanted = new Set(values.map((v) => (v ?? '').toLowerCase()));
      return [...this.users.values()].filter((u) => wanted.has(u.id.toLowerCase()));
    }
    const clauses = filter.split(/\s+or\s+/i).map((part) => /^(mail|userPrincipalName|id)\s+eq\s+'((?:[^']|'')*)'$/i.exec(part.trim()));
    if (clauses.some((c) => !c)) return unsupported;
    if (clauses.length > FILTER_CHILD_CLAUSES_MAX) return tooMany(clauses.length);
    const badClause = clauses.find((c) => (c?.[1] ?? '').toLowerCase() === 'id' && !GUID.test(c?.[2] ?? ''));
    if (badClause) return badId(badClause[2] ?? '');
    return [...this.users.values()].filter((u) =>
      clauses.some((c) => {
        const property = (c?.[1] ?? '').toLowerCase();
        const value = (c?.[2] ?? '').replace(/''/g, "'").toLowerCase();
        const actual = property === 'mail' ? u.mail : property === 'id' ? u.id : u.userPrincipalName;
        return (actual ?? '').toLowerCase() === value;
      }),
    );
  }

  /**
   * `$expand` on `/users`: the manager's `$select`, or a 400 where Graph refuses (another relationship, more
   * than one, nested options other than `$select`, or an advanced query). Null when nothing is expanded.
   */
  private expandManager(call: RecordedCall): { select: string[] | null } | FakeResponse | null {
    const expand = call.query.get('$expand');
    if (expand === null) return null;
    // Graph answers 400 to each of these; the messages are the fake's own.
    if (String(call.headers['consistencylevel'] ?? '').toLowerCase() === 'eventual') {
      return this.error(400, 'Request_UnsupportedQuery', "Unsupported Query: '$expand' is not supported with advanced queries (ConsistencyLevel: eventual).");
    }
    let depth = 0;
    const topLevelComma = [...expand].some((c) => ((depth += c === '(' ? 1 : c === ')' ? -1 : 0), c === ',' && depth === 0));
    if (topLevelComma) return this.error(400, 'Request_BadRequest', 'Only one relationship can be expanded in a single request.');
    const m = /^manager(?:\((.*)\))?$/i.exec(expand.trim());
    if (!m) return this.error(400, 'Request_BadRequest', `Could not find a property named '${expand.split('(')[0]}' on type 'microsoft.graph.user' that the Graph fake expands (it expands manager only).`);
    const options = m[1];
    if (options === undefined) return { select: null };
    const select = /^\$select=([\w,]+)$/.exec(options.trim());
    if (!select) return this.error(400, 'Request_BadRequest', `Invalid $expand options '${options}': the Graph fake takes $select only.`);
    return { select: (select[1] ?? '').split(',') };
  }

  /** The expanded `manager` of a user: its type, id and the selected properties. */
  private managerJson(user: StoredUser, select: string[] | null): Record<string, unknown> | null {
    const manager = user.managerId ? this.users.get(user.managerId) : undefined;
    if (!manager) return null;
    return { '@odata.type': '#microsoft.graph.user', id: manager.id, ...this.userJson(manager, select) };
  }

  /** 403 unless the tenant has P1 and the app AuditLog.Read.All, as for `signInActivity`. */
  private auditLogRefused(): FakeResponse | null {
    if (!this.signInAvailable) {
      return this.error(403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant', "Neither tenant is B2C or tenant doesn't have premium license");
    }
    return this.revoked.has('AuditLog.Read.All') ? this.denied() : null;
  }

  /**
   * `userId eq 'x' and appId eq 'y' and status/errorCode eq 0 and createdDateTime ge 2026-01-01T00:00:00Z`,
   * any subset of those, `and`ed.
   */
  private listSignIns(call: RecordedCall): FakeResponse {
    const refused = this.auditLogRefused();
    if (refused) return refused;
    const filter = call.query.get('$filter');
    const now = this.options.now?.();
    const tests: Array<(s: StoredSignIn) => boolean> = [(s) => now === undefined || Date.parse(s.createdDateTime) >= now - SIGN_IN_RETENTION_MS];
    for (const part of filter === null ? [] : filter.trim().split(/\s+and\s+/i)) {
      const text = /^(userId|appId)\s+eq\s+'((?:[^']|'')*)'$/i.exec(part.trim());
      const code = /^status\/errorCode\s+eq\s+(\d+)$/i.exec(part.trim());
      const since = /^createdDateTime\s+ge\s+(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)$/i.exec(part.trim());
      if (since) {
        const from = Date.parse(since[1] ?? '');
        tests.push((s) => Date.parse(s.createdDateTime) >= from);
      } else if (text) {
        const property = (text[1] ?? '').toLowerCase() === 'userid' ? 'userId' : 'appId';
        const value = (text[2] ?? '').replace(/''/g, "'").toLowerCase();
        tests.push((s) => s[property].toLowerCase() === value);
      } else if (code) {
        const wanted = Number(code[1]);
        tests.push((s) => s.errorCode === wanted);
      } else {
        return this.error(400, 'BadRequest', 'Invalid filter clause');
      }
    }
    const found = this.signIns
      .filter((s) => tests.every((t) => t(s)))
      .sort((a, b) => Date.parse(b.createdDateTime) - Date.parse(a.createdDateTime))
      .map((s) => {
        const user = this.users.get(s.userId);
        return {
          id: s.id,
          createdDateTime: s.createdDateTime,
          userDisplayName: user?.displayName ?? null,
          userPrincipalName: user?.userPrincipalName ?? null,
          userId: s.userId,
          appId: s.appId,
          appDisplayName: s.appId,
          ipAddress: '203.0.113.7',
          clientAppUsed: 'Browser',
          correlationId: s.id,
          conditionalAccessStatus: 'notApplied',
          isInteractive: true,
          riskDetail: 'none',
          status: { errorCode: s.errorCode, failureReason: s.errorCode === 0 ? 'Other.' : 'Invalid username or password.', additionalDetails: null },
        };
      });
    return this.page(call, found, 'auditLogs/signIns', SIGN_IN_PAGE_MAX);
  }

  /** Counts a membership write; the 429 Graph sends when the window is full, else null. */
  private throttled(): FakeResponse | null {
    const retryAfter = this.window?.hit() ?? 0;
    if (retryAfter === 0) return null;
    const answer = this.error(429, 'TooManyRequests', 'Too many requests.');
    return { ...answer, headers: { ...answer.headers, 'retry-after': String(retryAfter) } };
  }

  private addMemberRef(ctx: RouteContext): FakeResponse {
    const limited = this.throttled();
    if (limited) return limited;
    if (this.revoked.has('GroupMember.ReadWrite.All')) return this.denied();
    const groupId = ctx.params['groupId'] ?? '';
    const group = this.groups.get(groupId);
    if (!group) return this.notFound(groupId);
    const ref = (ctx.call.body as { '@odata.id'?: unknown } | undefined)?.['@odata.id'];
    if (typeof ref !== 'string') return this.error(400, 'Request_BadRequest', "Invalid request body: expected '@odata.id'.");
    const m = /^https:\/\/graph\.microsoft\.com\/v1\.0\/directoryObjects\/([^/]+)$/.exec(ref);
    if (!m) return this.error(400, 'Request_BadRequest', `Invalid object identifier '${ref}'.`);
    const userId = m[1] ?? '';
    if (!this.users.has(userId)) return this.notFound(userId);
    if (group.members.includes(userId)) return this.error(400, 'Request_BadRequest', ALREADY_MEMBER);
    group.members.push(userId);
    return { status: 204 };
  }

  private removeMemberRef(ctx: RouteContext): FakeResponse {
    const limited = this.throttled();
    if (limited) return limited;
    if (this.revoked.has('GroupMember.ReadWrite.All')) return this.denied();
    const groupId = ctx.params['groupId'] ?? '';
    const userId = ctx.params['userId'] ?? '';
    const group = this.groups.get(groupId);
    if (!group) return this.notFound(groupId);
    if (!group.members.includes(userId)) return this.notFound(userId);
    group.members = group.members.filter((id) => id !== userId);
    return { status: 204 };
  }

  private token(call: RecordedCall, tenant: string): FakeResponse {
    const form = (call.body ?? {}) as Record<string, string>;
    const { tenantId, clientId, clientSecret } = this.options;
    if (form['grant_type'] !== 'client_credentials') {
      return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'AADSTS70003: The app requested an unsupported grant type.' } };
    }
    if ((tenantId && tenant !== tenantId) || (clientId && form['client_id'] !== clientId)) {
      return { status: 400, body: { error: 'unauthorized_client', error_description: `AADSTS700016: Application with identifier '${form['client_id']}' was not found in the directory '${tenant}'.` } };
    }
    if (clientSecret && form['client_secret'] !== clientSecret) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' } };
    }
    const scope = form['scope'] ?? '';
    if (!scope.endsWith('/.default')) {
      return { status: 400, body: { error: 'invalid_scope', error_description: `AADSTS1002012: The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).` } };
    }
    const resource = scope.slice(0, -'/.default'.length);
    if (this.audience !== null && resource !== this.audience) {
      return { status: 400, body: { error: 'invalid_resource', error_description: `AADSTS500011: The resource principal named ${resource} was not found in the tenant named ${tenant}.` } };
    }
    const accessToken = `eyJ0eXAiOiJKV1QifQ.${randomBytes(24).toString('base64url')}`;
    this.tokens.add(accessToken);
    return { status: 200, body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken } };
  }

  /** What MSAL reads to find the token endpoint of an authority it has no built-in metadata for. */
  private openIdConfiguration(tenant: string): FakeResponse {
    const { tenantId } = this.options;
    if (tenantId && tenant !== tenantId) {
      return { status: 400, body: { error: 'invalid_tenant', error_description: `AADSTS90002: Tenant '${tenant}' not found.` } };
    }
    const root = `${this.url}/${tenant}`;
    return {
      status: 200,
      body: {
        issuer: `${root}/v2.0`,
        authorization_endpoint: `${root}/oauth2/v2.0/authorize`,
        token_endpoint: `${root}/oauth2/v2.0/token`,
        end_session_endpoint: `${root}/oauth2/v2.0/logout`,
        jwks_uri: `${this.url}/${tenant}/discovery/v2.0/keys`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        tenant_region_scope: 'NA',
      },
    };
  }

  private authed(handler: (ctx: RouteContext) => FakeResponse): (ctx: RouteContext) => FakeResponse {
    return (ctx) => {
      const header = ctx.call.headers.authorization ?? '';
      if (!header) return this.error(401, 'InvalidAuthenticationToken', 'Access token is empty.');
      const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
      if (!this.tokens.has(token)) return this.error(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.');
      return handler(ctx);
    };
  }

  private on(method: string, path: string, handler: (ctx: RouteContext) => FakeResponse): void {
    this.route(method, `/v1.0${path}`, this.authed(handler));
  }

  private registerRoutes(): void {
    this.route('POST', '/:tenant/oauth2/v2.0/token', ({ call, params }) => this.token(call, params['tenant'] ?? ''));
    this.route('GET', '/:tenant/v2.0/.well-known/openid-configuration', ({ params }) => this.openIdConfiguration(params['tenant'] ?? ''));

    this.on('GET', '/users', ({ call }) => {
      if (this.revoked.has('User.Read.All')) return this.denied();
      const filter = call.query.get('$filter');
      const users = filter === null ? [...this.users.values()] : this.filterUsers(filter);
      if (!Array.isArray(users)) return users;
      const select = this.select(call);
      if (select?.includes('signInActivity')) {
        const refused = this.auditLogRefused();
        if (refused) return refused;
      }
      const expand = this.expandManager(call);
      if (expand && 'status' in expand) return expand;
      const serves = Math.min(select?.includes('signInActivity') ? SIGN_IN_ACTIVITY_PAGE_MAX : DIRECTORY_PAGE_MAX, expand ? EXPAND_PAGE_MAX : DIRECTORY_PAGE_MAX);
      const json = (u: StoredUser): Record<string, unknown> => {
        const manager = expand ? this.managerJson(u, expand.select) : null;
        return manager ? { ...this.userJson(u, select), manager } : this.userJson(u, select);
      };
      return this.page(call, users.map(json), 'users', DIRECTORY_PAGE_MAX, serves);
    });

    this.on('GET', '/users/:id', ({ call, params }) => {
      if (this.revoked.has('User.Read.All')) return this.denied();
      const select = this.select(call);
      if (select?.includes('signInActivity')) {
        if (!this.signInAvailable) {
          return this.error(403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant', "Neither tenant is B2C or tenant doesn't have premium license");
        }
        if (this.revoked.has('AuditLog.Read.All')) return this.denied();
      }
      const user = this.findUser(params['id'] ?? '');
      return user ? { status: 200, body: this.userJson(user, select) } : this.notFound(params['id'] ?? '');
    });

    this.on('PATCH', '/users/:id', ({ call, params }) => {
      if (this.revoked.has('User.EnableDisableAccount.All')) return this.denied();
      const user = this.findUser(params['id'] ?? '');
      if (!user) return this.notFound(params['id'] ?? '');
      const body = (call.body ?? {}) as Record<string, unknown>;
      for (const key of Object.keys(body)) {
        if (key !== 'accountEnabled') return this.error(400, 'Request_BadRequest', `Property '${key}' is not supported by this fake of microsoft.graph.user (Keycard only changes accountEnabled).`);
      }
      if (typeof body['accountEnabled'] !== 'boolean') return this.error(400, 'Request_BadRequest', "Invalid value specified for property 'accountEnabled' of resource 'User'.");
      user.accountEnabled = body['accountEnabled'];
      return { status: 204 };
    });

    this.on('GET', '/users/:id/manager', ({ call, params }) => {
      if (this.revoked.has('User.Read.All')) return this.denied();
      const user = this.findUser(params['id'] ?? '');
      if (!user) return this.notFound(params['id'] ?? '');
      const manager = user.managerId ? this.users.get(user.managerId) : undefined;
      if (!manager) return this.notFound('manager');
      return { status: 200, body: this.userJson(manager, this.select(call), true) };
    });

    this.on('POST', '/users/:id/checkMemberGroups', ({ call, params }) => {
      const user = this.findUser(params['id'] ?? '');
      if (!user) return this.notFound(params['id'] ?? '');
      const ids = (call.body as { groupIds?: unknown } | undefined)?.groupIds;
      if (!Array.isArray(ids) || ids.length > 20) return this.error(400, 'Request_BadRequest', 'groupIds must be an array of at most 20 ids.');
      return { status: 200, body: { value: ids.filter((id) => typeof id === 'string' && this.groups.get(id)?.members.includes(user.id)) } };
    });

    this.on('GET', '/auditLogs/signIns', ({ call }) => this.listSignIns(call));

    this.on('GET', '/groups', ({ call }) => {
      const filter = call.query.get('$filter');
      let groups = [...this.groups.values()];
      if (filter !== null) {
        const m = /^startswith\(displayName,\s*'((?:[^']|'')*)'\)$/i.exec(filter.trim());
        if (!m) return this.error(400, 'Request_UnsupportedQuery', 'Unsupported or invalid query filter clause specified.');
        const prefix = (m[1] ?? '').replace(/''/g, "'").toLowerCase();
        groups = groups.filter((g) => g.displayName.toLowerCase().startsWith(prefix));
      }
      const select = this.select(call);
      return this.page(call, groups.map((g) => pick({ id: g.id, displayName: g.displayName, securityEnabled: true, mailEnabled: false }, select)), 'groups');
    });

    this.on('GET', '/groups/:groupId', ({ call, params }) => {
      const group = this.groups.get(params['groupId'] ?? '');
      if (!group) return this.notFound(params['groupId'] ?? '');
      return { status: 200, body: pick({ id: group.id, displayName: group.displayName, securityEnabled: true, mailEnabled: false }, this.select(call)) };
    });

    this.on('GET', '/groups/:groupId/members', ({ call, params }) => {
      const group = this.groups.get(params['groupId'] ?? '');
      if (!group) return this.notFound(params['groupId'] ?? '');
      const select = this.select(call);
      const members = group.members.flatMap((id) => {
        const user = this.users.get(id);
        if (user) return [this.userJson(user, select, true)];
        const other = this.nonUsers.get(id);
        return other ? [{ '@odata.type': other.odataType, id: other.id, ...pick({ displayName: other.displayName }, select) }] : [];
      });
      return this.page(call, members, 'directoryObjects');
    });

    this.on('POST', '/groups/:groupId/members/$ref', (ctx) => this.addMemberRef(ctx));
    this.on('DELETE', '/groups/:groupId/members/:userId/$ref', (ctx) => this.removeMemberRef(ctx));
  }
}

function pick(all: Record<string, unknown>, select: string[] | null): Record<string, unknown> {
  return select ? Object.fromEntries(select.filter((k) => k in all).map((k) => [k, all[k]])) : all;
}
