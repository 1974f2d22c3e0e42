/**
 * Access reviews, the pure parts: the one-line `review start` command, the recommendation rules, revoke
 * reasons and how a reviewer's list is filtered and paged. No I/O, no clock reads.
 */
import { parseDuration } from './duration.js';

export type ReviewerSpec = { kind: 'owner' } | { kind: 'manager' } | { kind: 'group'; name: string };
export type UnreviewedPolicy = 'keep' | 'revoke';

export interface ReviewSpec {
  readonly name: string;
  readonly apps: readonly string[];
  readonly reviewer: ReviewerSpec;
  /** How long reviewers have, from the start. */
  readonly dueInMs: number;
  readonly unreviewed: UnreviewedPolicy;
}

export const REVIEW_START_USAGE =
  'Usage: `/access-admin review start "<name>" apps=<app,app> reviewer=owner|manager|group:<name> due=<duration> unreviewed=keep|revoke`, e.g. `/access-admin review start "Q1 CRM" apps=crm,vault reviewer=owner due=14d unreviewed=keep` (or `/access-admin review start` alone for the form).';

export function reviewerToString(r: ReviewerSpec): string {
  return r.kind === 'group' ? `group:${r.name}` : r.kind;
}

export function parseReviewer(text: string): ReviewerSpec | null {
  if (text === 'owner' || text === 'manager') return { kind: text };
  const m = /^group:(\S+)$/.exec(text);
  return m?.[1] ? { kind: 'group', name: m[1] } : null;
}

/** Longest a campaign may run: a quarter and a bit. */
export const REVIEW_MAX_DUE_MS = 120 * 24 * 3600_000;

/**
 * Parses `"Q1 CRM" apps=crm,vault reviewer=owner due=14d unreviewed=keep`. Every problem is named with its
 * field and what is allowed; all of them at once.
 */
export function parseReviewStart(text: string): { ok: true; spec: ReviewSpec } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const trimmed = text.trim();
  let name = '';
  let rest = trimmed;
  const quoted = /^["“”]([^"“”]*)["“”]\s*(.*)$/s.exec(trimmed);
  if (quoted) {
    name = (quoted[1] ?? '').trim();
    rest = quoted[2] ?? '';
  } else {
    const words: string[] = [];
    const parts = trimmed.split(/\s+/);
    while (parts.length > 0 && parts[0] !== undefined && !parts[0].includes('=')) words.push(parts.shift() ?? '');
    name = words.join(' ');
    rest = parts.join(' ');
  }
  if (name === '') problems.push('name: give the campaign a name, in quotes when it has spaces ("Q1 CRM")');
  else if (name.length > 80) problems.push(`name: at most 80 characters (it has ${name.length})`);
  const fields = new Map<string, string>();
  for (const word of rest.split(/\s+/).filter(Boolean)) {
    const eq = word.indexOf('=');
    if (eq <= 0) {
      problems.push(`'${word}' is not a field; write field=value (apps, reviewer, due, unreviewed)`);
      continue;
    }
    const key = word.slice(0, eq).toLowerCase();
    if (!['apps', 'reviewer', 'due', 'unreviewed'].includes(key)) {
      problems.push(`${key}: unknown field; allowed: apps, reviewer, due, unreviewed`);
      continue;
    }
    fields.set(key, word.slice(eq + 1));
  }
  const apps = (fields.get('apps') ?? '')
    .split(',')
    .map((a) => a.trim().toLowerCase())
    .filter(Boolean);
  if (apps.length === 0) problems.push('apps: name at least one catalog app id, comma-separated (apps=crm,vault)');
  const reviewerText = fields.get('reviewer') ?? 'owner';
  const reviewer = parseReviewer(reviewerText);
  if (!reviewer) problems.push(`reviewer: '${reviewerText}' is not allowed; use owner, manager or group:<approver group>`);
  const dueText = fields.get('due') ?? '14d';
  const due = parseDuration(dueText);
  if (due === null || due <= 0) problems.push(`due: '${dueText}' is not a duration; use e.g. 14d or 48h`);
  else if (due > REVIEW_MAX_DUE_MS) problems.push(`due: at most 120d (a review that runs longer is not a review)`);
  const unreviewedText = (fields.get('unreviewed') ?? 'keep').toLowerCase();
  if (unreviewedText !== 'keep' && unreviewedText !== 'revoke') problems.push(`unreviewed: '${unreviewedText}' is not allowed; use keep (kept and flagged) or revoke`);
  if (problems.length > 0 || !reviewer || due === null) return { ok: false, problems };
  return { ok: true, spec: { name, apps: [...new Set(apps)], reviewer, dueInMs: due, unreviewed: unreviewedText as UnreviewedPolicy } };
}

