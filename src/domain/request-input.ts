/**
 * What a requester typed, checked against the catalog. The /request modal and the one-line
 * command share these rules so both say the same thing about the same mistake.
 */
import { findApp, findRole, isTimeBound } from './catalog.js';
import { formatDurationSpec, parseDuration } from './duration.js';
import { closestMatches } from './suggest.js';
import type { Catalog, CatalogApp, CatalogRole } from './types.js';

export type RequestField = 'app' | 'role' | 'duration' | 'justification';
export type RequestErrors = Partial<Record<RequestField, string>>;

/** Raw input, as ids and text; any part may be missing. */
export interface RequestDraft {
  readonly appId?: string;
  readonly roleId?: string;
  /** A duration as typed (`6h`); compared by length of time, so `360m` equals `6h`. */
  readonly duration?: string;
  readonly justification?: string;
}

/** A request that satisfies the catalog. `durationMs` is null for roles that are not time-bound. */
export interface ValidRequest {
  readonly app: CatalogApp;
  readonly role: CatalogRole;
  readonly durationMs: number | null;
  /** Trimmed; empty only for roles that auto-approve. */
  readonly justification: string;
}

export type DraftValidation =
  | { readonly ok: true; readonly value: ValidRequest }
  | { readonly ok: false; readonly errors: RequestErrors };

/** What `/request <text>` asks for. */
export type RequestCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'open' }
  | { readonly kind: 'unknown_app'; readonly input: string; readonly suggestions: string[] }
  | { readonly kind: 'prefill'; readonly draft: RequestDraft; readonly errors: RequestErrors }
  | { readonly kind: 'complete'; readonly value: ValidRequest };

export const JUSTIFICATION_MIN = 10;
export const JUSTIFICATION_MAX = 1000;

/**
 * Checks a draft: app and role known, a duration exactly when the role is time-bound (one of its
 * durations), and a justification of 10 to 1000 characters unless the role auto-approves.
 * Returns every field's error at once so a modal can mark them all.
 */
export function validateRequestDraft(catalog: Catalog, draft: RequestDraft): DraftValidation {
  const errors: RequestErrors = {};
  const appId = present(draft.appId);
  const roleId = present(draft.roleId);
  const app = appId === undefined ? undefined : findApp(catalog, appId);
  const role = app === undefined || roleId === undefined ? undefined : findRole(app, roleId);

  if (appId === undefined) errors.app = 'Choose an app';
  else if (app === undefined) errors.app = unknownAppMessage(catalog, appId);
  if (app !== undefined && roleId === undefined) errors.role = `Choose a role for ${app.name}`;
  else if (app !== undefined && role === undefined) errors.role = unknownRoleMessage(app, roleId ?? '');

  const duration = app !== undefined && role !== undefined ? checkDuration(app, role, present(draft.duration)) : null;
  if (typeof duration === 'string') errors.duration = duration;

  const justification = (draft.justification ?? '').trim();
  const justificationError = checkJustification(app, role, justification);
  if (justificationError !== null) errors.justification = justificationError;

  if (app === undefined || role === undefined || typeof duration === 'string' || Object.keys(errors).length > 0) {
    return { ok: false, errors };
  }
  return { ok: true, value: { app, role, durationMs: duration?.ms ?? null, justification } };
}

/**
 * Parses `/request <app> [<role>] [<duration>] [justification...]`. The app may be named by id or
 * by its name without spaces. For a role that is not time-bound, a third word that is not a
 * duration starts the justification.
 */
export function parseRequestCommand(text: string, catalog: Catalog): RequestCommand {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'open' };
  if (/^(help|-h|--help)$/i.test(trimmed)) return { kind: 'help' };

  const words = [...trimmed.matchAll(/\S+/g)].map((match) => ({ word: match[0], at: match.index ?? 0 }));
  const [appWord, roleWord, thirdWord] = words;
  if (appWord === undefined) return { kind: 'open' };
  const app = matchApp(catalog, appWord.word);
  if (app === undefined) {
    return { kind: 'unknown_app', input: appWord.word, suggestions: suggestApps(catalog, appWord.word) };
  }
  // Just the app: the caller opens the modal with it chosen; nothing is wrong yet.
  if (roleWord === undefined) return { kind: 'prefill', draft: { appId: app.id }, errors: {} };
  const role = matchRole(app, roleWord.word);
  if (role === undefined) {
    return { kind: 'prefill', draft: { appId: app.id }, errors: { role: unknownRoleMessage(app, roleWord.word) } };
  }

  const hasDuration = thirdWord !== undefined && isDurationWord(role, thirdWord.word);
  const justificationWord = hasDuration ? words[3] : thirdWord;
  const draft: RequestDraft = {
    appId: app.id,
    roleId: role.id,
    ...(hasDuration ? { duration: thirdWord.word } : {}),
    ...(justificationWord === undefined ? {} : { justification: trimmed.slice(justificationWord.at) }),
  };
  const result = validateRequestDraft(catalog, draft);
  if (result.ok) return { kind: 'complete', value: result.value };
  return { kind: 'prefill', draft: understood(role, draft, result.errors), errors: result.errors };
}

