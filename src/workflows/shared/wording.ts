/**
 * Words for a stored request's approval chain, from what the request recorded (the catalog may have changed since).
 */
import { describeStage, describeStageInSentence, parseStage } from '../../domain/routing.js';
import type { CatalogApp } from '../../domain/types.js';
import type { RequestRow, StepRow } from '../../store/requests.repo.js';

/** The app as the request recorded it (the catalog may have changed or dropped it since). */
export function snapshotApp(request: RequestRow): CatalogApp {
  return {
    id: request.appId,
    name: request.snapshot.appName,
    description: '',
    owner: request.snapshot.owner,
    provider: request.snapshot.provider as CatalogApp['provider'],
    roles: [],
  };
}

/** `the Salesforce owner` for `owner`; `<@U…>` for a person whose Slack id is known, else `the approver rita@…`. */
export function stageWords(request: RequestRow, stageText: string, personSlackId?: string): string {
  const stage = parseStage(stageText);
  return stage ? describeStageInSentence(stage, snapshotApp(request), personSlackId) : stageText;
}

/**
 * The Slack id of the person a routed `user:` stage names. Routing resolved their email to this id and made
 * them the step's first approver, unless it had to ask someone else (then it recorded why); escalation
 * only appends approvers after them.
 */
export function stagePersonSlackId(step: Pick<StepRow, 'approvers' | 'escalationReason'>): string | undefined {
  return step.escalationReason ? undefined : step.approvers[0];
}

/** `Your manager, then the Salesforce owner`, or the auto-approval policy. */
export function chainWords(request: RequestRow): string {
  const approval = request.snapshot.approval;
  if (approval === 'auto') return `Auto-approved by catalog policy ${request.appId}/${request.roleId}`;
  const text = approval.map((s) => stageWords(request, s)).join(', then ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `Salesforce / System Admin`, or `extension of …` for an extension request. */
export function requestWhat(request: RequestRow): string {
  const what = `${request.snapshot.appName} / ${request.snapshot.roleName}`;
  return request.kind === 'extension' ? `extension of ${what}` : what;
}

/** The number of approval stages the request recorded (0 for auto-approval). */
export function stageCount(request: RequestRow): number {
  return Array.isArray(request.snapshot.approval) ? request.snapshot.approval.length : 0;
}

/**
 * `stage 1 of 2 (manager)`: the catalog's word for a role-based stage, which approvers and Jira read as the
 * stage's name; a person is named as Slack shows them (`<@U…>`), never as the catalog's `user:` text.
 */
export function stageNumberWords(request: RequestRow, step: Pick<StepRow, 'stageIndex' | 'stage' | 'approvers' | 'escalationReason'>): string {
  const stage = parseStage(step.stage);
  const name = stage?.kind === 'user' ? describeStage(stage, snapshotApp(request), stagePersonSlackId(step)) : step.stage;
  return `stage ${step.stageIndex + 1} of ${stageCount(request)} (${name})`;
}
