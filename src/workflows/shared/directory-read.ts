/**
 * Reading the identity providers' directories at scale, shared by every capability that lists the
 * catalog's groups (access reviews, the drift check): each group is listed once however many roles or apps
 * name it, each provider's reads go a few at a time, and the first failure stops the reads not yet started
 * and is thrown once the reads under way have ended (so a retried run never races a failed one).
 */
import type { CatalogApp, CatalogRole, ProviderKind } from '../../domain/types.js';
import type { GroupMember, IdentityProvider, LastSignIn } from '../../identity/types.js';
import { providerFor, type SideEffectDeps } from './deps.js';

/**
 * Reads in flight at once per provider. Each adapter read (a group's member listing, an app's sign-ins) is
 * its calls one after another, so this bounds the calls in flight too. A few overlap the round trips that
 * otherwise add up app after app (`npm run bench -- review`: 5,000 items over 20 apps, provider reads 8 s
 * → 2 s); Okta's concurrency limit is 35 to 75 transactions an org (its guidance: "even large bulk loads
 * rarely require more than 10"), and the rest of Keycard shares it.
 */
export const READS_AT_ONCE = 4;

/** Remembers the first failure; after it, reads not yet started are skipped rather than made. */
export interface ReadState {
  failure: { readonly error: unknown } | null;
}

