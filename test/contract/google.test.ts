/**
 * Google-specific behaviour beyond the shared contract: quota 403s, retries left to the queue, the
 * origin-only rootUrl, the token endpoint, Reports per-app sign-ins and start-up config; the member listing's
 * join with the Directory users and the call counts of the batch sign-ins.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { PermanentError, RetryableError } from '../../src/domain/errors.js';
import { GOOGLE_DIRECT_LOOKUPS, GoogleProvider } from '../../src/identity/google/google.js';
import { RECENT_READS_MS } from '../../src/identity/recent.js';
import { GoogleFake, googleError } from '../fakes/google.js';
import { TEST_PRIVATE_KEY } from './fixtures/google.js';

const NOW = Date.parse('2026-01-06T14:00:00Z');
const MEMBERS = /^\/admin\/directory\/v1\/groups\/[^/]+\/members(\/[^/]+)?$/;
const ALICE = '100000000000000000001';
const GROUP = '03group00000001';

function provider(fake: GoogleFake, apiRoot = fake.url, now = (): number => NOW): GoogleProvider {
  return new GoogleProvider({
    credentials: { client_email: 'keycard@acme-project.iam.gserviceaccount.com', private_key: TEST_PRIVATE_KEY },
    adminSubject: 'admin@acme.com',
    apiRoot,
    accessToken: 'token',
    now,
  });
}

describe('Google adapter', () => {
  let fake: GoogleFake;
  beforeEach(async () => {
    fake = new GoogleFake({ token: 'token' });
    await fake.start();
    fake.addUser({ id: ALICE, primaryEmail: 'alice@acme.com', givenName: 'Alice', familyName: 'Ng', lastLoginTime: null });
    fake.addGroup({ id: GROUP, email: 'eng@acme.com', name: 'Engineering' });
  });
  afterEach(async () => {
    await fake.stop();
  });

  it('treats 403 userRateLimitExceeded on members.insert as retryable, with Retry-After, and sends it once', async () => {
    fake.inject({ method: 'POST', path: MEMBERS, ...googleError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded', { 'retry-after': '30' }) });

    const error = await provider(fake).addToGroup(ALICE, GROUP).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(30_000);
    expect(fake.callsTo('POST', MEMBERS)).toHaveLength(1);
  });

  it('leaves retries of a 500 on a GET to the job queue (gaxios retries are off)', async () => {
    fake.inject({ method: 'GET', path: MEMBERS, ...googleError(500, 'backendError', 'Backend Error') });

    await expect(provider(fake).listGroupMembers(GROUP)).rejects.toBeInstanceOf(RetryableError);

    expect(fake.callsTo('GET', MEMBERS)).toHaveLength(1);
  });

  it('turns a 403 that is not about quota into a permanent error naming the delegation and scopes', async () => {
    fake.inject({ method: 'POST', path: MEMBERS, ...googleError(403, 'forbidden', 'Not Authorized to access this resource/api') });

    const error = await provider(fake).addToGroup(ALICE, GROUP).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain('admin.directory.group.member');
    expect((error as Error).message).toContain('GOOGLE_ADMIN_SUBJECT');
  });

  it('answers null for a user who never signed in (lastLoginTime is the epoch)', async () => {
    expect(await provider(fake).lastSignIn(ALICE)).toEqual({ at: null, scope: 'overall' });
  });

  it('reads the last sign-in to one SAML app from the Reports API', async () => {
    fake.addActivity({ userId: ALICE, applicationName: 'saml', eventName: 'login_success', time: '2026-01-02T08:00:00.000Z', parameters: { application_name: 'Salesforce' } });
    fake.addActivity({ userId: ALICE, applicationName: 'saml', eventName: 'login_success', time: '2026-01-04T08:00:00.000Z', parameters: { application_name: 'Salesforce' } });
    fake.addActivity({ userId: ALICE, applicationName: 'saml', eventName: 'login_success', time: '2026-01-05T08:00:00.000Z', parameters: { application_name: 'Zoom' } });

    const result = await provider(fake).lastSignIn(ALICE, 'Salesforce');

    expect(result).toEqual({ at: new Date('2026-01-04T08:00:00.000Z'), scope: 'app' });
  });

  it('falls back to the overall sign-in, saying why, when Reports is not delegated', async () => {
    fake.inject({ path: /^\/admin\/reports\//, ...googleError(403, 'forbidden', 'Not Authorized to access this resource/api') });

    const result = await provider(fake).lastSignIn(ALICE, 'Salesforce');

    expect(result.scope).toBe('overall');
    expect(result.unsupported).toContain('admin.reports.audit.readonly');
  });

  it('uses only the origin of apiRoot, as the Google client does, so a path in it does no harm', async () => {
    const found = await provider(fake, `${fake.url}/some/prefix`).findUserByEmail('alice@acme.com');

    expect(found?.id).toBe(ALICE);
    expect(fake.calls.every((c) => c.path.startsWith('/admin/directory/v1/'))).toBe(true);
  });

  it('tells an unknown group from a non-member when removing', async () => {
    await expect(provider(fake).removeFromGroup(ALICE, GROUP)).resolves.toBe('not_member');

    await expect(provider(fake).removeFromGroup(ALICE, 'no-such-group')).resolves.toBe('no_group');
  });

  it('lists members across pages and searches groups with the documented prefix syntax', async () => {
    for (let i = 0; i < 250; i += 1) {
      const id = `2000000000000000${String(i).padStart(5, '0')}`;
      fake.addUser({ id, primaryEmail: `u${i}@acme.com`, givenName: 'U', familyName: String(i) });
      await provider(fake).addToGroup(id, GROUP);
    }

    expect(await provider(fake).listGroupMembers(GROUP)).toHaveLength(250);
    expect(await provider(fake).searchGroups('Eng')).toEqual([{ id: GROUP, name: 'Engineering' }]);
    expect(fake.callsTo('GET', '/admin/directory/v1/groups').at(-1)?.query.get('query')).toBe('name:Eng*');
  });

  it('counts a group named by its id, its email or an alias as existing', async () => {
    fake.addGroup({ id: '03group00000002', email: 'finance@acme.com', name: 'Finance', aliases: ['fin@acme.com'] });

    const missing = await provider(fake).findMissingGroups([GROUP, 'Eng@acme.com', 'fin@acme.com', 'finance@acme.com', 'nope@acme.com']);

    expect(missing).toEqual(['nope@acme.com']);
    expect(fake.callsTo('GET', '/admin/directory/v1/groups').at(-1)?.query.get('customer')).toBe('my_customer');
  });

  it('gets a token from GOOGLE_TOKEN_URL with a signed assertion and uses it', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const google = new GoogleProvider({
      credentials: { client_email: 'keycard@acme-project.iam.gserviceaccount.com', private_key: privateKey },
      adminSubject: 'admin@acme.com',
      apiRoot: fake.url,
      tokenUrl: `${fake.url}/token`,
    });

    await google.checkHealth();

    const token = fake.callsTo('POST', '/token');
    expect(token).toHaveLength(1);
    const claims = JSON.parse(Buffer.from(String((token[0]?.body as { assertion: string }).assertion.split('.')[1]), 'base64url').toString()) as { sub: string; scope: string };
    expect(claims.sub).toBe('admin@acme.com');
    expect(claims.scope.split(' ').sort()).toEqual([
      'https://www.googleapis.com/auth/admin.directory.group.member',
      'https://www.googleapis.com/auth/admin.directory.group.readonly',
      'https://www.googleapis.com/auth/admin.directory.user.readonly',
      'https://www.googleapis.com/auth/admin.reports.audit.readonly',
    ]);
    expect(fake.callsTo('GET', '/admin/directory/v1/users')[0]?.headers.authorization).toBe('Bearer ya29.fake-1');
  });
});

describe('Google adapter: the member listing and sign-ins of many users', () => {
  const USERS = '/admin/directory/v1/users';
  const USER = /^\/admin\/directory\/v1\/users\/[^/]+$/;
  const REPORTS = '/admin/reports/v1/activity/users/all/applications/saml';
  const DAY = 24 * 60 * 60 * 1000;
  let fake: GoogleFake;

  function uid(i: number): string {
    return `3000000000000${String(i).padStart(8, '0')}`;
  }

  /** A domain of `count` users (uid(i), u<i>@acme.com); those `member(i)` picks are put in GROUP. */
  function domain(count: number, member: (i: number) => boolean = () => false): string[] {
    const members: string[] = [];
    for (let i = 0; i < count; i += 1) {
      fake.addUser({ id: uid(i), primaryEmail: `u${i}@acme.com`, givenName: 'User', familyName: String(i), title: `Title ${i}`, department: 'Sales', managerEmail: 'boss@acme.com', lastLoginTime: i % 5 === 0 ? null : new Date(NOW - i * 60_000).toISOString() });
      if (member(i)) {
        fake.addMember(GROUP, uid(i));
        members.push(uid(i));
      }
    }
    return members;
  }

  beforeEach(async () => {
    fake = new GoogleFake({ token: 'token' });
    await fake.start();
    fake.addGroup({ id: GROUP, email: 'eng@acme.com', name: 'Engineering' });
  });

  afterEach(async () => {
    fake.assertNoUnexpected();
    await fake.stop();
  });

  it('joins 450 members spread over a 1,200-user domain with 3 users.list pages, and no users.get', async () => {
    domain(1_200, (i) => i % 8 < 3);

    const members = await provider(fake).listGroupMemberProfiles(GROUP);

    expect(members).toHaveLength(450);
    expect(members[1]).toEqual({ id: uid(1), email: 'u1@acme.com', displayName: 'User 1', title: 'Title 1', department: 'Sales', managerEmail: 'boss@acme.com', status: 'active' });
    expect(fake.callsTo('GET', `/admin/directory/v1/groups/${GROUP}/members`)).toHaveLength(3);
    expect(fake.callsTo('GET', USERS)).toHaveLength(3);
    expect(fake.callsTo('GET', USERS)[0]?.query.get('maxResults')).toBe('500');
    expect(fake.callsTo('GET', USER)).toHaveLength(0);
  });

  it('reads a small group with one users.get per member, and no domain listing', async () => {
    domain(1_200, (i) => i % 200 === 0);

    const members = await provider(fake).listGroupMemberProfiles(GROUP);

    expect(members.map((m) => m.email)).toEqual(['u0@acme.com', 'u200@acme.com', 'u400@acme.com', 'u600@acme.com', 'u800@acme.com', 'u1000@acme.com']);
    expect(fake.callsTo('GET', USER)).toHaveLength(6);
    expect(fake.callsTo('GET', USERS)).toHaveLength(0);
  });

  it('switches from listing the domain to users.get once fewer members remain than pages were read', async () => {
    // 40 members, one in every 125 users of a 5,000-user domain (10 pages): 8 pages find 32, 8 users.get the rest.
    domain(5_000, (i) => i % 125 === 0);

    const members = await provider(fake).listGroupMemberProfiles(GROUP);

    expect(members).toHaveLength(40);
    const lists = fake.callsTo('GET', USERS).length;
    const gets = fake.callsTo('GET', USER).length;
    expect([lists, gets]).toEqual([8, 8]);
    expect(lists + gets).toBeLessThanOrEqual(2 * Math.min(40, 10) + GOOGLE_DIRECT_LOOKUPS);
  });

  it('tells suspended and archived members, keeps an outside account as members.list names it, and skips groups and the customer', async () => {
    const [a, b, c] = domain(3, () => true);
    fake.setUserState(b ?? '', { suspended: true });
    fake.setUserState(c ?? '', { archived: true });
    fake.addNonUserMember(GROUP, { id: '0outside000001', email: 'contractor@gmail.com', type: 'USER' });
    fake.addNonUserMember(GROUP, { id: '03nested000001', email: 'nested@acme.com', type: 'GROUP' });
    fake.addNonUserMember(GROUP, { id: 'C0fake', email: 'everyone@acme.com', type: 'CUSTOMER' });

    const members = await provider(fake).listGroupMemberProfiles(GROUP);

    expect(members.map((m) => [m.id, m.status])).toEqual([
      [a, 'active'],
      [b, 'suspended'],
      [c, 'deactivated'],
      ['0outside000001', 'active'],
    ]);
    expect(members[3]).toEqual({ id: '0outside000001', email: 'contractor@gmail.com', displayName: 'contractor@gmail.com', title: null, department: null, managerEmail: null, status: 'active' });
  });

  it('reads lastLoginTime of a whole 1,200-user domain in 3 users.list pages', async () => {
    const ids = Array.from({ length: 1_200 }, (_, i) => uid(i));
    domain(1_200);

    const answers = await provider(fake).lastSignIns(ids);

    expect(answers.get(uid(0))).toEqual({ at: null, scope: 'overall' });
    expect(answers.get(uid(7))).toEqual({ at: new Date(NOW - 7 * 60_000), scope: 'overall' });
    expect(fake.calls).toHaveLength(3);
  });

  it('reads the sign-ins of 500 users to one SAML app in ceil(events / 1000) Reports pages', async () => {
    const ids = domain(500);
    // 2,400 events of the first 400 users over 6 days; the last 100 never signed in to the app.
    for (let day = 0; day < 6; day += 1) {
      for (let i = 0; i < 400; i += 1) fake.addActivity({ userId: ids[i] ?? uid(i), applicationName: 'saml', eventName: 'login_success', time: new Date(NOW - (day + 1) * DAY - i * 1000).toISOString(), parameters: { application_name: 'Salesforce' } });
    }
    fake.addActivity({ userId: uid(450), applicationName: 'saml', eventName: 'login_success', time: new Date(NOW - DAY).toISOString(), parameters: { application_name: 'Zoom' } });

    const answers = await provider(fake).lastSignIns(Array.from({ length: 500 }, (_, i) => uid(i)), 'Salesforce');

    expect(answers.get(uid(3))).toEqual({ at: new Date(NOW - DAY - 3_000), scope: 'app' });
    expect(answers.get(uid(450))).toEqual({ at: null, scope: 'app' });
    const calls = fake.callsTo('GET', REPORTS);
    expect(calls).toHaveLength(Math.ceil(2_400 / 1_000));
    expect(Object.fromEntries(['eventName', 'filters', 'maxResults'].map((k) => [k, calls[0]?.query.get(k)]))).toEqual({ eventName: 'login_success', filters: 'application_name==Salesforce', maxResults: '1000' });
    expect(fake.calls).toHaveLength(3);
  });

  it('stops reading Reports once every user has an answer, and reads OAuth apps by client id', async () => {
    domain(300);
    for (let day = 0; day < 10; day += 1) {
      for (let i = 0; i < 300; i += 1) fake.addActivity({ userId: uid(i), applicationName: 'token', eventName: 'authorize', time: new Date(NOW - (day + 1) * DAY - i * 1000).toISOString(), parameters: { client_id: '1234.apps.googleusercontent.com' } });
    }

    const answers = await provider(fake).lastSignIns(Array.from({ length: 300 }, (_, i) => uid(i)), '1234.apps.googleusercontent.com');

    expect([...answers.values()].every((a) => a.scope === 'app' && a.at !== null)).toBe(true);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.path).toBe('/admin/reports/v1/activity/users/all/applications/token');
  });

  it('falls back to the overall sign-in for every user, saying why, when Reports is not delegated', async () => {
    domain(20);
    fake.inject({ path: /^\/admin\/reports\//, ...googleError(403, 'forbidden', 'Not Authorized to access this resource/api') });

    const answers = await provider(fake).lastSignIns([uid(3), uid(5), 'nobody'], 'Salesforce');

    expect(answers.get(uid(3))).toEqual({ at: new Date(NOW - 3 * 60_000), scope: 'overall', unsupported: expect.stringContaining('admin.reports.audit.readonly') });
    expect(answers.get(uid(5))?.at).toBeNull();
    expect(answers.get('nobody')).toMatchObject({ at: null, scope: 'overall' });
  });

  describe('reads shared for a minute', () => {
    const OTHER = '03group00000002';
    let at: number;

    function clocked(): GoogleProvider {
      return provider(fake, fake.url, () => at);
    }

    beforeEach(() => {
      at = NOW;
      fake.addGroup({ id: OTHER, email: 'ops@acme.com', name: 'Operations' });
    });

    it("lists two groups at once, then their members' sign-ins and managers, with one read of the domain", async () => {
      const ids = domain(1_200, (i) => i % 8 < 3);
      const others = Array.from({ length: 300 }, (_, n) => uid(n * 4 + 1));
      for (const id of others) fake.addMember(OTHER, id);
      const google = clocked();

      const [eng, ops] = await Promise.all([google.listGroupMemberProfiles(GROUP), google.listGroupMemberProfiles(OTHER)]);
      const signIns = await google.lastSignIns([...ids, ...others]);
      const managers = await google.managersOf([...ids, ...others, 'nobody']);

      expect([eng.length, ops.length]).toEqual([450, 300]);
      expect(ops[0]).toMatchObject({ id: uid(1), managerEmail: 'boss@acme.com', status: 'active' });
      expect(signIns.get(uid(9))).toEqual({ at: new Date(NOW - 9 * 60_000), scope: 'overall' });
      expect(managers.get(uid(1))).toBe('boss@acme.com');
      expect(managers.get('nobody')).toBeNull();
      expect(fake.callsTo('GET', USERS)).toHaveLength(3);
      expect(fake.callsTo('GET', USER)).toHaveLength(0);
    });

    it('goes on with a listing another read began rather than reading its few remaining users one by one', async () => {
      domain(1_200, (i) => i < 1_000 && i % 4 === 0);
      const late = [1_010, 1_050, 1_100, 1_150, 1_199].map(uid);
      for (const id of late) fake.addMember(OTHER, id);
      const google = clocked();

      await google.listGroupMemberProfiles(GROUP);
      const pagesForGroup = fake.callsTo('GET', USERS).length;
      const others = await google.listGroupMemberProfiles(OTHER);

      // GROUP's 250 members are on the first 2 pages; OTHER's 5 on the third, read as a page, not 5 users.get.
      expect(pagesForGroup).toBe(2);
      expect(others.map((m) => m.id)).toEqual(late);
      expect(fake.callsTo('GET', USERS)).toHaveLength(3);
      expect(fake.callsTo('GET', USER)).toHaveLength(0);
    });

    it('reads the domain again once the minute is over, and sees what changed', async () => {
      domain(1_200, (i) => i % 8 < 3);
      const google = clocked();
      await google.listGroupMemberProfiles(GROUP);
      fake.setUserState(uid(1), { suspended: true });
      fake.addUser({ id: uid(2), primaryEmail: 'u2@acme.com', givenName: 'User', familyName: '2', managerEmail: 'newboss@acme.com' });

      at = NOW + RECENT_READS_MS - 1;
      const within = await google.listGroupMemberProfiles(GROUP);
      const pagesWithin = fake.callsTo('GET', USERS).length;
      at = NOW + RECENT_READS_MS;
      const after = await google.listGroupMemberProfiles(GROUP);

      expect([within[1]?.status, within[2]?.managerEmail]).toEqual(['active', 'boss@acme.com']);
      expect(pagesWithin).toBe(3);
      expect([after[1]?.status, after[2]?.managerEmail]).toEqual(['suspended', 'newboss@acme.com']);
      expect(fake.callsTo('GET', USERS)).toHaveLength(6);
    });

    it('reuses users read one by one for a minute, an unknown id included, and reads them again after', async () => {
      domain(1_200);
      const google = clocked();

      await google.managersOf([uid(3), uid(4), 'nobody']);
      const again = await google.managersOf([uid(3), uid(4), 'nobody']);
      const callsWithin = fake.calls.length;
      fake.addUser({ id: uid(3), primaryEmail: 'u3@acme.com', givenName: 'User', familyName: '3' });
      at = NOW + RECENT_READS_MS;
      const after = await google.managersOf([uid(3)]);

      expect(again).toEqual(new Map([[uid(3), 'boss@acme.com'], [uid(4), 'boss@acme.com'], ['nobody', null]]));
      expect(callsWithin).toBe(3);
      expect(after.get(uid(3))).toBeNull();
      expect(fake.callsTo('GET', USER)).toHaveLength(4);
    });

    it('does not keep a page that failed: the next read lists the domain afresh', async () => {
      domain(1_200, (i) => i % 8 < 3);
      const google = clocked();
      fake.inject({ method: 'GET', path: USERS, ...googleError(500, 'backendError', 'Backend Error') });

      const error = await google.listGroupMemberProfiles(GROUP).catch((e: unknown) => e);
      const members = await google.listGroupMemberProfiles(GROUP);

      expect(error).toBeInstanceOf(RetryableError);
      expect(members).toHaveLength(450);
      expect(fake.callsTo('GET', USERS).map((c) => c.status)).toEqual([500, 200, 200, 200]);
    });
  });

  it('answers 400 to a users.list page over 500, as Google does', async () => {
    const response = await fetch(`${fake.url}${USERS}?customer=my_customer&maxResults=501`, { headers: { authorization: 'Bearer token' } });

    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('[1, 500]');
  });
});

