/**
 * Expire: the schedule finds grants whose end has come and, per grant in one transaction, marks it ending
 * and enqueues its removal (`startRemoval`, shared with I'm done and revocation). A sweep missed while the
 * process was down runs at start-up, because it only compares end times with now.
 */
import type { Actor, RemovalReason } from '../../domain/types.js';
import type { GrantRow } from '../../store/grants.repo.js';
import type { Store } from '../../store/store.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { enqueueDeprovision } from '../shared/effects.js';
import { moveGrant } from '../shared/transitions.js';

const STARTING: Readonly<Record<RemovalReason, string>> = {
  expired: 'grant.expiring',
  revoked: 'grant.revoking',
  relinquished: 'grant.relinquishing',
  rolled_back: 'grant.rolling_back',
};

/**
 * Moves a grant to `ending` and queues the removal of what it holds (the one removal path,
 * src/workflows/grant/remove.ts); false when it was no longer in the state it is removed from. Expiry,
 * I'm done and revocation start here from `active`; an undone provisioning (`rolled_back`) from
 * `provisioning`. The reason and start are kept on the grant, so whoever finishes the removal ends it
 * the same way. `note` says more than the reason wherever the end is told (`revoked in review Q1 CRM`).
 * Call inside a transaction.
 */
export function startRemoval(store: Store, grant: GrantRow, reason: RemovalReason, actor: Actor, data: Record<string, unknown>, now: Date, note: string | null = null): boolean {
  const from = reason === 'rolled_back' ? 'provisioning' : 'active';
  return store.tx(() => {
    const set = { endingReason: reason, endingSince: now.getTime(), endingNote: note };
    if (!moveGrant(store, grant.id, { from, to: 'ending', actor, action: STARTING[reason], data, set }, now)) return false;
    enqueueDeprovision(store, grant.requestId, grant.id, reason, now);
    return true;
  });
}

const REMOVAL_REASONS: readonly RemovalReason[] = ['expired', 'revoked', 'relinquished', 'rolled_back'];

/** Why an `ending` grant is being removed, as recorded when its removal started (`expired` for a row from before that was recorded). */
export function endingReasonOf(grant: GrantRow): RemovalReason {
  return REMOVAL_REASONS.find((r) => r === grant.endingReason) ?? 'expired';
}

/** Starts the removal of due grants, at most `maxBatches` batches of `batchSize`; returns how many it started. */
export function sweepExpired(deps: WorkflowDeps, batchSize = 500, maxBatches = Number.POSITIVE_INFINITY): number {
  const { store } = deps;
  let started = 0;
  for (let batch = 0; batch < maxBatches; batch += 1) {
    const now = deps.clock.now();
    const due = store.grants.due(now, batchSize);
    if (due.length === 0) return started;
    store.tx(() => {
      for (const grant of due) {
        if (!startRemoval(store, grant, 'expired', { kind: 'system', reason: 'expiry schedule' }, { endsAt: grant.endsAt }, now)) continue;
        started += 1;
      }
    });
    if (due.length < batchSize) return started;
  }
  return started;
}