/** Keeps only what can prefill a modal: a duration is kept, in catalog form, only when it is valid. */
function understood(role: CatalogRole, draft: RequestDraft, errors: RequestErrors): RequestDraft {
  const ms = draft.duration === undefined ? null : parseDuration(draft.duration);
  const keep = ms !== null && errors.duration === undefined && isTimeBound(role);
  return {
    ...(draft.appId === undefined ? {} : { appId: draft.appId }),
    ...(draft.roleId === undefined ? {} : { roleId: draft.roleId }),
    ...(keep ? { duration: formatDurationSpec(ms) } : {}),
    ...(draft.justification === undefined ? {} : { justification: draft.justification }),
  };
}

/**
 * For a time-bound role anything shaped like a duration (`5h`, `2`, `6x`) is taken as one, so a
 * typo is reported rather than silently becoming the start of the justification.
 */
function isDurationWord(role: CatalogRole, word: string): boolean {
  if (parseDuration(word) !== null) return true;
  return isTimeBound(role) && /^\d+[a-z]*$/i.test(word);
}

function matchApp(catalog: Catalog, word: string): CatalogApp | undefined {
  const wanted = word.toLowerCase();
  return findApp(catalog, wanted) ?? catalog.apps.find((app) => compact(app.name) === wanted);
}

function matchRole(app: CatalogApp, word: string): CatalogRole | undefined {
  const wanted = word.toLowerCase();
  return findRole(app, wanted) ?? app.roles.find((role) => compact(role.name) === wanted);
}

function suggestApps(catalog: Catalog, word: string): string[] {
  const byKey = new Map<string, string>();
  for (const app of catalog.apps) {
    byKey.set(app.id, app.id);
    if (!byKey.has(compact(app.name))) byKey.set(compact(app.name), app.id);
  }
  const ids = closestMatches(word, [...byKey.keys()], byKey.size).map((key) => byKey.get(key) ?? key);
  return [...new Set(ids)].slice(0, 3);
}

function checkDuration(app: CatalogApp, role: CatalogRole, typed: string | undefined): { ms: number } | string | null {
  const label = `${app.name} / ${role.name}`;
  const allowed = role.durationsMs ?? [];
  if (!isTimeBound(role)) return typed === undefined ? null : `${label} is not time-bound; leave the duration out`;
  const choices = `choose one of ${allowed.map(formatDurationSpec).join(', ')}`;
  if (typed === undefined) return `${label} is time-bound; ${choices}`;
  const ms = parseDuration(typed);
  if (ms === null) return `'${typed}' is not a duration; ${choices}`;
  if (!allowed.includes(ms)) return `'${typed}' is not offered for ${label}; ${choices}`;
  return { ms };
}

/**
 * A justification cut to what the form's field holds (JUSTIFICATION_MAX), whole characters only. The cut
 * also keeps within JUSTIFICATION_MAX UTF-16 units, since a text field may count those (an emoji is two):
 * a longer initial value makes Slack refuse to open the form at all. `length` is the original length in
 * characters as people see them.
 */
export function clipJustification(text: string): { readonly text: string; readonly length: number; readonly clipped: boolean } {
  const chars = [...text];
  if (chars.length <= JUSTIFICATION_MAX && text.length <= JUSTIFICATION_MAX) return { text, length: chars.length, clipped: false };
  let kept = '';
  for (const char of chars.slice(0, JUSTIFICATION_MAX)) {
    if (kept.length + char.length > JUSTIFICATION_MAX) break;
    kept += char;
  }
  return { text: kept, length: chars.length, clipped: true };
}

function checkJustification(app: CatalogApp | undefined, role: CatalogRole | undefined, text: string): string | null {
  // Counted in characters as people see them, not UTF-16 units.
  const length = [...text].length;
  if (length > JUSTIFICATION_MAX) {
    return `The justification is ${length} characters; the maximum is ${JUSTIFICATION_MAX}`;
  }
  // Auto-approved roles need no reason, so a short note there is fine.
  if (role?.approval.kind === 'auto') return null;
  if (length === 0) {
    if (app === undefined || role === undefined) return null;
    return `Say why you need ${app.name} / ${role.name} (${JUSTIFICATION_MIN} to ${JUSTIFICATION_MAX} characters)`;
  }
  if (length < JUSTIFICATION_MIN) {
    return `The justification is ${length} characters; write at least ${JUSTIFICATION_MIN}`;
  }
  return null;
}

function unknownAppMessage(catalog: Catalog, typed: string): string {
  const [guess] = suggestApps(catalog, typed);
  return guess === undefined ? `Unknown app '${typed}'` : `Unknown app '${typed}'; did you mean ${guess}?`;
}

function unknownRoleMessage(app: CatalogApp, typed: string): string {
  return `${app.name} has no role '${typed}'; choose one of ${app.roles.map((role) => role.id).join(', ')}`;
}

function present(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function compact(name: string): string {
  return name.replace(/\s+/g, '').toLowerCase();
}
