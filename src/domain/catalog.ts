/**
 * The catalog file, format v1 (ARCHITECTURE.md, "Catalog file"): parsing, validation that names
 * the file, line and field of every problem at once, and lookups.
 */
import { LineCounter, parseDocument } from 'yaml';
import {
  describeNode,
  errorLine,
  readList,
  readMap,
  readTextList,
  report,
  requireKey,
  scalarText,
} from './catalog-yaml.js';
import type { Entry, MapEntries, Reader } from './catalog-yaml.js';
import { readBundles } from './catalog-bundles.js';
import { PERSON_RULE, readApproval, readDistinctApprovers, readFallback, readTiming } from './catalog-policy.js';
import { readReclaim } from './catalog-reclaim.js';
import { isPersonRef } from './routing.js';
import type {
  Catalog,
  CatalogApp,
  CatalogIssue,
  CatalogResult,
  CatalogRole,
  ProviderKind,
} from './types.js';

const TOP_KEYS = ['version', 'approverGroups', 'apps', 'bundles'] as const;
/** The keys an app may have (README documents each). */
export const APP_KEYS = ['id', 'name', 'description', 'category', 'owner', 'provider', 'signInApp', 'fallback', 'fulfillers', 'roles', 'reclaim'] as const;
/** The keys a role may have (README documents each). */
export const ROLE_KEYS = ['id', 'name', 'description', 'groups', 'approval', 'durations', 'maxDuration', 'extend', 'fallback', 'distinctApprovers'] as const;
const PROVIDERS: readonly ProviderKind[] = ['okta', 'entra', 'google', 'manual'];

const SLUG_RE = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const SLUG_RULE = "use 1 to 40 lowercase letters, digits, '-' or '_', starting with a letter or digit";
// Slack's limits for option text and descriptions, where names and descriptions end up.
const NAME_MAX = 75;
const DESCRIPTION_MAX = 150;

/**
 * Parses and validates a catalog file. Never throws: a YAML syntax error is one issue with its
 * line; otherwise every rule violation in the file is reported, each with line and dotted field.
 */
export function parseCatalog(text: string, file: string): CatalogResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const r: Reader = { file, doc, lines, issues: [], groupLines: {} };

  // Later syntax errors are usually echoes of the first one, so only the first is reported.
  const syntax = doc.errors[0];
  if (syntax !== undefined) {
    // The library's wording for this one points at its own API; operators need the fix instead.
    const detail =
      syntax.code === 'MULTIPLE_DOCS'
        ? "the file holds more than one YAML document; remove the '---' separator"
        : (syntax.message.split('\n')[0] ?? '');
    const message = `YAML syntax error: ${detail}`;
    return { ok: false, issues: [{ file, line: errorLine(r, syntax.pos[0]), field: '', message }] };
  }

  const root = readMap(r, { node: doc.contents, line: 1, path: '' }, TOP_KEYS, `a map with keys ${TOP_KEYS.join(', ')}`);
  if (root === null) return { ok: false, issues: r.issues };

  const version = requireKey(r, root, 'version', 'it must be 1');
  const versionText = version === undefined ? undefined : scalarText(version.node);
  if (version !== undefined && versionText !== '1') {
    report(r, version.line, version.path, `unsupported version ${versionText ?? describeNode(version.node)}; allowed: 1`);
  }
  const groupsEntry = root.entries.get('approverGroups');
  const approverGroups = groupsEntry === undefined ? {} : readApproverGroups(r, groupsEntry);
  const appsEntry = requireKey(r, root, 'apps', 'list the requestable apps');
  const apps = appsEntry === undefined ? [] : readApps(r, appsEntry, approverGroups);
  const bundlesEntry = root.entries.get('bundles');
  const bundles = bundlesEntry === undefined ? [] : readBundles(r, bundlesEntry, apps, r.issues.length === 0);

  // Unknown keys are found while a map is opened, before its fields; operators read by line.
  const issues = [...r.issues].sort((a, b) => a.line - b.line);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, catalog: { version: 1, approverGroups, apps, ...(bundles.length > 0 ? { bundles } : {}), source: { file, groupLines: r.groupLines } } };
}

