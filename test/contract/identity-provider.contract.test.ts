/**
 * One contract every identity adapter passes identically, against its own fake speaking the real REST
 * shapes through the real SDK client. Add an adapter's fixture to FIXTURES to hold it to the contract.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IdentityMatchError, PermanentError, RetryableError } from '../../src/domain/errors.js';
import type { ProviderKind } from '../../src/domain/types.js';
import { PROVIDER_FACTORIES } from '../../src/identity/registry.js';
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

    expect(groups).toContainEqual({ id: world.groupId, name: 'keycard-contract-admins' });
  });

  it('passes its health check', async () => {
    await expect(world.provider.checkHealth()).resolves.toBeUndefined();
  });
});
