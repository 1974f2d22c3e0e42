/**
 * Auto reclaim, the pure parts: what sign-in evidence an app's policy accepts, who is flagged as inactive
 * and, for everyone else, why not; who an exclusion covers; dates and costs as the messages write them.
 * No I/O, no clock reads: `now` is passed in.
 */
import type { ReclaimPolicy } from './types.js';

/** A provider's answer for one member, as the identity port gives it (`LastSignIn`). */
export interface SignInAnswer {
  readonly at: Date | null;
  readonly scope: 'app' | 'overall';
  readonly unsupported?: string;
}

/**
 * The sign-in evidence a reclaim may judge by: the last sign-in to this app, the last sign-in anywhere (only
 * where the catalog allows it), or none, with why.
 */
export type Telemetry = { readonly kind: 'app' | 'overall'; readonly at: Date | null } | { readonly kind: 'none'; readonly why: string };

/**
 * What the policy makes of the provider's answer. An `unsupported` answer with nothing in it, or no answer,
 * is no telemetry; an overall answer (the app's own could not be read, or the app names no `signInApp`)
 * counts only with `useOverallSignIn: true`.
 */
export function telemetryOf(answer: SignInAnswer | undefined, policy: Pick<ReclaimPolicy, 'useOverallSignIn'>): Telemetry {
  if (!answer) return { kind: 'none', why: 'the provider was not asked for sign-ins' };
  if (answer.scope === 'app') return answer.unsupported ? { kind: 'none', why: answer.unsupported } : { kind: 'app', at: answer.at };
  if (answer.unsupported && answer.at === null) return { kind: 'none', why: answer.unsupported };
  if (!policy.useOverallSignIn) {
    const cause = answer.unsupported ? ` (the app's own: ${answer.unsupported})` : '';
    return { kind: 'none', why: `only the last sign-in anywhere is known${cause}, and the catalog does not allow judging by it (useOverallSignIn)` };
  }
  return { kind: 'overall', at: answer.at };
}

export interface ReclaimCandidate {
  readonly accountStatus: 'active' | 'suspended' | 'deactivated';
  /** The live Keycard grant behind this access, if any. */
  readonly keycardGrant: { readonly startedAt: Date; readonly endsAt: Date | null } | null;
  /** An exclusion that covers this person (see `excludedBy`). */
  readonly excluded: Exclusion | null;
  readonly telemetry: Telemetry;
  /** When the person last said **Keep it** for this access: the clock restarts there. */
  readonly keptAt: Date | null;
}

export type NotFlaggedReason = 'account_inactive' | 'recent_grant' | 'time_bound' | 'excluded_person' | 'excluded_group' | 'no_telemetry' | 'active';

export type Verdict =
  | { readonly flagged: true; readonly lastSeen: Date | null; readonly basis: 'app' | 'overall'; readonly keptAt: Date | null }
  | { readonly flagged: false; readonly reason: NotFlaggedReason; readonly detail: string };

/** How the preview names each reason (plural sentences). */
export const NOT_FLAGGED_WORDS: Readonly<Record<NotFlaggedReason, string>> = {
  account_inactive: 'account suspended or deactivated (left to offboarding)',
  recent_grant: `granted through Keycard less than inactiveAfter ago`,
  time_bound: 'time-bound Keycard grant (ends on its own)',
  excluded_person: 'excluded person',
  excluded_group: 'excluded group',
  no_telemetry: 'no telemetry',
  active: 'active',
};

const DAY_MS = 24 * 3600_000;

/**
 * Whether one person's access to one role is inactive under the policy, and why not when it is not. The
 * first rule that applies decides: a suspended or deactivated account is left to offboarding; a Keycard
 * grant younger than `inactiveAfter` is never flagged, nor is a time-bound one (it ends on its own); an
 * excluded person or group; no usable sign-in data (nothing automatic); otherwise inactive when the last
 * sign-in, or a later **Keep it**, is at least `inactiveAfter` old (no sign-in on record counts as inactive).
 */
