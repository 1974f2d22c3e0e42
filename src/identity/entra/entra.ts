/**
 * Microsoft Entra ID adapter (Microsoft Graph v1.0 through @microsoft/microsoft-graph-client 3, with an
 * @azure/identity client-credentials token).
 *
 * The client runs our own middleware chain, auth -> RetryHandler (no retries) -> HTTPMessageHandler,
 * rather than the SDK's default: its AuthenticationHandler sends no token to a non-https host (so a
 * loopback fake would see none), and the job queue, not the SDK, owns retries and honours Retry-After.
 */
import { ClientSecretCredential, type TokenCredential } from '@azure/identity';
import {
  Client,
  GraphClientError,
  HTTPMessageHandler,
  RetryHandler,
  RetryHandlerOptions,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { PermanentError, RetryableError } from '../../domain/errors.js';
import { chooseAccount } from '../match.js';
import type { AccountStatus, GroupMember, IdentityGroup, IdentityProvider, IdentityUser, LastSignIn, RemovalOutcome, SuspendOutcome } from '../types.js';
import {
  USER_FIELDS,
  checkMemberGroupsSchema,
  graphGroupSchema,
  graphManagerSchema,
  graphMemberProfileSchema,
  graphMemberSchema,
  graphSignInSchema,
  graphUserSchema,
  graphUserWithManagerSchema,
  pageSchema,
  type GraphUser,
  toIdentityUser,
} from './schema.js';

export { toIdentityUser } from './schema.js';

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com/v1.0';
const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
/** The `@odata.id` Graph wants in a `members/$ref` body is always the public Graph address. */
const DIRECTORY_OBJECTS = 'https://graph.microsoft.com/v1.0/directoryObjects/';
const REQUEST_TIMEOUT_MS = 20_000;
/** Groups per page when listing them all (Graph's largest page for directory objects). */
export const GRAPH_GROUP_PAGE = 999;
export const SIGN_IN_UNSUPPORTED = 'needs Entra ID P1 and AuditLog.Read.All';
/** Members per page of a group's member listing (Graph's largest page for directory objects). */
export const GRAPH_MEMBER_PAGE = 999;
/**
 * Values one `$filter=id in (...)` may hold: Graph allows 15 `or`ed clauses outside advanced queries (400
 * "Too many child clauses ... Max allowed: 15"), and advanced queries (ConsistencyLevel: eventual) read an
 * index that lags behind the directory.
 */
export const GRAPH_IN_MAX = 15;
/** Sign-in log entries per page (the documented maximum and default). */
export const GRAPH_SIGN_IN_PAGE = 1000;
/** How long the sign-in logs go back with Entra ID P1. */
const SIGN_IN_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/** Object ids are GUIDs: Graph answers 400 for a whole `id in (...)` when one is not. */
const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Entries of `/auditLogs/signIns`: only who and when are read. */
const signInLogPageSchema = z.object({
  value: z.array(z.object({ createdDateTime: z.string().nullish(), userId: z.string().nullish() })),
  '@odata.nextLink': z.string().optional(),
});

/** A disabled account (`accountEnabled: false`) is blocked from signing in but keeps its groups: `suspended`. */
export function toAccountStatus(user: GraphUser): AccountStatus {
  return user.accountEnabled === false ? 'suspended' : 'active';
}

export interface EntraSettings {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Graph root including the version, default https://graph.microsoft.com/v1.0. */
  readonly graphBaseUrl?: string;
  /** Entra authority, default https://login.microsoftonline.com (must be https). */
  readonly authorityHost?: string;
  /** Tests inject one; production builds a `ClientSecretCredential` from the settings above. */
  readonly credential?: TokenCredential;
  /** The injected clock: Retry-After may be an HTTP date. */
  readonly now?: () => number;
}

/**
 * The token scope for the Graph at `graphBaseUrl`: its origin's `/.default`. A national cloud's Graph
 * (graph.microsoft.us, microsoftgraph.chinacloudapi.cn) only takes tokens issued for its own audience.
 * A plain-http Graph is a loopback fake, which takes any token: it gets the public Graph's scope.
 */
export function graphScope(graphBaseUrl: string): string {
  const base = new URL(graphBaseUrl);
  return base.protocol === 'https:' ? `${base.origin}/.default` : 'https://graph.microsoft.com/.default';
}

/**
 * The production credential. With an authority of our own (a national cloud, a private or test
 * authority) instance discovery is off: MSAL would otherwise first ask
 * https://login.microsoftonline.com/common/discovery/instance to vouch for the host, which refuses a host
 * it does not know and cannot be reached from a network without the public cloud. The operator named
 * the authority (and it must be https), so it is trusted as given; its endpoints still come from its
 * own OpenID configuration.
 */
function secretCredential(settings: EntraSettings): TokenCredential {
  if (!settings.authorityHost) return new ClientSecretCredential(settings.tenantId, settings.clientId, settings.clientSecret);
  return new ClientSecretCredential(settings.tenantId, settings.clientId, settings.clientSecret, {
    authorityHost: settings.authorityHost,
    disableInstanceDiscovery: true,
  });
}

/** Marks a failed token request; the SDK passes a `GraphClientError` through to us untouched. */
const TOKEN_FAILURE = Symbol('entra token failure');

/**
 * A token could not be had. `GraphClientError` resets its prototype in its constructor, so a subclass
 * would not survive `instanceof`: the failure rides in `customError` instead.
 */
function tokenError(reason: unknown, scope: string, authority: string): GraphClientError {
  // Naming the authority and scope tells a wrong ENTRA_AUTHORITY_HOST or GRAPH_BASE_URL from a wrong secret.
  const error = new GraphClientError(`could not get a Microsoft Graph token for ${scope} from ${authority}: ${reason instanceof Error ? reason.message : String(reason)}`);
  error.customError = { [TOKEN_FAILURE]: true, reason };
  return error;
}

function tokenFailureReason(error: unknown): { name?: string } | null {
  if (!(error instanceof GraphClientError)) return null;
  const custom = error.customError as { [TOKEN_FAILURE]?: boolean; reason?: unknown } | undefined;
  return custom?.[TOKEN_FAILURE] ? ((custom.reason ?? {}) as { name?: string }) : null;
}

function setHeader(context: Context, name: string, value: string): void {
  if (typeof Request !== 'undefined' && context.request instanceof Request) {
    context.request.headers.set(name, value);
    return;
  }
  context.options ??= {};
  const headers = context.options.headers;
  if (headers instanceof Headers) headers.set(name, value);
  else context.options.headers = { ...(headers as Record<string, string> | undefined), [name]: value };
}

/** Adds `Authorization: Bearer` from the credential to every request, whatever the host's scheme. */
function bearerMiddleware(credential: TokenCredential, scope: string, authority: string): Middleware {
  let next: Middleware | undefined;
  return {
    async execute(context: Context): Promise<void> {
      let token: string;
      try {
        const answer = await credential.getToken(scope);
        if (!answer?.token) throw new Error('the credential returned no token');
        token = answer.token;
      } catch (error) {
        throw tokenError(error, scope, authority);
      }
      setHeader(context, 'Authorization', `Bearer ${token}`);
      context.options ??= {};
      context.options.signal ??= AbortSignal.timeout(REQUEST_TIMEOUT_MS);
      if (!next) throw new Error('Entra middleware chain has no next handler');
      await next.execute(context);
    },
    setNext(middleware: Middleware): void {
      next = middleware;
    },
  };
}

interface GraphFailure {
  readonly statusCode: number;
  readonly code: string | null;
  readonly message: string;
  readonly headers?: Headers;
}

function asFailure(error: unknown): GraphFailure {
  const e = error as { statusCode?: unknown; code?: unknown; message?: unknown; headers?: unknown };
  return {
    statusCode: typeof e.statusCode === 'number' ? e.statusCode : -1,
    code: typeof e.code === 'string' ? e.code : null,
    message: typeof e.message === 'string' && e.message ? e.message : String(error),
    headers: e.headers instanceof Headers ? e.headers : undefined,
  };
}

function statusOf(error: unknown): number {
  return asFailure(error).statusCode;
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from `nowMs`. */
function retryAfterMs(headers: Headers | undefined, nowMs: number): number | undefined {
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(seconds * 1000, 0);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(at - nowMs, 0) : undefined;
}

/** Graph failures to the queue's error kinds: 429, 5xx and network errors retry; other 4xx are permanent. */
function classifyGraphError(what: string, error: unknown, nowMs: number = Date.now()): Error {
  if (error instanceof PermanentError || error instanceof RetryableError) return error;
  const reason = tokenFailureReason(error);
  if (reason) {
    const message = `Entra ID: ${(error as Error).message} (while trying to ${what}); check ENTRA_TENANT_ID, ENTRA_CLIENT_ID and ENTRA_CLIENT_SECRET (and ENTRA_AUTHORITY_HOST and GRAPH_BASE_URL outside the public cloud)`;
    // A refused secret is permanent; an unreachable token endpoint is worth another try.
    return reason.name === 'AuthenticationError' || reason.name === 'CredentialUnavailableError' ? new PermanentError(message) : new RetryableError(message);
  }
  const f = asFailure(error);
  const detail = `${f.code ? `${f.code}: ` : ''}${f.message}`;
  if (f.statusCode === 429 || f.statusCode === 503 || f.statusCode === 504) {
    return new RetryableError(`Microsoft Graph throttled or unavailable while trying to ${what} (HTTP ${f.statusCode})`, retryAfterMs(f.headers, nowMs));
  }
  if (f.statusCode === 401 || f.statusCode === 403) {
    return new PermanentError(`Microsoft Graph refused to ${what} (HTTP ${f.statusCode} ${detail}); check the app registration's application permissions and admin consent`);
  }
  if (f.statusCode >= 400 && f.statusCode < 500) return new PermanentError(`Microsoft Graph could not ${what} (HTTP ${f.statusCode} ${detail})`);
  return new RetryableError(`Microsoft Graph failed to ${what}: ${f.statusCode > 0 ? `HTTP ${f.statusCode} ` : ''}${detail}`, retryAfterMs(f.headers, nowMs));
}

/** OData string literal: single quotes doubled, then URL-encoded (the SDK does not encode query values). */
function literal(value: string): string {
  return encodeURIComponent(`'${value.replace(/'/g, "''")}'`);
}

function query(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

/** `enabled member`, `disabled guest`...: both facts an admin needs to tell look-alike accounts apart. */
function entraStatus(user: GraphUser): string {
  return `${user.accountEnabled === false ? 'disabled' : 'enabled'} ${(user.userType ?? 'Member').toLowerCase()}`;
}

function segment(id: string): string {
  return encodeURIComponent(id);
}

export class EntraProvider implements IdentityProvider {
  readonly kind = 'entra' as const;
  private readonly client: Client;
  private readonly graphBaseUrl: string;
  private readonly now: () => number;

  constructor(settings: EntraSettings) {
    this.now = settings.now ?? Date.now;
    this.graphBaseUrl = (settings.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, '');
    const scope = graphScope(this.graphBaseUrl);
    const credential = settings.credential ?? secretCredential(settings);
    const auth = bearerMiddleware(credential, scope, settings.authorityHost ?? DEFAULT_AUTHORITY_HOST);
    const retry = new RetryHandler(new RetryHandlerOptions(0, 0));
    auth.setNext?.(retry);
    retry.setNext(new HTTPMessageHandler());
    const slash = this.graphBaseUrl.lastIndexOf('/');
    this.client = Client.initWithMiddleware({
      middleware: auth,
      baseUrl: this.graphBaseUrl.slice(0, slash),
      defaultVersion: this.graphBaseUrl.slice(slash + 1),
    });
  }

  /** One Graph call with its answer parsed; every failure classified. */
  private async get<T extends z.ZodTypeAny>(what: string, path: string, schema: T): Promise<z.infer<T>> {
    try {
      return schema.parse(await this.client.api(path).get()) as z.infer<T>;
    } catch (error) {
      throw classifyGraphError(what, error, this.now());
    }
  }

  /** Every page of a collection, following `@odata.nextLink`. */
  private async getAll<T extends z.ZodTypeAny>(what: string, path: string, item: T): Promise<Array<z.infer<T>>> {
    const schema = pageSchema(item);
    const all: Array<z.infer<T>> = [];
    let next: string | undefined = path;
    while (next) {
      const page: z.infer<typeof schema> = await this.get(what, next, schema);
      all.push(...(page.value as Array<z.infer<T>>));
      next = page['@odata.nextLink'] ? this.relative(page['@odata.nextLink']) : undefined;
    }
    return all;
  }

  /** The SDK parses only https next links; an http one (a loopback fake) is made relative to our base. */
  private relative(link: string): string {
    return link.startsWith(`${this.graphBaseUrl}/`) ? link.slice(this.graphBaseUrl.length) : link;
  }

  /**
   * Every user whose `mail` or `userPrincipalName` is `email`. A guest counts as an account like any other
   * (its `mail` is often a member's address, and granting to it by mistake hands access to an outsider), so
   * a member and a guest sharing an email are ambiguous; a disabled account (`accountEnabled: false`) is
   * not active.
   */
  async findUserByEmail(email: string): Promise<IdentityUser | null> {
    const filter = `mail eq ${literal(email)} or userPrincipalName eq ${literal(email)}`.replace(/ /g, '%20');
    const users = await this.getAll(`find user ${email}`, `/users?${query({ $filter: filter, $select: USER_FIELDS.join(','), $top: '25' })}`, graphUserSchema);
    const user = chooseAccount(
      'entra',
      email,
      users.map((u) => ({ account: { id: u.id, login: u.userPrincipalName ?? u.id, status: entraStatus(u) }, active: u.accountEnabled !== false, value: u })),
    );
    if (!user) return null;
    return toIdentityUser(user, await this.managerEmail(user.id));
  }

  private async managerEmail(userId: string): Promise<string | null> {
    try {
      const manager = graphManagerSchema.parse(await this.client.api(`/users/${segment(userId)}/manager?$select=id,mail,userPrincipalName`).get());
      return manager.mail || manager.userPrincipalName || null;
    } catch (error) {
      // 404 Request_ResourceNotFound: the user has no manager.
      if (statusOf(error) === 404) return null;
      throw classifyGraphError(`read the manager of user ${userId}`, error, this.now());
    }
  }

  async addToGroup(userId: string, groupId: string): Promise<void> {
    try {
      await this.client.api(`/groups/${segment(groupId)}/members/$ref`).post({ '@odata.id': `${DIRECTORY_OBJECTS}${userId}` });
    } catch (error) {
      const f = asFailure(error);
      // "One or more added object references already exist for the following modified properties: 'members'."
      if (f.statusCode === 400 && /already exist/i.test(f.message)) return;
      throw classifyGraphError(`add user ${userId} to group ${groupId}`, error, this.now());
    }
  }

  async removeFromGroup(userId: string, groupId: string): Promise<RemovalOutcome> {
    try {
      await this.client.api(`/groups/${segment(groupId)}/members/${segment(userId)}/$ref`).delete();
      return 'removed';
    } catch (error) {
      if (statusOf(error) !== 404) throw classifyGraphError(`remove user ${userId} from group ${groupId}`, error, this.now());
    }
    // Graph answers 404 both for a non-member and for an unknown group: ask which, since Keycard records it.
    try {
      await this.client.api(`/groups/${segment(groupId)}?$select=id`).get();
      return 'not_member';
    } catch (error) {
      if (statusOf(error) === 404) return 'no_group';
      throw classifyGraphError(`check group ${groupId} exists`, error, this.now());
    }
  }

  /** Through `checkMemberGroups`, which also counts membership through nested groups (access all the same). */
  async isMember(userId: string, groupId: string): Promise<boolean> {
    try {
      const answer = checkMemberGroupsSchema.parse(await this.client.api(`/users/${segment(userId)}/checkMemberGroups`).post({ groupIds: [groupId] }));
      return answer.value.includes(groupId);
    } catch (error) {
      throw classifyGraphError(`check whether user ${userId} is in group ${groupId}`, error, this.now());
    }
  }

  async listGroupMembers(groupId: string): Promise<string[]> {
    const members = await this.getAll(`list members of group ${groupId}`, `/groups/${segment(groupId)}/members?$select=id&$top=999`, graphMemberSchema);
    // Members may also be groups, devices or service principals; Keycard grants to users only.
    return members.filter((m) => !m['@odata.type'] || m['@odata.type'] === '#microsoft.graph.user').map((m) => m.id);
  }

  /**
   * Lists every group's id once (`/groups?$select=id`, 999 a page). A `$filter=id in (...)` per 15 ids
   * would cost fewer calls in a huge tenant, but Graph answers 400 to the whole batch when one id is not a
   * GUID, which is exactly the typo this check is for. Object ids are GUIDs: compared without case.
   */
  async findMissingGroups(groupIds: readonly string[]): Promise<string[]> {
    if (groupIds.length === 0) return [];
    const groups = await this.getAll('list groups (catalog check)', `/groups?$select=id&$top=${GRAPH_GROUP_PAGE}`, graphGroupSchema);
    const existing = new Set(groups.map((g) => g.id.toLowerCase()));
    return groupIds.filter((id) => !existing.has(id.toLowerCase()));
  }

  async searchGroups(prefix: string, limit = 20): Promise<IdentityGroup[]> {
    const filter = encodeURIComponent(`startswith(displayName,'${prefix.replace(/'/g, "''")}')`);
    const page = await this.get(
      `search groups '${prefix}'`,
      `/groups?${query({ $filter: filter, $select: 'id,displayName', $top: String(Math.min(Math.max(limit, 1), 999)) })}`,
      pageSchema(graphGroupSchema),
    );
    return page.value.slice(0, limit).map((g) => ({ id: g.id, name: g.displayName ?? g.id }));
  }

  /**
   * Overall: `signInActivity`. For one app (its application id): the newest successful entry in the
   * sign-in logs (newest first by default; kept 30 days with P1). Both need Entra ID P1 and
   * AuditLog.Read.All; without them Graph answers 403: that is an answer ("cannot tell"), not a failure.
   */
  async lastSignIn(userId: string, appId?: string): Promise<LastSignIn> {
    if (appId) return this.lastAppSignIn(userId, appId);
    let user: z.infer<typeof graphSignInSchema>;
    try {
      user = graphSignInSchema.parse(await this.client.api(`/users/${segment(userId)}?$select=id,signInActivity`).get());
    } catch (error) {
      if (statusOf(error) === 403) return { at: null, scope: 'overall', unsupported: SIGN_IN_UNSUPPORTED };
      throw classifyGraphError(`read the last sign-in of user ${userId}`, error, this.now());
    }
    const activity = user.signInActivity;
    const raw = activity?.lastSuccessfulSignInDateTime || activity?.lastSignInDateTime;
    return { at: raw ? new Date(raw) : null, scope: 'overall' };
  }

  private async lastAppSignIn(userId: string, appId: string): Promise<LastSignIn> {
    const filter = `userId eq ${literal(userId)} and appId eq ${literal(appId)} and status/errorCode eq 0`.replace(/ /g, '%20');
    let page: z.infer<typeof signInLogPageSchema>;
    try {
      page = signInLogPageSchema.parse(await this.client.api(`/auditLogs/signIns?${query({ $filter: filter, $top: '1' })}`).get());
    } catch (error) {
      if (statusOf(error) === 403) return { at: null, scope: 'app', unsupported: SIGN_IN_UNSUPPORTED };
      throw classifyGraphError(`read the sign-ins of user ${userId} to app ${appId}`, error, this.now());
    }
    const raw = page.value[0]?.createdDateTime;
    return { at: raw ? new Date(raw) : null, scope: 'app' };
  }

  /**
   * Direct members (as Keycard adds them; nested groups are not expanded) from
   * `/groups/{id}/members?$select=<user fields>&$top=999`: ceil(members / 999) calls. The listing is not
   * cast to `microsoft.graph.user`: Graph counts a cast with other query parameters as an advanced query
   * (ConsistencyLevel: eventual, an index that may lag), so non-user members (groups, devices, service
   * principals) come back and are skipped here by their `@odata.type`.
   *
   * `managerEmail` is always null in this listing. `manager` cannot be expanded on a member listing (a
   * directoryObject collection; an advanced query takes no `$expand`), and `$expand` caps pages at 100
   * anyway; reading managers through `/users?$filter=id in (...)&$expand=manager` adds ceil(members / 15)
   * calls (80 for 1,200 members) to a listing of 2, so only a review whose reviewers are the managers pays
   * for them, through `managersOf`. Nothing here is reused between calls.
   */
  async listGroupMemberProfiles(groupId: string): Promise<GroupMember[]> {
    const members = await this.getAll(
      `list the members of group ${groupId} with profiles`,
      `/groups/${segment(groupId)}/members?$select=${USER_FIELDS.join(',')}&$top=${GRAPH_MEMBER_PAGE}`,
      graphMemberProfileSchema,
    );
    return members
      .filter((m) => !m['@odata.type'] || m['@odata.type'] === '#microsoft.graph.user')
      .map((user) => ({ ...toIdentityUser(user, null), status: toAccountStatus(user) }));
  }

  /**
   * Overall: `signInActivity`, read 15 users a call with `/users?$filter=id in (...)&$select=id,signInActivity`
   * (1,200 users: 80 calls); an id no user has (or that is not a GUID, never sent) is answered `unsupported`.
   * For one app (its application id): one search of the sign-in logs for the app's successful sign-ins of
   * the last 30 days (all P1 keeps), newest first in pages of 1000, keeping each user's first entry and
   * stopping once every user has one: at most ceil(entries / 1000) calls. A single user is asked about alone
   * (one call, as `lastSignIn`); per-app answers do not check that the user exists. Without Entra ID P1 or
   * AuditLog.Read.All Graph answers 403, and every user gets `unsupported` (SIGN_IN_UNSUPPORTED), as from
   * `lastSignIn`.
   */
  async lastSignIns(userIds: readonly string[], appId?: string): Promise<Map<string, LastSignIn>> {
    const ids = [...new Set(userIds)];
    if (ids.length === 0) return new Map();
    return appId ? this.appSignIns(ids, appId) : this.overallSignIns(ids);
  }

  private async overallSignIns(ids: readonly string[]): Promise<Map<string, LastSignIn>> {
    const answers = new Map<string, LastSignIn>();
    const asked = ids.filter((id) => OBJECT_ID.test(id));
    const schema = pageSchema(graphSignInSchema);
    for (let i = 0; i < asked.length; i += GRAPH_IN_MAX) {
      const chunk = asked.slice(i, i + GRAPH_IN_MAX);
      const filter = `id in (${chunk.map(literal).join(',')})`.replace(/ /g, '%20');
      let page: z.infer<typeof schema>;
      try {
        page = schema.parse(await this.client.api(`/users?${query({ $filter: filter, $select: 'id,signInActivity', $top: String(GRAPH_IN_MAX) })}`).get());
      } catch (error) {
        if (statusOf(error) === 403) return new Map(ids.map((id) => [id, { at: null, scope: 'overall', unsupported: SIGN_IN_UNSUPPORTED }]));
        throw classifyGraphError(`read the last sign-in of ${chunk.length} users`, error, this.now());
      }
      for (const user of page.value) {
        const activity = user.signInActivity;
        const raw = activity?.lastSuccessfulSignInDateTime || activity?.lastSignInDateTime;
        answers.set(user.id.toLowerCase(), { at: raw ? new Date(raw) : null, scope: 'overall' });
      }
    }
    return new Map(ids.map((id) => [id, answers.get(id.toLowerCase()) ?? { at: null, scope: 'overall', unsupported: `no Entra ID user ${id}` }]));
  }

  private async appSignIns(ids: readonly string[], appId: string): Promise<Map<string, LastSignIn>> {
    const [only] = ids;
    // No user has an id that is not a GUID (and Graph may refuse the filter): nothing to ask.
    if (ids.length === 1 && only) return new Map([[only, OBJECT_ID.test(only) ? await this.lastAppSignIn(only, appId) : { at: null, scope: 'app' }]]);
    const since = new Date(this.now() - SIGN_IN_RETENTION_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const filter = `appId eq ${literal(appId)} and status/errorCode eq 0 and createdDateTime ge ${since}`.replace(/ /g, '%20');
    const wanted = new Set(ids.map((id) => id.toLowerCase()));
    const newest = new Map<string, Date>();
    let next: string | undefined = `/auditLogs/signIns?${query({ $filter: filter, $top: String(GRAPH_SIGN_IN_PAGE) })}`;
    while (next && newest.size < wanted.size) {
      let page: z.infer<typeof signInLogPageSchema>;
      try {
        page = signInLogPageSchema.parse(await this.client.api(next).get());
      } catch (error) {
        if (statusOf(error) === 403) return new Map(ids.map((id) => [id, { at: null, scope: 'app', unsupported: SIGN_IN_UNSUPPORTED }]));
        throw classifyGraphError(`read the sign-ins of ${ids.length} users to app ${appId}`, error, this.now());
      }
      for (const entry of page.value) {
        const user = entry.userId?.toLowerCase();
        if (user && entry.createdDateTime && wanted.has(user) && !newest.has(user)) newest.set(user, new Date(entry.createdDateTime));
      }
      next = page['@odata.nextLink'] ? this.relative(page['@odata.nextLink']) : undefined;
    }
    return new Map(ids.map((id) => [id, { at: newest.get(id.toLowerCase()) ?? null, scope: 'app' }]));
  }

  /**
   * Reads 15 users a call with `/users?$filter=id in (...)&$select=id&$expand=manager($select=mail,userPrincipalName)`
   * (1,200 users: 80 calls). That is a default query, not an advanced one: `in` works without
   * ConsistencyLevel wherever `eq` does, and Graph refuses `$expand` in advanced queries, so the header is
   * never sent (and the index it reads may lag anyway). `$expand` on directory objects serves at most 100 a
   * page, more than the 15 an `id in` holds. The manager's `mail`, else its UPN; null when Graph names none
   * (no `manager` in the answer) and for an id no user has. A key that is not a GUID cannot go in `id in`
   * (Graph answers 400 for the whole batch), so it is asked alone, as `/users/{id | userPrincipalName}/manager`
   * takes it (one call each; object ids are GUIDs, so a tenant's own ids never take this path).
   */
  async managersOf(userIds: readonly string[]): Promise<Map<string, string | null>> {
    const ids = [...new Set(userIds)];
    const answers = new Map<string, string | null>();
    const asked = ids.filter((id) => OBJECT_ID.test(id));
    const alone = new Map<string, string | null>();
    for (const id of ids.filter((i) => !OBJECT_ID.test(i))) alone.set(id, await this.managerEmail(id));
    for (let i = 0; i < asked.length; i += GRAPH_IN_MAX) {
      const chunk = asked.slice(i, i + GRAPH_IN_MAX);
      const filter = `id in (${chunk.map(literal).join(',')})`.replace(/ /g, '%20');
      const path = `/users?${query({ $filter: filter, $select: 'id', $expand: 'manager($select=mail,userPrincipalName)', $top: String(GRAPH_IN_MAX) })}`;
      for (const user of await this.getAll(`read the managers of ${chunk.length} users`, path, graphUserWithManagerSchema)) {
        answers.set(user.id.toLowerCase(), user.manager?.mail || user.manager?.userPrincipalName || null);
      }
    }
    return new Map(ids.map((id) => [id, (OBJECT_ID.test(id) ? answers.get(id.toLowerCase()) : alone.get(id)) ?? null]));
  }

  /** One cheap read per permission Keycard needs, each naming the permission when refused. */
  /**
   * Blocks sign-in with `PATCH /users/{id}` `{ accountEnabled: false }` (Graph answers 204), after one read of
   * `accountEnabled` so an account already disabled is left alone. Needs `User.EnableDisableAccount.All`
   * (with `User.Read.All`) or `User.ReadWrite.All`; a 403 names them. Graph does not let an application
   * disable an account holding an admin role above its own: that 403 is permanent too.
   */
  async suspendUser(userId: string): Promise<SuspendOutcome> {
    let user: GraphUser;
    try {
      user = graphUserSchema.parse(await this.client.api(`/users/${segment(userId)}?$select=id,accountEnabled`).get());
    } catch (error) {
      if (statusOf(error) === 404) throw new PermanentError(`no Entra ID user ${userId}`);
      throw classifyGraphError(`read user ${userId}`, error, this.now());
    }
    if (toAccountStatus(user) !== 'active') return 'already_inactive';
    try {
      await this.client.api(`/users/${segment(userId)}`).patch({ accountEnabled: false });
    } catch (error) {
      if (statusOf(error) === 403) {
        throw new PermanentError(`Microsoft Graph refused to disable user ${userId} (HTTP 403 ${asFailure(error).message}); grant the app registration User.EnableDisableAccount.All (or User.ReadWrite.All) with admin consent`);
      }
      throw classifyGraphError(`disable user ${userId}`, error, this.now());
    }
    return 'suspended';
  }

  async checkHealth(): Promise<void> {
    const checks = [
      { path: '/users?$select=id&$top=1', permission: 'User.Read.All' },
      { path: '/groups?$select=id&$top=1', permission: 'GroupMember.ReadWrite.All' },
    ];
    for (const check of checks) {
      try {
        await this.client.api(check.path).get();
      } catch (error) {
        const status = statusOf(error);
        if (status === 401 || status === 403) {
          throw new PermanentError(
            `Entra ID health check failed: Microsoft Graph refused ${check.path.split('?')[0]} (HTTP ${status}); grant the app registration the application permission ${check.permission} with admin consent`,
          );
        }
        throw classifyGraphError('run the Entra ID health check', error, this.now());
      }
    }
  }
}
