/**
 * Removing memberships Keycard did not grant (someone added them by hand in the provider): the per-group
 * removal an access review's Revoke and an auto reclaim share. The same rules as the grant removal path:
 * each group on its own, each result handed to the caller as soon as it is known, a group another live
 * Keycard grant of the same account still needs is kept (decided against fresh state right before the
 * call), and one failing group does not stop the others.
 *
 * One membership is removed once: each removal is claimed first (store `removals`), so a review and a reclaim
 * revoking the same membership at once make one provider call; the second finds the first's removal under
 * way (it waits and asks again) or done since it saw the membership (`already_removed`, nothing to do).
 */
import { RetryableError } from '../../domain/errors.js';
import type { Actor } from '../../domain/types.js';
import { providerFor, type SideEffectDeps } from '../shared/deps.js';

export interface OutsideRemoval {
  readonly provider: string;
  readonly idpUserId: string;
  /** The groups to remove (those the caller has no result for yet). */
  readonly groups: readonly string[];
  /** The Keycard grant the caller's access is (if any): its own groups do not count as needed elsewhere. */
  readonly exceptGrantId: number | null;
  /** When the caller saw the membership: a removal by someone else finished since then leaves nothing to do. */
  readonly seenAt: number;
  /** Who removes, in words (`review #3 item 12`, `reclaim case 4`): what a second caller is told. */
  readonly by: string;
  readonly actor: Actor;
  /** The throttle's ticket (the job: `job:<id>`). */
  readonly ticket: string;
}

/** One group's fate: what the provider said, `kept` for another grant, or `already_removed` by someone else. */
export interface OutsideResult {
  readonly group: string;
  readonly outcome: 'removed' | 'not_member' | 'no_group' | 'kept' | 'already_removed';
  readonly note: string | null;
}

export interface OutsideRemovalOutcome {
  readonly failures: ReadonlyArray<{ readonly group: string; readonly error: unknown }>;
  /** Groups someone else is removing right now: ask again shortly. */
  readonly busy: ReadonlyArray<{ readonly group: string; readonly by: string }>;
}

/**
 * Removes each group, calling `record` (inside a transaction, with the claim's end) with each result. Throws
 * nothing for a group: failures and groups busy elsewhere are returned for the caller to retry.
 */
export async function removeOutsideGrants(deps: SideEffectDeps, removal: OutsideRemoval, record: (result: OutsideResult) => void): Promise<OutsideRemovalOutcome> {
  const { store } = deps;
  const failures: Array<{ group: string; error: unknown }> = [];
  const busy: Array<{ group: string; by: string }> = [];
  if (removal.groups.length === 0) return { failures, busy };
  const provider = providerFor(deps, removal.provider);
  deps.throttle(removal.provider, removal.groups.length, removal.ticket);
  for (const group of removal.groups) {
    const ref = { provider: removal.provider, idpUserId: removal.idpUserId, groupId: group };
    const claim = store.tx(() => {
      const keeper = store.grants.liveOfAccount(removal.provider, removal.idpUserId).find((g) => g.id !== removal.exceptGrantId && g.groups.includes(group));
      if (keeper) {
        record({ group, outcome: 'kept', note: `still needed by request #${keeper.requestId}` });
        return null;
      }
      const claimed = store.removals.claim(ref, removal.by, removal.seenAt, deps.clock.now());
      if (claimed.kind === 'done') {
        record({ group, outcome: 'already_removed', note: `nothing to do: already removed by ${claimed.row.by} (${claimed.row.outcome ?? 'removed'})` });
        return null;
      }
      return claimed;
    });
    if (!claim) continue;
    if (claim.kind === 'busy') {
      busy.push({ group, by: claim.row.by });
      continue;
    }
    try {
      const outcome = await provider.removeFromGroup(removal.idpUserId, group);
      store.tx(() => {
        store.removals.finish(claim.row.id, outcome, deps.clock.now());
        record({ group, outcome, note: null });
      });
    } catch (error) {
      store.removals.fail(claim.row.id, error instanceof Error ? error.message : String(error));
      failures.push({ group, error });
    }
  }
  return { failures, busy };
}

/** The error a job throws while another caller is still removing some of its groups (retried shortly). */
export function busyError(busy: OutsideRemovalOutcome['busy']): RetryableError {
  return new RetryableError(`waiting for ${busy.map((b) => `${b.by} to finish removing ${b.group}`).join('; ')}`, 2000);
}

