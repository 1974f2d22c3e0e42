/**
 * Timing policy, set by configuration and read by the workflows.
 */

/** When Keycard nudges people: warnings before access ends, reminders and escalation for approvers, request expiry. */
export interface TimingPolicy {
  /** Lead time of the "ends soon" DM for grants of one hour or less. */
  readonly warnBeforeShortMs: number;
  /** Lead time of the "ends soon" DM for longer grants. */
  readonly warnBeforeMs: number;
  readonly remindAfterMs: number;
  readonly escalateAfterMs: number;
  readonly requestTtlMs: number;
  /**
   * How long after a removal Keycard asks the provider again whether the membership is really gone: a write
   * whose answer was lost (a timeout, a crash mid-call) can still land after the removal.
   */
  readonly removalRecheckMs: number;
  /** How often reviewers with undecided items in an open access review are reminded. */
  readonly reviewRemindEveryMs: number;
  /** How long a reviewer's Revoke waits before it is enforced, so a mistaken click can be changed. */
  readonly reviewRevokeAfterMs: number;
  /** e.g. `Mon-Fri 09:00-17:00`: reminders and escalation count only these hours when set. */
  readonly businessHours: string | null;
  /** IANA time zone of the business hours (default UTC). */
  readonly timezone: string;
}

