/**
 * The request state machine (ARCHITECTURE.md, "Request lifecycle"). Workflows check a move here
 * before their compare-and-set update, so an illegal move is refused in one place.
 */
import type { GrantStatus, RequestStatus } from './types.js';

/**
 * Every allowed move, by current status. A status with no moves is terminal.
 * A pending request that times out is `cancelled`: `expired` means granted access ran out.
 */
export const TRANSITIONS: Readonly<Record<RequestStatus, readonly RequestStatus[]>> = {
  submitted: ['pending_approval', 'approved', 'cancelled', 'failed'],
  pending_approval: ['approved', 'denied', 'cancelled'],
  // An approved extension whose grant ended (or moved) before it applied is cancelled.
  approved: ['provisioning', 'awaiting_fulfilment', 'failed', 'cancelled'],
  // A manual app's provisioning opens a task for a person instead of changing groups.
  provisioning: ['active', 'failed', 'awaiting_fulfilment'],
  awaiting_fulfilment: ['active', 'failed', 'cancelled'],
  // An admin retry goes back to provisioning, or to approved when the grant must be re-planned.
  failed: ['provisioning', 'approved', 'cancelled'],
  active: ['expired', 'revoked', 'relinquished'],
  denied: [],
  cancelled: [],
  expired: [],
  revoked: [],
  relinquished: [],
};

/**
 * A grant's moves. It exists from the start of provisioning, so that every group added is on record as
 * held; a provisioning that fails for good is undone through the same removal (`ending`) as any other.
 * `ending` lasts until every held group is confirmed gone (the groups are still held until then), then
 * the grant ends for its reason. An admin's retry of a rolled-back request provisions it again from scratch.
 */
export const GRANT_TRANSITIONS: Readonly<Record<GrantStatus, readonly GrantStatus[]>> = {
  provisioning: ['active', 'ending'],
  active: ['ending'],
  ending: ['expired', 'revoked', 'relinquished', 'rolled_back'],
  rolled_back: ['provisioning'],
  expired: [],
  revoked: [],
  relinquished: [],
};

/** True when the lifecycle allows moving a grant from `from` to `to`. */
export function canTransitionGrant(from: GrantStatus, to: GrantStatus): boolean {
  return GRANT_TRANSITIONS[from].includes(to);
}

/** True when the lifecycle allows moving a request from `from` to `to`. */
export function canTransition(from: RequestStatus, to: RequestStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** True when nothing can happen to a request in this status any more. */
export function isTerminal(status: RequestStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

/**
 * A request in one of these still stands to become a grant: a second request for the same app and role
 * would be approved and provisioned alongside it, so it is answered with this one instead of being filed.
 */
export const WAITING_STATUSES: readonly RequestStatus[] = ['submitted', 'pending_approval', 'approved', 'provisioning', 'awaiting_fulfilment'];

const DESCRIPTIONS = {
  submitted: 'submitted',
  pending_approval: 'waiting for approval',
  approved: 'approved, about to be granted',
  provisioning: 'being granted',
  awaiting_fulfilment: 'waiting for IT to grant it',
  active: 'active',
  failed: 'failed to grant; admins have been alerted',
  denied: 'denied',
  cancelled: 'cancelled',
  expired: 'expired',
  revoked: 'revoked',
  relinquished: 'given up by the requester',
} satisfies Record<RequestStatus, string>;

/** The status in plain words for Slack messages (`waiting for approval`). */
export function describeStatus(status: RequestStatus): string {
  return DESCRIPTIONS[status];
}
