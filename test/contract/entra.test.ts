/**
 * What only the Entra adapter does: the no-licence sign-in answer, Graph's Retry-After, our own bearer
 * middleware over plain http, paging through @odata.nextLink, health checks that name the permission, the
 * member listing, and the call counts of the batch sign-ins.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../src/domain/errors.js';
import { EntraProvider, GRAPH_IN_MAX, SIGN_IN_UNSUPPORTED } from '../../src/identity/entra/entra.js';
import { GraphFake } from '../fakes/graph.js';
import { ENTRA_TEST_TOKEN, staticCredential } from './fixtures/entra.js';

const NOW = Date.parse('2026-01-06T14:00:00Z');
const GROUP = 'group-1';

let fake: GraphFake;
let scopes: string[][];

function provider(token = ENTRA_TEST_TOKEN): EntraProvider {
  return new EntraProvider({
    tenantId: 't',
    clientId: 'c',
    clientSecret: 's',
    graphBaseUrl: fake.graphBaseUrl,
    credential: staticCredential(token, scopes),
    now: () => NOW,
  });
}

beforeEach(async () => {
  fake = new GraphFake({ token: ENTRA_TEST_TOKEN, maxPageSize: 2 });
  await fake.start();
  scopes = [];
  fake.addUser({ id: 'u1', userPrincipalName: "o'hara@acme.com", mail: "o'hara@acme.com", displayName: "Kim O'Hara", lastSignIn: '2026-01-02T08:00:00Z' });
  for (const id of ['u2', 'u3', 'u4', 'u5']) fake.addUser({ id, userPrincipalName: `${id}@acme.onmicrosoft.com`, displayName: id });
  fake.addGroup({ id: GROUP, displayName: 'sales-admins' });
});

afterEach(async () => {
  fake.assertNoUnexpected();
  await fake.stop();
});

describe('Entra adapter', () => {
  it('answers "cannot tell" when the tenant lacks the licence for signInActivity, without throwing', async () => {
    fake.setSignInActivityAvailable(false);

    const answer = await provider().lastSignIn('u1');

    expect(answer).toEqual({ at: null, scope: 'overall', unsupported: SIGN_IN_UNSUPPORTED });
    expect(fake.callsTo('GET', '/v1.0/users/u1')[0]?.status).toBe(403);
  });

  it('still refuses the last sign-in of an unknown user', async () => {
    await expect(provider().lastSignIn('nobody')).rejects.toBeInstanceOf(PermanentError);
  });

  it.each([
    ['seconds', '30', 30_000],
    ['an HTTP date', new Date(NOW + 45_000).toUTCString(), 45_000],
  ])('carries a 429 Retry-After given in %s to the job queue', async (_kind, retryAfter, expectedMs) => {
    fake.inject({ method: 'POST', path: `/v1.0/groups/${GROUP}/members/$ref`, status: 429, headers: { 'retry-after': retryAfter }, body: { error: { code: 'TooManyRequests', message: 'Too many requests' } } });

    const error = await provider().addToGroup('u2', GROUP).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(expectedMs);
    expect(fake.callsTo('POST', `/v1.0/groups/${GROUP}/members/$ref`)).toHaveLength(1);
  });

  it('sends the bearer token on every Graph call over plain http, asking for the Graph scope', async () => {
    const entra = provider();

    await entra.addToGroup('u2', GROUP);
    await entra.findUserByEmail("o'hara@acme.com");

    const graphCalls = fake.calls.filter((c) => c.path.startsWith('/v1.0/'));
    expect(graphCalls.length).toBeGreaterThanOrEqual(3);
    expect(graphCalls.map((c) => c.headers.authorization)).toEqual(graphCalls.map(() => `Bearer ${ENTRA_TEST_TOKEN}`));
    expect(scopes[0]).toEqual(['https://graph.microsoft.com/.default']);
  });

  it('refuses a token Graph does not accept as a permanent error', async () => {
    await expect(provider('stale-token').addToGroup('u2', GROUP)).rejects.toBeInstanceOf(PermanentError);
  });

  it('finds a user by an email with a quote, selecting only the fields it reads', async () => {
    const user = await provider().findUserByEmail("O'Hara@acme.com");

    expect(user).toEqual({ id: 'u1', email: "o'hara@acme.com", displayName: "Kim O'Hara", title: null, department: null, managerEmail: null });
    const lookup = fake.callsTo('GET', '/v1.0/users')[0];
    expect(lookup?.query.get('$filter')).toBe("mail eq 'O''Hara@acme.com' or userPrincipalName eq 'O''Hara@acme.com'");
    expect(lookup?.query.get('$select')).toBe('id,mail,userPrincipalName,displayName,jobTitle,department,accountEnabled,userType');
  });

  it('falls back to the userPrincipalName for a user without mail', async () => {
    expect((await provider().findUserByEmail('u3@acme.onmicrosoft.com'))?.email).toBe('u3@acme.onmicrosoft.com');
  });

  it('lists every member across pages', async () => {
    for (const id of ['u1', 'u2', 'u3', 'u4', 'u5']) fake.addMember(GROUP, id);

    const members = await provider().listGroupMembers(GROUP);

    expect(members).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
    expect(fake.callsTo('GET', `/v1.0/groups/${GROUP}/members`)).toHaveLength(3);
  });

  it('tells an unknown group from a non-member when removing', async () => {
    const entra = provider();

    await expect(entra.removeFromGroup('u2', GROUP)).resolves.toBe('not_member');
    await expect(entra.removeFromGroup('u2', 'no-such-group')).resolves.toBe('no_group');
  });

  it.each([
    ['User.Read.All', 'User.Read.All'],
    ['GroupMember.ReadWrite.All', 'GroupMember.ReadWrite.All'],
  ] as const)('fails its health check naming %s when it is not granted', async (permission, named) => {
    fake.revoke(permission);
    // The fake enforces GroupMember.ReadWrite.All on writes; a read-only probe of it is the group list.
    if (permission === 'GroupMember.ReadWrite.All') fake.inject({ method: 'GET', path: '/v1.0/groups', status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } } });

    const error = await provider().checkHealth().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain(named);
  });

  it('turns a failed token request into an error naming the settings', async () => {
    const entra = new EntraProvider({
      tenantId: 't',
      clientId: 'c',
      clientSecret: 's',
      graphBaseUrl: fake.graphBaseUrl,
      credential: {
        async getToken() {
          throw Object.assign(new Error('AADSTS7000215: Invalid client secret provided.'), { name: 'AuthenticationError' });
        },
      },
    });

    const error = await entra.checkHealth().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain('ENTRA_CLIENT_SECRET');
    expect(fake.calls).toHaveLength(0);
  });
});

describe('Graph fake token endpoint', () => {
  it('issues a token for the right client credentials that Graph then accepts', async () => {
    const strict = new GraphFake({ tenantId: 'tenant-1', clientId: 'client-1', clientSecret: 'secret-1' });
    await strict.start();
    try {
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'client-1', client_secret: 'secret-1', scope: 'https://graph.microsoft.com/.default' });
      const bad = await fetch(`${strict.url}/tenant-1/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString().replace('secret-1', 'wrong') });
      const good = await fetch(`${strict.url}/tenant-1/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
      const { access_token: token } = (await good.json()) as { access_token: string };

      const users = await fetch(`${strict.graphBaseUrl}/users?$top=1`, { headers: { authorization: `Bearer ${token}` } });
      const anonymous = await fetch(`${strict.graphBaseUrl}/users?$top=1`);

      expect([bad.status, good.status, users.status, anonymous.status]).toEqual([401, 200, 200, 401]);
    } finally {
      await strict.stop();
    }
  });
});

describe('Entra adapter: last sign-in to one app', () => {
  const APP_X = '00000003-0000-0000-c000-0000000000aa';
  const APP_Y = '00000003-0000-0000-c000-0000000000bb';

  it("returns the user's newest sign-in to that app from the sign-in logs with scope 'app'", async () => {
    fake.addSignIn({ userId: 'u1', appId: APP_X, createdDateTime: '2025-12-30T10:00:00Z' });
    fake.addSignIn({ userId: 'u1', appId: APP_X, createdDateTime: '2026-01-04T17:20:00Z' });
    fake.addSignIn({ userId: 'u1', appId: APP_X, createdDateTime: '2026-01-01T08:00:00Z' });

    const answer = await provider().lastSignIn('u1', APP_X);

    expect(answer).toEqual({ at: new Date('2026-01-04T17:20:00Z'), scope: 'app' });
    const call = fake.callsTo('GET', '/v1.0/auditLogs/signIns')[0];
    expect(call?.query.get('$filter')).toBe(`userId eq 'u1' and appId eq '${APP_X}' and status/errorCode eq 0`);
    expect(call?.query.get('$top')).toBe('1');
  });

  it("ignores sign-ins to other apps, other users' sign-ins and failed attempts", async () => {
    fake.addSignIn({ userId: 'u1', appId: APP_X, createdDateTime: '2026-01-02T09:00:00Z' });
    fake.addSignIn({ userId: 'u1', appId: APP_Y, createdDateTime: '2026-01-05T09:00:00Z' });
    fake.addSignIn({ userId: 'u2', appId: APP_X, createdDateTime: '2026-01-05T10:00:00Z' });
    fake.addSignIn({ userId: 'u1', appId: APP_X, createdDateTime: '2026-01-05T11:00:00Z', errorCode: 50126 });

    expect(await provider().lastSignIn('u1', APP_X)).toEqual({ at: new Date('2026-01-02T09:00:00Z'), scope: 'app' });
  });

  it('answers null when the user never signed in to that app', async () => {
    fake.addSignIn({ userId: 'u1', appId: APP_Y, createdDateTime: '2026-01-05T09:00:00Z' });

    expect(await provider().lastSignIn('u1', APP_X)).toEqual({ at: null, scope: 'app' });
  });

  it('answers "cannot tell" for one app when the tenant lacks the licence, without throwing', async () => {
    fake.setSignInActivityAvailable(false);
    fake.addSignIn({ userId: 'u1', appId: APP_X, createdDateTime: '2026-01-05T09:00:00Z' });

    const answer = await provider().lastSignIn('u1', APP_X);

    expect(answer).toEqual({ at: null, scope: 'app', unsupported: SIGN_IN_UNSUPPORTED });
    expect(answer.unsupported).toBe('needs Entra ID P1 and AuditLog.Read.All');
    expect(fake.callsTo('GET', '/v1.0/auditLogs/signIns')[0]?.status).toBe(403);
  });

  it('answers "cannot tell" when AuditLog.Read.All is not granted', async () => {
    fake.revoke('AuditLog.Read.All');

    expect(await provider().lastSignIn('u1', APP_X)).toEqual({ at: null, scope: 'app', unsupported: SIGN_IN_UNSUPPORTED });
  });

  it('keeps the overall answer from signInActivity when no app is given', async () => {
    fake.addSignIn({ userId: 'u1', appId: APP_X, createdDateTime: '2026-01-05T09:00:00Z' });

    expect(await provider().lastSignIn('u1')).toEqual({ at: new Date('2026-01-02T08:00:00Z'), scope: 'overall' });
    expect(fake.callsTo('GET', '/v1.0/auditLogs/signIns')).toHaveLength(0);
  });
});

describe('Entra adapter: the member listing and sign-ins of many users', () => {
  const APP = '3f2a1b4c-0000-4000-8000-0000000000aa';
  const OTHER = '3f2a1b4c-0000-4000-8000-0000000000bb';
  const DAY = 24 * 60 * 60 * 1000;
  const REVIEWED = '9a7d0c3e-0000-4000-8000-00000000beef';
  let graph: GraphFake;

  function entra(): EntraProvider {
    return new EntraProvider({ tenantId: 't', clientId: 'c', clientSecret: 's', graphBaseUrl: graph.graphBaseUrl, credential: staticCredential(ENTRA_TEST_TOKEN), now: () => NOW });
  }

  function guid(i: number): string {
    return `6f1c2a10-0000-4000-8000-2${String(i).padStart(11, '0')}`;
  }

  /** Adds `count` users (guid(i), u<i>@acme.com), in the reviewed group when `inGroup`. */
  function addUsers(count: number, inGroup: boolean, extra: (i: number) => Partial<Parameters<GraphFake['addUser']>[0]> = () => ({})): string[] {
    return Array.from({ length: count }, (_, i) => {
      const id = guid(i);
      graph.addUser({ id, userPrincipalName: `u${i}@acme.com`, mail: `u${i}@acme.com`, displayName: `User ${i}`, ...extra(i) });
      if (inGroup) graph.addMember(REVIEWED, id);
      return id;
    });
  }

  beforeEach(async () => {
    graph = new GraphFake({ token: ENTRA_TEST_TOKEN, now: () => NOW });
    await graph.start();
    graph.addGroup({ id: REVIEWED, displayName: 'powerbi-admins' });
  });

  afterEach(async () => {
    graph.assertNoUnexpected();
    await graph.stop();
  });

  it('lists 1,200 members in 2 calls of 999, selecting the profile and state, skipping non-user members, with no manager', async () => {
    addUsers(1_200, true, (i) => ({ jobTitle: `Title ${i}`, department: 'Finance', accountEnabled: i !== 5, managerId: guid(0) }));
    graph.addNonUserMember(REVIEWED, { id: '9a7d0c3e-0000-4000-8000-00000000e575', odataType: '#microsoft.graph.group', displayName: 'nested' });
    graph.addNonUserMember(REVIEWED, { id: '9a7d0c3e-0000-4000-8000-00000000e576', odataType: '#microsoft.graph.servicePrincipal', displayName: 'robot' });

    const members = await entra().listGroupMemberProfiles(REVIEWED);

    expect(members).toHaveLength(1_200);
    expect(members[5]).toEqual({ id: guid(5), email: 'u5@acme.com', displayName: 'User 5', title: 'Title 5', department: 'Finance', managerEmail: null, status: 'suspended' });
    expect(members[6]?.status).toBe('active');
    const calls = graph.callsTo('GET', `/v1.0/groups/${REVIEWED}/members`);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.query.get('$top')).toBe('999');
    expect(calls[0]?.query.get('$select')).toBe('id,mail,userPrincipalName,displayName,jobTitle,department,accountEnabled,userType');
    expect(graph.calls).toHaveLength(2);
  });

  it('reads signInActivity of 1,200 users in 80 calls of 15 ids', async () => {
    const ids = addUsers(1_200, false, (i) => ({ lastSignIn: i % 4 === 0 ? null : new Date(NOW - i * 60_000).toISOString() }));

    const answers = await entra().lastSignIns(ids);

    expect(answers.size).toBe(1_200);
    expect(answers.get(guid(0))).toEqual({ at: null, scope: 'overall' });
    expect(answers.get(guid(9))).toEqual({ at: new Date(NOW - 9 * 60_000), scope: 'overall' });
    const calls = graph.callsTo('GET', '/v1.0/users');
    expect(calls.length).toBeLessThanOrEqual(80);
    expect(calls).toHaveLength(Math.ceil(1_200 / GRAPH_IN_MAX));
    expect(calls[0]?.query.get('$select')).toBe('id,signInActivity');
    expect(calls[0]?.query.get('$filter')).toMatch(/^id in \('[-0-9a-f]+'(,'[-0-9a-f]+'){14}\)$/);
  });

  it('answers an id that is not an object id without asking Graph, and an unknown one as unsupported', async () => {
    const [known] = addUsers(1, false, () => ({ lastSignIn: '2026-01-02T08:00:00Z' }));

    const answers = await entra().lastSignIns([known ?? '', 'u1', guid(999)]);

    expect(answers.get(known ?? '')).toEqual({ at: new Date('2026-01-02T08:00:00Z'), scope: 'overall' });
    expect(answers.get('u1')).toEqual({ at: null, scope: 'overall', unsupported: 'no Entra ID user u1' });
    expect(answers.get(guid(999))).toEqual({ at: null, scope: 'overall', unsupported: `no Entra ID user ${guid(999)}` });
    expect(graph.callsTo('GET', '/v1.0/users')).toHaveLength(1);
  });

  it('answers "cannot tell" for every user after one refused call when the tenant lacks the licence', async () => {
    const ids = addUsers(100, false);
    graph.setSignInActivityAvailable(false);

    const answers = await entra().lastSignIns(ids);

    expect(new Set([...answers.values()].map((a) => JSON.stringify(a)))).toEqual(new Set([JSON.stringify({ at: null, scope: 'overall', unsupported: SIGN_IN_UNSUPPORTED })]));
    expect(graph.callsTo('GET', '/v1.0/users')).toHaveLength(1);
  });

  it('reads the sign-ins of 500 users to one app in ceil(entries / 1000) calls over the 30 days P1 keeps', async () => {
    const ids = addUsers(500, false);
    // 2,500 successful sign-ins of the first 250 users over 10 days, plus noise the filter must drop.
    for (let day = 0; day < 10; day += 1) {
      for (let i = 0; i < 250; i += 1) graph.addSignIn({ userId: ids[i] ?? '', appId: APP, createdDateTime: new Date(NOW - (day + 1) * DAY - i * 1000).toISOString() });
    }
    graph.addSignIn({ userId: ids[300] ?? '', appId: OTHER, createdDateTime: new Date(NOW - DAY).toISOString() });
    graph.addSignIn({ userId: ids[301] ?? '', appId: APP, createdDateTime: new Date(NOW - DAY).toISOString(), errorCode: 50126 });
    graph.addSignIn({ userId: ids[302] ?? '', appId: APP, createdDateTime: new Date(NOW - 31 * DAY).toISOString() });

    const answers = await entra().lastSignIns(ids, APP);

    expect(answers.get(ids[7] ?? '')).toEqual({ at: new Date(NOW - DAY - 7_000), scope: 'app' });
    for (const i of [300, 301, 302, 499]) expect(answers.get(ids[i] ?? '')).toEqual({ at: null, scope: 'app' });
    const calls = graph.callsTo('GET', '/v1.0/auditLogs/signIns');
    expect(calls).toHaveLength(Math.ceil(2_500 / 1_000));
    expect(calls[0]?.query.get('$top')).toBe('1000');
    expect(calls[0]?.query.get('$filter')).toBe(`appId eq '${APP}' and status/errorCode eq 0 and createdDateTime ge ${new Date(NOW - 30 * DAY).toISOString().replace('.000Z', 'Z')}`);
  });

  it('stops reading the sign-in logs once every user has an answer', async () => {
    const ids = addUsers(300, false);
    for (let day = 0; day < 10; day += 1) {
      for (let i = 0; i < 300; i += 1) graph.addSignIn({ userId: ids[i] ?? '', appId: APP, createdDateTime: new Date(NOW - (day + 1) * DAY - i * 1000).toISOString() });
    }

    const answers = await entra().lastSignIns(ids, APP);

    expect([...answers.values()].every((a) => a.at !== null && a.scope === 'app')).toBe(true);
    expect(graph.callsTo('GET', '/v1.0/auditLogs/signIns')).toHaveLength(1);
  });

  it.each([
    ['the tenant lacks the licence', (g: GraphFake) => g.setSignInActivityAvailable(false)],
    ['AuditLog.Read.All is not granted', (g: GraphFake) => g.revoke('AuditLog.Read.All')],
  ])('answers "cannot tell" for the app when %s', async (_why, refuse) => {
    const ids = addUsers(3, false);
    refuse(graph);

    const answers = await entra().lastSignIns(ids, APP);

    expect([...answers.values()]).toEqual(ids.map(() => ({ at: null, scope: 'app', unsupported: SIGN_IN_UNSUPPORTED })));
    expect(graph.callsTo('GET', '/v1.0/auditLogs/signIns')).toHaveLength(1);
  });

  it("reads the managers of 1,200 users in 80 calls of 15 ids, expanding only the manager's mail and UPN, never as an advanced query", async () => {
    const managers = Array.from({ length: 4 }, (_, m) => {
      const id = `6f1c2a10-0000-4000-8000-3${String(m).padStart(11, '0')}`;
      // Manager 3 is cloud-only: no mail, only a UPN.
      graph.addUser({ id, userPrincipalName: `boss${m}@acme.onmicrosoft.com`, mail: m === 3 ? null : `boss${m}@acme.com`, displayName: `Boss ${m}` });
      return id;
    });
    const ids = addUsers(1_200, false, (i) => ({ managerId: i % 5 === 4 ? null : (managers[i % 5] ?? null) }));

    const answers = await entra().managersOf(ids);

    expect(answers.size).toBe(1_200);
    expect([0, 1, 2, 3, 4].map((i) => answers.get(guid(i)))).toEqual(['boss0@acme.com', 'boss1@acme.com', 'boss2@acme.com', 'boss3@acme.onmicrosoft.com', null]);
    const calls = graph.callsTo('GET', '/v1.0/users');
    expect(calls).toHaveLength(Math.ceil(1_200 / GRAPH_IN_MAX));
    expect(calls[0]?.query.get('$filter')).toMatch(/^id in \('[-0-9a-f]+'(,'[-0-9a-f]+'){14}\)$/);
    expect(calls[0]?.query.get('$select')).toBe('id');
    expect(calls[0]?.query.get('$expand')).toBe('manager($select=mail,userPrincipalName)');
    expect(calls.every((c) => c.status === 200 && c.headers['consistencylevel'] === undefined)).toBe(true);
  });

  it('answers null for a user without a manager and for an id no user has; asks for a key that is not a GUID alone', async () => {
    const [known] = addUsers(1, false);
    const [boss] = addUsers(1, false, () => ({ userPrincipalName: 'boss@acme.com', mail: 'boss@acme.com' }));
    graph.addUser({ id: guid(7), userPrincipalName: 'u7@acme.com', mail: 'u7@acme.com', displayName: 'User 7', managerId: boss ?? null });
    graph.addUser({ id: 'legacy-key', userPrincipalName: 'legacy@acme.com', displayName: 'Legacy', managerId: boss ?? null });

    const answers = await entra().managersOf([guid(7), known ?? '', 'legacy-key', 'u1', guid(999)]);

    expect(answers).toEqual(new Map([[guid(7), 'boss@acme.com'], [known, null], ['legacy-key', 'boss@acme.com'], ['u1', null], [guid(999), null]]));
    expect(graph.callsTo('GET', '/v1.0/users')).toHaveLength(1);
    expect(graph.calls.filter((c) => c.path.endsWith('/manager')).map((c) => [c.path, c.status])).toEqual([
      ['/v1.0/users/legacy-key/manager', 200],
      ['/v1.0/users/u1/manager', 404],
    ]);
  });

  it('carries a 429 from the manager reads to the job queue with its Retry-After', async () => {
    const ids = addUsers(3, false);
    graph.inject({ method: 'GET', path: '/v1.0/users', status: 429, headers: { 'retry-after': '15' }, body: { error: { code: 'TooManyRequests', message: 'Too many requests' } } });

    const error = await entra().managersOf(ids).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(15_000);
  });

  it('carries a 429 from the sign-in logs to the job queue with its Retry-After', async () => {
    const ids = addUsers(3, false);
    graph.inject({ method: 'GET', path: '/v1.0/auditLogs/signIns', status: 429, headers: { 'retry-after': '20' }, body: { error: { code: 'TooManyRequests', message: 'Too many requests' } } });

    const error = await entra().lastSignIns(ids, APP).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(20_000);
  });
});

