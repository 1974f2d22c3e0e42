/**
 * Warn: before a time-bound grant ends, its holder gets one DM with Extend and I'm done. The grant is
 * marked warned in the transaction that queues the DM, so a second sweep or a restart never repeats it.
 */
import { findApp, findRole } from '../../domain/catalog.js';
import { formatDuration } from '../../domain/duration.js';
import { extensionChoice, warningLeadMs } from '../../domain/extension.js';
import type { GrantRow } from '../../store/grants.repo.js';
import type { JobOf } from '../../store/jobs.repo.js';
import type { SideEffectDeps, WorkflowDeps } from '../shared/deps.js';
import type { GrantNotice } from '../shared/ports.js';

/** Queues the "ends soon" DM for every grant that is due one; returns how many. */
export function sweepWarnings(deps: WorkflowDeps, batchSize = 500): number {
  const { store, timing } = deps;
  let queued = 0;
  for (;;) {
    const now = deps.clock.now();
    const due = store.grants.dueForWarning(now, timing.warnBeforeShortMs, timing.warnBeforeMs, batchSize);
    if (due.length === 0) return queued;
    store.tx(() => {
      for (const grant of due) {
        if (!store.grants.markWarned(grant.id, now)) continue;
        store.audit.append({
          at: now,
          actor: { kind: 'system', reason: 'expiry schedule' },
          action: 'grant.warned',
          requestId: grant.requestId,
          data: { grantId: grant.id, endsAt: grant.endsAt, leadMs: warningLeadMs(grant.startsAt, grant.endsAt ?? 0, timing) },
        });
        store.jobs.enqueue({ kind: 'slack.grant_notice', payload: { grantId: grant.id }, orderKey: `dm:${grant.userSlackId}`, requestId: grant.requestId }, now);
        queued += 1;
      }
    });
    if (due.length < batchSize) return queued;
  }
}

/** What a grant's holder may do now: Extend is offered only while the role's limit leaves room. */
export function grantNotice(deps: WorkflowDeps, grant: GrantRow): GrantNotice | null {
  const request = deps.store.requests.get(grant.requestId);
  if (!request || grant.endsAt === null) return null;
  const app = findApp(deps.catalog(), grant.appId);
  const role = app ? findRole(app, grant.roleId) : undefined;
  const choice = role ? extensionChoice(role, grant.startsAt, grant.endsAt) : null;
  const canExtend = Boolean(choice && choice.allowedMs.length > 0);
  const extendNote = choice && !canExtend ? `It cannot be extended: ${request.snapshot.roleName} allows at most ${formatDuration(choice.maxDurationMs)} in all.` : null;
  return { grantId: grant.id, appName: request.snapshot.appName, roleName: request.snapshot.roleName, endsAt: new Date(grant.endsAt), canExtend, extendNote };
}

export async function grantNoticeJob(deps: SideEffectDeps, job: JobOf<'slack.grant_notice'>): Promise<void> {
  const { grantId } = job.payload;
  const grant = deps.store.grants.get(grantId);
  if (!grant || grant.status !== 'active') return; // ended meanwhile: nothing to warn about
  const notice = grantNotice(deps, grant);
  if (notice) await deps.notifier.sendGrantNotice(grant.userSlackId, notice);
}
