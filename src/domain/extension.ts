/**
 * Rules for time-bound grants: when to warn before the end, and which extensions the role's limit allows.
 * Pure: times are passed in as epoch milliseconds.
 */
import type { TimingPolicy } from './policy.js';
import type { CatalogRole } from './types.js';

const ONE_HOUR = 60 * 60_000;

/** How long before the end the "ends soon" DM goes: the short lead for grants of an hour or less. */
export function warningLeadMs(startsAt: number, endsAt: number, timing: Pick<TimingPolicy, 'warnBeforeShortMs' | 'warnBeforeMs'>): number {
  return endsAt - startsAt <= ONE_HOUR ? timing.warnBeforeShortMs : timing.warnBeforeMs;
}

export interface ExtensionChoice {
  /** Durations of the role that keep the total within `maxDurationMs`, in catalog order. */
  readonly allowedMs: readonly number[];
  readonly maxDurationMs: number;
  /** Time already granted, start to current end. */
  readonly usedMs: number;
}

/** What an extension of a grant that ran from `startsAt` to `endsAt` may add. */
export function extensionChoice(role: Pick<CatalogRole, 'durationsMs' | 'maxDurationMs'>, startsAt: number, endsAt: number): ExtensionChoice {
  const durations = role.durationsMs ?? [];
  const maxDurationMs = role.maxDurationMs ?? Math.max(0, ...durations);
  const usedMs = endsAt - startsAt;
  return { allowedMs: durations.filter((d) => usedMs + d <= maxDurationMs), maxDurationMs, usedMs };
}