export function judge(candidate: ReclaimCandidate, policy: Pick<ReclaimPolicy, 'inactiveAfterMs'>, now: Date): Verdict {
  if (candidate.accountStatus !== 'active') return { flagged: false, reason: 'account_inactive', detail: `the account is ${candidate.accountStatus}: left to offboarding` };
  const grant = candidate.keycardGrant;
  if (grant && now.getTime() - grant.startedAt.getTime() < policy.inactiveAfterMs) {
    return { flagged: false, reason: 'recent_grant', detail: `granted through Keycard ${days(now.getTime() - grant.startedAt.getTime())} days ago` };
  }
  if (grant?.endsAt) return { flagged: false, reason: 'time_bound', detail: `a time-bound grant: it ends on its own on ${shortDate(grant.endsAt, now)}` };
  if (candidate.excluded) return { flagged: false, reason: candidate.excluded.kind === 'group' ? 'excluded_group' : 'excluded_person', detail: `excluded: ${candidate.excluded.label}` };
  const telemetry = candidate.telemetry;
  if (telemetry.kind === 'none') return { flagged: false, reason: 'no_telemetry', detail: telemetry.why };
  const seen = telemetry.at;
  const kept = candidate.keptAt;
  const clock = [seen, kept].filter((d): d is Date => d !== null).reduce<Date | null>((a, b) => (a === null || b > a ? b : a), null);
  if (clock !== null && now.getTime() - clock.getTime() < policy.inactiveAfterMs) {
    const what = kept !== null && clock === kept ? `kept ${days(now.getTime() - kept.getTime())} days ago` : `signed in ${days(now.getTime() - clock.getTime())} days ago`;
    return { flagged: false, reason: 'active', detail: what };
  }
  return { flagged: true, lastSeen: seen, basis: telemetry.kind, keptAt: kept };
}

function days(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** One exclusion that applies: a group (`group:execs`) or a person (the catalog's `user:`, or an admin's). */
export interface Exclusion {
  readonly kind: 'group' | 'person';
  readonly label: string;
}

/**
 * Exclusions with every person as lower-case emails and Slack ids (the workflow resolves the ones it can:
 * a Slack id to its email, so a member listed by email is matched either way).
 */
export interface ResolvedExclusions {
  readonly people: ReadonlyArray<{ readonly keys: ReadonlySet<string>; readonly label: string }>;
  readonly groups: ReadonlyArray<{ readonly name: string; readonly keys: ReadonlySet<string> }>;
}

/** The exclusion that covers this person (a person's own first), or null. */
export function excludedBy(person: { readonly email: string; readonly slackId: string | null }, exclusions: ResolvedExclusions): Exclusion | null {
  const keys = [person.email.toLowerCase(), ...(person.slackId ? [person.slackId.toLowerCase()] : [])];
  const own = exclusions.people.find((p) => keys.some((k) => p.keys.has(k)));
  if (own) return { kind: 'person', label: own.label };
  const group = exclusions.groups.find((g) => keys.some((k) => g.keys.has(k)));
  return group ? { kind: 'group', label: `group:${group.name}` } : null;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** `Aug 3`, or `Aug 3, 2025` when not in `now`'s year (UTC). */
export function shortDate(at: Date, now: Date): string {
  const day = `${MONTHS[at.getUTCMonth()]} ${at.getUTCDate()}`;
  return at.getUTCFullYear() === now.getUTCFullYear() ? day : `${day}, ${at.getUTCFullYear()}`;
}

/** `2026-01` (UTC): the month a reclaim counts in. */
export function monthOf(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/** An amount as the preview writes it, `1,250` or `12.50`, in whatever currency the catalog's seatCost means. */
export function formatCost(amount: number): string {
  const whole = Number.isInteger(amount);
  return amount.toLocaleString('en-US', { minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: 2 });
}

/** What the person last did, for the DM: `since Aug 3`, or that no sign-in is on record. */
export function sinceWords(lastSeen: Date | null, keptAt: Date | null, now: Date): string {
  const clock = [lastSeen, keptAt].filter((d): d is Date => d !== null).reduce<Date | null>((a, b) => (a === null || b > a ? b : a), null);
  if (clock === null) return 'in the records the provider keeps';
  return `since ${shortDate(clock, now)}`;
}
