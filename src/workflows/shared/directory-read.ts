/**
 * Reading what the identity providers say people hold: for every role of the apps asked about, the members of
 * the role's groups (each group listed once, with profiles, all pages), one entry per person and role (a
 * member of several groups of one role is one entry), and each app's sign-ins for its members in one batched
 * read. Access reviews build their items from it and auto reclaim judges inactivity by it.
 *
 * Every app is read at once, each provider's reads through a gate (READS_AT_ONCE); the entries come out in
 * catalog order whatever order the answers came in; the first failure is thrown once the reads under way
 * have ended, and reads not yet started are skipped.
 */
import type { CatalogApp, CatalogRole, ProviderKind } from '../../domain/types.js';
import type { GroupMember, LastSignIn } from '../../identity/types.js';
import { providerFor, type SideEffectDeps } from './deps.js';

/** One person's membership of one role of an app: the groups of the role they are in. */
export interface RoleMember {
  readonly app: CatalogApp;
  readonly role: CatalogRole;
  readonly member: GroupMember;
  readonly groups: string[];
}

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
 * retried job does not race the failed one).
 */
export async function allEnded<T>(pending: ReadonlyArray<Promise<T>>): Promise<T[]> {
  const outcomes = await Promise.allSettled(pending);
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) throw failure.reason;
  return outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
}

/**
 * Which sign-ins to read for an app: `app` (the provider's id of the app: its own sign-in log), `overall`
 * (the last sign-in anywhere), or `none` (no call at all).
 */
export type SignInRead = { readonly kind: 'app'; readonly appId: string } | { readonly kind: 'overall' } | { readonly kind: 'none' };

type Reads = {
  readonly listed: (provider: ProviderKind, group: string) => Promise<GroupMember[]>;
  readonly signIns: (app: CatalogApp, users: readonly string[], read: SignInRead) => Promise<Map<string, LastSignIn>>;
};

/** One app: every role's groups listed, merged into one entry per role and member, then the members' sign-ins. */
async function readApp(app: CatalogApp, reads: Reads, signIn: SignInRead): Promise<{ found: RoleMember[]; signIns: ReadonlyMap<string, LastSignIn> }> {
  const roles = await allEnded(app.roles.map(async (role) => ({ role, lists: await allEnded(role.groups.map(async (group) => ({ group, members: await reads.listed(app.provider, group) }))) })));
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
  const signIns = users.length === 0 || signIn.kind === 'none' ? new Map<string, LastSignIn>() : await reads.signIns(app, users, signIn);
  return { found, signIns };
}

/** What the providers said: the role members of every app, and sign-ins keyed `${appId}\0${userId}`. */
export interface DirectoryRead {
  readonly found: RoleMember[];
  readonly signIns: Map<string, LastSignIn>;
}

/**
 * Reads every app's members and sign-ins (which sign-ins: `signInRead`, per app); the calls made are what
 * the read costs the providers. Each group is listed once however many roles of these apps name it.
 */
export async function readDirectory(deps: SideEffectDeps, apps: readonly CatalogApp[], signInRead: (app: CatalogApp) => SignInRead): Promise<DirectoryRead> {
  const state: ReadState = { failure: null };
  const gates = new Map<ProviderKind, ReturnType<typeof readGate>>();
  const gate = (provider: ProviderKind) => gates.get(provider) ?? gates.set(provider, readGate(READS_AT_ONCE, state)).get(provider)!;
  const listings = new Map<string, Promise<GroupMember[]>>();
  const reads: Reads = {
    listed(provider, group) {
      const key = `${provider}:${group}`;
      let found = listings.get(key);
      if (!found) {
        found = gate(provider)(() => providerFor(deps, provider).listGroupMemberProfiles(group));
        listings.set(key, found);
      }
      return found;
    },
    signIns: (app, users, read) => gate(app.provider)(() => providerFor(deps, app.provider).lastSignIns(users, read.kind === 'app' ? read.appId : undefined)),
  };
  const perApp = await Promise.allSettled(apps.map((app) => readApp(app, reads, signInRead(app))));
  if (state.failure) throw state.failure.error;
  const found: RoleMember[] = [];
  const signIns = new Map<string, LastSignIn>();
  perApp.forEach((read, i) => {
    if (read.status === 'rejected') throw read.reason;
    found.push(...read.value.found);
    for (const [user, answer] of read.value.signIns) signIns.set(`${apps[i]?.id}\u0000${user}`, answer);
  });
  return { found, signIns };
}
