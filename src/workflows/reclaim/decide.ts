/**
 * The person's answer to a warning: **Keep it** (with an optional reason; the clock restarts, and Keycard
 * asks again only after `inactiveAfter` more without use) or **Remove now** (the removal starts at once,
 * through the same path as after the grace period). Every click is checked against fresh state: the case is
 * still open and the clicker is the person it is about; a refusal is audited.
 */
import type { ReclaimCaseRow } from '../../store/reclaim.repo.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { caseLabel, caseWords, enqueueNotice, enqueueRunComment, summarizeRunIfSettled } from './cases.js';
import { beginRemoval } from './enforce.js';
import { reclaimJiraWords, reclaimSlackWords } from './words.js';

export type CaseAnswer = { kind: 'ok'; text: string } | { kind: 'refused'; text: string };

/** Why `slackId` may not answer this case now; null when they may. Audits a click by someone else. */
export function whyNotAnswer(deps: WorkflowDeps, caseId: number, slackId: string, audit = true): string | null {
  const c = deps.store.reclaim.case(caseId);
  if (!c) return reclaimSlackWords.caseGone;
  if (c.slackId !== slackId) {
    if (audit) deps.store.audit.append({ at: deps.clock.now(), actor: { kind: 'user', slackId }, action: 'reclaim.refused', requestId: c.requestId, data: { caseId, reason: 'not_the_holder' } });
    return reclaimSlackWords.refusedNotYours;
  }
  if (c.status !== 'warned') return reclaimSlackWords.notOpen(c, caseLabel(deps, c));
  return null;
}

/** What the Keep it form says it is about: `Figma (Editor)`. */
export function keepFormLabel(deps: WorkflowDeps, caseId: number): string | null {
  const c = deps.store.reclaim.case(caseId);
  return c ? caseLabel(deps, c) : null;
}

export function keepCase(deps: WorkflowDeps, caseId: number, slackId: string, reason: string | null): CaseAnswer {
  const { store } = deps;
  return store.tx((): CaseAnswer => {
    const why = whyNotAnswer(deps, caseId, slackId);
    if (why) return { kind: 'refused', text: why };
    const now = deps.clock.now();
    const note = reason?.trim() ? reason.trim().slice(0, 500) : null;
    if (!store.reclaim.moveCase(caseId, ['warned'], 'kept', { keptAt: now.getTime(), keptReason: note, decidedBy: slackId, result: note ? `kept by them: ${note}` : 'kept by them', closedAt: now.getTime() })) {
      const c = store.reclaim.case(caseId);
      return { kind: 'refused', text: c ? reclaimSlackWords.notOpen(c, caseLabel(deps, c)) : reclaimSlackWords.caseGone };
    }
    const c = store.reclaim.case(caseId) as ReclaimCaseRow;
    store.audit.append({ at: now, actor: { kind: 'user', slackId }, action: 'reclaim.kept', requestId: c.requestId, data: { caseId, app: c.appId, role: c.roleId, reason: note } });
    enqueueNotice(deps, c, 'warning', now);
    enqueueRunComment(deps, c, [reclaimJiraWords.kept(c, caseWords(deps, c).roleName, now)], now);
    summarizeRunIfSettled(deps, c.runId, now);
    return { kind: 'ok', text: reclaimSlackWords.kept(caseLabel(deps, c), caseWords(deps, c).inactiveAfterMs) };
  });
}

export function removeNow(deps: WorkflowDeps, caseId: number, slackId: string): CaseAnswer {
  const { store } = deps;
  return store.tx((): CaseAnswer => {
    const why = whyNotAnswer(deps, caseId, slackId);
    if (why) return { kind: 'refused', text: why };
    const now = deps.clock.now();
    if (!store.reclaim.moveCase(caseId, ['warned'], 'removing', { decidedBy: slackId, removingSince: now.getTime() })) {
      const c = store.reclaim.case(caseId);
      return { kind: 'refused', text: c ? reclaimSlackWords.notOpen(c, caseLabel(deps, c)) : reclaimSlackWords.caseGone };
    }
    const c = store.reclaim.case(caseId) as ReclaimCaseRow;
    const actor = { kind: 'user', slackId } as const;
    store.audit.append({ at: now, actor, action: 'reclaim.remove_now', requestId: c.requestId, data: { caseId, app: c.appId, role: c.roleId } });
    enqueueRunComment(deps, c, [reclaimJiraWords.removeNow(c, caseWords(deps, c).roleName, now)], now);
    beginRemoval(deps, c, actor, now);
    const after = store.reclaim.case(caseId) ?? c;
    if (after.status === 'cancelled') return { kind: 'ok', text: reclaimSlackWords.notOpen(after, caseLabel(deps, after)) };
    return { kind: 'ok', text: reclaimSlackWords.removing(caseLabel(deps, c), caseWords(deps, c).lowerRoleName) };
  });
}
