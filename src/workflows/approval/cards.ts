/**
 * Slack side effects rendered at send time from the store, so a late or repeated job shows the truth:
 * an approval card for a step that was decided meanwhile is sent already closed, or not at all.
 */
import { formatDuration } from '../../domain/duration.js';
import type { JobOf } from '../../store/jobs.repo.js';
import type { SideEffectDeps } from '../shared/deps.js';
import type { ApprovalCard } from '../shared/ports.js';
import { describeStatus } from '../../domain/request-state.js';

export function buildApprovalCard(deps: SideEffectDeps, stepId: number): ApprovalCard | null {
  const step = deps.store.requests.getStep(stepId);
  const request = step ? deps.store.requests.get(step.requestId) : undefined;
  if (!step || !request) return null;
  let outcome: ApprovalCard['outcome'] = null;
  if (step.status === 'approved' || step.status === 'denied') {
    outcome = { kind: step.status, by: step.decidedBy ?? 'someone', at: new Date(step.decidedAt ?? 0), reason: step.reason };
  } else if (request.status !== 'pending_approval') {
    outcome = { kind: 'closed', text: `This request is ${describeStatus(request.status as never)}; no decision is needed.` };
  }
  const stages = Array.isArray(request.snapshot.approval) ? request.snapshot.approval : [];
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
    stageText: `Stage ${step.stageIndex + 1} of ${stages.length}: ${step.stage}`,
    escalationReason: step.escalationReason,
    outcome,
  };
}

export async function approverDmJob(deps: SideEffectDeps, job: JobOf<'slack.approver_dm'>): Promise<void> {
  const { stepId, approver, note } = job.payload;
  if (deps.store.requests.approverMessage(stepId, approver)) return; // sent before a restart
  const card = buildApprovalCard(deps, stepId);
  if (!card || card.outcome) return; // decided before the card went out: nothing to ask
  const ref = await deps.notifier.sendApprovalCard(approver, note ? { ...card, note } : card);
  deps.store.requests.recordApproverMessage(stepId, approver, ref.channel, ref.ts, deps.clock.now());
}

export async function updateStepJob(deps: SideEffectDeps, job: JobOf<'slack.update_step'>): Promise<void> {
  const { stepId } = job.payload;
  const card = buildApprovalCard(deps, stepId);
  if (!card) return;
  for (const message of deps.store.requests.approverMessages(stepId)) {
    if (!message.channel || !message.ts) continue;
    await deps.notifier.updateApprovalCard({ channel: message.channel, ts: message.ts }, card);
  }
}
