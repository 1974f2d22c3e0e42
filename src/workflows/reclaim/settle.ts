/**
 * How a case ends: reclaimed or downgraded once nothing of it is held any more (the DM with Ask for it back,
 * the line on the run's issue, the run's summary when it was the last), or cancelled with nothing (more) to
 * do, saying why. And the job that carries a case on when what it waited for happened: a grant's removal
 * ended, or a downgrade's lower role became active.
 */
import { findRole } from '../../domain/catalog.js';
import type { Actor } from '../../domain/types.js';
import type { JobOf } from '../../store/jobs.repo.js';
import type { ReclaimCaseRow } from '../../store/reclaim.repo.js';
import type { SideEffectDeps, WorkflowDeps } from '../shared/deps.js';
import { caseActor, caseWords, enqueueContinue, enqueueNotice, enqueueRunComment, lowerRoleIdOf, policyOf, summarizeRunIfSettled } from './cases.js';
import { reclaimJiraWords, reclaimReasons } from './words.js';

const LIVE: ReadonlySet<string> = new Set(['active', 'provisioning', 'ending']);

/** Ends the case once nothing of it is held: reclaimed or downgraded (or nothing to do, when others removed it all). */
export function settleCase(deps: WorkflowDeps, caseId: number): boolean {
  const { store } = deps;
  return store.tx(() => {
    const c = store.reclaim.case(caseId);
    if (!c || c.status !== 'removing') return false;
    const grant = c.grantId ? store.grants.get(c.grantId) : undefined;
    if (grant && LIVE.has(grant.status)) return false;
    const lower = lowerRoleIdOf(c);
    const found = policyOf(deps, c);
    const keep = new Set((lower && found ? findRole(found.app, lower)?.groups : undefined) ?? []);
    const grantGroups = new Set(grant ? store.grants.groupRows(grant.id).map((r) => r.groupId) : []);
    const outside = c.groups.filter((g) => !grantGroups.has(g) && !keep.has(g));
    if (outside.some((g) => c.removed[g] === undefined)) return false;
    const now = deps.clock.now();
    const outcomes = outside.map((g) => c.removed[g]);
    if (!grant && outcomes.length > 0 && outcomes.every((o) => o === 'already_removed' || o === 'kept')) {
      cancel(deps, c, reclaimReasons.removedByOthers, caseActor(c));
      return true;
    }
    const downgraded = lower !== null;
    const policy = found?.policy;
    const result = downgraded ? `downgraded to ${caseWords(deps, c).lowerRoleName ?? lower}` : 'removed';
    const restoreUntil = now.getTime() + (policy?.restoreWithinMs ?? 14 * 24 * 3600_000);
    if (!store.reclaim.moveCase(c.id, ['removing'], downgraded ? 'downgraded' : 'reclaimed', { result, closedAt: now.getTime(), restoreUntil, error: null })) return false;
    const closed = store.reclaim.case(c.id) ?? c;
    store.audit.append({
      at: now,
      actor: caseActor(c),
      action: downgraded ? 'reclaim.downgraded' : 'reclaim.reclaimed',
      requestId: c.requestId,
      data: { caseId: c.id, app: c.appId, role: c.roleId, person: c.email, groups: { ...Object.fromEntries(outside.map((g) => [g, c.removed[g]])), ...(grant ? { grant: grant.id } : {}) }, seatCost: c.seatCost, restoreUntil },
    });
    enqueueNotice(deps, closed, 'warning', now);
    enqueueNotice(deps, closed, 'result', now);
    enqueueRunComment(deps, closed, [reclaimJiraWords.result(closed, caseWords(deps, closed).roleName, now)], now);
    summarizeRunIfSettled(deps, c.runId, now);
    return true;
  });
}

/** Ends a case with nothing (more) to do, saying why: on record, on the run's issue, in the person's DM. In a transaction. */
export function cancel(deps: WorkflowDeps, c: ReclaimCaseRow, why: string, actor: Actor): void {
  const { store } = deps;
  store.tx(() => {
    const now = deps.clock.now();
    if (!store.reclaim.moveCase(c.id, ['warned', 'removing'], 'cancelled', { result: why, closedAt: now.getTime() })) return;
    const closed = store.reclaim.case(c.id) ?? c;
    store.audit.append({ at: now, actor, action: 'reclaim.cancelled', requestId: c.requestId, data: { caseId: c.id, app: c.appId, role: c.roleId, person: c.email, why } });
    enqueueNotice(deps, closed, 'warning', now);
    enqueueRunComment(deps, closed, [reclaimJiraWords.result(closed, caseWords(deps, closed).roleName, now)], now);
    summarizeRunIfSettled(deps, c.runId, now);
  });
}

/** After a grant's removal ended, or a downgrade's lower role became active: the cases waiting on it go on. */
export async function reclaimSettleJob(deps: SideEffectDeps, job: JobOf<'reclaim.settle'>): Promise<void> {
  const { store } = deps;
  const grant = store.grants.get(job.payload.grantId);
  const waiting = [...store.reclaim.removingThroughGrant(job.payload.grantId), ...(grant ? store.reclaim.waitingOnRequest(grant.requestId) : [])];
  store.tx(() => {
    const now = deps.clock.now();
    for (const c of waiting) enqueueContinue(deps, c.id, now);
  });
}
