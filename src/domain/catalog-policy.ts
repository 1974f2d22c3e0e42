/**
 * Catalog rules for a role's policy: its approval chain and its time limits. Split from
 * catalog.ts to keep each file readable; used only by it.
 */
import { isScalar } from 'yaml';
import { describeNode, readTextList, report, requireKey, scalarText } from './catalog-yaml.js';
import type { MapEntries, Reader } from './catalog-yaml.js';
import { formatDurationSpec, parseDuration } from './duration.js';
import { isPersonRef, parseStage, stageToString } from './routing.js';
import { closestMatches } from './suggest.js';
import type { ApprovalPolicy, ApprovalStage, Catalog, CatalogRole } from './types.js';

export const PERSON_RULE = 'use an email or a Slack user id (U... or W...)';
const STAGE_RULE = 'use manager, owner, group:<name> or user:<email or Slack id>';
const APPROVAL_RULE = "use 'auto' or a list of stages such as [manager, owner]";
const DURATION_RULE = 'use Ns, Nm, Nh or Nd (e.g. 6h)';
const EXTEND_MODES = ['auto', 'approval'] as const;

type Timing = Pick<CatalogRole, 'durationsMs' | 'maxDurationMs' | 'extend'>;

/** Reads `approval`: `auto`, or stages in order, each valid, defined and used once. */
export function readApproval(
  r: Reader,
  role: MapEntries,
  approverGroups: Catalog['approverGroups'],
): ApprovalPolicy | undefined {
  const entry = requireKey(r, role, 'approval', APPROVAL_RULE);
  if (entry === undefined) return undefined;
  const single = scalarText(entry.node);
  if (single === 'auto') return { kind: 'auto' };
  if (single !== null) {
    const hint = parseStage(single) === null ? APPROVAL_RULE : `write [${single}] for a single stage`;
    report(r, entry.line, entry.path, `approval must be 'auto' or a list of stages; got '${single}'; ${hint}`);
    return undefined;
  }

  const before = r.issues.length;
  const items = readTextList(r, entry, 'approval');
  if (items === null) return undefined;
  if (items.length === 0) report(r, entry.line, entry.path, `approval is empty; ${APPROVAL_RULE}`);
  const stages: ApprovalStage[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const stage = parseStage(item.text);
    if (stage === null) {
      report(r, item.line, entry.path, badStageMessage(item.text));
      continue;
    }
    const problem = stageProblem(stage, approverGroups);
    if (problem !== null) {
      report(r, item.line, entry.path, problem);
      continue;
    }
    const key = stageToString(stage).toLowerCase();
    if (seen.has(key)) {
      report(r, item.line, entry.path, `duplicate stage '${item.text}'; each stage may appear once`);
      continue;
    }
    seen.add(key);
    stages.push(stage);
  }
  return r.issues.length > before ? undefined : { kind: 'stages', stages };
}

function badStageMessage(text: string): string {
  if (text === 'auto') return "'auto' cannot be a stage; write `approval: auto` to auto-approve";
  return `'${text}' is not an approval stage; ${STAGE_RULE}`;
}

function stageProblem(stage: ApprovalStage, approverGroups: Catalog['approverGroups']): string | null {
  if (stage.kind === 'user' && !isPersonRef(stage.ref)) {
    return `'user:${stage.ref}' does not name a person; ${PERSON_RULE}`;
  }
  if (stage.kind === 'group') return unknownGroupProblem(stage.name, approverGroups, 'group:');
  return null;
}

/** Why `name` is not a defined approver group (with the closest name as written, `prefix` + name), or null. */
function unknownGroupProblem(name: string, approverGroups: Catalog['approverGroups'], prefix: string): string | null {
  if (Object.hasOwn(approverGroups, name)) return null;
  const defined = Object.keys(approverGroups);
  if (defined.length === 0) return `unknown approver group '${name}'; approverGroups defines none`;
  const [guess] = closestMatches(name, defined, 1);
  const hint = guess === undefined ? '' : ` (did you mean '${prefix}${guess}'?)`;
  return `unknown approver group '${name}'${hint}; defined: ${defined.join(', ')}`;
}

/**
 * Reads `fallback` (on an app or a role): the approverGroups entry a stage is offered to when nobody
 * decides within KEYCARD_ESCALATE_AFTER. Absent: the admins.
 */