/** One line per issue: `catalog.yaml:14 apps[1].roles[0].durations: '6x' is not a duration; ...`. */
export function formatCatalogIssues(issues: readonly CatalogIssue[]): string {
  return issues
    .map((issue) => {
      const where = `${issue.file}:${issue.line}`;
      return issue.field === '' ? `${where} ${issue.message}` : `${where} ${issue.field}: ${issue.message}`;
    })
    .join('\n');
}

/** The app with this id, ignoring case (people type `/request Salesforce`). */
export function findApp(catalog: Catalog, id: string): CatalogApp | undefined {
  const wanted = id.trim().toLowerCase();
  return catalog.apps.find((app) => app.id === wanted);
}

/** The role of `app` with this id, ignoring case. */
export function findRole(app: CatalogApp, id: string): CatalogRole | undefined {
  const wanted = id.trim().toLowerCase();
  return app.roles.find((role) => role.id === wanted);
}

/** A role is time-bound when the catalog lists durations for it: the requester must pick one. */
export function isTimeBound(role: CatalogRole): boolean {
  return role.durationsMs !== undefined && role.durationsMs.length > 0;
}

/** `fulfillers`: the people who carry out grants and removals of a manual app (besides the admins). */
function readFulfillers(r: Reader, map: MapEntries, provider: string | undefined): readonly string[] | undefined {
  const entry = map.entries.get('fulfillers');
  if (entry === undefined) return undefined;
  if (provider !== undefined && provider !== 'manual') {
    report(r, entry.keyLine, entry.path, `fulfillers only apply to apps with provider manual (this app uses ${provider})`);
    return undefined;
  }
  const people = readTextList(r, entry, 'fulfillers');
  if (people === null) return undefined;
  for (const person of people) {
    if (!isPersonRef(person.text)) report(r, person.line, entry.path, `'${person.text}' is not a person; ${PERSON_RULE}`);
  }
  return people.map((p) => p.text);
}

/** What `signInApp` is in each provider's terms, for the message when it is not usable. */
const SIGN_IN_APP_WORDS: Record<Exclude<ProviderKind, 'manual'>, string> = {
  okta: 'the Okta app instance id (0oa...)',
  entra: 'the Entra application (client) id',
  google: "the SAML app's name in the Admin console or the OAuth client id",
};

/**
 * `signInApp`: the provider's own id of the app, so an access review can ask for the last sign-in to this
 * app rather than to the directory as a whole. A manual app has no sign-in record to ask.
 */
function readSignInApp(r: Reader, map: MapEntries, provider: ProviderKind | undefined): string | undefined {
  const entry = map.entries.get('signInApp');
  if (entry === undefined) return undefined;
  if (provider === 'manual') {
    report(r, entry.keyLine, entry.path, 'signInApp does not apply to apps with provider manual (a manual app has no sign-in record to read); remove it');
    return undefined;
  }
  const text = scalarText(entry.node);
  if (text === null || text.trim() === '') {
    const what = provider === undefined ? "the provider's id of the app" : SIGN_IN_APP_WORDS[provider];
    report(r, entry.line, entry.path, `signInApp must be non-empty text: ${what}; got ${describeNode(entry.node)}`);
    return undefined;
  }
  return text;
}

function readApproverGroups(r: Reader, entry: Entry): Record<string, readonly string[]> {
  const groups: Record<string, readonly string[]> = {};
  const map = readMap(r, entry, null, 'a map of group names to lists of people');
  if (map === null) return groups;
  for (const [name, group] of map.entries) {
    const validName = SLUG_RE.test(name);
    if (!validName) {
      report(r, group.keyLine, group.path, `'${name}' is not a valid group name; ${SLUG_RULE}`);
    }
    const members = readTextList(r, group, `approver group '${name}'`);
    if (members === null) continue;
    if (members.length === 0) {
      report(r, group.line, group.path, `approver group '${name}' is empty; list at least one person`);
    }
    for (const member of members) {
      if (!isPersonRef(member.text)) {
        report(r, member.line, group.path, `'${member.text}' is not a person; ${PERSON_RULE}`);
      }
    }
    // Only slugs become keys, so a name such as `__proto__` can never reach the record's prototype.
    if (validName) groups[name] = members.map((member) => member.text);
  }
  return groups;
}

