/**
 * Delegation: an approver away hands their approval stages to someone else until a date. Pure rules for
 * the command's date; who stands in and what they may decide is src/workflows/approval/delegation.ts.
 */

const DAY = 24 * 60 * 60_000;

/** How far ahead a delegation may run: long enough for leave, short enough that one is not forgotten. */
export const DELEGATION_MAX_MS = 90 * DAY;

export type UntilResult = { readonly ok: true; readonly endsAt: Date } | { readonly ok: false; readonly message: string };

/**
 * `2026-01-16` (the delegation ends at 23:59 UTC that day) or `2026-01-16T12:00` (UTC, a `Z` allowed): after
 * `now` and at most 90 days ahead.
 */
export function parseDelegateUntil(text: string, now: Date): UntilResult {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})Z?)?$/i.exec(text.trim());
  const rule = 'a date like 2026-01-16 (the delegation ends at 23:59 UTC that day) or 2026-01-16T12:00 (UTC)';
  if (!m) return { ok: false, message: `'${text}' is not ${rule}` };
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute] = m[4] === undefined ? [23, 59] : [Number(m[4]), Number(m[5])];
  const endsAt = new Date(Date.UTC(year, month - 1, day, hour, minute));
  const valid = endsAt.getUTCFullYear() === year && endsAt.getUTCMonth() === month - 1 && endsAt.getUTCDate() === day && endsAt.getUTCHours() === hour && endsAt.getUTCMinutes() === minute;
  if (!valid) return { ok: false, message: `'${text}' is not a real date and time; use ${rule}` };
  if (endsAt.getTime() <= now.getTime()) return { ok: false, message: `'${text}' has passed: the delegation must end in the future` };
  if (endsAt.getTime() - now.getTime() > DELEGATION_MAX_MS) return { ok: false, message: `'${text}' is more than 90 days ahead: delegate for at most 90 days, and again after that if need be` };
  return { ok: true, endsAt };
}
