/**
 * Taking the access back, through the job queue and the one removal path. When the grace period is over the
 * sign-ins are read again for that one person (a sign-in since the warning ends the case: no change); then,
 * in one transaction, the case moves `warned → removing` and its removal starts:
 *
 * - a Keycard grant ends through `startRemoval` (reason revoked, noted "reclaimed: unused since Aug 3"): the
 *   removal job takes each held group out, keeps a group another live grant needs, and the case settles when
 *   the grant has ended (the `reclaim.settle` job);
 * - groups of the role held outside Keycard go through the per-group removal (grant/remove-outside.ts);
 * - a downgrade first grants the lower role (an auto-approved Keycard request, "downgrade by reclaim #N",
 *   through the normal provisioning job) and only once that grant is active removes the higher role (the
 *   overlap rule keeps the groups both roles share): never left with neither.
 *
 * Access already being removed by someone else (an access review, an admin) is not removed twice: the case
 * ends `cancelled`, "nothing to do", on record. Each step of one case runs one at a time (`continue` jobs
 * share an order key); every step is audited.
 */
import { findRole } from '../../domain/catalog.js';
import { PermanentError, RetryableError } from '../../domain/errors.js';
import { accessLabel } from '../../domain/format.js';
import { excludedBy, judge, telemetryOf } from '../../domain/reclaim.js';
import type { Actor, CatalogApp, CatalogRole } from '../../domain/types.js';
import type { JobOf } from '../../store/jobs.repo.js';
import type { ReclaimCaseRow } from '../../store/reclaim.repo.js';
import { busyError, removeOutsideGrants, startRemoval } from '../grant/index.js';
import { providerFor, type SideEffectDeps, type WorkflowDeps } from '../shared/deps.js';
import { enqueueJiraComment } from '../shared/effects.js';
import { RECLAIM_SYSTEM, caseActor, caseWords, enqueueContinue, enqueueNotice, enqueueRunComment, lowerRoleIdOf, policyOf } from './cases.js';
import { resolveExclusions, signInReadOf } from './evaluate.js';
import { fileAutoApprovedRequest } from './requests.js';
import { cancel, settleCase } from './settle.js';
import { reclaimJiraWords, reclaimReasons, reclaimRequestWords, unusedSince } from './words.js';

const LIVE: ReadonlySet<string> = new Set(['active', 'provisioning', 'ending']);

export async function reclaimEnforceJob(deps: SideEffectDeps, job: JobOf<'reclaim.enforce'>): Promise<void> {
  if (job.payload.step === 'grace') await graceOver(deps, job.payload.caseId);
  else await continueRemoval(deps, job.payload.caseId, `job:${job.id}`);
}

/** The grace period is over: still unused? Then the removal starts. */
async function graceOver(deps: SideEffectDeps, caseId: number): Promise<void> {
  const { store } = deps;
  const c = store.reclaim.case(caseId);
  if (!c || c.status !== 'warned') return;
  const found = policyOf(deps, c);
  if (!found) {
    cancel(deps, c, reclaimReasons.catalogDropped(c.appId, c.roleId), RECLAIM_SYSTEM);
    return;
  }
  const { app, policy } = found;
  // The one person's sign-ins again: one call, whatever the provider (a batch of one).
  const read = signInReadOf(app, policy);
  const answer = read.kind === 'none' ? undefined : (await providerFor(deps, c.provider).lastSignIns([c.idpUserId], read.kind === 'app' ? read.appId : undefined)).get(c.idpUserId);
  // An exclusion the catalog gained since the warning counts too (an admin's own withdraws the warning at once).
  const excluded = excludedBy({ email: c.email, slackId: c.slackId }, await resolveExclusions(deps, app, policy));
  const now = deps.clock.now();
  const verdict = judge({ accountStatus: 'active', keycardGrant: null, excluded, telemetry: telemetryOf(answer, policy), keptAt: null }, policy, now);
  if (!verdict.flagged) {
    const why = verdict.reason === 'active' ? reclaimReasons.usedAgain(verdict.detail) : verdict.reason === 'no_telemetry' ? reclaimReasons.noTelemetry(verdict.detail) : reclaimReasons.since(verdict.detail);
    cancel(deps, c, why, RECLAIM_SYSTEM);
    return;
  }
  store.tx(() => {
    const at = deps.clock.now();
    if (!store.reclaim.moveCase(c.id, ['warned'], 'removing', { removingSince: at.getTime(), decidedBy: 'system' })) return;
    const moved = store.reclaim.case(c.id) ?? c;
    store.audit.append({ at, actor: RECLAIM_SYSTEM, action: 'reclaim.removing', requestId: c.requestId, data: { caseId: c.id, app: c.appId, role: c.roleId, person: c.email, lastSignInAt: verdict.lastSeen?.getTime() ?? null } });
    enqueueRunComment(deps, c, [reclaimJiraWords.removing(moved, caseWords(deps, moved).roleName, at, caseWords(deps, moved).lowerRoleName)], at);
    beginRemoval(deps, moved, RECLAIM_SYSTEM, at);
  });
}