function readApps(r: Reader, entry: Entry, approverGroups: Catalog['approverGroups']): CatalogApp[] {
  const items = readList(r, entry, 'apps');
  if (items === null) return [];
  if (items.length === 0) report(r, entry.line, entry.path, 'apps is empty; list at least one app');
  const seen = new Map<string, number>();
  const apps: CatalogApp[] = [];
  for (const item of items) {
    const app = readApp(r, item, approverGroups, seen);
    if (app !== undefined) apps.push(app);
  }
  return apps;
}

function readApp(
  r: Reader,
  entry: Entry,
  approverGroups: Catalog['approverGroups'],
  seenIds: Map<string, number>,
): CatalogApp | undefined {
  const map = readMap(r, entry, APP_KEYS, `an app: a map with keys ${APP_KEYS.join(', ')}`);
  if (map === null) return undefined;
  const id = readId(r, map, seenIds, 'app');
  const name = readText(r, map, 'name', NAME_MAX, false);
  const description = readText(r, map, 'description', DESCRIPTION_MAX, true);
  const category = map.entries.has('category') ? readText(r, map, 'category', NAME_MAX, false) : undefined;
  const owner = readPerson(r, map, 'owner');
  const provider = readProvider(r, map);
  const fallback = readFallback(r, map, approverGroups);
  const roles = readRoles(r, map, provider, approverGroups);
  const fulfillers = readFulfillers(r, map, provider);
  const signInApp = readSignInApp(r, map, provider);
  const reclaim = readReclaim(r, map, provider, roles, approverGroups);
  if (
    id === undefined ||
    name === undefined ||
    description === undefined ||
    owner === undefined ||
    provider === undefined
  ) {
    return undefined;
  }
  return {
    id,
    name,
    description,
    ...(category === undefined ? {} : { category }),
    owner,
    provider,
    ...(signInApp === undefined ? {} : { signInApp }),
    ...fallback,
    ...(fulfillers ? { fulfillers } : {}),
    roles,
    ...reclaim,
  };
}

function readRoles(
  r: Reader,
  app: MapEntries,
  provider: ProviderKind | undefined,
  approverGroups: Catalog['approverGroups'],
): CatalogRole[] {
  const entry = requireKey(r, app, 'roles', 'list at least one role');
  if (entry === undefined) return [];
  const items = readList(r, entry, 'roles');
  if (items === null) return [];
  if (items.length === 0) report(r, entry.line, entry.path, 'roles is empty; list at least one role');
  const seen = new Map<string, number>();
  const roles: CatalogRole[] = [];
  for (const item of items) {
    const role = readRole(r, item, provider, approverGroups, seen);
    if (role !== undefined) roles.push(role);
  }
  return roles;
}

function readRole(
  r: Reader,
  entry: Entry,
  provider: ProviderKind | undefined,
  approverGroups: Catalog['approverGroups'],
  seenIds: Map<string, number>,
): CatalogRole | undefined {
  const map = readMap(r, entry, ROLE_KEYS, `a role: a map with keys ${ROLE_KEYS.join(', ')}`);
  if (map === null) return undefined;
  const id = readId(r, map, seenIds, 'role');
  const name = readText(r, map, 'name', NAME_MAX, false);
  const description = readText(r, map, 'description', DESCRIPTION_MAX, true);
  const groups = readGroups(r, map, provider);
  const approval = readApproval(r, map, approverGroups);
  const timing = readTiming(r, map);
  const fallback = readFallback(r, map, approverGroups);
  const distinct = readDistinctApprovers(r, map);
  if (id === undefined || name === undefined || description === undefined || groups === undefined) return undefined;
  if (approval === undefined || timing === undefined) return undefined;
  return { id, name, description, groups, approval, ...timing, ...fallback, ...distinct };
}

