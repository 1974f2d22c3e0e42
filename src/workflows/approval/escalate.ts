/**
 * Escalate: a stage nobody decided within `escalateAfterMs` is offered to its fallback as well: the
 * catalog's `fallback` group (the role's, else the app's), else the admins. The fallback approvers, never
 * the requester, are ADDED to the step's approvers by compare-and-set (the first approvers can still
 * decide; `decideStep` checks the stored list on every click), each gets an approval card, and Jira and
 * the audit log record it. `sweepEscalations` (reminders.ts) marked the step and queued this job.
 */
import { findApp, findRole } from '../../domain/catalog.js';
import type { JobOf } from '../../store/jobs.repo.js';
import type { RequestRow, StepRow } from '../../store/requests.repo.js';
import type { SideEffectDeps } from '../shared/deps.js';
import { enqueueAlert, enqueueJiraComment } from '../shared/effects.js';
import { waitWords } from './reminders.js';
import { resolveRef } from '../shared/people.js';
import { jiraWords } from '../shared/jira-words.js';
import { alertWords, slackWords } from '../shared/slack-words.js';
import { stageNumberWords } from '../shared/wording.js';
import { accessLabel } from '../../domain/format.js';
import { earlierDecisions, recordStandIns, stepAsRouted, withStandIns, type StandIn } from './delegation.js';

/** The catalog fallback group of the request's role (wins) or app, from the live catalog; null: the admins. */
export function fallbackGroupOf(deps: SideEffectDeps, request: RequestRow): string | null {
  const app = findApp(deps.catalog(), request.appId);
  const role = app ? findRole(app, request.roleId) : undefined;
  return role?.fallback ?? app?.fallback ?? null;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

function isOpen(step: StepRow | undefined, request: RequestRow | undefined): step is StepRow {
  return Boolean(step && request && step.status === 'pending' && request.status === 'pending_approval');
}

interface Offer {
  readonly added: string[];
  /** Fallback approvers away, and their delegates asked instead (among `added`). */
  readonly standIns: StandIn[];
  /** `the security approvers` or `the Keycard admins`. */
  readonly to: string;
  readonly group: string | null;
  readonly unresolved: string[];
}

/**
 * Who the stage is offered to: new people only, never the requester or an earlier stage's decider; the
 * admins when the group adds nobody.
 */
async function offerFor(deps: SideEffectDeps, request: RequestRow, step: StepRow): Promise<Offer> {
  // Separation of duties: whoever decided an earlier stage is not offered this one either (canDecide would refuse them).
  const earlier = earlierDecisions(deps, request, step.stageIndex).map((d) => d.slackId);
  const fresh = (ids: readonly string[]): string[] =>
    [...new Set(ids)].filter((id) => id !== '' && id !== request.requesterSlackId && !step.approvers.includes(id) && !earlier.includes(id));
  // Away fallback approvers: their delegates are offered the stage instead, never someone already on it.
  const delegated = (ids: string[]): { added: string[]; standIns: StandIn[] } => {
    const picked = withStandIns(deps, request, step.stageIndex, ids, step.approvers);
    const added = fresh(picked.approvers);
    return { added, standIns: picked.standIns.filter((s) => s.added && added.includes(s.delegateSlackId)) };
  };
  const group = fallbackGroupOf(deps, request);
  const unresolved: string[] = [];
  if (group) {
    const resolved: string[] = [];
    for (const ref of deps.catalog().approverGroups[group] ?? []) {
      const id = await resolveRef(deps, ref);
      if (id) resolved.push(id);
      else unresolved.push(ref);
    }
    const offer = delegated(fresh(resolved));
    if (offer.added.length > 0) return { ...offer, to: `the ${group} approvers`, group, unresolved };
  }
  return { ...delegated(fresh(deps.admins)), to: 'the Keycard admins', group, unresolved };
}

export async function escalateStepJob(deps: SideEffectDeps, job: JobOf<'approval.escalate'>): Promise<void> {
  const { stepId, before } = job.payload;
  const { store } = deps;
  const step = store.requests.getStep(stepId);
  const request = step ? store.requests.get(step.requestId) : undefined;
  // Decided or cancelled meanwhile, or already applied before a restart: nothing to do.
  if (!isOpen(step, request) || !request || !sameList(step.approvers, before)) return;
  const offer = await offerFor(deps, request, step);

  const now = deps.clock.now();
  const stageNo = stageNumberWords(request, stepAsRouted(deps, step));
  const after = waitWords(deps, deps.timing.escalateAfterMs);
  const actor = { kind: 'system', reason: 'approval escalation' } as const;
  store.tx(() => {
    const current = store.requests.getStep(stepId);
    if (!isOpen(current, store.requests.get(request.id)) || !sameList(current.approvers, before)) return;
    const data = { stepId, stage: step.stage, fallback: offer.group, unresolved: offer.unresolved };
    if (offer.added.length === 0) {
      store.audit.append({ at: now, actor, action: 'approval.escalation_skipped', requestId: request.id, data: { ...data, reason: 'nobody new to ask' } });
      if (deps.admins.length === 0) {
        enqueueAlert(store, alertWords.nobodyToEscalateTo(request.id, accessLabel(request.snapshot.appName, request.snapshot.roleName), after, stageNo), now, request.id);
      }
      return;
    }
    if (!store.requests.setStepApprovers(stepId, current.approvers, [...current.approvers, ...offer.added])) return;
    store.audit.append({ at: now, actor, action: 'approval.escalated', requestId: request.id, data: { ...data, added: offer.added, afterMs: deps.timing.escalateAfterMs } });
    recordStandIns(deps, current, offer.standIns, actor, now);
    enqueueJiraComment(store, request.id, [jiraWords.escalated(stageNo, after, offer.to, offer.added)], now);
    const note = slackWords.escalationNote(offer.to === 'the Keycard admins', offer.group, after);
    for (const approver of offer.added) {
      store.jobs.enqueue({ kind: 'slack.approver_dm', payload: { stepId, approver, note }, requestId: request.id }, now);
    }
  });
}
