/**
 * What only the Okta adapter does: the last sign-in to one app, from the System Log's
 * `user.authentication.sso` events; the member listing's states and managers; the call counts of the batch
 * sign-ins. Through the real SDK client against the fake.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RetryableError } from '../../src/domain/errors.js';
import { OKTA_IDS_PER_FILTER, OktaProvider } from '../../src/identity/okta/okta.js';
import { RECENT_READS_MS } from '../../src/identity/recent.js';
import { OktaFake, type OktaUserStatus } from '../fakes/okta.js';

const NOW = Date.parse('2026-01-06T14:00:00Z');
const TOKEN = 'okta-test-token';
const APP_X = '0oaAPPX';
const APP_Y = '0oaAPPY';
const SSO = 'user.authentication.sso';

let fake: OktaFake;

function provider(): OktaProvider {
  return new OktaProvider({ orgUrl: fake.url, token: TOKEN, now: () => NOW });
}

beforeEach(async () => {
  fake = new OktaFake({ token: TOKEN, now: () => NOW });
  await fake.start();
  fake.addUser({ id: '00uALICE', login: 'alice@acme.com', email: 'alice@acme.com', firstName: 'Alice', lastName: 'Ng', lastLogin: '2026-01-06T08:00:00Z' });
  fake.addUser({ id: '00uBOB', login: 'bob@acme.com', email: 'bob@acme.com', firstName: 'Bob', lastName: 'Ito' });
});

afterEach(async () => {
  fake.assertNoUnexpected();
  await fake.stop();
});

describe('Okta adapter: last sign-in to one app', () => {
  it("returns the user's newest sign-in to that app with scope 'app'", async () => {
    fake.addLogEvent({ eventType: SSO, actorId: '00uALICE', targetId: APP_X, published: '2025-12-20T10:00:00.000Z' });
    fake.addLogEvent({ eventType: SSO, actorId: '00uALICE', targetId: APP_X, published: '2026-01-03T09:15:00.000Z' });
    fake.addLogEvent({ eventType: SSO, actorId: '00uALICE', targetId: APP_X, published: '2025-12-29T16:45:00.000Z' });

    const answer = await provider().lastSignIn('00uALICE', APP_X);

    expect(answer).toEqual({ at: new Date('2026-01-03T09:15:00.000Z'), scope: 'app' });
    const call = fake.callsTo('GET', '/api/v1/logs')[0];
    expect(call?.query.get('filter')).toBe(`eventType eq "${SSO}" and outcome.result eq "SUCCESS" and actor.id eq "00uALICE" and target.id eq "${APP_X}"`);
    expect(call?.query.get('sortOrder')).toBe('DESCENDING');
    expect(call?.query.get('limit')).toBe('1');
  });

  it("ignores sign-ins to other apps, other users' sign-ins, other events and failed attempts", async () => {
    fake.addLogEvent({ eventType: SSO, actorId: '00uALICE', targetId: APP_X, published: '2026-01-02T09:00:00.000Z' });
    fake.addLogEvent({ eventType: SSO, actorId: '00uALICE', targetId: APP_Y, published: '2026-01-05T09:00:00.000Z' });
    fake.addLogEvent({ eventType: SSO, actorId: '00uBOB', targetId: APP_X, published: '2026-01-05T10:00:00.000Z' });
    fake.addLogEvent({ eventType: 'user.session.start', actorId: '00uALICE', targetId: APP_X, published: '2026-01-05T11:00:00.000Z' });
    fake.addLogEvent({ eventType: SSO, actorId: '00uALICE', targetId: APP_X, published: '2026-01-05T12:00:00.000Z', outcome: 'FAILURE' });

    expect(await provider().lastSignIn('00uALICE', APP_X)).toEqual({ at: new Date('2026-01-02T09:00:00.000Z'), scope: 'app' });
  });

  it('finds a sign-in older than the System Log default 7-day window', async () => {
    fake.addLogEvent({ eventType: SSO, actorId: '00uALICE', targetId: APP_X, published: '2025-11-01T09:00:00.000Z' });

    expect(await provider().lastSignIn('00uALICE', APP_X)).toEqual({ at: new Date('2025-11-01T09:00:00.000Z'), scope: 'app' });
  });

  it('answers null when the user never signed in to that app', async () => {
    fake.addLogEvent({ eventType: SSO, actorId: '00uALICE', targetId: APP_Y, published: '2026-01-05T09:00:00.000Z' });

    expect(await provider().lastSignIn('00uALICE', APP_X)).toEqual({ at: null, scope: 'app' });
  });

  it('keeps the overall answer from lastLogin when no app is given', async () => {
    fake.addLogEvent({ eventType: SSO, actorId: '00uALICE', targetId: APP_X, published: '2026-01-03T09:15:00.000Z' });

    expect(await provider().lastSignIn('00uALICE')).toEqual({ at: new Date('2026-01-06T08:00:00Z'), scope: 'overall' });
    expect(fake.callsTo('GET', '/api/v1/logs')).toHaveLength(0);
  });
});

const GROUP = '00gREVIEW';
const DAY = 24 * 60 * 60 * 1000;

/** Adds `count` users `00uU<from>`... (user i is Member i, u<i>@acme.com), each put in GROUP when `inGroup`. */
function addUsers(count: number, inGroup = true, extra: (i: number) => Partial<Parameters<OktaFake['addUser']>[0]> = () => ({}), from = 0): string[] {
  return Array.from({ length: count }, (_, n) => {
    const i = from + n;
    const id = `00uU${String(i).padStart(5, '0')}`;
    fake.addUser({ id, login: `u${i}@acme.com`, email: `u${i}@acme.com`, firstName: 'Member', lastName: String(i), ...extra(i) });
    if (inGroup) fake.addMember(GROUP, id);
    return id;
  });
}