/** Runs reads at most `limit` at a time, in the order asked. */
export function readGate(limit: number, state: ReadState): <T>(read: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (read) => {
    if (active < limit) active += 1;
    // A finishing read hands its place straight to the next one waiting.
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      if (state.failure) throw new Error('skipped: an earlier read failed');
      return await read();
    } catch (error) {
      state.failure ??= { error };
      throw error;
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

/**
 * Every answer, in order, once all have ended: no read is still going when the caller gives up (and a
 * retried run does not race the failed one).
 */
export async function allEnded<T>(pending: ReadonlyArray<Promise<T>>): Promise<T[]> {
  const outcomes = await Promise.allSettled(pending);
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) throw failure.reason;
  return outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
}

/** How a (provider, group) listing is keyed in `readMemberships`' answer. */
export function membershipKey(provider: ProviderKind, group: string): string {
  return `${provider}:${group}`;
}

/** One run's reads of the directories: every read goes through its provider's gate; listings are shared. */
export interface DirectoryReader {
  /** The group's members with profiles and account state (`listGroupMemberProfiles`), listed once per run. */
  members(provider: ProviderKind, group: string): Promise<GroupMember[]>;
  /** Last sign-ins of many users (`lastSignIns`), for one app when `appId` is given. */
  signIns(provider: ProviderKind, users: readonly string[], appId?: string): Promise<Map<string, LastSignIn>>;
  /** Any other read of one provider (a group search), through the same gate. */
  read<T>(provider: ProviderKind, read: (idp: IdentityProvider) => Promise<T>): Promise<T>;
  /** Throws the run's first failure, if any: call once every read asked for has ended. */
  throwIfFailed(): void;
}

export function directoryReader(deps: SideEffectDeps, limit = READS_AT_ONCE): DirectoryReader {
  const state: ReadState = { failure: null };
  const gates = new Map<ProviderKind, ReturnType<typeof readGate>>();
  const gate = (provider: ProviderKind) => gates.get(provider) ?? gates.set(provider, readGate(limit, state)).get(provider)!;
  const listings = new Map<string, Promise<GroupMember[]>>();
  return {
    members(provider, group) {
      const key = membershipKey(provider, group);
      let found = listings.get(key);
      if (!found) {
        found = gate(provider)(() => providerFor(deps, provider).listGroupMemberProfiles(group));
        listings.set(key, found);
      }
      return found;
    },
    signIns: (provider, users, appId) => gate(provider)(() => providerFor(deps, provider).lastSignIns(users, appId)),
    read: (provider, read) => gate(provider)(() => read(providerFor(deps, provider))),
    throwIfFailed() {
      if (state.failure) throw state.failure.error;
    },
  };
}

/**
 * The members of every (provider, group) asked for, keyed by `membershipKey`: each group listed once, each
 * provider's listings READS_AT_ONCE at a time; the first failure is thrown once the listings under way ended.
 */
export async function readMemberships(deps: SideEffectDeps, groups: Iterable<{ readonly provider: ProviderKind; readonly group: string }>, reader = directoryReader(deps)): Promise<Map<string, GroupMember[]>> {
  const wanted = new Map<string, { provider: ProviderKind; group: string }>();
  for (const { provider, group } of groups) wanted.set(membershipKey(provider, group), { provider, group });
  const lists = await Promise.allSettled([...wanted].map(async ([key, { provider, group }]) => [key, await reader.members(provider, group)] as const));
  reader.throwIfFailed();
  const found = new Map<string, GroupMember[]>();
  for (const list of lists) {
    if (list.status === 'rejected') throw list.reason;
    found.set(list.value[0], list.value[1]);
  }
  return found;
}

/** One person's membership of one role of an app: the groups of the role they are in. */
export interface RoleMember {
  readonly app: CatalogApp;
  readonly role: CatalogRole;
  readonly member: GroupMember;
  readonly groups: string[];
}

/**
 * Which sign-ins to read for an app: `app` (the provider's id of the app: its own sign-in log), `overall`
 * (the last sign-in anywhere), or `none` (no call at all).
 */
export type SignInRead = { readonly kind: 'app'; readonly appId: string } | { readonly kind: 'overall' } | { readonly kind: 'none' };

/** One app: every role's groups listed, merged into one entry per role and member, then the members' sign-ins. */
async function readRoleMembers(app: CatalogApp, reader: DirectoryReader, signIn: SignInRead): Promise<{ found: RoleMember[]; signIns: ReadonlyMap<string, LastSignIn> }> {
  const roles = await allEnded(app.roles.map(async (role) => ({ role, lists: await allEnded(role.groups.map(async (group) => ({ group, members: await reader.members(app.provider, group) }))) })));
  const byEntry = new Map<string, RoleMember>();
  for (const { role, lists } of roles) {
    for (const { group, members } of lists) {
      for (const member of members) {
        const key = `${role.id}\u0000${member.id}`;
        const entry = byEntry.get(key);
        if (entry) entry.groups.push(group);
        else byEntry.set(key, { app, role, member, groups: [group] });
      }
    }
  }
  const found = [...byEntry.values()];
  const users = [...new Set(found.map((i) => i.member.id))];
  const signIns = users.length === 0 || signIn.kind === 'none' ? new Map<string, LastSignIn>() : await reader.signIns(app.provider, users, signIn.kind === 'app' ? signIn.appId : undefined);
  return { found, signIns };
}

/** What the providers said: the role members of every app, and sign-ins keyed `${appId}\0${userId}`. */
export interface DirectoryRead {
  readonly found: RoleMember[];
  readonly signIns: Map<string, LastSignIn>;
}

/**
 * Every app's role members and sign-ins (which sign-ins: `signInRead`, per app), every app at once through
 * one reader (auto reclaim judges inactivity by it); entries come out in catalog order whatever order the
 * answers came in.
 */
export async function readDirectory(deps: SideEffectDeps, apps: readonly CatalogApp[], signInRead: (app: CatalogApp) => SignInRead, reader = directoryReader(deps)): Promise<DirectoryRead> {
  const perApp = await Promise.allSettled(apps.map((app) => readRoleMembers(app, reader, signInRead(app))));
  reader.throwIfFailed();
  const found: RoleMember[] = [];
  const signIns = new Map<string, LastSignIn>();
  perApp.forEach((read, i) => {
    if (read.status === 'rejected') throw read.reason;
    found.push(...read.value.found);
    for (const [user, answer] of read.value.signIns) signIns.set(`${apps[i]?.id}\u0000${user}`, answer);
  });
  return { found, signIns };
}