function readId(r: Reader, map: MapEntries, seen: Map<string, number>, what: 'app' | 'role'): string | undefined {
  const entry = requireKey(r, map, 'id', `give the ${what} a slug id such as 'salesforce'`);
  if (entry === undefined) return undefined;
  const id = scalarText(entry.node);
  if (id === null || !SLUG_RE.test(id)) {
    report(r, entry.line, entry.path, `${describeNode(entry.node)} is not a valid ${what} id; ${SLUG_RULE}`);
    return undefined;
  }
  const firstLine = seen.get(id);
  if (firstLine !== undefined) {
    const scope = what === 'app' ? 'in the catalog' : 'in this app';
    report(r, entry.line, entry.path, `duplicate ${what} id '${id}' ${scope} (first used on line ${firstLine})`);
    return undefined;
  }
  seen.set(id, entry.line);
  return id;
}

function readText(r: Reader, map: MapEntries, key: string, max: number, allowEmpty: boolean): string | undefined {
  const entry = map.entries.get(key);
  // An empty description (`description: ""`) is allowed; a missing one is not.
  if (allowEmpty && entry !== undefined && scalarText(entry.node) === '') return '';
  const present = requireKey(r, map, key, `it must be text of at most ${max} characters`);
  if (present === undefined) return undefined;
  const text = scalarText(present.node);
  if (text === null) {
    report(r, present.line, present.path, `${key} must be text; got ${describeNode(present.node)}`);
    return undefined;
  }
  if (!allowEmpty && text.trim() === '') {
    report(r, present.line, present.path, `${key} must not be empty`);
    return undefined;
  }
  const length = [...text].length;
  if (length > max) {
    report(r, present.line, present.path, `${key} is ${length} characters; the maximum is ${max} (Slack's limit)`);
    return undefined;
  }
  return text;
}

function readPerson(r: Reader, map: MapEntries, key: string): string | undefined {
  const entry = requireKey(r, map, key, PERSON_RULE);
  if (entry === undefined) return undefined;
  const text = scalarText(entry.node);
  if (text === null || !isPersonRef(text)) {
    report(r, entry.line, entry.path, `${describeNode(entry.node)} is not a person; ${PERSON_RULE}`);
    return undefined;
  }
  return text;
}

function readProvider(r: Reader, map: MapEntries): ProviderKind | undefined {
  const entry = requireKey(r, map, 'provider', `allowed: ${PROVIDERS.join(', ')}`);
  if (entry === undefined) return undefined;
  const text = scalarText(entry.node);
  const provider = PROVIDERS.find((kind) => kind === text);
  if (provider === undefined) {
    const shown = text === null ? describeNode(entry.node) : `'${text}'`;
    report(r, entry.line, entry.path, `unknown provider ${shown}; allowed: ${PROVIDERS.join(', ')}`);
  }
  return provider;
}

function readGroups(r: Reader, map: MapEntries, provider: ProviderKind | undefined): string[] | undefined {
  const entry = map.entries.get('groups');
  // A manual app has no SSO groups to add people to, so the key may be left out.
  if (entry === undefined && provider === 'manual') return [];
  const present = requireKey(r, map, 'groups', `list the ${provider ?? 'provider'} group ids this role grants`);
  if (present === undefined) return undefined;
  const items = readTextList(r, present, 'groups');
  if (items === null) return undefined;
  if (items.length === 0 && provider !== 'manual') {
    const kind = provider === undefined ? '' : `${provider} `;
    report(r, present.line, present.path, `groups is empty; list at least one ${kind}group (only manual apps may leave it empty)`);
  }
  const groups: string[] = [];
  for (const item of items) {
    if (groups.includes(item.text)) {
      report(r, item.line, present.path, `duplicate group '${item.text}'`);
      continue;
    }
    // Indexed by the kept groups, which are the file's own items whenever the catalog is valid.
    r.groupLines[`${present.path}[${groups.length}]`] = item.line;
    groups.push(item.text);
  }
  return groups;
}
