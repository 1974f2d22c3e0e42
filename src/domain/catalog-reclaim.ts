/**
 * The catalog's per-app `reclaim:` policy: when unused access is taken back, after how long a warning, what
 * is never flagged, and whether it is removed or downgraded. Split from catalog.ts; used only by it. Every
 * problem is reported with its line and field, like the rest of the catalog.
 */
import { isScalar } from 'yaml';
import { describeNode, readMap, readTextList, report, requireKey, scalarText } from './catalog-yaml.js';
import type { Entry, MapEntries, Reader } from './catalog-yaml.js';
import { PERSON_RULE } from './catalog-policy.js';
import { formatDurationSpec, parseDuration } from './duration.js';
import { isPersonRef } from './routing.js';
import { closestMatches } from './suggest.js';
import type { Catalog, CatalogRole, ProviderKind, ReclaimAction, ReclaimExclusion, ReclaimPolicy } from './types.js';

/** The keys of `reclaim:` (README documents each). */
export const RECLAIM_KEYS = ['inactiveAfter', 'grace', 'exclude', 'action', 'seatCost', 'useOverallSignIn', 'restoreWithin'] as const;

const DURATION_RULE = 'use Ns, Nm, Nh or Nd (e.g. 30d)';
const EXCLUDE_RULE = 'use group:<approverGroups name> or user:<email or Slack id>';
const ACTION_RULE = 'use revoke, or downgrade:<role id of this app>';
export const DEFAULT_RESTORE_WITHIN_MS = 14 * 24 * 3600_000;

function readDurationKey(r: Reader, map: MapEntries, key: string, required: boolean): number | undefined {
  const entry = required ? requireKey(r, map, key, `a duration such as 30d; ${DURATION_RULE}`) : map.entries.get(key);
  if (entry === undefined) return undefined;
  const text = scalarText(entry.node);
  const ms = text === null ? null : parseDuration(text);
  if (ms === null) {
    report(r, entry.line, entry.path, `${describeNode(entry.node)} is not a duration; ${DURATION_RULE}`);
    return undefined;
  }
  return ms;
}

function readExclude(r: Reader, map: MapEntries, approverGroups: Catalog['approverGroups']): ReclaimExclusion[] | undefined {
  const entry = map.entries.get('exclude');
  if (entry === undefined) return [];
  const items = readTextList(r, entry, 'exclude');
  if (items === null) return undefined;
  const out: ReclaimExclusion[] = [];
  let bad = false;
  for (const item of items) {
    const group = /^group:(.+)$/.exec(item.text);
    const user = /^user:(.+)$/.exec(item.text);
    if (group?.[1]) {
      const name = group[1];
      if (!Object.hasOwn(approverGroups, name)) {
        const defined = Object.keys(approverGroups);
        const [guess] = closestMatches(name, defined, 1);
        const hint = guess === undefined ? '' : ` (did you mean 'group:${guess}'?)`;
        report(r, item.line, entry.path, `unknown approver group '${name}'${hint}; ${defined.length === 0 ? 'approverGroups defines none' : `defined: ${defined.join(', ')}`}`);
        bad = true;
        continue;
      }
      out.push({ kind: 'group', name });
    } else if (user?.[1]) {
      if (!isPersonRef(user[1])) {
        report(r, item.line, entry.path, `'${item.text}' does not name a person; ${PERSON_RULE}`);
        bad = true;
        continue;
      }
      out.push({ kind: 'user', ref: user[1] });
    } else {
      report(r, item.line, entry.path, `'${item.text}' is not an exclusion; ${EXCLUDE_RULE}`);
      bad = true;
    }
  }
  return bad ? undefined : out;
}

