/**
 * The Okta fake, driven by the real @okta/okta-sdk-nodejs 8.1 Client.
 *
 * Note for adapter code: `maxRetries` is NOT a Client option (V2Configuration has no such field and
 * the Client builds `new DefaultRequestExecutor()` with defaults). Retries are configured on the
 * executor: `requestExecutor: new DefaultRequestExecutor({ maxRetries: 0, requestTimeout: 0 })`.
 * The cache is turned off with `cacheMiddleware: null`.
 */
import { Client, DefaultRequestExecutor, OktaApiError, type User } from '@okta/okta-sdk-nodejs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OktaFake } from './okta.js';

const token = 'okta-ssws-token';

function sdk(orgUrl: string, options: { token?: string; retries?: number; cache?: boolean } = {}): Client {
  return new Client({
    orgUrl,
    token: options.token ?? token,
    requestExecutor: new DefaultRequestExecutor({ maxRetries: options.retries ?? 0, requestTimeout: 0 }),
    ...(options.cache ? {} : { cacheMiddleware: null }),
  });
}

/** Runs `fn`, expects the SDK to throw an OktaApiError, and returns it. */
async function oktaError(fn: () => Promise<unknown>): Promise<OktaApiError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof OktaApiError) return error;
    throw error;
  }
  throw new Error('expected an OktaApiError');
}

async function collect(collection: AsyncIterable<User | null>): Promise<string[]> {
  const ids: string[] = [];
  for await (const user of collection) {
    if (user?.id) ids.push(user.id);
  }
  return ids;
}