describe('Google settings', () => {
  const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', JIRA_HOST: 'https://acme.atlassian.net', JIRA_EMAIL: 'a@acme.com', JIRA_API_TOKEN: 't', JIRA_PROJECT_KEY: 'ACCESS' };
  const dir = mkdtempSync(join(tmpdir(), 'keycard-google-'));
  const keyFile = join(dir, 'key.json');
  writeFileSync(keyFile, JSON.stringify({ type: 'service_account', client_email: 'keycard@p.iam.gserviceaccount.com', private_key: TEST_PRIVATE_KEY }));
  const badFile = join(dir, 'bad.json');
  writeFileSync(badFile, '{"type":"service_account"}');

  function problems(env: Record<string, string>): string[] {
    try {
      loadConfig({ ...base, ...env });
      return [];
    } catch (error) {
      return error instanceof ConfigError ? [...error.problems] : [String(error)];
    }
  }

  it('reads the key file and keeps only the origin of the API root', () => {
    const config = loadConfig({ ...base, GOOGLE_SERVICE_ACCOUNT_FILE: keyFile, GOOGLE_ADMIN_SUBJECT: 'admin@acme.com', GOOGLE_API_ROOT: 'http://127.0.0.1:8080' });

    expect(config.google).toMatchObject({ clientEmail: 'keycard@p.iam.gserviceaccount.com', adminSubject: 'admin@acme.com', apiRoot: 'http://127.0.0.1:8080', tokenUrl: null, callsPerMinute: 1500 });
    expect(String(config.google?.privateKey)).toBe('[redacted]');
  });

  it.each([
    [{ GOOGLE_ADMIN_SUBJECT: 'admin@acme.com' }, 'GOOGLE_SERVICE_ACCOUNT_FILE is required'],
    [{ GOOGLE_SERVICE_ACCOUNT_FILE: '/no/such/key.json', GOOGLE_ADMIN_SUBJECT: 'admin@acme.com' }, 'GOOGLE_SERVICE_ACCOUNT_FILE: the file /no/such/key.json does not exist'],
    [{ GOOGLE_SERVICE_ACCOUNT_FILE: badFile, GOOGLE_ADMIN_SUBJECT: 'admin@acme.com' }, 'is not a service-account key'],
    [{ GOOGLE_SERVICE_ACCOUNT_FILE: keyFile, GOOGLE_ADMIN_SUBJECT: 'admin@acme.com', GOOGLE_API_ROOT: 'https://admin.googleapis.com/prefix' }, 'GOOGLE_API_ROOT must be an origin'],
    [{ GOOGLE_SERVICE_ACCOUNT_FILE: keyFile, GOOGLE_ADMIN_SUBJECT: 'admin@acme.com', GOOGLE_API_ROOT: 'http://admin.example.com' }, 'GOOGLE_API_ROOT must use https://'],
  ])('refuses %o naming the variable', (env, message) => {
    expect(problems(env).join('\n')).toContain(message);
  });
});
