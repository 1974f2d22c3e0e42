/**
 * The organisation the access-review benchmark (review.ts) reviews: 2,000 people and 50 managers who exist
 * in Slack, Okta, Entra ID and Google Workspace, and 20 apps (12 on Okta, 5 on Entra, 3 on Google) whose
 * roles (1–3 groups each, some people in several groups of one role) add up to exactly 5,000 items. Some
 * accounts are suspended, some people signed in recently, some long ago, some never; about three in ten
 * items were granted through Keycard. Everything is derived from the indexes, so every run reviews the
 * same organisation.
 *
 * Also here: what the build must cost each provider at least (`minimumCalls`), from the adapters' real page
 * and batch sizes, so the benchmark can hold the calls made against it.
 */
import type { RecordedCall } from '../fakes/http-fake.js';
import type { Fakes, Harness } from '../support/harness.js';
import { OKTA_IDS_PER_FILTER, OKTA_LOG_PAGE, OKTA_MEMBER_PAGE } from '../../src/identity/okta/okta.js';
import { GRAPH_IN_MAX, GRAPH_MEMBER_PAGE, GRAPH_SIGN_IN_PAGE } from '../../src/identity/entra/entra.js';
import { GOOGLE_MEMBER_PAGE, GOOGLE_REPORT_PAGE, GOOGLE_USER_PAGE } from '../../src/identity/google/google.js';
import { PEOPLE } from '../support/people.js';

export type BenchProvider = 'okta' | 'entra' | 'google';

export const POOL = 2000;
export const MANAGERS = 50;
/** Items the busiest reviewer (manager 0) gets: the App Home / reviewer-list figure is for them. */
export const BUSY_REVIEWER_ITEMS = 500;

/** Items per app, biggest first: 3,400 on Okta, 1,200 on Entra, 400 on Google = 5,000. */
const APP_SIZES: Readonly<Record<BenchProvider, readonly number[]>> = {
  okta: [1500, 450, 300, 250, 200, 150, 150, 100, 100, 80, 70, 50],
  entra: [1000, 100, 50, 30, 20],
  google: [250, 100, 50],
};

/** How big an organisation to build: the people pool (at least the biggest role) and each provider's app sizes. */
export interface OrgShape {
  readonly pool: number;
  readonly sizes: Readonly<Record<BenchProvider, readonly number[]>>;
}

/** The access review benchmark's organisation: 5,000 items over 20 apps, 2,000 people. */
export const REVIEW_SHAPE: OrgShape = { pool: POOL, sizes: APP_SIZES };

const DEPARTMENTS = ['Sales', 'Engineering', 'Data', 'Finance', 'Support', 'Marketing', 'Legal', 'People', 'Security', 'Operations'];
const DAY = 24 * 3600_000;

export interface BenchPerson {
  readonly index: number;
  readonly slackId: string;
  readonly email: string;
  readonly first: string;
  readonly last: string;
  readonly department: string;
  readonly oktaId: string;
  readonly entraId: string;
  readonly googleId: string;
  readonly suspended: boolean;
  /** Not in Slack (a contractor without a Slack account): their items have no Slack id. */
  readonly inSlack: boolean;
  /** Days since the last sign-in anywhere; null: never. */
  readonly lastLoginDays: number | null;
  /** Index into `managers`; null for the managers themselves. */
  manager: number | null;
}

export interface BenchRole {
  readonly id: string;
  /** Group ids in the provider (Okta and Entra ids, Google group emails). */
  readonly groups: readonly string[];
  /** Members (pool indexes) of each group, in order. */
  readonly members: readonly (readonly number[])[];
  /** The role's distinct members: one item each. */
  readonly people: readonly number[];
}

export interface BenchApp {
  readonly id: string;
  readonly name: string;
  readonly provider: BenchProvider;
  /** The provider's id of the app, for per-app sign-ins; undefined: overall sign-ins. */
  readonly signInApp?: string;
  readonly owner: string;
  readonly roles: readonly BenchRole[];
}