/**
 * Starts what a case's removal needs, right after it moved to `removing` (the grace job, or Remove now). In
 * the same transaction: a grant's removal, or a downgrade's lower role, starts with the move or not at all.
 */
export function beginRemoval(deps: WorkflowDeps, c: ReclaimCaseRow, actor: Actor, now: Date): void {
  const { store } = deps;
  const found = policyOf(deps, c);
  if (!found) {
    cancel(deps, c, reclaimReasons.catalogDropped(c.appId, c.roleId), actor);
    return;
  }
  const grant = c.grantId ? store.grants.get(c.grantId) : undefined;
  if (grant && grant.status !== 'active') {
    // Ended or being removed by someone else (an access review, an admin, expiry): the same membership is not removed twice.
    cancel(deps, c, grant.status === 'ending' ? reclaimReasons.alreadyRemoving(grant.endingNote ?? grant.endingReason ?? 'revoked') : reclaimReasons.alreadyEnded(grant.status), actor);
    return;
  }
  const lower = lowerRoleIdOf(c);
  const lowerRole = lower ? findRole(found.app, lower) : undefined;
  if (lower && !lowerRole) {
    cancel(deps, c, reclaimReasons.lowerRoleGone(lower), actor);
    return;
  }
  enqueueNotice(deps, c, 'warning', now);
  if (lowerRole && !lowerGrant(deps, c, lowerRole)) fileLowerRole(deps, c, found.app, lowerRole, now);
  else startHigherRemoval(deps, c, actor, now);
  enqueueContinue(deps, c.id, now);
}

/** The live Keycard grant of the downgrade's lower role for this account (active or being provisioned). */
function lowerGrant(deps: WorkflowDeps, c: ReclaimCaseRow, lowerRole: CatalogRole): { id: number; status: string; requestId: number } | null {
  return deps.store.reclaim.liveGrantsOfApp(c.appId, c.provider).get(`${lowerRole.id}\u0000${c.idpUserId}`) ?? null;
}

/** A downgrade's first step: the lower role as a Keycard grant, approved automatically and recorded so. In a transaction. */
function fileLowerRole(deps: WorkflowDeps, c: ReclaimCaseRow, app: CatalogApp, lowerRole: CatalogRole, now: Date): void {
  const w = caseWords(deps, c);
  const request = fileAutoApprovedRequest(deps, {
    who: c,
    app,
    role: lowerRole,
    justification: reclaimRequestWords.downgrade(c.id, accessLabel(w.appName, w.roleName), unusedSince(c, now), lowerRole.name, w.roleName),
    approvedAs: `downgrade by reclaim #${c.id}`,
    data: { reclaimCaseId: c.id },
    now,
  });
  deps.store.reclaim.updateCase(c.id, { downgradeRequestId: request.id });
  deps.store.audit.append({ at: now, actor: RECLAIM_SYSTEM, action: 'reclaim.downgrade_requested', requestId: request.id, data: { caseId: c.id, lowerRole: lowerRole.id, requestId: request.id } });
}

/**
 * True when no request of the downgrade's lower role is on its way: none was filed, or it ended without a
 * live grant (cancelled, denied, or its grant ended). A failed one is not over: an admin retries it.
 */