describe('OktaFake with @okta/okta-sdk-nodejs', () => {
  let fake: OktaFake;
  let okta: Client;

  beforeEach(async () => {
    fake = new OktaFake({ token });
    fake.addUser({
      id: '00u1ada',
      login: 'ada@acme.test',
      email: 'ada@acme.test',
      firstName: 'Ada',
      lastName: 'Lovelace',
      department: 'Engineering',
      managerId: '00u9grace',
      lastLogin: '2025-01-10T08:00:00.000Z',
    });
    fake.addUser({ id: '00u2bob', login: 'bob@acme.test', email: 'bob@acme.test', firstName: 'Bob', lastName: 'Byte' });
    fake.addUser({
      id: '00u3gone',
      login: 'gone@acme.test',
      email: 'gone@acme.test',
      firstName: 'Gone',
      lastName: 'Away',
      status: 'DEPROVISIONED',
    });
    fake.addGroup({ id: '00gfigma', name: 'Figma Editors', description: 'Figma editor seats' });
    await fake.start();
    okta = sdk(fake.url);
  });

  afterEach(async () => {
    fake.assertNoUnexpected();
    await fake.stop();
  });

  describe('users', () => {
    it('gets a user by login (URL-encoded) with the full user shape', async () => {
      const user = await okta.userApi.getUser({ userId: 'ada@acme.test' });

      expect(fake.calls[0]?.headers.authorization).toBe(`SSWS ${token}`);
      expect(user.id).toBe('00u1ada');
      expect(user.status).toBe('ACTIVE');
      expect(user.profile?.email).toBe('ada@acme.test');
      expect(user.profile?.['department']).toBe('Engineering');
      expect(user.profile?.['managerId']).toBe('00u9grace');
      expect(user.lastLogin).toEqual(new Date('2025-01-10T08:00:00.000Z'));
    });

    it('gives lastLogin null for a user who never signed in', async () => {
      const user = await okta.userApi.getUser({ userId: '00u2bob' });

      expect(user.lastLogin).toBeNull();
    });

    it('answers an unknown user with 404 E0000007', async () => {
      const error = await oktaError(() => okta.userApi.getUser({ userId: 'nobody@acme.test' }));

      expect(error.status).toBe(404);
      expect(error.errorCode).toBe('E0000007');
      expect(error.errorSummary).toBe('Not found: Resource not found: nobody@acme.test (User)');
    });

    it('finds users by search, filter and q, and hides DEPROVISIONED users from plain lists and q', async () => {
      const bySearch = await collect(await okta.userApi.listUsers({ search: 'profile.email eq "ADA@acme.test"' }));
      const byFilter = await collect(await okta.userApi.listUsers({ filter: 'profile.login eq "gone@acme.test"' }));
      const byQ = await collect(await okta.userApi.listUsers({ q: 'by' }));
      const byQDeprovisioned = await collect(await okta.userApi.listUsers({ q: 'gone' }));
      const all = await collect(await okta.userApi.listUsers({}));

      expect(bySearch).toEqual(['00u1ada']);
      expect(byFilter).toEqual(['00u3gone']);
      expect(byQ).toEqual(['00u2bob']);
      expect(byQDeprovisioned).toEqual([]);
      expect(all).toEqual(['00u1ada', '00u2bob']);
    });

    it('rejects a search it does not understand with 400 E0000031', async () => {
      const error = await oktaError(async () => collect(await okta.userApi.listUsers({ search: 'profile.email co "ada"' })));

      expect(error.status).toBe(400);
      expect(error.errorCode).toBe('E0000031');
    });

    it('answers the health check GET /api/v1/users?limit=1 with one user and a next link', async () => {
      const response = await fetch(`${fake.url}/api/v1/users?limit=1`, { headers: { authorization: `SSWS ${token}` } });

      expect(response.status).toBe(200);
      expect(await response.json()).toHaveLength(1);
      expect(response.headers.get('link')).toContain(`<${fake.url}/api/v1/users?limit=1&after=00u1ada>; rel="next"`);
    });
  });

  describe('page limits and the System Log', () => {
    it('serves at most 200 users a page, whatever limit asks', async () => {
      for (let i = 0; i < 250; i += 1) fake.addUser({ id: `00uBULK${String(i).padStart(3, '0')}`, login: `bulk${i}@acme.test`, email: `bulk${i}@acme.test`, firstName: 'B', lastName: String(i) });

      const response = await fetch(`${fake.url}/api/v1/users?limit=1000`, { headers: { authorization: `SSWS ${token}` } });

      expect(await response.json()).toHaveLength(200);
      expect(response.headers.get('link')).toContain('rel="next"');
    });

    it('treats an ASCENDING log search without until as polling: a next link on every page, even an empty one', async () => {
      const polling = await fetch(`${fake.url}/api/v1/logs?since=2020-01-01T00:00:00Z`, { headers: { authorization: `SSWS ${token}` } });
      const bounded = await fetch(`${fake.url}/api/v1/logs?since=2020-01-01T00:00:00Z&until=2030-01-01T00:00:00Z`, { headers: { authorization: `SSWS ${token}` } });

      expect(await polling.json()).toEqual([]);
      expect(polling.headers.get('link')).toContain('rel="next"');
      expect(bounded.headers.get('link')).not.toContain('rel="next"');
    });
  });

  describe('group membership', () => {
    it('assigns idempotently: the second PUT is also 204', async () => {
      await okta.groupApi.assignUserToGroup({ groupId: '00gfigma', userId: '00u1ada' });
      await okta.groupApi.assignUserToGroup({ groupId: '00gfigma', userId: '00u1ada' });

      expect(fake.members('00gfigma')).toEqual(['00u1ada']);
      expect(fake.isMember('00gfigma', '00u1ada')).toBe(true);
      expect(fake.membershipCalls()).toEqual([
        { method: 'PUT', groupId: '00gfigma', userId: '00u1ada', status: 204 },
        { method: 'PUT', groupId: '00gfigma', userId: '00u1ada', status: 204 },
      ]);
    });

    it('unassigns, and unassigning a non-member is also 204', async () => {
      fake.addMember('00gfigma', '00u1ada');

      await okta.groupApi.unassignUserFromGroup({ groupId: '00gfigma', userId: '00u1ada' });
      await okta.groupApi.unassignUserFromGroup({ groupId: '00gfigma', userId: '00u1ada' });

      expect(fake.isMember('00gfigma', '00u1ada')).toBe(false);
      expect(fake.membershipCalls().map((c) => c.status)).toEqual([204, 204]);
    });

    it('lists group users across pages by following Link rel="next"', async () => {
      for (let i = 0; i < 5; i += 1) {
        const id = `00u9p${i}`;
        fake.addUser({ id, login: `p${i}@acme.test`, email: `p${i}@acme.test`, firstName: 'P', lastName: String(i) });
        fake.addMember('00gfigma', id);
      }

      const ids = await collect(await okta.groupApi.listGroupUsers({ groupId: '00gfigma', limit: 2 }));

      expect(ids).toEqual(['00u9p0', '00u9p1', '00u9p2', '00u9p3', '00u9p4']);
      const pages = fake.callsTo('GET', '/api/v1/groups/00gfigma/users');
      expect(pages.map((c) => c.query.get('after'))).toEqual([null, '00u9p1', '00u9p3']);
    });

    it('lists the groups of a user', async () => {
      fake.addMember('00gfigma', '00u1ada');

      const groups: string[] = [];
      for await (const group of await okta.userApi.listUserGroups({ userId: '00u1ada' })) {
        if (group?.profile?.name) groups.push(group.profile.name);
      }

      expect(groups).toEqual(['Figma Editors']);
    });

    it('answers an unknown group with 404 E0000007, on GET and on PUT', async () => {
      const onGet = await oktaError(() => okta.groupApi.getGroup({ groupId: '00gnope' }));
      const onPut = await oktaError(() => okta.groupApi.assignUserToGroup({ groupId: '00gnope', userId: '00u1ada' }));

      expect(onGet.status).toBe(404);
      expect(onGet.errorSummary).toBe('Not found: Resource not found: 00gnope (UserGroup)');
      expect(onPut.status).toBe(404);
      expect(onPut.errorCode).toBe('E0000007');
    });

    it('takes only a user id on membership writes: a login is an unknown user', async () => {
      const error = await oktaError(() => okta.groupApi.assignUserToGroup({ groupId: '00gfigma', userId: 'ada@acme.test' }));

      expect(error.status).toBe(404);
      expect(error.errorSummary).toBe('Not found: Resource not found: ada@acme.test (User)');
    });

    it('refuses membership changes on an APP_GROUP with 403 E0000006', async () => {
      fake.addGroup({ id: '00gad', name: 'AD Engineers', type: 'APP_GROUP' });

      const error = await oktaError(() => okta.groupApi.assignUserToGroup({ groupId: '00gad', userId: '00u1ada' }));

      expect(error.status).toBe(403);
      expect(error.errorCode).toBe('E0000006');
    });
  });

  describe('errors and rate limits as the SDK reports them', () => {
    it('wrong token: OktaApiError 401 E0000011', async () => {
      const wrong = sdk(fake.url, { token: 'nope' });

      const error = await oktaError(() => wrong.userApi.getUser({ userId: '00u1ada' }));

      expect(error).toBeInstanceOf(OktaApiError);
      expect(error.name).toBe('OktaApiError');
      expect(error.status).toBe(401);
      expect(error.errorCode).toBe('E0000011');
      expect(error.errorSummary).toBe('Invalid token provided');
      expect(error.message).toBe('Okta HTTP 401 E0000011 Invalid token provided. ');
    });

    it('sends X-Rate-Limit-* headers on successful membership writes', async () => {
      fake.setRateLimit({ perMinute: 10 });

      const response = await fetch(`${fake.url}/api/v1/groups/00gfigma/users/00u1ada`, {
        method: 'PUT',
        headers: { authorization: `SSWS ${token}` },
      });

      expect(response.status).toBe(204);
      expect(response.headers.get('x-rate-limit-limit')).toBe('10');
      expect(response.headers.get('x-rate-limit-remaining')).toBe('9');
      expect(Number(response.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000);
    });

    it('429 over the limit: OktaApiError E0000047, headers readable with error.headers.get()', async () => {
      let now = Date.UTC(2025, 0, 15, 9, 30, 0);
      fake.setRateLimit({ perMinute: 2, now: () => now });

      await okta.groupApi.assignUserToGroup({ groupId: '00gfigma', userId: '00u1ada' });
      now += 10_000;
      await okta.groupApi.assignUserToGroup({ groupId: '00gfigma', userId: '00u2bob' });
      now += 10_000;
      const error = await oktaError(() => okta.groupApi.unassignUserFromGroup({ groupId: '00gfigma', userId: '00u2bob' }));

      expect(error.status).toBe(429);
      expect(error.errorCode).toBe('E0000047');
      expect(error.errorSummary).toBe('API call exceeded rate limit due to too many requests.');
      expect(error.headers.get('x-rate-limit-limit')).toBe('2');
      expect(error.headers.get('x-rate-limit-remaining')).toBe('0');
      expect(error.headers.get('x-rate-limit-reset')).toBe(String(Date.UTC(2025, 0, 15, 9, 31, 0) / 1000));
      expect(error.headers.get('date')).toBe(new Date(now).toUTCString());
      // maxRetries 0: the SDK did not retry, and the member is still there.
      expect(fake.membershipCalls().map((c) => c.status)).toEqual([204, 204, 429]);
      expect(fake.isMember('00gfigma', '00u2bob')).toBe(true);
    });

    it('slides the window: a slot frees one minute after the call that took it', async () => {
      let now = Date.UTC(2025, 0, 15, 9, 30, 0);
      fake.setRateLimit({ perMinute: 2, now: () => now });
      await okta.groupApi.assignUserToGroup({ groupId: '00gfigma', userId: '00u1ada' });
      now += 30_000;
      await okta.groupApi.assignUserToGroup({ groupId: '00gfigma', userId: '00u2bob' });

      now += 29_999;
      const stillFull = await oktaError(() => okta.groupApi.unassignUserFromGroup({ groupId: '00gfigma', userId: '00u1ada' }));
      now += 1;
      await okta.groupApi.unassignUserFromGroup({ groupId: '00gfigma', userId: '00u1ada' });
      const fullAgain = await oktaError(() => okta.groupApi.unassignUserFromGroup({ groupId: '00gfigma', userId: '00u2bob' }));

      expect(stillFull.status).toBe(429);
      expect(fullAgain.status).toBe(429);
      expect(fake.members('00gfigma')).toEqual(['00u2bob']);
    });

    it('an injected fault reaches the SDK the same way (status and headers)', async () => {
      fake.inject({
        method: 'PUT',
        path: /^\/api\/v1\/groups\/.+\/users\/.+$/,
        status: 500,
        body: { errorCode: 'E0000009', errorSummary: 'Internal Server Error', errorCauses: [] },
        headers: { 'x-okta-request-id': 'req-1' },
      });

      const error = await oktaError(() => okta.groupApi.assignUserToGroup({ groupId: '00gfigma', userId: '00u1ada' }));

      expect(error.status).toBe(500);
      expect(error.errorCode).toBe('E0000009');
      expect(error.headers.get('x-okta-request-id')).toBe('req-1');
    });

    it('the default executor retries a 429 after Reset - Date + 1 s, using the fake’s headers', async () => {
      let now = Date.UTC(2025, 0, 15, 9, 30, 0);
      fake.setRateLimit({ perMinute: 1, now: () => now });
      const executor = new DefaultRequestExecutor({ maxRetries: 1, requestTimeout: 0 });
      const delays: number[] = [];
      executor.on('backoff', (_request: unknown, _response: unknown, _requestId: unknown, delayMs: number) => {
        delays.push(delayMs);
        now += 61_000;
      });
      const retrying = new Client({ orgUrl: fake.url, token, requestExecutor: executor, cacheMiddleware: null });
      await retrying.groupApi.assignUserToGroup({ groupId: '00gfigma', userId: '00u1ada' });
      now += 59_000;

      await retrying.groupApi.assignUserToGroup({ groupId: '00gfigma', userId: '00u2bob' });

      expect(delays).toEqual([2000]);
      expect(fake.membershipCalls().map((c) => c.status)).toEqual([204, 429, 204]);
      expect(fake.callsTo('PUT', '/api/v1/groups/00gfigma/users/00u2bob')[1]?.headers['x-okta-retry-count']).toBe('1');
      expect(fake.isMember('00gfigma', '00u2bob')).toBe(true);
    });

    it('the default cache serves a stale user by id; cacheMiddleware: null does not', async () => {
      const cached = sdk(fake.url, { cache: true });
      await cached.userApi.getUser({ userId: '00u1ada' });
      await okta.userApi.getUser({ userId: '00u1ada' });
      fake.setUserStatus('00u1ada', 'SUSPENDED');

      const stale = await cached.userApi.getUser({ userId: '00u1ada' });
      const fresh = await okta.userApi.getUser({ userId: '00u1ada' });

      expect(stale.status).toBe('ACTIVE');
      expect(fresh.status).toBe('SUSPENDED');
      expect(fake.callsTo('GET', '/api/v1/users/00u1ada')).toHaveLength(3);
    });
  });
});
