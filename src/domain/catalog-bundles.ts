/**
 * The catalog's `bundles` key: birthright roles by profile attribute. Every problem is reported with the
 * file, line and field like the rest of the catalog: an unknown key or attribute, an app or role the catalog
 * does not have, a time-bound role (a bundle gives standing access), a role listed twice. Roles that need
 * approval are allowed: onboarding files them as requests on the person's behalf.
 */
import { describeNode, readList, readMap, readTextList, report, requireKey, scalarText } from './catalog-yaml.js';
import type { Entry, MapEntries, Reader } from './catalog-yaml.js';
import { closestMatches } from './suggest.js';
import type { BundleAttribute, CatalogApp, CatalogBundle } from './types.js';

export const BUNDLE_KEYS = ['id', 'name', 'when', 'roles'] as const;
export const BUNDLE_ATTRIBUTES: readonly BundleAttribute[] = ['department', 'title', 'manager'];

const SLUG_RE = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const SLUG_RULE = "use 1 to 40 lowercase letters, digits, '-' or '_', starting with a letter or digit";
const ROLE_RE = /^([^/\s]+)\/([^/\s]+)$/;

/**
 * Reads `bundles`. `apps` are the apps read so far; when the file already has problems (`checkRefs` false)
 * an app or role that is not found may only have failed its own checks, so it is not reported again.
 */
export function readBundles(r: Reader, entry: Entry, apps: readonly CatalogApp[], checkRefs: boolean): CatalogBundle[] {
  const items = readList(r, entry, 'bundles');
  if (items === null) return [];
  const seen = new Map<string, number>();
  const bundles: CatalogBundle[] = [];
  for (const item of items) {
    const bundle = readBundle(r, item, apps, checkRefs, seen);
    if (bundle) bundles.push(bundle);
  }
  return bundles;
}

function readBundle(r: Reader, entry: Entry, apps: readonly CatalogApp[], checkRefs: boolean, seen: Map<string, number>): CatalogBundle | undefined {
  const map = readMap(r, entry, BUNDLE_KEYS, `a bundle: a map with keys ${BUNDLE_KEYS.join(', ')}`);
  if (map === null) return undefined;
  const id = readBundleId(r, map, seen);
  const nameEntry = map.entries.get('name');
  const name = nameEntry ? scalarText(nameEntry.node) : null;
  if (nameEntry && (name === null || name.trim() === '' || [...name].length > 75)) {
    report(r, nameEntry.line, nameEntry.path, `name must be text of 1 to 75 characters; got ${describeNode(nameEntry.node)}`);
  }
  const when = readWhen(r, map);
  const roles = readBundleRoles(r, map, apps, checkRefs);
  if (id === undefined || when === undefined || roles === undefined) return undefined;
  return { id, name: name?.trim() || id, when, roles };
}

function readBundleId(r: Reader, map: MapEntries, seen: Map<string, number>): string | undefined {
  const entry = requireKey(r, map, 'id', "give the bundle a slug id such as 'data-eng'");
  if (entry === undefined) return undefined;
  const id = scalarText(entry.node);
  if (id === null || !SLUG_RE.test(id)) {
    report(r, entry.line, entry.path, `${describeNode(entry.node)} is not a valid bundle id; ${SLUG_RULE}`);
    return undefined;
  }
  const first = seen.get(id);
  if (first !== undefined) {
    report(r, entry.line, entry.path, `duplicate bundle id '${id}' (first used on line ${first})`);
    return undefined;
  }
  seen.set(id, entry.line);
  return id;
}

/** `when: { department: Data, title: [Analyst, Data Engineer] }`; absent: everyone. */
function readWhen(r: Reader, map: MapEntries): CatalogBundle['when'] | undefined {
  const entry = map.entries.get('when');
  if (entry === undefined) return {};
  const when = readMap(r, entry, BUNDLE_ATTRIBUTES, `a map of profile attributes (${BUNDLE_ATTRIBUTES.join(', ')}) to a value or a list of values`);
  if (when === null) return undefined;
  const out: Partial<Record<BundleAttribute, readonly string[]>> = {};
  let ok = true;
  for (const [key, value] of when.entries) {
    const attribute = BUNDLE_ATTRIBUTES.find((a) => a === key);
    if (!attribute) continue; // reported by readMap
    const single = scalarText(value.node);
    const values = single !== null ? [{ text: single, line: value.line }] : readTextList(r, value, `when.${key}`);
    if (values === null) {
      ok = false;
      continue;
    }
    if (values.length === 0 || values.some((v) => v.text.trim() === '')) {
      report(r, value.line, value.path, `${key} needs at least one non-empty value to match`);
      ok = false;
      continue;
    }
    out[attribute] = values.map((v) => v.text.trim());
  }
  return ok ? out : undefined;
}

/** `roles: [looker/viewer, snowflake/analyst]`: each an app and one of its standing roles. */
function readBundleRoles(r: Reader, map: MapEntries, apps: readonly CatalogApp[], checkRefs: boolean): CatalogBundle['roles'] | undefined {
  const entry = requireKey(r, map, 'roles', 'list the roles as app/role, e.g. [salesforce/viewer]');
  if (entry === undefined) return undefined;
  const items = readTextList(r, entry, 'roles');
  if (items === null) return undefined;
  if (items.length === 0) {
    report(r, entry.line, entry.path, 'roles is empty; list at least one role as app/role');
    return undefined;
  }
  const roles: Array<{ app: string; role: string }> = [];
  let ok = true;
  for (const item of items) {
    const match = ROLE_RE.exec(item.text.trim());
    if (!match) {
      report(r, item.line, entry.path, `'${item.text}' is not app/role; write it as e.g. salesforce/viewer`);
      ok = false;
      continue;
    }
    const appId = (match[1] ?? '').toLowerCase();
    const roleId = (match[2] ?? '').toLowerCase();
    if (roles.some((x) => x.app === appId && x.role === roleId)) {
      report(r, item.line, entry.path, `duplicate role '${appId}/${roleId}'`);
      ok = false;
      continue;
    }
    const app = apps.find((a) => a.id === appId);
    const role = app?.roles.find((x) => x.id === roleId);
    if (!app) {
      if (checkRefs) {
        const [guess] = closestMatches(appId, apps.map((a) => a.id), 1);
        report(r, item.line, entry.path, `no app '${appId}' in the catalog${guess ? ` (did you mean '${guess}'?)` : ''}; apps: ${apps.map((a) => a.id).join(', ')}`);
        ok = false;
      }
      continue;
    }
    if (!role) {
      if (checkRefs) {
        report(r, item.line, entry.path, `app '${appId}' has no role '${roleId}'; its roles: ${app.roles.map((x) => x.id).join(', ')}`);
        ok = false;
      }
      continue;
    }
    if ((role.durationsMs?.length ?? 0) > 0) {
      report(r, item.line, entry.path, `'${appId}/${roleId}' is time-bound (it has durations): a bundle gives standing access, so leave it out and let people request it when they need it`);
      ok = false;
      continue;
    }
    roles.push({ app: appId, role: roleId });
  }
  return ok ? roles : undefined;
}
