/**
 * The handler for the issues Keycard files for requests: an approval decided by moving the issue to the
 * Approved or Declined status, and access revoked by the revoke status or label. Re-reads the issue and its
 * changelog from Jira, finds who made the change (their email from the changelog, else Jira's unrestricted
 * look-up, which only apps Atlassian approved may use) and their Slack account by that email, then acts.
 */
import type { JiraActor } from '../../jira/types.js';
import type { SideEffectDeps, WorkflowDeps } from '../shared/deps.js';
import { actionableChanges, type ActionableChange, type JiraMeanings } from './changes.js';
import { decideFromJira, requestToDecide } from './decide.js';
import type { JiraDelivery, JiraIssueHandler } from './dispatch.js';
import type { JiraPerson } from './record.js';
import { requestToRevoke, revokeFromJira } from './revoke.js';

/** Only these fields of a changelog can mean a decision; a delivery that changed neither is skipped. */
const FIELDS = ['status', 'labels'];

async function personOf(deps: SideEffectDeps, author: JiraActor | null): Promise<JiraPerson> {
  if (!author) return { actor: null, slackId: null };
  const email = author.email ?? (await deps.ticketing.userEmail(author.accountId));
  const actor = { ...author, email };
  return { actor, slackId: email ? await deps.directory.userIdByEmail(email) : null };
}

async function handleRequestIssue(deps: SideEffectDeps, meanings: JiraMeanings, issueKey: string): Promise<void> {
  const requests = deps.store.requests.byJiraKey(issueKey);
  if (requests.length === 0) return;
  const issue = await deps.ticketing.readIssue(issueKey);
  if (!issue) {
    deps.logger.warn({ jiraKey: issueKey }, 'Jira webhook for an issue Keycard cannot read (deleted, or moved out of its view); nothing done');
    return;
  }
  const [history, self] = await Promise.all([deps.ticketing.changelog(issueKey), deps.ticketing.selfAccountId()]);
  const changes = actionableChanges(history, issue, meanings, self).filter((c) => !deps.store.jiraEvents.get(c.entry.id));
  if (changes.length === 0) {
    deps.logger.info({ jiraKey: issueKey, status: issue.status }, 'Jira change needs nothing from Keycard (not a decision, Keycard\'s own, or acted on already)');
    return;
  }
  for (const change of changes) {
    const person = await personOf(deps, change.entry.author);
    const outcome = act(deps, requests, change, person);
    deps.logger.info(
      { jiraKey: issueKey, changelogId: change.entry.id, action: change.action, via: change.via, outcome, jiraAccountId: person.actor?.accountId, slackId: person.slackId },
      'Jira change acted on',
    );
  }
}

function act(deps: WorkflowDeps, requests: ReturnType<WorkflowDeps['store']['requests']['byJiraKey']>, change: ActionableChange, person: JiraPerson): string {
  if (change.action === 'revoke') {
    const request = requestToRevoke(requests);
    return request ? revokeFromJira(deps, request, change, person) : 'no_access_request';
  }
  const request = requestToDecide(requests);
  return request && change.via === 'status' ? decideFromJira(deps, request, change, person) : 'no_request';
}

/** Claims deliveries for issues Keycard filed for a request, when at least one meaning is configured. */
export function requestIssueHandler(meanings: JiraMeanings): JiraIssueHandler {
  const enabled = Object.values(meanings).some((v) => v !== null);
  return {
    kind: 'request',
    claims(deps: WorkflowDeps, delivery: JiraDelivery): boolean {
      if (!enabled) return false;
      if (delivery.changedFields !== null && !delivery.changedFields.some((f) => FIELDS.includes(f))) return false;
      return deps.store.requests.byJiraKey(delivery.issueKey).length > 0;
    },
    handle: (deps, issueKey) => handleRequestIssue(deps, meanings, issueKey),
  };
}