export function readFallback(r: Reader, map: MapEntries, approverGroups: Catalog['approverGroups']): { fallback?: string } {
  const entry = map.entries.get('fallback');
  if (entry === undefined) return {};
  const name = scalarText(entry.node);
  if (name === null || name.trim() === '') {
    report(r, entry.line, entry.path, `fallback must name an approverGroups entry; got ${describeNode(entry.node)}`);
    return {};
  }
  const problem = unknownGroupProblem(name, approverGroups, '');
  if (problem !== null) {
    report(r, entry.line, entry.path, problem);
    return {};
  }
  return { fallback: name };
}

/**
 * Reads `distinctApprovers`: whether someone who decided an earlier stage of a request may decide a later
 * one too. Default true (separation of duties); `false` opts the role out.
 */
export function readDistinctApprovers(r: Reader, role: MapEntries): { distinctApprovers?: boolean } {
  const entry = role.entries.get('distinctApprovers');
  if (entry === undefined) return {};
  // A boolean only: `'no'` or `0` would read as true to one person and false to another.
  if (!isScalar(entry.node) || typeof entry.node.value !== 'boolean') {
    report(r, entry.line, entry.path, `distinctApprovers must be true or false; got ${describeNode(entry.node)}`);
    return {};
  }
  return { distinctApprovers: entry.node.value };
}

/**
 * Reads `durations`, `maxDuration` and `extend`. Without `maxDuration`, the longest duration is
 * the maximum, so a time-bound role always has one.
 */
export function readTiming(r: Reader, role: MapEntries): Timing | undefined {
  const before = r.issues.length;
  const durationsMs = readDurations(r, role);
  const hasDurations = role.entries.has('durations');
  const longest = durationsMs === undefined || durationsMs.length === 0 ? undefined : Math.max(...durationsMs);

  let maxDurationMs = longest;
  const maxEntry = role.entries.get('maxDuration');
  if (maxEntry !== undefined) {
    const text = scalarText(maxEntry.node);
    const parsed = text === null ? null : parseDuration(text);
    if (!hasDurations) {
      report(r, maxEntry.line, maxEntry.path, 'maxDuration needs durations; add durations or remove maxDuration');
    } else if (parsed === null) {
      report(r, maxEntry.line, maxEntry.path, `${describeNode(maxEntry.node)} is not a duration; ${DURATION_RULE}`);
    } else if (longest !== undefined && parsed < longest) {
      const longestText = formatDurationSpec(longest);
      report(
        r,
        maxEntry.line,
        maxEntry.path,
        `maxDuration ${text ?? ''} is shorter than the longest duration ${longestText}; make it at least ${longestText}`,
      );
    } else {
      maxDurationMs = parsed;
    }
  }

  let extend: CatalogRole['extend'];
  const extendEntry = role.entries.get('extend');
  if (extendEntry !== undefined) {
    const text = scalarText(extendEntry.node);
    extend = EXTEND_MODES.find((mode) => mode === text);
    if (extend === undefined) {
      const shown = text === null ? describeNode(extendEntry.node) : `'${text}'`;
      report(r, extendEntry.line, extendEntry.path, `unknown extend ${shown}; allowed: ${EXTEND_MODES.join(', ')}`);
    } else if (!hasDurations) {
      report(r, extendEntry.line, extendEntry.path, 'extend applies only to time-bound roles; add durations or remove extend');
    }
  }

  if (r.issues.length > before) return undefined;
  if (durationsMs === undefined) return {};
  return { durationsMs, ...(maxDurationMs === undefined ? {} : { maxDurationMs }), ...(extend ? { extend } : {}) };
}

function readDurations(r: Reader, role: MapEntries): number[] | undefined {
  const entry = role.entries.get('durations');
  if (entry === undefined) return undefined;
  const items = readTextList(r, entry, 'durations');
  if (items === null) return undefined;
  if (items.length === 0) {
    report(r, entry.line, entry.path, 'durations is empty; list at least one (e.g. [1h, 6h]) or remove the key');
  }
  const durations: number[] = [];
  const firstText = new Map<number, string>();
  for (const item of items) {
    const ms = parseDuration(item.text);
    if (ms === null) {
      report(r, item.line, entry.path, `'${item.text}' is not a duration; ${DURATION_RULE}`);
      continue;
    }
    const first = firstText.get(ms);
    if (first !== undefined) {
      const same = first === item.text ? '' : ` (same as '${first}')`;
      report(r, item.line, entry.path, `duplicate duration '${item.text}'${same}`);
      continue;
    }
    firstText.set(ms, item.text);
    durations.push(ms);
  }
  return durations;
}
