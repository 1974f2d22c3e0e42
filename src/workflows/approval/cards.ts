/**
 * Slack side effects rendered at send time from the store, so a late or repeated job shows the truth:
 * an approval card for a step that was decided meanwhile is sent already closed, or not at all.
 */
import { formatDuration } from '../../domain/duration.js';
import type { JobOf } from '../../store/jobs.repo.js';
import type { SideEffectDeps } from '../shared/deps.js';
import type { ApprovalCard } from '../shared/ports.js';
import { describeStatus } from '../../domain/request-state.js';
import { parseStage, stagePersonSlackIdOf } from '../../domain/routing.js';
import { stagePersonSlackId } from '../shared/wording.js';
import { stepAsRouted } from './delegation.js';
import { approvalWords } from './words.js';

/**
 * The card for one approver (`viewer`): a stage that went elsewhere than its own approvers says why, and
 * as what this person is asked (an admin, or a member of the stage's fallback group).
 */
export function buildApprovalCard(deps: SideEffectDeps, stepId: number, viewer?: string): ApprovalCard | null {
  const step = deps.store.requests.getStep(stepId);
  const request = step ? deps.store.requests.get(step.requestId) : undefined;
  if (!step || !request) return null;
  const delegates = deps.store.delegations.forStep(step.id);
  let outcome: ApprovalCard['outcome'] = null;
  if (step.status === 'approved' || step.status === 'denied') {
    const stoodIn = delegates.find((d) => d.delegateSlackId === step.decidedBy && (d.endedAt === null || d.endedAt >= (step.decidedAt ?? 0)));
    outcome = { kind: step.status, by: step.decidedBy ?? 'someone', at: new Date(step.decidedAt ?? 0), reason: step.reason, ...(stoodIn ? { for: stoodIn.forSlackId } : {}) };
  } else if (request.status !== 'pending_approval') {
    outcome = { kind: 'closed', text: `This request is ${describeStatus(request.status as never)}; no decision is needed.` };
  } else if (viewer !== undefined && !step.approvers.includes(viewer)) {
    // A copy whose reader is asked no more: the stage was handed to their delegate, or their delegation ended.
    const handed = delegates.find((d) => d.forSlackId === viewer && d.endedAt === null);
    const over = delegates.find((d) => d.delegateSlackId === viewer && d.endedAt !== null);
    outcome = { kind: 'closed', text: handed ? approvalWords.handedAway(handed.delegateSlackId) : over ? approvalWords.delegationOver(over.forSlackId) : approvalWords.noLongerAsked() };
  }
  const standingIn = viewer === undefined ? undefined : delegates.find((d) => d.delegateSlackId === viewer && d.endedAt === null);
  const delegation = standingIn ? deps.store.delegations.get(standingIn.delegationId) : undefined;
  const stages = Array.isArray(request.snapshot.approval) ? request.snapshot.approval : [];
  // A person is named as Slack shows them, not as the catalog's `user:` text.
  const stage = parseStage(step.stage);
  const person = stage ? stagePersonSlackIdOf(stage, stagePersonSlackId(stepAsRouted(deps, step))) : undefined;
  const stageName = stage?.kind === 'user' ? (person ? '' : `the approver ${stage.ref}`) : step.stage;
  return {
    requestId: request.id,
    stepId: step.id,
    requesterSlackId: request.requesterSlackId,
    requesterName: request.requesterName ?? request.requesterSlackId,
    requesterTitle: request.requesterTitle,
    requesterDepartment: request.requesterDepartment,
    appName: request.snapshot.appName,
    roleName: request.snapshot.roleName,
    roleDescription: request.snapshot.roleDescription,
    groups: request.snapshot.groups,
    durationText: request.durationMs === null ? null : request.kind === 'extension' ? `${formatDuration(request.durationMs)} more (extension of active access)` : formatDuration(request.durationMs),
    justification: request.justification,
    jiraKey: request.jiraKey,
    jiraUrl: request.jiraKey ? deps.ticketing.issueUrl(request.jiraKey) : null,
    stageText: `Stage ${step.stageIndex + 1} of ${stages.length}: ${stageName}`,
    ...(person ? { stagePersonSlackId: person } : {}),
    escalationReason: step.escalationReason,
    // Only admins and fallback approvers are on a step that went elsewhere; the step does not record which group.
    // A delegate is asked as whoever they stand in for.
    askedAs: viewer !== undefined && !deps.admins.includes(standingIn?.forSlackId ?? viewer) ? 'fallback' : 'admin',
    ...(standingIn && delegation ? { onBehalfOf: { slackId: standingIn.forSlackId, until: new Date(delegation.endsAt) } } : {}),
    outcome,
  };
}

export async function approverDmJob(deps: SideEffectDeps, job: JobOf<'slack.approver_dm'>): Promise<void> {
  const { stepId, approver, note } = job.payload;
  if (deps.store.requests.approverMessage(stepId, approver)) return; // sent before a restart
  const card = buildApprovalCard(deps, stepId, approver);
  if (!card || card.outcome) return; // decided before the card went out: nothing to ask
  const ref = await deps.notifier.sendApprovalCard(approver, note ? { ...card, note } : card);
  deps.store.requests.recordApproverMessage(stepId, approver, ref.channel, ref.ts, deps.clock.now());
}

export async function updateStepJob(deps: SideEffectDeps, job: JobOf<'slack.update_step'>): Promise<void> {
  const { stepId } = job.payload;
  if (!buildApprovalCard(deps, stepId)) return;
  for (const message of deps.store.requests.approverMessages(stepId)) {
    const card = buildApprovalCard(deps, stepId, message.approverSlackId);
    if (!card || !message.channel || !message.ts) continue;
    await deps.notifier.updateApprovalCard({ channel: message.channel, ts: message.ts }, card);
  }
}