/** Why a reviewer revokes, as offered in the Revoke form. */
export const REVOKE_REASONS = {
  no_longer_needed: 'No longer needed',
  changed_role: 'Changed role',
  left_team: 'Left the team',
  inactive: 'Inactive',
  other: 'Other',
} as const;
export type RevokeReason = keyof typeof REVOKE_REASONS;

export function isRevokeReason(text: string): text is RevokeReason {
  return Object.hasOwn(REVOKE_REASONS, text);
}

/** Days without a sign-in after which a review recommends revoking. */
export const INACTIVE_DAYS = 90;
/** "Few peers": at most this share of the department's people in the review hold the role… */
export const PEER_SHARE = 0.1;
/** …out of a department of at least this many people in the review (smaller ones say too little). */
export const PEER_MIN_DEPARTMENT = 8;

export interface RecommendationInput {
  readonly accountStatus: 'active' | 'suspended' | 'deactivated';
  readonly lastSignInAt: Date | null;
  /** `none`: the provider could not tell, so inactivity is not judged. */
  readonly lastSignInScope: 'app' | 'overall' | 'none';
  readonly grantedThroughKeycard: boolean;
  readonly department: string | null;
  /** People of the same department in the review, and how many of them hold this role. */
  readonly departmentPeople: number;
  readonly departmentHolders: number;
}

export interface Recommendation {
  readonly recommendation: 'keep' | 'revoke';
  readonly reason: string;
}

function days(ms: number): number {
  return Math.floor(ms / (24 * 3600_000));
}

/**
 * Revoke when the account is suspended or deactivated, when not granted through Keycard (no record of
 * who approved it), when inactive 90+ days, or when few peers have it; keep otherwise. The first rule
 * that applies gives the reason.
 */
export function recommend(input: RecommendationInput, now: Date): Recommendation {
  if (input.accountStatus !== 'active') return { recommendation: 'revoke', reason: `the account is ${input.accountStatus}` };
  if (!input.grantedThroughKeycard) return { recommendation: 'revoke', reason: 'not granted through Keycard: no record of who approved it' };
  const where = input.lastSignInScope === 'app' ? 'to this app' : 'anywhere';
  if (input.lastSignInScope !== 'none') {
    if (input.lastSignInAt === null) return { recommendation: 'revoke', reason: `never signed in ${where} (in the provider's records)` };
    const idle = days(now.getTime() - input.lastSignInAt.getTime());
    if (idle >= INACTIVE_DAYS) return { recommendation: 'revoke', reason: `inactive: last sign-in ${where} ${idle} days ago` };
  }
  if (input.department && input.departmentPeople >= PEER_MIN_DEPARTMENT && input.departmentHolders / input.departmentPeople <= PEER_SHARE) {
    return { recommendation: 'revoke', reason: `few peers have it: ${input.departmentHolders} of ${input.departmentPeople} in ${input.department} has this` };
  }
  const seen = input.lastSignInScope === 'none' || input.lastSignInAt === null ? 'sign-ins unknown' : `signed in ${where} ${days(now.getTime() - input.lastSignInAt.getTime())} days ago`;
  return { recommendation: 'keep', reason: `granted through Keycard, ${seen}` };
}

export type ItemFilter = 'all' | 'revoke_first' | `app:${string}`;

export interface FilterableItem {
  readonly id: number;
  readonly appId: string;
  readonly recommendation: string;
  readonly decision: string | null;
}

/** Open items (undecided) first, then by the filter: recommended revokes first, or one app only. */
export function filterItems<T extends FilterableItem>(items: readonly T[], filter: ItemFilter): T[] {
  const inApp = filter.startsWith('app:') ? filter.slice(4) : null;
  const chosen = inApp ? items.filter((i) => i.appId === inApp) : [...items];
  const rank = (i: T): number => (i.decision === null ? 0 : 2) + (filter === 'revoke_first' && i.recommendation !== 'revoke' ? 1 : 0);
  return chosen.sort((a, b) => rank(a) - rank(b) || a.id - b.id);
}

/** A page of `size` and how many pages there are (page clamped into range). */
export function pageOf<T>(items: readonly T[], page: number, size: number): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const at = Math.min(Math.max(0, page), pages - 1);
  return { items: items.slice(at * size, at * size + size), page: at, pages };
}