function readAction(r: Reader, map: MapEntries, roles: readonly CatalogRole[]): ReclaimAction | undefined {
  const entry = requireKey(r, map, 'action', ACTION_RULE);
  if (entry === undefined) return undefined;
  const text = scalarText(entry.node);
  if (text === 'revoke') return { kind: 'revoke' };
  const down = text === null ? null : /^downgrade:(.*)$/.exec(text);
  if (!down) {
    report(r, entry.line, entry.path, `${describeNode(entry.node)} is not a reclaim action; ${ACTION_RULE}`);
    return undefined;
  }
  const roleId = (down[1] ?? '').trim();
  const ids = roles.map((role) => role.id);
  const role = roles.find((x) => x.id === roleId);
  if (!role) {
    const [guess] = closestMatches(roleId, ids, 1);
    const hint = guess === undefined ? '' : ` (did you mean 'downgrade:${guess}'?)`;
    report(r, entry.line, entry.path, `downgrade names no role of this app: '${roleId}'${hint}; roles: ${ids.join(', ')}`);
    return undefined;
  }
  if (roles.length === 1) {
    report(r, entry.line, entry.path, `downgrade:${roleId} leaves nothing to reclaim: ${roleId} is the app's only role, and a downgrade applies to the other roles; use revoke`);
    return undefined;
  }
  if (role.durationsMs !== undefined && role.durationsMs.length > 0) {
    report(r, entry.line, entry.path, `downgrade:${roleId} names a time-bound role (it has durations): the lower role must be standing, or the person would lose it on its own later`);
    return undefined;
  }
  return { kind: 'downgrade', roleId };
}

function readSeatCost(r: Reader, map: MapEntries): number | undefined | null {
  const entry = map.entries.get('seatCost');
  if (entry === undefined) return undefined;
  const node = entry.node;
  if (!isScalar(node) || typeof node.value !== 'number' || !Number.isFinite(node.value) || node.value < 0) {
    report(r, entry.line, entry.path, `seatCost must be a number of 0 or more (what one seat costs a month, e.g. 25); got ${describeNode(node)}`);
    return null;
  }
  return node.value;
}

function readBoolean(r: Reader, entry: Entry | undefined, key: string): boolean | undefined | null {
  if (entry === undefined) return undefined;
  if (!isScalar(entry.node) || typeof entry.node.value !== 'boolean') {
    report(r, entry.line, entry.path, `${key} must be true or false; got ${describeNode(entry.node)}`);
    return null;
  }
  return entry.node.value;
}

/**
 * Reads an app's `reclaim:`. Refused on manual apps (no sign-in record to read) and where nothing could
 * ever be judged (no `signInApp` and `useOverallSignIn` not true).
 */
export function readReclaim(
  r: Reader,
  app: MapEntries,
  provider: ProviderKind | undefined,
  roles: readonly CatalogRole[],
  approverGroups: Catalog['approverGroups'],
): { reclaim?: ReclaimPolicy } {
  const entry = app.entries.get('reclaim');
  if (entry === undefined) return {};
  if (provider === 'manual') {
    report(r, entry.keyLine, entry.path, 'reclaim does not apply to apps with provider manual (a manual app has no sign-in record to judge inactivity by); remove it');
    return {};
  }
  const map = readMap(r, entry, RECLAIM_KEYS, `a reclaim policy: a map with keys ${RECLAIM_KEYS.join(', ')}`);
  if (map === null) return {};
  const before = r.issues.length;
  const inactiveAfterMs = readDurationKey(r, map, 'inactiveAfter', true);
  const graceMs = readDurationKey(r, map, 'grace', true);
  if (inactiveAfterMs !== undefined && graceMs !== undefined && graceMs > inactiveAfterMs) {
    const grace = map.entries.get('grace');
    const limit = formatDurationSpec(inactiveAfterMs);
    if (grace) report(r, grace.line, grace.path, `grace ${formatDurationSpec(graceMs)} is longer than inactiveAfter ${limit}; make it at most ${limit}`);
  }
  const exclude = readExclude(r, map, approverGroups);
  const action = readAction(r, map, roles);
  const seatCost = readSeatCost(r, map);
  const overallEntry = map.entries.get('useOverallSignIn');
  const useOverall = readBoolean(r, overallEntry, 'useOverallSignIn');
  const restoreWithinMs = readDurationKey(r, map, 'restoreWithin', false);
  if (!app.entries.has('signInApp') && useOverall !== true && useOverall !== null) {
    report(
      r,
      overallEntry?.line ?? map.line,
      overallEntry?.path ?? map.path,
      'reclaim needs sign-in data: give the app a signInApp (its sign-ins in the provider), or set useOverallSignIn: true to judge by the last sign-in anywhere',
    );
  }
  if (r.issues.length > before || inactiveAfterMs === undefined || graceMs === undefined || exclude === undefined || action === undefined) return {};
  return {
    reclaim: {
      inactiveAfterMs,
      graceMs,
      exclude,
      action,
      ...(typeof seatCost === 'number' ? { seatCost } : {}),
      useOverallSignIn: useOverall === true,
      restoreWithinMs: restoreWithinMs ?? DEFAULT_RESTORE_WITHIN_MS,
    },
  };
}