describe('Okta adapter: the member listing', () => {
  beforeEach(() => {
    fake.addGroup({ id: GROUP, name: 'salesforce-admins' });
  });

  it.each<[OktaUserStatus, string]>([
    ['ACTIVE', 'active'],
    ['LOCKED_OUT', 'active'],
    ['PASSWORD_EXPIRED', 'active'],
    ['RECOVERY', 'active'],
    ['STAGED', 'suspended'],
    ['PROVISIONED', 'suspended'],
    ['SUSPENDED', 'suspended'],
    ['DEPROVISIONED', 'deactivated'],
  ])('maps a member in %s to %s', async (status, expected) => {
    fake.addMember(GROUP, '00uALICE');
    fake.setUserStatus('00uALICE', status);

    const [alice] = await provider().listGroupMemberProfiles(GROUP);

    expect(alice?.status).toBe(expected);
  });

  it('asks for pages of 1000 and reads the profile from the listing itself', async () => {
    addUsers(2_500, true, (i) => ({ title: `Title ${i}`, department: 'Sales' }));

    const members = await provider().listGroupMemberProfiles(GROUP);

    expect(members).toHaveLength(2_500);
    expect(members[1_234]).toEqual({ id: '00uU01234', email: 'u1234@acme.com', displayName: 'Member 1234', title: 'Title 1234', department: 'Sales', managerEmail: null, status: 'active' });
    const listing = fake.callsTo('GET', `/api/v1/groups/${GROUP}/users`);
    expect(listing).toHaveLength(3);
    expect(listing[0]?.query.get('limit')).toBe('1000');
    expect(fake.calls).toHaveLength(3);
  });

  it('finds a manager who is a member in the listing, with no other call', async () => {
    fake.addMember(GROUP, '00uBOB');
    addUsers(30, true, () => ({ managerId: '00uBOB' }));

    const members = await provider().listGroupMemberProfiles(GROUP);

    expect(new Set(members.filter((m) => m.id !== '00uBOB').map((m) => m.managerEmail))).toEqual(new Set(['bob@acme.com']));
    expect(fake.calls).toHaveLength(1);
  });

  it('looks managers who are not members up 25 at a time, by id or by login, and falls back to an email in `manager`', async () => {
    const managers = addUsers(30, false);
    addUsers(
      60,
      true,
      (i) => {
        // Half name their manager by id, half by login; one names an HR number Okta does not know.
        if (i === 89) return { managerId: 'E-4711', manager: 'hr-lead@acme.com' };
        return { managerId: i % 2 === 0 ? (managers[i % 30] ?? '') : `u${i % 30}@acme.com` };
      },
      30,
    );

    const members = await provider().listGroupMemberProfiles(GROUP);

    const byId = new Map(members.map((m) => [m.id, m.managerEmail]));
    expect(byId.get('00uU00030')).toBe('u0@acme.com');
    expect(byId.get('00uU00031')).toBe('u1@acme.com');
    expect(byId.get('00uU00089')).toBe('hr-lead@acme.com');
    const lookups = fake.callsTo('GET', '/api/v1/users');
    // 15 managers named by id, 15 by login and E-4711: 31 distinct values, ceil(31 / 25) filters.
    expect(lookups).toHaveLength(Math.ceil(31 / Math.floor(OKTA_IDS_PER_FILTER / 2)));
    expect(lookups[0]?.query.get('filter')).toMatch(/^id eq "[^"]+" or profile\.login eq "[^"]+" or /);
  });

  it('carries a 429 on a later page to the job queue with the reset time', async () => {
    addUsers(1_500);
    fake.inject({ method: 'GET', path: `/api/v1/groups/${GROUP}/users`, status: 429, headers: { 'x-rate-limit-reset': String(NOW / 1000 + 30) }, body: { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.', errorCauses: [] } });

    const error = await provider().listGroupMemberProfiles(GROUP).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(30_000);
  });
});

describe('Okta adapter: sign-ins of many users', () => {
  beforeEach(() => {
    fake.addGroup({ id: GROUP, name: 'salesforce-admins' });
  });

  it('reads lastLogin of 1,200 users with 24 filters of 50 ids, deprovisioned users included', async () => {
    const ids = addUsers(1_200, false, (i) => ({ lastLogin: i % 3 === 0 ? null : new Date(NOW - i * 60_000).toISOString(), status: i === 7 ? 'DEPROVISIONED' : 'ACTIVE' }));

    const answers = await provider().lastSignIns(ids);

    expect(answers.size).toBe(1_200);
    expect(answers.get('00uU00000')).toEqual({ at: null, scope: 'overall' });
    expect(answers.get('00uU00007')).toEqual({ at: new Date(NOW - 7 * 60_000), scope: 'overall' });
    const lookups = fake.callsTo('GET', '/api/v1/users');
    expect(lookups).toHaveLength(24);
    expect(lookups.every((c) => (c.query.get('filter') ?? '').split(' or ').length <= OKTA_IDS_PER_FILTER)).toBe(true);
  });

  it('reads the sign-ins of 500 users to one app in ceil(events / 1000) System Log calls when some never signed in', async () => {
    const ids = addUsers(500, false);
    // 2,400 events of the first 400 users, 6 each, a day apart; the last 100 users never signed in.
    for (let day = 0; day < 6; day += 1) {
      for (let i = 0; i < 400; i += 1) fake.addLogEvent({ eventType: SSO, actorId: ids[i] ?? '', targetId: APP_X, published: new Date(NOW - (day + 1) * DAY - i * 1000).toISOString() });
    }

    const answers = await provider().lastSignIns(ids, APP_X);

    expect(answers.get('00uU00010')).toEqual({ at: new Date(NOW - DAY - 10_000), scope: 'app' });
    expect(answers.get('00uU00450')).toEqual({ at: null, scope: 'app' });
    const logCalls = fake.callsTo('GET', '/api/v1/logs');
    expect(logCalls).toHaveLength(Math.ceil(2_400 / 1_000));
    expect(logCalls[0]?.query.get('filter')).toBe(`eventType eq "${SSO}" and outcome.result eq "SUCCESS" and target.id eq "${APP_X}"`);
    expect(logCalls[0]?.query.get('sortOrder')).toBe('DESCENDING');
    expect(logCalls[0]?.query.get('limit')).toBe('1000');
    expect(logCalls[0]?.query.get('until')).toBe(new Date(NOW).toISOString());
    expect(logCalls[0]?.query.get('since')).toBe(new Date(NOW - 90 * DAY).toISOString());
  });

  it('stops reading the System Log once every user has an answer', async () => {
    const ids = addUsers(500, false);
    for (let day = 0; day < 6; day += 1) {
      for (let i = 0; i < 500; i += 1) fake.addLogEvent({ eventType: SSO, actorId: ids[i] ?? '', targetId: APP_X, published: new Date(NOW - (day + 1) * DAY - i * 1000).toISOString() });
    }

    const answers = await provider().lastSignIns(ids, APP_X);

    expect([...answers.values()].every((a) => a.scope === 'app' && a.at !== null)).toBe(true);
    expect(fake.callsTo('GET', '/api/v1/logs')).toHaveLength(1);
  });

  it('counts only successful sign-ins to that app within the System Log\'s 90 days', async () => {
    fake.addLogEvent({ eventType: SSO, actorId: '00uALICE', targetId: APP_X, published: new Date(NOW - 100 * DAY).toISOString() });
    fake.addLogEvent({ eventType: SSO, actorId: '00uALICE', targetId: APP_Y, published: new Date(NOW - DAY).toISOString() });
    fake.addLogEvent({ eventType: SSO, actorId: '00uBOB', targetId: APP_X, published: new Date(NOW - 2 * DAY).toISOString(), outcome: 'FAILURE' });
    fake.addLogEvent({ eventType: SSO, actorId: '00uBOB', targetId: APP_X, published: new Date(NOW - 3 * DAY).toISOString() });

    const answers = await provider().lastSignIns(['00uALICE', '00uBOB'], APP_X);

    expect(answers).toEqual(new Map([['00uALICE', { at: null, scope: 'app' }], ['00uBOB', { at: new Date(NOW - 3 * DAY), scope: 'app' }]]));
  });

  it('carries a 429 from the System Log to the job queue', async () => {
    fake.inject({ method: 'GET', path: '/api/v1/logs', status: 429, headers: { 'x-rate-limit-reset': String(NOW / 1000 + 12) }, body: { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.', errorCauses: [] } });

    const error = await provider().lastSignIns(['00uALICE', '00uBOB'], APP_X).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(12_000);
  });
});

describe('Okta adapter: managers, and the reads shared for a minute', () => {
  const OTHER = '00gOTHER';
  let at: number;

  function clocked(): OktaProvider {
    return new OktaProvider({ orgUrl: fake.url, token: TOKEN, now: () => at });
  }

  /** The filters that looked managers up (by id or login), as opposed to reads of users by id alone. */
  function managerLookups(): number {
    return fake.callsTo('GET', '/api/v1/users').filter((c) => (c.query.get('filter') ?? '').includes('profile.login')).length;
  }

  /** 30 managers outside the groups (u0...u29); 60 members in each of GROUP and OTHER: user i's manager is u<i % 30>. */
  function org(): { managers: string[]; members: string[]; others: string[] } {
    fake.addGroup({ id: GROUP, name: 'salesforce-admins' });
    fake.addGroup({ id: OTHER, name: 'salesforce-auditors' });
    const managers = addUsers(30, false);
    const members = addUsers(60, true, (i) => ({ managerId: managers[i % 30] ?? '' }), 100);
    const others = addUsers(60, false, (i) => ({ managerId: managers[i % 30] ?? '' }), 200);
    for (const id of others) fake.addMember(OTHER, id);
    return { managers, members, others };
  }

  beforeEach(() => {
    at = NOW;
  });

  it('looks each manager up once for listings read at the same time, and not again for their managers', async () => {
    const { members, others } = org();
    const okta = clocked();

    const [first, second] = await Promise.all([okta.listGroupMemberProfiles(GROUP), okta.listGroupMemberProfiles(OTHER)]);
    const managers = await okta.managersOf([...members, ...others]);

    expect(first?.find((m) => m.id === '00uU00120')?.managerEmail).toBe('u0@acme.com');
    expect(second?.find((m) => m.id === '00uU00229')?.managerEmail).toBe('u19@acme.com');
    expect(managers.get('00uU00131')).toBe('u11@acme.com');
    // 30 managers, 25 a filter: 2 look-ups between both listings; managersOf reuses what they read.
    expect(managerLookups()).toBe(Math.ceil(30 / 25));
    expect(fake.calls).toHaveLength(2 + 2);
  });

  it('reuses a manager for a minute, then looks them up again and sees what changed', async () => {
    org();
    const okta = clocked();
    await okta.listGroupMemberProfiles(GROUP);
    fake.addUser({ id: '00uU00000', login: 'u0@acme.com', email: 'u0.new@acme.com', firstName: 'Member', lastName: '0' });

    at = NOW + RECENT_READS_MS - 1;
    const within = await okta.listGroupMemberProfiles(GROUP);
    const lookupsWithin = managerLookups();
    at = NOW + RECENT_READS_MS;
    const after = await okta.listGroupMemberProfiles(GROUP);

    expect(within.find((m) => m.id === '00uU00120')?.managerEmail).toBe('u0@acme.com');
    expect(lookupsWithin).toBe(2);
    expect(after.find((m) => m.id === '00uU00120')?.managerEmail).toBe('u0.new@acme.com');
    expect(managerLookups()).toBe(4);
    // The member listing itself is never reused.
    expect(fake.callsTo('GET', `/api/v1/groups/${GROUP}/users`)).toHaveLength(3);
  });

  it('reads users not listed lately 50 a filter and their managers 25 a filter, falling back to an email in `manager`', async () => {
    const managers = addUsers(30, false);
    const users = addUsers(120, false, (i) => (i === 219 ? { managerId: 'E-4711', manager: 'hr-lead@acme.com' } : { managerId: managers[i % 30] ?? '' }), 100);

    const answers = await clocked().managersOf([...users, '00uNOBODY']);

    expect(answers.get('00uU00100')).toBe('u10@acme.com');
    expect(answers.get('00uU00219')).toBe('hr-lead@acme.com');
    expect(answers.get('00uNOBODY')).toBeNull();
    // ceil(121 / 50) reads of the users, ceil(31 / 25) look-ups of 30 managers and E-4711.
    expect(fake.callsTo('GET', '/api/v1/users')).toHaveLength(3 + 2);
  });

  it('reads users it read a minute ago again', async () => {
    const managers = addUsers(2, false);
    const [user] = addUsers(1, false, () => ({ managerId: managers[0] ?? '' }), 100);
    const okta = clocked();
    await okta.managersOf([user ?? '']);
    fake.addUser({ id: user ?? '', login: 'u100@acme.com', email: 'u100@acme.com', firstName: 'Member', lastName: '100', managerId: managers[1] ?? '' });

    at = NOW + RECENT_READS_MS;
    const answers = await okta.managersOf([user ?? '']);

    expect(answers.get(user ?? '')).toBe('u1@acme.com');
    expect(fake.calls).toHaveLength(4);
  });

  it('does not keep a failed look-up: the next listing looks the managers up again', async () => {
    org();
    const okta = clocked();
    fake.inject({ method: 'GET', path: '/api/v1/users', status: 500, body: { errorCode: 'E0000009', errorSummary: 'Internal Server Error', errorCauses: [] } });

    const error = await okta.listGroupMemberProfiles(GROUP).catch((e: unknown) => e);
    const members = await okta.listGroupMemberProfiles(GROUP);

    expect(error).toBeInstanceOf(RetryableError);
    expect(members.find((m) => m.id === '00uU00120')?.managerEmail).toBe('u0@acme.com');
  });
});
