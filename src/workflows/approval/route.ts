/**
 * Route: find who decides the current stage (manager, owner, named group, user), never the requester and
 * never someone who decided an earlier stage (separation of duties, unless the role opted out), record the
 * step and enqueue one approval card per approver.
 */
import { findApp } from '../../domain/catalog.js';
import { describeStage, parseStage, pickStageApprovers, stageCandidateRefs, type EarlierDecider } from '../../domain/routing.js';
import type { CatalogApp } from '../../domain/types.js';
import type { JobOf } from '../../store/jobs.repo.js';
import type { RequestRow } from '../../store/requests.repo.js';
import type { SideEffectDeps } from '../shared/deps.js';
import { snapshotApp } from '../shared/wording.js';
import { enqueueAlert, enqueueJiraComment } from '../shared/effects.js';
import { ensureIdpProfile } from '../shared/requester.js';
import { jiraWords } from '../shared/jira-words.js';
import { resolveRef, resolveRefs } from '../shared/people.js';
import { fallbackGroupOf } from './escalate.js';
import { earlierDecisions, recordStandIns, withStandIns } from './delegation.js';
import { approvalWords } from './words.js';
import { alertWords } from '../shared/slack-words.js';
import { accessLabel } from '../../domain/format.js';

/** The app as the request saw it, with the live catalog's approver groups. */
function appFor(deps: SideEffectDeps, request: RequestRow): CatalogApp {
  const live = findApp(deps.catalog(), request.appId);
  if (live) return live;
  // The app left the catalog after the request was made: route with what the request recorded.
  return snapshotApp(request);
}

/**
 * Separation of duties: who decided an earlier stage of this request and is named again for this one,
 * with their names for the reason. Empty when the request's role opted out (`distinctApprovers: false`,
 * as recorded when it was filed).
 */
async function earlierDecidersOf(deps: SideEffectDeps, request: RequestRow, stageIndex: number, candidates: readonly string[]): Promise<EarlierDecider[]> {
  const deciders: EarlierDecider[] = [];
  // A decision a delegate made for an away approver counts as the approver's too (approval/delegation.ts).
  for (const decision of earlierDecisions(deps, request, stageIndex)) {
    // Only someone named again needs a name: the others cannot be asked anyway.
    const name = candidates.includes(decision.slackId) ? ((await deps.directory.profile(decision.slackId))?.name ?? decision.slackId) : decision.slackId;
    deciders.push({ slackId: decision.slackId, name, stageIndex: decision.stageIndex });
  }
  return deciders;
}

export async function routeStageJob(deps: SideEffectDeps, job: JobOf<'approval.route'>): Promise<void> {
  const { requestId, stageIndex } = job.payload;
  const { store } = deps;
  let request = store.requests.get(requestId);
  if (!request || request.status !== 'pending_approval') return;
  if (store.requests.stepFor(requestId, stageIndex)) return; // routed before a restart
  const stages = request.snapshot.approval;
  const stageText = Array.isArray(stages) ? stages[stageIndex] : undefined;
  const stage = stageText ? parseStage(stageText) : null;
  if (!stageText || !stage) return;

  request = await ensureIdpProfile(deps, request);
  const app = appFor(deps, request);
  const refs = stageCandidateRefs(stage, { app, catalog: deps.catalog(), managerEmail: request.requesterManagerEmail });
  const resolved: string[] = [];
  const unresolved: string[] = [];
  for (const ref of refs) {
    const id = await resolveRef(deps, ref);
    if (id) resolved.push(id);
    else unresolved.push(ref);
  }
  const earlierDeciders = await earlierDecidersOf(deps, request, stageIndex, resolved);
  const base = { candidates: resolved, requester: request.requesterSlackId, admins: deps.admins, earlierDeciders, stageIndex };
  let pick = pickStageApprovers(base);
  // Separation of duties left the stage's own approvers out: its fallback group decides, else the admins.
  const fallbackGroup = pick.separated ? fallbackGroupOf(deps, request) : null;
  if (pick.separated && fallbackGroup) {
    const fallback = await resolveRefs(deps, deps.catalog().approverGroups[fallbackGroup] ?? []);
    pick = pickStageApprovers({ ...base, fallback: fallback.resolved });
  }
  let reason = pick.reason ?? null;
  // When separation of duties moved the stage, the reason is who decided what, not a missing manager or email.
  const plainEscalation = pick.escalatedToAdmins && !pick.separated;
  if (plainEscalation && stage.kind === 'manager' && !request.requesterManagerEmail) {
    reason = 'the requester has no manager in the identity provider';
  } else if (plainEscalation && unresolved.length > 0) {
    reason = `no Slack user for ${unresolved.join(', ')}`;
  }

  const now = deps.clock.now();
  const who = describeStage(stage, app);
  // Approvers away: their delegates are asked instead (unless a delegate may not decide this request).
  const delegated = withStandIns(deps, request, stageIndex, pick.approvers);
  store.tx(() => {
    const current = store.requests.get(requestId);
    if (!current || current.status !== 'pending_approval' || store.requests.stepFor(requestId, stageIndex)) return;
    if (pick.approvers.length === 0) {
      store.audit.append({
        at: now,
        actor: { kind: 'system', reason: 'routing' },
        action: 'approval.unroutable',
        requestId,
        data: { stage: stageText, unresolved },
      });
      enqueueAlert(store, alertWords.unroutable(requestId, accessLabel(request.snapshot.appName, request.snapshot.roleName), who, reason), now, requestId);
      return;
    }
    const step = store.requests.insertStep({ requestId, stageIndex, stage: stageText, approvers: delegated.approvers, escalationReason: pick.escalatedToAdmins || pick.separated ? reason : null }, now);
    store.requests.update(requestId, { currentStage: stageIndex }, now);
    store.audit.append({
      at: now,
      actor: { kind: 'system', reason: 'routing' },
      action: 'approval.stage_started',
      requestId,
      data: {
        stepId: step.id,
        stage: stageText,
        approvers: delegated.approvers,
        escalated: pick.escalatedToAdmins,
        reason,
        ...(pick.separated ? { separated: pick.separated.deciders, fallback: pick.separated.to === 'fallback' ? fallbackGroup : null } : {}),
      },
    });
    if (pick.separated?.to === 'fallback' && fallbackGroup && reason) {
      enqueueJiraComment(store, requestId, [jiraWords.stageToFallback(who, fallbackGroup, reason)], now);
    } else if (pick.escalatedToAdmins) {
      enqueueJiraComment(store, requestId, [jiraWords.stageToAdmins(who, reason)], now);
    }
    recordStandIns(deps, step, delegated.standIns, { kind: 'system', reason: 'routing' }, now);
    const lines = [
      ...delegated.standIns.map((d) => approvalWords.delegatedStage(who, d.forSlackId, d.delegateSlackId, new Date(d.delegation.endsAt))),
      ...delegated.refused.map((r) => approvalWords.standInRefused(who, r.forSlackId, r.delegateSlackId, r.why)),
    ];
    if (lines.length > 0) enqueueJiraComment(store, requestId, lines, now);
    for (const approver of delegated.approvers) {
      store.jobs.enqueue({ kind: 'slack.approver_dm', payload: { stepId: step.id, approver }, requestId }, now);
    }
  });
}
