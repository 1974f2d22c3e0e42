/**
 * Which birthright bundles a person's profile matches, and what a bundle asks for role by role. Pure: the
 * profile comes from the identity provider, the bundles from the catalog.
 */
import { findApp, findRole } from './catalog.js';
import type { BundleAttribute, Catalog, CatalogApp, CatalogBundle, CatalogRole } from './types.js';

/** The profile fields a bundle can match, as the identity provider gives them. */
export interface BundleProfile {
  readonly department: string | null;
  readonly title: string | null;
  readonly managerEmail: string | null;
}

function norm(value: string): string {
  return value.trim().toLowerCase();
}

function valueOf(profile: BundleProfile, attribute: BundleAttribute): string | null {
  if (attribute === 'manager') return profile.managerEmail;
  return profile[attribute];
}

/** True when every attribute of the bundle's `when` equals one of its values in the profile, ignoring case. */
export function bundleMatches(bundle: CatalogBundle, profile: BundleProfile): boolean {
  return (Object.entries(bundle.when) as Array<[BundleAttribute, readonly string[]]>).every(([attribute, values]) => {
    const value = valueOf(profile, attribute);
    return value !== null && values.some((v) => norm(v) === norm(value));
  });
}

/** The catalog's bundles the profile matches, in catalog order. */
export function matchingBundles(catalog: Catalog, profile: BundleProfile): CatalogBundle[] {
  return (catalog.bundles ?? []).filter((b) => bundleMatches(b, profile));
}

export function findBundle(catalog: Catalog, id: string): CatalogBundle | undefined {
  const wanted = norm(id);
  return (catalog.bundles ?? []).find((b) => b.id === wanted);
}

/** `department Data`, `department Data or Analytics and title Analyst`, `everyone`. */
export function describeWhen(bundle: CatalogBundle): string {
  const parts = (Object.entries(bundle.when) as Array<[BundleAttribute, readonly string[]]>).map(([attribute, values]) => `${attribute} ${values.join(' or ')}`);
  return parts.length > 0 ? parts.join(' and ') : 'everyone';
}

/** A bundle role as the catalog in force has it: granted as birthright (auto-approved) or filed for approval. */
export interface BundleRole {
  readonly app: CatalogApp;
  readonly role: CatalogRole;
  readonly birthright: boolean;
}

/**
 * The bundle's roles that the catalog in force still has and that give standing access (a reload can drop
 * or change a role after the bundle was written): auto-approved ones are birthright, the rest need approval.
 */
export function bundleRoles(catalog: Catalog, bundle: CatalogBundle): BundleRole[] {
  return bundle.roles.flatMap(({ app: appId, role: roleId }) => {
    const app = findApp(catalog, appId);
    const role = app ? findRole(app, roleId) : undefined;
    if (!app || !role || (role.durationsMs?.length ?? 0) > 0) return [];
    return [{ app, role, birthright: role.approval.kind === 'auto' }];
  });
}

/** The words recorded as the approval of a birthright role: `birthright: bundle data-eng`. */
export function birthrightNote(bundle: CatalogBundle): string {
  return `birthright: bundle ${bundle.id}`;
}
