/**
 * A request's issue moved to the Approved or Declined status in Jira: the current stage's decision, taken
 * through the approval workflow's own `decideStep` (the checks and effects of a click in Slack: approver of
 * the stage, never the requester, separation of duties; cards updated, requester told, the chain goes on).
 * Anything else is put back with a comment saying why and who may decide. Synchronous: one transaction,
 * which also claims the changelog entry, so a repeated delivery does nothing.
 */
import { decideStep, type DecideResult } from '../approval/index.js';
import type { RequestRow, StepRow } from '../../store/requests.repo.js';
import type { CommentLine } from '../../store/job-kinds.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { stageNumberWords } from '../shared/wording.js';
import type { ActionableChange } from './changes.js';
import { enqueuePutBack } from './put-back.js';
import { recordJiraChange, type JiraPerson } from './record.js';
import { inboundWords, type JiraMove } from './words.js';

type StatusChange = Extract<ActionableChange, { via: 'status' }>;

/** Who may decide the step now: its approvers, less the requester and (separation of duties) earlier deciders. */
function mayDecide(deps: WorkflowDeps, request: RequestRow, step: StepRow): string[] {
  const earlier = request.snapshot.distinctApprovers === false ? [] : deps.store.requests.steps(request.id).filter((s) => s.stageIndex < step.stageIndex).map((s) => s.decidedBy);
  return step.approvers.filter((id) => id !== request.requesterSlackId && !earlier.includes(id));
}

/** The request of the issue that waits for a decision; else the newest (an extension shares its access's issue). */
export function requestToDecide(requests: readonly RequestRow[]): RequestRow | undefined {
  return requests.find((r) => r.status === 'pending_approval') ?? requests[requests.length - 1];
}

export type JiraDecisionOutcome = 'decided' | 'refused' | 'duplicate';

export function decideFromJira(deps: WorkflowDeps, request: RequestRow, change: StatusChange, person: JiraPerson): JiraDecisionOutcome {
  const { store } = deps;
  const issueKey = request.jiraKey ?? '';
  const move: JiraMove = { via: 'status', status: change.to };
  return store.tx(() => {
    const now = deps.clock.now();
    if (store.jiraEvents.get(change.entry.id)) return 'duplicate';
    const refuse = (reason: string, lines: readonly CommentLine[]): JiraDecisionOutcome => {
      enqueuePutBack(store, { issueKey, requestId: request.id, lines, status: change.from ? { from: change.to, to: change.from } : null, label: null }, now);
      recordJiraChange(deps, { change, issueKey, requestId: request.id, person, outcome: 'refused', reason }, now);
      return 'refused';
    };

    const fresh = store.requests.get(request.id) ?? request;
    const step = fresh.status === 'pending_approval' ? store.requests.stepFor(fresh.id, fresh.currentStage) : undefined;
    if (!step) return refuse('not_waiting', [inboundWords.notWaiting(person.actor, move, fresh.id, fresh.status)]);
    if (!person.actor?.email) return refuse('email_hidden', [inboundWords.emailHidden(person.actor, move)]);
    if (!person.slackId) return refuse('no_slack_account', [inboundWords.noSlackAccount(person.actor, move)]);

    const decision = change.action === 'deny' ? 'deny' : 'approve';
    const result: DecideResult = decideStep(deps, { stepId: step.id, actorSlackId: person.slackId, decision, reason: null });
    const stageNo = stageNumberWords(fresh, step);
    switch (result.kind) {
      case 'decided': {
        recordJiraChange(deps, { change, issueKey, requestId: fresh.id, person, outcome: 'decided', reason: decision }, now);
        if (!result.final && change.from) {
          // The issue tracks the current stage: back to where it waited, until the next stage decides.
          const next = store.requests.get(fresh.id) ?? fresh;
          const stages = Array.isArray(next.snapshot.approval) ? next.snapshot.approval : [];
          const nextStep = { stageIndex: next.currentStage, stage: stages[next.currentStage] ?? '', approvers: [], escalationReason: null };
          const line = inboundWords.nextStage(stageNumberWords(next, nextStep), change.from);
          enqueuePutBack(store, { issueKey, requestId: fresh.id, lines: [line], status: { from: change.to, to: change.from }, label: null }, now);
        }
        return 'decided';
      }
      case 'already_decided':
        return refuse('already_decided', [inboundWords.alreadyDecided(person.actor, move, result.by, result.at, result.status)]);
      case 'not_open':
        return refuse('not_waiting', [inboundWords.notWaiting(person.actor, move, fresh.id, result.status)]);
      case 'refused': {
        const may = mayDecide(deps, fresh, step);
        const actor = person.actor;
        if (result.reason === 'requester') return refuse('requester', [inboundWords.requester(actor, move, stageNo, may)]);
        if (result.reason === 'earlier_decider') return refuse('earlier_decider', [inboundWords.earlierDecider(actor, move, stageNo, may)]);
        return refuse(result.reason, [inboundWords.notApprover(actor, move, stageNo, may)]);
      }
    }
  });
}
