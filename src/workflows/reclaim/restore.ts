/**
 * **Ask for it back** on the DM after a reclaim. Within `restoreWithin` (14 days by default) it restores the
 * same role without approval: a Keycard request recorded as a restore ("restore of reclaim #4", linked to the
 * case both ways), through the normal provisioning job. After that, or for a time-bound role (which needs a
 * duration), it opens the usual `/request` form for that app and role. Only the person the case is about
 * may ask; anyone else is refused and audited.
 */
import { findApp, findRole, isTimeBound } from '../../domain/catalog.js';
import { formatDuration } from '../../domain/duration.js';
import { WAITING_STATUSES } from '../../domain/request-state.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { caseLabel, caseWords, enqueueNotice, enqueueRunComment } from './cases.js';
import { fileAutoApprovedRequest } from './requests.js';
import { reclaimJiraWords, reclaimRequestWords, reclaimSlackWords, unusedSince } from './words.js';

export type RestoreAnswer =
  | { readonly kind: 'restored'; readonly text: string; readonly requestId: number }
  /** Open the `/request` form with this app and role chosen, and this notice at the top. */
  | { readonly kind: 'request_form'; readonly appId: string; readonly roleId: string; readonly notice: string }
  | { readonly kind: 'refused'; readonly text: string };

export function askForItBack(deps: WorkflowDeps, caseId: number, slackId: string): RestoreAnswer {
  const { store } = deps;
  return store.tx((): RestoreAnswer => {
    const now = deps.clock.now();
    const c = store.reclaim.case(caseId);
    if (!c) return { kind: 'refused', text: reclaimSlackWords.caseGone };
    if (c.slackId !== slackId) {
      store.audit.append({ at: now, actor: { kind: 'user', slackId }, action: 'reclaim.refused', requestId: c.requestId, data: { caseId, reason: 'not_the_holder', asked: 'restore' } });
      return { kind: 'refused', text: reclaimSlackWords.refusedNotYours };
    }
    const what = caseLabel(deps, c);
    if (c.status !== 'reclaimed' && c.status !== 'downgraded') return { kind: 'refused', text: reclaimSlackWords.notOpen(c, what) };
    const app = findApp(deps.catalog(), c.appId);
    const role = app ? findRole(app, c.roleId) : undefined;
    if (!app || !role) return { kind: 'refused', text: reclaimSlackWords.roleGone(what) };
    const within = c.restoreUntil !== null && now.getTime() <= c.restoreUntil;
    if (!within || isTimeBound(role)) {
      const restoreWithin = app.reclaim?.restoreWithinMs ?? 14 * 24 * 3600_000;
      const notice = isTimeBound(role) ? reclaimSlackWords.timeBound(what) : reclaimSlackWords.afterRestoreWindow(what, formatDuration(restoreWithin));
      store.audit.append({ at: now, actor: { kind: 'user', slackId }, action: 'reclaim.restore_by_request', requestId: c.requestId, data: { caseId, restoreUntil: c.restoreUntil, timeBound: isTimeBound(role) } });
      return { kind: 'request_form', appId: app.id, roleId: role.id, notice };
    }
    const held = store.grants.activeOf(slackId, app.id, role.id);
    if (held) return { kind: 'refused', text: reclaimSlackWords.alreadyHeld(what, held.requestId) };
    const pending = store.requests.firstAccessRequest(slackId, app.id, role.id, WAITING_STATUSES);
    if (pending) return { kind: 'refused', text: reclaimSlackWords.alreadyAsked(what, pending.id) };
    if (!store.reclaim.moveCase(c.id, ['reclaimed', 'downgraded'], 'restored', { decidedBy: slackId })) return { kind: 'refused', text: reclaimSlackWords.notOpen(store.reclaim.case(c.id) ?? c, what) };
    const request = fileAutoApprovedRequest(deps, {
      who: c,
      app,
      role,
      justification: reclaimRequestWords.restore(c.id, what, c.status === 'downgraded', unusedSince(c, now)),
      approvedAs: `restore of reclaim #${c.id}`,
      data: { reclaimCaseId: c.id },
      now,
      jiraLines: [reclaimJiraWords.restoreOf(c, what, now)],
    });
    store.reclaim.moveCase(c.id, ['restored'], 'restored', { restoreRequestId: request.id });
    const restored = store.reclaim.case(c.id) ?? c;
    store.audit.append({ at: now, actor: { kind: 'user', slackId }, action: 'reclaim.restored', requestId: request.id, data: { caseId: c.id, app: c.appId, role: c.roleId, requestId: request.id, reclaimedAt: c.closedAt } });
    enqueueNotice(deps, restored, 'result', now);
    enqueueRunComment(deps, restored, [reclaimJiraWords.restored(restored, caseWords(deps, restored).roleName, request.id, now)], now);
    return { kind: 'restored', text: reclaimSlackWords.restored(what, request.id, c.id), requestId: request.id };
  });
}
