/**
 * Revoke from Jira: the configured status (or label) on the issue of an active grant ends the access
 * through the grant workflow's `revokeAccess` (the one removal path, as `/access-admin revoke`), when the
 * person who did it is a Keycard admin (matched by their Slack account's email) or the app's owner (by
 * email, or by Slack id when the catalog names the owner so). Others are put back with a comment.
 */
import { revokeAccess } from '../grant/index.js';
import type { RequestRow } from '../../store/requests.repo.js';
import type { WorkflowDeps } from '../shared/deps.js';
import type { ActionableChange } from './changes.js';
import { enqueuePutBack } from './put-back.js';
import { recordJiraChange, type JiraPerson } from './record.js';
import { inboundWords, type JiraMove } from './words.js';

export type JiraRevokeOutcome = 'revoked' | 'refused' | 'duplicate';

function moveOf(change: ActionableChange): JiraMove {
  return change.via === 'status' ? { via: 'status', status: change.to } : { via: 'label', label: change.label };
}

/** The app's owner as the catalog names them now (the request's record when the app left the catalog). */
function ownerOf(deps: WorkflowDeps, request: RequestRow): string {
  return deps.catalog().apps.find((a) => a.id === request.appId)?.owner ?? request.snapshot.owner;
}

function isOwner(owner: string, person: JiraPerson): boolean {
  if (owner.includes('@')) return person.actor?.email?.toLowerCase() === owner.toLowerCase();
  return person.slackId === owner;
}

/** The access request of the issue (its extensions share the issue but hold no grant of their own). */
export function requestToRevoke(requests: readonly RequestRow[]): RequestRow | undefined {
  return requests.find((r) => r.kind === 'access');
}

export function revokeFromJira(deps: WorkflowDeps, request: RequestRow, change: ActionableChange, person: JiraPerson): JiraRevokeOutcome {
  const { store } = deps;
  const issueKey = request.jiraKey ?? '';
  const move = moveOf(change);
  return store.tx(() => {
    const now = deps.clock.now();
    if (store.jiraEvents.get(change.entry.id)) return 'duplicate';
    const refuse = (reason: string, line: ReturnType<typeof inboundWords.nothingToRevoke> | string): JiraRevokeOutcome => {
      const status = change.via === 'status' && change.from ? { from: change.to, to: change.from } : null;
      enqueuePutBack(store, { issueKey, requestId: request.id, lines: [line], status, label: change.via === 'label' ? change.label : null }, now);
      recordJiraChange(deps, { change, issueKey, requestId: request.id, person, outcome: 'refused', reason }, now);
      return 'refused';
    };

    const grant = store.grants.forRequest(request.id);
    if (!grant || grant.status !== 'active') {
      const why = !grant ? `Keycard request #${request.id} holds no access (it is ${request.status.replace(/_/g, ' ')})` : `its access is ${grant.status === 'ending' ? 'already being removed' : `not active (${grant.status.replace(/_/g, ' ')})`}`;
      return refuse('not_active', inboundWords.nothingToRevoke(person.actor, move, why));
    }
    if (!person.actor?.email) return refuse('email_hidden', inboundWords.emailHidden(person.actor, move));
    const owner = ownerOf(deps, request);
    const admin = person.slackId !== null && deps.admins.includes(person.slackId);
    if (!admin && !isOwner(owner, person)) {
      const ownerWords = owner.includes('@') ? owner : `<@${owner}>`;
      return refuse('not_allowed', inboundWords.revokeNotAllowed(person.actor, move, deps.admins, request.snapshot.appName, ownerWords));
    }
    // An owner matched by email still needs a Slack account: every revoke is recorded against one.
    if (!person.slackId) return refuse('no_slack_account', inboundWords.noSlackAccount(person.actor, move));

    const result = revokeAccess(deps, request.id, person.slackId, inboundWords.revokeReason(issueKey, move));
    if (result.kind === 'refused') return refuse('revoke_refused', inboundWords.revokeRefused(result.message));
    recordJiraChange(deps, { change, issueKey, requestId: request.id, person, outcome: 'revoked', reason: 'revoke' }, now);
    return 'revoked';
  });
}