/** A sign-in to one app: the provider user and how many days ago. */
export interface BenchSignIn {
  readonly person: number;
  readonly daysAgo: number;
}

export interface BenchOrg {
  readonly people: readonly BenchPerson[];
  readonly managers: readonly BenchPerson[];
  readonly apps: readonly BenchApp[];
  /** Per-app sign-in events by app id (only apps with `signInApp`). */
  readonly signIns: ReadonlyMap<string, readonly BenchSignIn[]>;
  /** Items granted through Keycard: `${appId}/${roleId}/${person}`. */
  readonly granted: ReadonlySet<string>;
  readonly items: number;
}

/** A small integer hash (deterministic, well spread) of a few integers. */
function mix(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    h = Math.imul(h ^ v, 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** An Entra object id: a GUID, as Graph's `id in (...)` insists on. */
function guid(kind: number, n: number): string {
  return `${pad(kind, 8)}-0000-4000-8000-${pad(n, 12)}`;
}

function person(index: number, manager: boolean): BenchPerson {
  const tag = manager ? 'm' : 'p';
  const h = mix(index, manager ? 1 : 0, 7);
  const roll = h % 10;
  return {
    index,
    slackId: `UB${tag.toUpperCase()}${pad(index, 4)}`,
    email: `${tag}${pad(index, 4)}@acme.com`,
    first: manager ? 'Manager' : 'Person',
    last: pad(index, 4),
    department: manager ? 'Management' : (DEPARTMENTS[index % DEPARTMENTS.length] ?? 'Sales'),
    oktaId: `00ub${tag}${pad(index, 4)}`,
    entraId: guid(manager ? 2 : 1, index),
    googleId: `${manager ? 4 : 3}${pad(index, 17)}`,
    suspended: !manager && index % 37 === 0,
    inSlack: manager || index % 50 !== 49,
    lastLoginDays: roll < 7 ? 1 + (h % 60) : roll === 7 ? 120 + (h % 30) : null,
    manager: null,
  };
}

/** Splits `total` items over a role count: 70/30, or 60/30/10. */
function roleSizes(total: number, roles: number): number[] {
  if (roles === 1) return [total];
  if (roles === 2) return [Math.round(total * 0.7), total - Math.round(total * 0.7)];
  const a = Math.round(total * 0.6);
  const b = Math.round(total * 0.3);
  return [a, b, total - a - b];
}

function groupId(provider: BenchProvider, app: number, role: number, group: number): string {
  if (provider === 'okta') return `00gb${pad(app, 2)}r${role}g${group}`;
  if (provider === 'entra') return guid(9, app * 100 + role * 10 + group);
  return `app${pad(app, 2)}-r${role}-g${group}@acme.com`;
}

function signInAppId(provider: BenchProvider, app: number, n: number): string | undefined {
  if (provider === 'okta') return n % 2 === 0 ? `0oab${pad(app, 2)}` : undefined;
  if (provider === 'entra') return n === 0 || n === 2 ? guid(8, app) : undefined;
  return n === 0 ? `Bench SAML App ${app}` : undefined;
}

export function buildOrg(shape: OrgShape = REVIEW_SHAPE): BenchOrg {
  const pool = shape.pool;
  const people = Array.from({ length: pool }, (_, i) => person(i, false));
  const managers = Array.from({ length: MANAGERS }, (_, i) => person(i, true));
  const apps: BenchApp[] = [];
  const signIns = new Map<string, BenchSignIn[]>();
  const granted = new Set<string>();
  let k = 0;
  for (const provider of ['okta', 'entra', 'google'] as const) {
    shape.sizes[provider].forEach((size, n) => {
      const roleCount = n === 0 ? 1 : 1 + (k % 3);
      const roles = roleSizes(size, roleCount).map((count, r): BenchRole => {
        // The provider's biggest app has one big group, so its listing takes several pages.
        const groupCount = n === 0 ? 1 : 1 + ((k + r) % 3);
        const offset = (k * 131 + r * 17) % pool;
        const chosen = Array.from({ length: count }, (_, s) => (offset + s * 7) % pool);
        const members: number[][] = Array.from({ length: groupCount }, () => []);
        chosen.forEach((p, s) => {
          members[s % groupCount]?.push(p);
          // Every sixth member of a role with several groups is in two of them: still one item.
          if (groupCount > 1 && s % 6 === 0) members[(s + 1) % groupCount]?.push(p);
        });
        const id = r === 0 ? 'user' : r === 1 ? 'admin' : 'auditor';
        for (const p of chosen) if (mix(k, r, p, 3) % 10 < 3) granted.add(`${provider}-${pad(k, 2)}/${id}/${p}`);
        return { id, groups: members.map((_, g) => groupId(provider, k, r, g)), members, people: chosen };
      });
      const id = `${provider}-${pad(k, 2)}`;
      const signInApp = signInAppId(provider, k, n);
      apps.push({ id, name: `Bench ${provider} app ${pad(k, 2)}`, provider, owner: managers[(k * 2 + 1) % MANAGERS]?.email ?? '', roles, ...(signInApp ? { signInApp } : {}) });
      if (signInApp) {
        const events: BenchSignIn[] = [];
        for (const p of new Set(roles.flatMap((r) => r.people))) {
          const roll = mix(k, p, 5) % 10;
          // Seven in ten signed in within the retention window of every provider (Entra keeps 30 days), twice;
          // one long ago (outside it: never, as far as the log tells); two never.
          if (roll < 7) {
            const daysAgo = 1 + (mix(k, p, 6) % 27);
            events.push({ person: p, daysAgo }, { person: p, daysAgo: daysAgo + 1 });
          } else if (roll === 7) events.push({ person: p, daysAgo: 120 });
        }
        signIns.set(id, events);
      }
      k += 1;
    });
  }
  assignManagers(people, apps);
  const items = apps.reduce((sum, a) => sum + a.roles.reduce((s, r) => s + r.people.length, 0), 0);
  return { people, managers, apps, signIns, granted, items };
}

/**
 * Every person's manager. Manager 0 gets people until their items in every provider make exactly 500 (Entra
 * ID's listings carry no manager, but the build reads them with `managersOf`); the others share the rest in
 * turn.
 */
function assignManagers(people: BenchPerson[], apps: readonly BenchApp[]): void {
  const itemsOf = new Map<number, number>();
  for (const app of apps) {
    for (const role of app.roles) for (const p of role.people) itemsOf.set(p, (itemsOf.get(p) ?? 0) + 1);
  }
  let busy = 0;
  for (const p of people) {
    const count = itemsOf.get(p.index) ?? 0;
    if (count > 0 && busy + count <= BUSY_REVIEWER_ITEMS) {
      p.manager = 0;
      busy += count;
    } else {
      p.manager = 1 + (p.index % (MANAGERS - 1));
    }
  }
}

/** The catalog of the 20 apps; every role auto-approved (approval is not what is measured). */
export function catalogYaml(org: BenchOrg): string {
  const lines = ['version: 1', 'apps:'];
  for (const app of org.apps) {
    lines.push(`  - id: ${app.id}`, `    name: ${app.name}`, `    description: Benchmark app on ${app.provider}`, `    owner: ${app.owner}`, `    provider: ${app.provider}`);
    if (app.signInApp) lines.push(`    signInApp: "${app.signInApp}"`);
    lines.push('    roles:');
    for (const role of app.roles) {
      lines.push(`      - id: ${role.id}`, `        name: ${role.id[0]?.toUpperCase()}${role.id.slice(1)}`, `        description: Benchmark role`, `        groups: [${role.groups.map((g) => `"${g}"`).join(', ')}]`, '        approval: auto');
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Puts the organisation in the fakes (Slack, Okta, Graph, Google); `now` is Keycard's clock in ms. */
export function seedFakes(fakes: Fakes, org: BenchOrg, now: number): void {
  const { slack, okta, graph, google } = fakes;
  if (!graph || !google) throw new Error('the review benchmark needs the Graph and Google fakes');
  const iso = (daysAgo: number | null): string | null => (daysAgo === null ? null : new Date(now - daysAgo * DAY).toISOString());
  const managerOf = (p: BenchPerson): BenchPerson | undefined => (p.manager === null ? undefined : org.managers[p.manager]);
  for (const p of [...org.managers, ...org.people]) {
    const manager = managerOf(p);
    if (p.inSlack) slack.addUser({ id: p.slackId, name: p.email.split('@')[0] ?? p.email, realName: `${p.first} ${p.last}`, email: p.email, tz: 'Europe/London', title: 'Bench' });
    okta.addUser({
      id: p.oktaId,
      login: p.email,
      email: p.email,
      firstName: p.first,
      lastName: p.last,
      title: 'Bench',
      department: p.department,
      status: p.suspended ? 'SUSPENDED' : 'ACTIVE',
      lastLogin: iso(p.lastLoginDays),
      ...(manager ? { managerId: manager.oktaId } : {}),
    });
    graph.addUser({ id: p.entraId, userPrincipalName: p.email, mail: p.email, displayName: `${p.first} ${p.last}`, jobTitle: 'Bench', department: p.department, managerId: manager?.entraId ?? null, lastSignIn: iso(p.lastLoginDays), accountEnabled: !p.suspended });
    google.addUser({ id: p.googleId, primaryEmail: p.email, givenName: p.first, familyName: p.last, title: 'Bench', department: p.department, lastLoginTime: iso(p.lastLoginDays), suspended: p.suspended, ...(manager ? { managerEmail: manager.email } : {}) });
  }
  for (const app of org.apps) {
    app.roles.forEach((role, r) => {
      role.groups.forEach((group, g) => {
        const members = role.members[g] ?? [];
        if (app.provider === 'okta') {
          okta.addGroup({ id: group, name: `${app.id}-${role.id}-${g}` });
          for (const m of members) okta.addMember(group, org.people[m]?.oktaId ?? '');
        } else if (app.provider === 'entra') {
          graph.addGroup({ id: group, displayName: `${app.id}-${role.id}-${g}` });
          for (const m of members) graph.addMember(group, org.people[m]?.entraId ?? '');
        } else {
          google.addGroup({ id: `03gb${app.id.slice(-2)}${r}${g}`, email: group, name: `${app.id}-${role.id}-${g}` });
          for (const m of members) google.addMember(group, org.people[m]?.googleId ?? '');
        }
      });
    });
    for (const event of org.signIns.get(app.id) ?? []) {
      const p = org.people[event.person];
      if (!p || !app.signInApp) continue;
      const at = new Date(now - event.daysAgo * DAY).toISOString();
      if (app.provider === 'okta') okta.addLogEvent({ eventType: 'user.authentication.sso', actorId: p.oktaId, targetId: app.signInApp, published: at });
      else if (app.provider === 'entra') graph.addSignIn({ userId: p.entraId, appId: app.signInApp, createdDateTime: at });
      else google.addActivity({ userId: p.googleId, applicationName: 'saml', eventName: 'login_success', time: at, parameters: { application_name: app.signInApp } });
    }
  }
}

export type CallKind = 'members' | 'logs' | 'users' | 'auth' | 'other';

/**
 * What a recorded identity-provider call was for, from its path: a page of a group's members, a page of an
 * app's sign-in log, or a read of users (Okta's managers and overall `lastLogin`, Graph's `signInActivity`,
 * Google's profiles and overall `lastLoginTime`).
 */
export function callKind(provider: BenchProvider, path: string): CallKind {
  if (provider === 'okta') {
    if (/^\/api\/v1\/groups\/[^/]+\/users$/.test(path)) return 'members';
    if (path === '/api/v1/logs') return 'logs';
    if (path.startsWith('/api/v1/users')) return 'users';
    return 'other';
  }
  if (provider === 'entra') {
    if (/\/oauth2\/v2\.0\/token$/.test(path) || path.includes('openid-configuration')) return 'auth';
    if (/^\/v1\.0\/groups\/[^/]+\/members$/.test(path)) return 'members';
    if (path === '/v1.0/auditLogs/signIns') return 'logs';
    if (path.startsWith('/v1.0/users')) return 'users';
    return 'other';
  }
  if (path === '/token') return 'auth';
  if (/^\/admin\/directory\/v1\/groups\/[^/]+\/members$/.test(path)) return 'members';
  if (path.startsWith('/admin/reports/')) return 'logs';
  if (path.startsWith('/admin/directory/v1/users')) return 'users';
  return 'other';
}

export interface MinimumCalls {
  /** Pages of the groups' member listings. */
  readonly members: number;
  /** Pages of the sign-in logs of the apps with `signInApp`. */
  readonly logs: number;
  /** User reads: overall sign-ins in the API's batches, and what a listing lacks (read once per build). */
  readonly users: number;
  /** The part of `users` that is what a listing lacks: Okta's managers, Entra's managers, Google's profiles. */
  readonly joins: number;
}

/**
 * The fewest calls the build can make to `provider`, with the adapters' own page and batch sizes: each
 * group's members in pages (ceil(members / page), at least one call); per app with `signInApp` the pages of
 * its sign-in log in the retention window (someone never signed in, so every page is read), else the
 * overall sign-ins of its users in the batches the API takes (Okta 50 ids a filter, Graph 15; Google's come
 * from the domain's listing the profiles need anyway). Joins, once per build (reviewer=manager): Google's
 * member listing has no profiles, so the domain is read once, 500 a page; Okta's managers (none is in a
 * listed group) are looked up once, 25 a filter (id or login); Entra's listing has no manager, so every
 * member's is read once, 15 a call (`managersOf`).
 */
export function minimumCalls(org: BenchOrg, provider: BenchProvider): MinimumCalls {
  const apps = org.apps.filter((a) => a.provider === provider);
  const page = { okta: OKTA_MEMBER_PAGE, entra: GRAPH_MEMBER_PAGE, google: GOOGLE_MEMBER_PAGE }[provider];
  const domain = org.people.length + org.managers.length + Object.keys(PEOPLE).length;
  let members = 0;
  let logs = 0;
  let overall = 0;
  const everyone = new Set<number>();
  for (const app of apps) {
    for (const role of app.roles) for (const p of role.people) everyone.add(p);
    for (const role of app.roles) for (const group of role.members) members += Math.max(1, Math.ceil(group.length / page));
    const users = new Set(app.roles.flatMap((r) => r.people)).size;
    if (app.signInApp) {
      const retentionDays = provider === 'entra' ? 30 : provider === 'okta' ? 90 : Number.POSITIVE_INFINITY;
      const events = (org.signIns.get(app.id) ?? []).filter((e) => e.daysAgo < retentionDays).length;
      const logPage = { okta: OKTA_LOG_PAGE, entra: GRAPH_SIGN_IN_PAGE, google: GOOGLE_REPORT_PAGE }[provider];
      logs += Math.max(1, Math.ceil(events / logPage));
    } else {
      overall += provider === 'okta' ? Math.ceil(users / OKTA_IDS_PER_FILTER) : provider === 'entra' ? Math.ceil(users / GRAPH_IN_MAX) : 0;
    }
  }
  const joins = { okta: Math.ceil(org.managers.length / Math.floor(OKTA_IDS_PER_FILTER / 2)), entra: Math.ceil(everyone.size / GRAPH_IN_MAX), google: Math.ceil(domain / GOOGLE_USER_PAGE) }[provider];
  return { members, logs, users: overall + joins, joins };
}

/**
 * A Keycard grant of `role` to `person`, as if requested and approved: the request row and the grant of the
 * role's groups the person is in (marked held when `held`). The benchmarks seed their Keycard grants with it.
 */
export function seedKeycardGrant(
  h: Harness,
  app: BenchApp,
  role: BenchRole,
  person: BenchPerson,
  index: number,
  options: { why: string; startsAt: number; held?: boolean },
): void {
  const now = h.clock.now();
  const groups = role.groups.filter((_, g) => role.members[g]?.includes(index));
  const request = h.store.requests.insert(
    {
      requesterSlackId: person.slackId,
      requesterEmail: person.email,
      requesterName: `${person.first} ${person.last}`,
      appId: app.id,
      roleId: role.id,
      snapshot: { appName: app.name, roleName: role.id, roleDescription: 'Benchmark role', provider: app.provider, groups: [...role.groups], owner: app.owner, approval: 'auto', maxDurationMs: null },
      durationMs: null,
      justification: options.why,
      status: 'active',
    },
    now,
  );
  const idpUserId = app.provider === 'okta' ? person.oktaId : app.provider === 'entra' ? person.entraId : person.googleId;
  const grant = h.store.grants.insert({ requestId: request.id, userSlackId: person.slackId, appId: app.id, roleId: role.id, provider: app.provider, idpUserId, groups, startsAt: options.startsAt, endsAt: null });
  if (options.held) for (const group of groups) h.store.grants.markHeld(grant.id, group, now);
}

/**
 * Seeds a Keycard grant (seedKeycardGrant) for every granted item of the organisation, in one transaction;
 * `inSlackOnly` skips people Slack does not know. Returns how many were seeded.
 */
export function seedOrgGrants(h: Harness, org: BenchOrg, options: { why: string; startsAt: number; held?: boolean; inSlackOnly?: boolean }): number {
  let count = 0;
  h.store.tx(() => {
    for (const app of org.apps) {
      for (const role of app.roles) {
        for (const index of role.people) {
          const p = org.people[index];
          if (!p || !org.granted.has(`${app.id}/${role.id}/${index}`)) continue;
          if (options.inSlackOnly && !p.inSlack) continue;
          seedKeycardGrant(h, app, role, p, index, { why: options.why, startsAt: options.startsAt, ...(options.held ? { held: true } : {}) });
          count += 1;
        }
      }
    }
  });
  return count;
}

/** Every call each identity fake has recorded, by provider (the benchmarks run all three). */
export function identityCalls(fakes: Fakes, bench: string): Array<{ provider: BenchProvider; calls: RecordedCall[] }> {
  const { okta, graph, google } = fakes;
  if (!graph || !google) throw new Error(`the ${bench} benchmark needs the Graph and Google fakes`);
  return [
    { provider: 'okta', calls: okta.calls },
    { provider: 'entra', calls: graph.calls },
    { provider: 'google', calls: google.calls },
  ];
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** The most calls in flight at once, and the sum of their durations over the time they spanned. */
export function overlap(calls: readonly RecordedCall[]): { maxInFlight: number; parallelism: number } {
  if (calls.length === 0) return { maxInFlight: 0, parallelism: 0 };
  const edges = calls.flatMap((c) => [
    { at: c.receivedAt, d: 1 },
    { at: c.answeredAt, d: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.d - b.d);
  let now = 0;
  let max = 0;
  for (const e of edges) {
    now += e.d;
    max = Math.max(max, now);
  }
  const span = Math.max(...calls.map((c) => c.answeredAt)) - Math.min(...calls.map((c) => c.receivedAt));
  const busy = calls.reduce((sum, c) => sum + (c.answeredAt - c.receivedAt), 0);
  return { maxInFlight: max, parallelism: span > 0 ? busy / span : 1 };
}
