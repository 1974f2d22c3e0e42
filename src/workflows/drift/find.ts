/**
 * Finding drift: the catalog, the identity providers and Keycard's records compared, read fresh from the
 * providers. Three kinds of drift, plus the accounts the lifecycle work needs:
 * - catalog groups their provider does not have (one group listing per provider, `findMissingGroups`);
 * - provider groups named like a catalog app (the app's id or name starts the group's name, the providers'
 *   own group search) that no role of the catalog maps;
 * - members of catalog groups whose membership Keycard did not grant (added by hand in the provider): each
 *   group's members (each group listed once, a few reads at a time: shared/directory-read.ts) against the
 *   groups live Keycard grants hold;
 * - accounts the provider lists as suspended or deactivated that are still in catalog groups, with the
 *   live Keycard grants of each (the lifecycle work ends those).
 * Manual apps have no groups to compare and are left out, as are apps whose provider has no settings.
 */
import type { AppDrift, DriftReport, HandAddedMember, InactiveAccount, UnmappedGroupDrift } from '../../domain/drift.js';
import type { CatalogApp, ProviderKind } from '../../domain/types.js';
import { findMissingCatalogGroups } from '../../identity/catalog-groups.js';
import type { GroupMember, IdentityGroup } from '../../identity/types.js';
import type { SideEffectDeps } from '../shared/deps.js';
import { directoryReader, membershipKey, readMemberships } from '../shared/directory-read.js';

/** Groups a search returns at most, per app and term; a catalog app rarely has more groups named after it. */
const SEARCH_LIMIT = 100;

/** The words a provider group's name may start with to look like the app: its id and its name. */
function searchTerms(app: CatalogApp): string[] {
  return [...new Set([app.id, app.name].map((t) => t.trim()).filter(Boolean).map((t) => t.toLowerCase()))];
}

export async function findDrift(deps: SideEffectDeps): Promise<DriftReport> {
  const catalog = deps.catalog();
  const at = deps.clock.now().getTime();
  const apps = catalog.apps.filter((app) => app.provider !== 'manual' && deps.providers[app.provider] !== undefined);
  // The whole catalog, so each group keeps its file, line and field (unconfigured providers are skipped there).
  const missing = await findMissingCatalogGroups(catalog, deps.providers);
  const gone = new Set(missing.map((m) => membershipKey(m.provider, m.groupId)));

  const reader = directoryReader(deps);
  const wanted = apps.flatMap((app) => app.roles.flatMap((role) => role.groups.map((group) => ({ provider: app.provider, group })))).filter((g) => !gone.has(membershipKey(g.provider, g.group)));
  const searches = apps.flatMap((app) => searchTerms(app).map(async (term) => ({ app, groups: await reader.read(app.provider, (idp) => idp.searchGroups(term, SEARCH_LIMIT)) })));
  const [members, found] = await Promise.all([readMemberships(deps, wanted, reader), Promise.allSettled(searches)]);
  reader.throwIfFailed();
  const searched = found.map((f) => {
    if (f.status === 'rejected') throw f.reason;
    return f.value;
  });

  return {
    at,
    missingGroups: missing.map((m) => ({ appId: m.appId, roleId: m.roleId, provider: m.provider, groupId: m.groupId, where: `${m.file}:${m.line} ${m.field}` })),
    unmappedGroups: unmapped(apps, searched),
    apps: handAdded(deps, apps, members),
    inactive: inactiveAccounts(deps, apps, members),
  };
}

/** Groups found by name that no role of any app of the same provider names (by id, or by a Google email). */
function unmapped(apps: readonly CatalogApp[], searched: ReadonlyArray<{ app: CatalogApp; groups: IdentityGroup[] }>): UnmappedGroupDrift[] {
  const mapped = new Map<ProviderKind, Set<string>>();
  for (const app of apps) {
    const ids = mapped.get(app.provider) ?? mapped.set(app.provider, new Set()).get(app.provider)!;
    for (const role of app.roles) for (const group of role.groups) ids.add(group.toLowerCase());
  }
  const seen = new Set<string>();
  const result: UnmappedGroupDrift[] = [];
  for (const { app, groups } of searched) {
    const ids = mapped.get(app.provider) ?? new Set<string>();
    for (const group of groups) {
      const names = [group.id, ...(group.aliases ?? [])].map((n) => n.toLowerCase());
      const key = membershipKey(app.provider, group.id);
      if (names.some((n) => ids.has(n)) || seen.has(key)) continue;
      seen.add(key);
      result.push({ provider: app.provider, groupId: group.id, name: group.name, appId: app.id });
    }
  }
  return result;
}

/** Per app, the members of its roles' groups whose membership no live Keycard grant accounts for. */
function handAdded(deps: SideEffectDeps, apps: readonly CatalogApp[], members: ReadonlyMap<string, GroupMember[]>): AppDrift[] {
  const keycard = new Map<ProviderKind, Set<string>>();
  const granted = (provider: ProviderKind) => keycard.get(provider) ?? keycard.set(provider, deps.store.grants.keycardMemberships(provider)).get(provider)!;
  const result: AppDrift[] = [];
  for (const app of apps) {
    const byMember = new Map<string, { member: GroupMember; roles: string[]; groups: string[] }>();
    for (const role of app.roles) {
      for (const group of role.groups) {
        for (const member of members.get(membershipKey(app.provider, group)) ?? []) {
          if (granted(app.provider).has(`${member.id}\u0000${group}`)) continue;
          const entry = byMember.get(member.id) ?? byMember.set(member.id, { member, roles: [], groups: [] }).get(member.id)!;
          if (!entry.roles.includes(role.id)) entry.roles.push(role.id);
          if (!entry.groups.includes(group)) entry.groups.push(group);
        }
      }
    }
    if (byMember.size === 0) continue;
    const people: HandAddedMember[] = [...byMember.values()].map(({ member, roles, groups }) => ({
      idpUserId: member.id,
      email: member.email,
      name: member.displayName || member.email,
      status: member.status,
      roles,
      groups,
    }));
    result.push({ appId: app.id, appName: app.name, provider: app.provider, handAdded: people });
  }
  return result;
}

/** Accounts listed as suspended or deactivated in any catalog group, once each, with their live Keycard grants. */
function inactiveAccounts(deps: SideEffectDeps, apps: readonly CatalogApp[], members: ReadonlyMap<string, GroupMember[]>): InactiveAccount[] {
  const accounts = new Map<string, { provider: ProviderKind; member: GroupMember; status: 'suspended' | 'deactivated'; groups: string[] }>();
  for (const app of apps) {
    for (const role of app.roles) {
      for (const group of role.groups) {
        for (const member of members.get(membershipKey(app.provider, group)) ?? []) {
          if (member.status === 'active') continue;
          const key = membershipKey(app.provider, member.id);
          const entry = accounts.get(key) ?? accounts.set(key, { provider: app.provider, member, status: member.status, groups: [] }).get(key)!;
          if (!entry.groups.includes(group)) entry.groups.push(group);
        }
      }
    }
  }
  return [...accounts.values()].map(({ provider, member, status, groups }) => ({
    provider,
    idpUserId: member.id,
    email: member.email,
    name: member.displayName || member.email,
    status,
    groups,
    grants: deps.store.grants.liveOfAccount(provider, member.id).map((g) => ({ grantId: g.id, requestId: g.requestId, appId: g.appId, roleId: g.roleId, userSlackId: g.userSlackId })),
  }));
}
