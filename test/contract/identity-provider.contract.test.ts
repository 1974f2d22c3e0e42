/**
 * One contract every identity adapter passes identically, against its own fake speaking the real REST
 * shapes through the real SDK client. Add an adapter's fixture to FIXTURES to hold it to the contract.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IdentityMatchError, PermanentError, RetryableError } from '../../src/domain/errors.js';
import type { ProviderKind } from '../../src/domain/types.js';
import { PROVIDER_FACTORIES } from '../../src/identity/registry.js';
import type { GroupMember } from '../../src/identity/types.js';
import { entraFixture } from './fixtures/entra.js';
import { googleFixture } from './fixtures/google.js';
import { oktaFixture } from './fixtures/okta.js';
import type { ContractFixture, ContractWorld } from './fixtures/types.js';

const FIXTURES: ContractFixture[] = [oktaFixture, entraFixture, googleFixture];

describe('the provider registry', () => {
  it('has a factory for every provider kind the catalog accepts', () => {
    const kinds: ProviderKind[] = ['okta', 'entra', 'google', 'manual'];

    expect(Object.keys(PROVIDER_FACTORIES).sort()).toEqual([...kinds].sort());
  });
});

describe.each(FIXTURES)('IdentityProvider contract: $name', (fixture) => {
  let world: ContractWorld;
  beforeEach(async () => {
    world = await fixture.start();
  });
  afterEach(async () => {
    await world.stop();
  });

  it('finds a user by email with profile and manager', async () => {
    const found = await world.provider.findUserByEmail(world.alice.email);

    expect(found).toEqual({
      id: world.alice.id,
      email: world.alice.email,
      displayName: world.alice.displayName,
      title: world.alice.title,
      department: world.alice.department,
      managerEmail: world.alice.managerEmail,
    });
    expect((await world.provider.findUserByEmail(world.bob.email))?.managerEmail).toBeNull();
  });

  it('answers null for an email nobody has', async () => {
    expect(await world.provider.findUserByEmail('nobody@acme.com')).toBeNull();
  });

  it.skipIf(!fixture.sharedEmails)('refuses an email two active accounts share, naming both', async () => {
    const twin = world.addAccount(world.alice.email, 'active');

    const error = await world.provider.findUserByEmail(world.alice.email).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(IdentityMatchError);
    expect(error).toBeInstanceOf(PermanentError);
    const match = error as IdentityMatchError;
    expect(match.code).toBe('ambiguous');
    expect(match.accounts.map((a) => a.id).sort()).toEqual([world.alice.id, twin.id].sort());
    expect(match.message).toContain(world.alice.id);
    expect(match.message).toContain(twin.id);
    expect(match.message).toContain(twin.login);
  });

  it('refuses an email whose only account is not active, naming it and its status', async () => {
    const suspended = world.addAccount('carol@acme.com', 'inactive');

    const error = await world.provider.findUserByEmail('carol@acme.com').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(IdentityMatchError);
    const match = error as IdentityMatchError;
    expect(match.code).toBe('inactive');
    expect(match.accounts).toEqual([{ id: suspended.id, login: suspended.login, status: expect.any(String) }]);
    expect(match.message).toContain(suspended.id);
    expect(match.message).toContain(match.accounts[0]?.status);
  });

  it.skipIf(!fixture.sharedEmails)('chooses the active account when the other one with the email is not', async () => {
    world.addAccount('dave@acme.com', 'inactive');
    const active = world.addAccount('dave@acme.com', 'active');

    const found = await world.provider.findUserByEmail('dave@acme.com');

    expect(found?.id).toBe(active.id);
  });

  it('adds idempotently: twice is one membership and no error', async () => {
    await world.provider.addToGroup(world.alice.id, world.groupId);
    await world.provider.addToGroup(world.alice.id, world.groupId);

    expect(world.isMember(world.groupId, world.alice.id)).toBe(true);
    expect(await world.provider.isMember(world.alice.id, world.groupId)).toBe(true);
    expect(await world.provider.listGroupMembers(world.groupId)).toEqual([world.alice.id]);
  });

  it('removes idempotently: removing twice, or a non-member, is no error', async () => {
    await world.provider.addToGroup(world.alice.id, world.groupId);

    const first = await world.provider.removeFromGroup(world.alice.id, world.groupId);
    const again = await world.provider.removeFromGroup(world.alice.id, world.groupId);
    const never = await world.provider.removeFromGroup(world.bob.id, world.groupId);

    expect(first).toBe('removed');
    // Okta answers a non-member as it answers a member (204), so it cannot say `not_member`.
    expect(['removed', 'not_member']).toContain(again);
    expect(['removed', 'not_member']).toContain(never);
    expect(world.isMember(world.groupId, world.alice.id)).toBe(false);
    expect(await world.provider.isMember(world.alice.id, world.groupId)).toBe(false);
  });

  it('says a group that does not exist is `no_group` when removing: it grants nothing', async () => {
    expect(await world.provider.removeFromGroup(world.alice.id, 'no-such-group')).toBe('no_group');
  });

  it('refuses an unknown user or group with a permanent error', async () => {
    await expect(world.provider.addToGroup('no-such-user', world.groupId)).rejects.toBeInstanceOf(PermanentError);
    await expect(world.provider.addToGroup(world.alice.id, 'no-such-group')).rejects.toBeInstanceOf(PermanentError);
    await expect(world.provider.listGroupMembers('no-such-group')).rejects.toBeInstanceOf(PermanentError);
  });

  it.each([429, 500] as const)('turns %i into a retryable error, then succeeds on the next try', async (status) => {
    world.failNextMembershipCall(status, 7);

    const first = world.provider.addToGroup(world.alice.id, world.groupId);

    await expect(first).rejects.toBeInstanceOf(RetryableError);
    const error = await first.catch((e: unknown) => e);
    if (status === 429) expect((error as RetryableError).retryAfterMs).toBeGreaterThanOrEqual(6_000);
    await world.provider.addToGroup(world.alice.id, world.groupId);
    expect(world.isMember(world.groupId, world.alice.id)).toBe(true);
  });

  it('tells the last sign-in, or that there is none', async () => {
    const alice = await world.provider.lastSignIn(world.alice.id);
    const bob = await world.provider.lastSignIn(world.bob.id);

    expect(alice.at?.toISOString()).toBe(world.alice.lastSignIn?.toISOString());
    expect(bob.at).toBeNull();
  });

  it('names the groups that do not exist, and only those', async () => {
    const missing = await world.provider.findMissingGroups([world.groupId, 'no-such-group', 'another-missing-group']);

    expect(missing).toEqual(['no-such-group', 'another-missing-group']);
  });

  it('checks a thousand groups with a few paged listing calls, not one call per group', async () => {
    const ids = world.addGroups(1_050);
    const before = world.directoryCalls();

    const missing = await world.provider.findMissingGroups([...ids, 'no-such-group']);

    expect(missing).toEqual(['no-such-group']);
    // Google's pages are the smallest (200 groups): 1,051 groups is at most 6 pages for any provider.
    expect(world.directoryCalls() - before).toBeLessThanOrEqual(6);
    expect(world.directoryCalls() - before).toBeGreaterThanOrEqual(2);
  });

  it('finds groups by name', async () => {
    const groups = await world.provider.searchGroups('keycard-contract');

    // Google also names the group's email (a catalog may name a Google group by it).
    expect(groups.map(({ id, name }) => ({ id, name }))).toContainEqual({ id: world.groupId, name: 'keycard-contract-admins' });
  });

  describe('the member and sign-in listings a review reads', () => {
    function asMember(user: ContractWorld['alice']): GroupMember {
      return {
        id: user.id,
        email: user.email,
        displayName: user.displayName,
        title: user.title,
        department: user.department,
        managerEmail: fixture.listingHasManagers ? user.managerEmail : null,
        status: 'active',
      };
    }

    function byId(members: readonly GroupMember[]): GroupMember[] {
      return [...members].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    }

    it('lists each member with profile, manager (where the listing has it) and state', async () => {
      world.addMember(world.alice.id);
      world.addMember(world.bob.id);

      const members = await world.provider.listGroupMemberProfiles(world.groupId);

      expect(byId(members)).toEqual(byId([asMember(world.alice), asMember(world.bob)]));
    });

    it(`lists ${fixture.bulkMembers} members over several pages in ${fixture.bulkListingCalls} calls`, async () => {
      const expected = world.addMembers(fixture.bulkMembers);
      const before = world.directoryCalls();

      const members = await world.provider.listGroupMemberProfiles(world.groupId);

      expect(members).toHaveLength(fixture.bulkMembers);
      expect(byId(members)).toEqual(byId(expected));
      expect(world.directoryCalls() - before).toBe(fixture.bulkListingCalls);
    });

    it.each(fixture.accountStates)("says a member's account is %s", async (state) => {
      world.addMember(world.alice.id);
      world.setAccountState(world.alice.id, state);

      const [alice] = await world.provider.listGroupMemberProfiles(world.groupId);

      expect(alice?.status).toBe(state);
    });

    it.skipIf(!fixture.addsNonUserMembers)('skips members that are not users (nested groups, devices...)', async () => {
      world.addMember(world.bob.id);
      world.addNonUserMember?.();

      const members = await world.provider.listGroupMemberProfiles(world.groupId);

      expect(members.map((m) => m.id)).toEqual([world.bob.id]);
    });

    it('refuses to list an unknown group with a permanent error', async () => {
      await expect(world.provider.listGroupMemberProfiles('no-such-group')).rejects.toBeInstanceOf(PermanentError);
    });

    it.each([429, 500] as const)('turns %i on the listing into a retryable error, then lists on the next try', async (status) => {
      world.addMember(world.bob.id);
      world.failNextRead(status, 7);

      const error = await world.provider.listGroupMemberProfiles(world.groupId).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(RetryableError);
      if (status === 429) expect((error as RetryableError).retryAfterMs).toBeGreaterThanOrEqual(6_000);
      expect((await world.provider.listGroupMemberProfiles(world.groupId)).map((m) => m.id)).toEqual([world.bob.id]);
    });

    it('answers every user for the last sign-in overall, saying so for an id nobody has', async () => {
      const answers = await world.provider.lastSignIns([world.alice.id, world.bob.id, 'no-such-user']);

      expect([...answers.keys()]).toEqual([world.alice.id, world.bob.id, 'no-such-user']);
      expect(answers.get(world.alice.id)).toEqual({ at: world.alice.lastSignIn, scope: 'overall' });
      expect(answers.get(world.bob.id)).toEqual({ at: null, scope: 'overall' });
      expect(answers.get('no-such-user')).toEqual({ at: null, scope: 'overall', unsupported: expect.stringContaining('no-such-user') });
    });

    it('answers the newest sign-in to the app for each user, null for a user who never signed in to it', async () => {
      world.addAppSignIn(world.alice.id, new Date('2025-12-30T09:00:00Z'));
      world.addAppSignIn(world.alice.id, new Date('2026-01-04T09:00:00Z'));
      world.addAppSignIn(world.alice.id, new Date('2026-01-02T09:00:00Z'));

      const answers = await world.provider.lastSignIns([world.alice.id, world.bob.id], fixture.signInApp);

      expect(answers).toEqual(
        new Map([
          [world.alice.id, { at: new Date('2026-01-04T09:00:00Z'), scope: 'app' }],
          [world.bob.id, { at: null, scope: 'app' }],
        ]),
      );
    });

    it('answers one user exactly as lastSignIn does, overall and for the app', async () => {
      world.addAppSignIn(world.alice.id, new Date('2026-01-03T09:00:00Z'));

      const overall = await world.provider.lastSignIns([world.alice.id]);
      const app = await world.provider.lastSignIns([world.alice.id], fixture.signInApp);

      expect(overall.get(world.alice.id)).toEqual(await world.provider.lastSignIn(world.alice.id));
      expect(app.get(world.alice.id)).toEqual(await world.provider.lastSignIn(world.alice.id, fixture.signInApp));
    });

    it('answers one unknown user rather than failing, overall and for the app', async () => {
      const overall = await world.provider.lastSignIns(['no-such-user']);
      const app = await world.provider.lastSignIns(['no-such-user'], fixture.signInApp);

      expect(overall.get('no-such-user')).toMatchObject({ at: null, scope: 'overall', unsupported: expect.any(String) });
      expect(app.get('no-such-user')).toMatchObject({ at: null });
    });

    it('answers no users with no calls', async () => {
      const before = world.directoryCalls();

      expect(await world.provider.lastSignIns([])).toEqual(new Map());
      expect(await world.provider.lastSignIns([], fixture.signInApp)).toEqual(new Map());
      expect(await world.provider.managersOf([])).toEqual(new Map());
      expect(world.directoryCalls()).toBe(before);
    });
  });

  describe('suspending an account', () => {
    it('blocks an active account from signing in and keeps its groups; the email then matches no active account', async () => {
      world.addMember(world.alice.id);

      const outcome = await world.provider.suspendUser(world.alice.id);

      expect(outcome).toBe('suspended');
      expect(world.accountState(world.alice.id)).toBe('suspended');
      expect(world.isMember(world.groupId, world.alice.id)).toBe(true);
      const error = await world.provider.findUserByEmail(world.alice.email).catch((e: unknown) => e);
      expect((error as IdentityMatchError).code).toBe('inactive');
    });

    it('is idempotent: a second suspend changes nothing and says the account was inactive already', async () => {
      await world.provider.suspendUser(world.alice.id);

      expect(await world.provider.suspendUser(world.alice.id)).toBe('already_inactive');
      expect(world.accountState(world.alice.id)).toBe('suspended');
    });

    it.each(fixture.accountStates.filter((s) => s !== 'active'))('leaves a %s account as it is', async (state) => {
      world.setAccountState(world.bob.id, state);

      expect(await world.provider.suspendUser(world.bob.id)).toBe('already_inactive');
      expect(world.accountState(world.bob.id)).toBe(state);
    });

    it('refuses an unknown user with a permanent error', async () => {
      await expect(world.provider.suspendUser('no-such-user')).rejects.toBeInstanceOf(PermanentError);
    });

    it('names the permission it lacks when the provider refuses, as a permanent error', async () => {
      world.refuseSuspend();

      const error = await world.provider.suspendUser(world.alice.id).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(PermanentError);
      expect((error as Error).message).toContain(fixture.suspendPermission);
      expect(world.accountState(world.alice.id)).toBe('active');
    });

    it('turns a 500 into a retryable error, then suspends on the next try', async () => {
      world.failNextSuspend();

      await expect(world.provider.suspendUser(world.alice.id)).rejects.toBeInstanceOf(RetryableError);
      expect(await world.provider.suspendUser(world.alice.id)).toBe('suspended');
    });
  });

  describe('the managers a review reads', () => {
    it("answers every user's manager, null for a user without one and for an id nobody has", async () => {
      const answers = await world.provider.managersOf([world.alice.id, world.bob.id, 'no-such-user']);

      expect(answers).toEqual(
        new Map([
          [world.alice.id, world.alice.managerEmail],
          [world.bob.id, null],
          ['no-such-user', null],
        ]),
      );
      expect([...answers.keys()]).toEqual([world.alice.id, world.bob.id, 'no-such-user']);
    });

    it('answers as findUserByEmail names the manager', async () => {
      const found = await world.provider.findUserByEmail(world.alice.email);

      expect((await world.provider.managersOf([world.alice.id])).get(world.alice.id)).toBe(found?.managerEmail);
    });

    it(`reads the managers of ${fixture.bulkMembers} users in ${fixture.bulkManagersCalls} calls, not a call per user`, async () => {
      const ids = world.addMembers(fixture.bulkMembers).map((m) => m.id);
      const before = world.directoryCalls();

      const answers = await world.provider.managersOf(ids);

      expect(answers.size).toBe(fixture.bulkMembers);
      expect(new Set(answers.values())).toEqual(new Set([world.alice.email]));
      expect(world.directoryCalls() - before).toBe(fixture.bulkManagersCalls);
    });

    it(`reads them in ${fixture.managersAfterListingCalls} calls right after their group was listed`, async () => {
      const ids = world.addMembers(fixture.bulkMembers).map((m) => m.id);
      await world.provider.listGroupMemberProfiles(world.groupId);
      const before = world.directoryCalls();

      const answers = await world.provider.managersOf(ids);

      expect(new Set(answers.values())).toEqual(new Set([world.alice.email]));
      expect(world.directoryCalls() - before).toBe(fixture.managersAfterListingCalls);
    });
  });

  it('passes its health check', async () => {
    await expect(world.provider.checkHealth()).resolves.toBeUndefined();
  });
});