describe('Graph fake: what Graph refuses', () => {
  let graph: GraphFake;
  const headers = { authorization: `Bearer ${ENTRA_TEST_TOKEN}` };

  beforeEach(async () => {
    graph = new GraphFake({ token: ENTRA_TEST_TOKEN });
    await graph.start();
    graph.addGroup({ id: GROUP, displayName: 'g' });
  });

  afterEach(async () => {
    await graph.stop();
  });

  it.each([
    ['a member page over 999', `/groups/${GROUP}/members?$top=1000`, 'Invalid page size'],
    ['a sign-in page over 1000', '/auditLogs/signIns?$top=1001', 'Invalid page size'],
    ['16 ids in one in()', `/users?$filter=id in (${Array.from({ length: 16 }, (_, i) => `'6f1c2a10-0000-4000-8000-${String(i).padStart(12, '0')}'`).join(',')})`, 'Max allowed: 15'],
    ['an id that is not a GUID', "/users?$filter=id in ('u1')", "Invalid object identifier 'u1'"],
    ['two relationships expanded at once', '/users?$expand=manager($select=mail),memberOf', 'Only one relationship'],
    ['an expansion it does not serve', '/users?$expand=photo', "property named 'photo'"],
  ])('answers 400 to %s', async (_what, path, message) => {
    const response = await fetch(`${graph.graphBaseUrl}${path}`, { headers });

    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain(message);
  });

  it('answers 400 to $expand in an advanced query (ConsistencyLevel: eventual), and serves it without', async () => {
    graph.addUser({ id: '6f1c2a10-0000-4000-8000-000000000001', userPrincipalName: 'a@acme.com', mail: 'a@acme.com', displayName: 'A' });
    const path = "/users?$filter=id in ('6f1c2a10-0000-4000-8000-000000000001')&$select=id&$expand=manager($select=mail)&$count=true";

    const advanced = await fetch(`${graph.graphBaseUrl}${path}`, { headers: { ...headers, consistencylevel: 'eventual' } });
    const plain = await fetch(`${graph.graphBaseUrl}${path}`, { headers });

    expect(advanced.status).toBe(400);
    expect(JSON.stringify(await advanced.json())).toContain('advanced queries');
    expect(plain.status).toBe(200);
    expect(((await plain.json()) as { value: unknown[] }).value).toEqual([{ id: '6f1c2a10-0000-4000-8000-000000000001' }]);
  });

  it('serves at most 100 users a page with $expand, whatever $top asks, and the manager with what it selects', async () => {
    graph.addUser({ id: 'boss', userPrincipalName: 'boss@acme.com', mail: 'boss@acme.com', displayName: 'Boss' });
    for (let i = 0; i < 150; i += 1) graph.addUser({ id: `u${i}`, userPrincipalName: `u${i}@acme.com`, displayName: `U ${i}`, managerId: 'boss' });

    const response = await fetch(`${graph.graphBaseUrl}/users?$select=id&$expand=manager($select=mail)&$top=999`, { headers });
    const body = (await response.json()) as { value: Array<Record<string, unknown>>; '@odata.nextLink'?: string };

    expect(body.value).toHaveLength(100);
    expect(new URL(body['@odata.nextLink'] ?? '').searchParams.get('$skiptoken')).toBe('100');
    expect(body.value.find((u) => u['id'] === 'u1')).toEqual({ id: 'u1', manager: { '@odata.type': '#microsoft.graph.user', id: 'boss', mail: 'boss@acme.com' } });
    expect(body.value.find((u) => u['id'] === 'boss')).toEqual({ id: 'boss' });
  });
});