function lowerRequestOver(deps: WorkflowDeps, c: ReclaimCaseRow): boolean {
  if (c.downgradeRequestId === null) return true;
  const status = deps.store.requests.get(c.downgradeRequestId)?.status;
  return status === undefined || ['cancelled', 'denied', 'expired', 'revoked', 'relinquished'].includes(status);
}

/** Ends the reclaimed role's Keycard grant through the removal path (the overlap rule keeps shared groups). In a transaction. */
function startHigherRemoval(deps: WorkflowDeps, c: ReclaimCaseRow, actor: Actor, now: Date): void {
  const { store } = deps;
  const grant = c.grantId ? store.grants.get(c.grantId) : undefined;
  if (!grant || grant.status !== 'active') return;
  const w = caseWords(deps, c);
  const note = w.lowerRoleName ? `downgraded to ${w.lowerRoleName} by reclaim: ${unusedSince(c, now)}` : `reclaimed: ${unusedSince(c, now)}`;
  if (!startRemoval(store, grant, 'revoked', actor, { reclaimCaseId: c.id }, now, note)) return;
  enqueueJiraComment(store, grant.requestId, [reclaimJiraWords.reclaimedGrant(c, w.lowerRoleName, now)], now);
}

/**
 * The next removal step of a `removing` case: a downgrade waits for its lower role, then removes the higher
 * role; groups held outside Keycard are removed here; the case settles when nothing of it is held.
 */
async function continueRemoval(deps: SideEffectDeps, caseId: number, ticket: string): Promise<void> {
  const { store } = deps;
  let c = store.reclaim.case(caseId);
  if (!c || c.status !== 'removing') return;
  const found = policyOf(deps, c);
  const lower = lowerRoleIdOf(c);
  const lowerRole = lower && found ? findRole(found.app, lower) : undefined;
  if (lowerRole && found) {
    const granted = lowerGrant(deps, c, lowerRole);
    // Never left with neither: the higher role goes only once the lower one is in place (its activation brings us back).
    if (granted?.status !== 'active') {
      if (!granted && lowerRequestOver(deps, c)) {
        // The lower role's grant is gone (its request ended, or the grant it had ended meanwhile): ask for it again.
        const app = found.app;
        store.tx(() => fileLowerRole(deps, store.reclaim.case(caseId) ?? c!, app, lowerRole, deps.clock.now()));
      }
      return;
    }
    const at = deps.clock.now();
    store.tx(() => startHigherRemoval(deps, store.reclaim.case(caseId) ?? c!, caseActor(c!), at));
  }
  c = store.reclaim.case(caseId) ?? c;
  const grant = c.grantId ? store.grants.get(c.grantId) : undefined;
  // What the grant holds is its removal's; the rest of the role's groups are removed here.
  const grantHolds = new Set(grant && LIVE.has(grant.status) ? store.grants.groupRows(grant.id).map((r) => r.groupId) : []);
  const keep = new Set(lowerRole?.groups ?? []);
  const outside = c.groups.filter((g) => !grantHolds.has(g) && !keep.has(g) && c!.removed[g] === undefined);
  const current = c;
  const { failures, busy } = await removeOutsideGrants(
    deps,
    { provider: c.provider, idpUserId: c.idpUserId, groups: outside, exceptGrantId: c.grantId, seenAt: c.warnedAt, by: `auto reclaim case #${c.id}`, actor: caseActor(c), ticket },
    (result) => {
      store.reclaim.recordRemoved(current.id, result.group, result.outcome);
      store.audit.append({ at: deps.clock.now(), actor: caseActor(current), action: 'reclaim.group_gone', requestId: current.requestId, data: { caseId: current.id, group: result.group, outcome: result.outcome, ...(result.note ? { note: result.note } : {}) } });
    },
  );
  if (failures.length > 0) {
    const why = failures.map((f) => `${f.group} (${f.error instanceof Error ? f.error.message : String(f.error)})`).join('; ');
    store.reclaim.updateCase(c.id, { error: `could not remove ${why}` });
    const retryable = failures.find((f) => !(f.error instanceof PermanentError));
    if (retryable) throw new RetryableError(`could not remove ${why}`, retryable.error instanceof RetryableError ? retryable.error.retryAfterMs : undefined);
    throw new PermanentError(`could not remove ${why}`);
  }
  if (busy.length > 0) throw busyError(busy);
  settleCase(deps, c.id);
}
