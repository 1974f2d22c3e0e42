/**
 * Expire: the schedule finds grants whose end has come and, per grant in one transaction, marks it ending
 * and enqueues its removal (`startRemoval`, shared with I'm done and revocation). A sweep missed while the
 * process was down runs at start-up, because it only compares end times with now.
 */
import type { Actor, EndReason } from '../../domain/types.js';
import type { GrantRow } from '../../store/grants.repo.js';
import type { Store } from '../../store/store.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { enqueueDeprovision } from '../shared/effects.js';
import { moveGrant } from '../shared/transitions.js';

const STARTING: Readonly<Record<EndReason, string>> = { expired: 'grant.expiring', revoked: 'grant.revoking', relinquished: 'grant.relinquishing' };

/**
 * Moves an active grant to `ending` and queues its removal (the one removal path, src/workflows/grant/remove.ts);
 * false when it was no longer active. Expiry, I'm done and revocation all start here. Call inside a transaction.
 */
export function startRemoval(store: Store, grant: GrantRow, reason: EndReason, actor: Actor, data: Record<string, unknown>, now: Date): boolean {
  return store.tx(() => {
    if (!moveGrant(store, grant.id, { from: 'active', to: 'ending', actor, action: STARTING[reason], data }, now)) return false;
    enqueueDeprovision(store, grant.requestId, grant.id, reason, now);
    return true;
  });
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
