/**
 * The record of a change made in Jira that Keycard acted on: the claimed changelog entry (idempotency) and
 * one audit event, in the transaction of the action itself.
 */
import type { Actor } from '../../domain/types.js';
import type { JiraActor } from '../../jira/types.js';
import type { WorkflowDeps } from '../shared/deps.js';
import type { ActionableChange } from './changes.js';

/** The Jira user who made the change, and their Slack account when their email matched one. */
export interface JiraPerson {
  readonly actor: JiraActor | null;
  readonly slackId: string | null;
}

export interface JiraChangeRecord {
  readonly change: ActionableChange;
  readonly issueKey: string;
  readonly requestId: number | null;
  readonly person: JiraPerson;
  /** `decided`, `revoked`, `refused`. */
  readonly outcome: string;
  /** Which handler acted (default `request`). */
  readonly handler?: string;
  /** Why (for a refusal) or what (for a decision), as a code. */
  readonly reason: string;
}

/** Call inside the action's transaction, after checking the entry is not claimed yet. */
export function recordJiraChange(deps: WorkflowDeps, record: JiraChangeRecord, now: Date): void {
  const { store } = deps;
  const { change, person } = record;
  const claimed = store.jiraEvents.claim(
    {
      changelogId: change.entry.id,
      issueKey: record.issueKey,
      handler: record.handler ?? 'request',
      action: change.action,
      outcome: record.outcome,
      actorAccountId: person.actor?.accountId ?? null,
      actorEmail: person.actor?.email ?? null,
      requestId: record.requestId,
    },
    now,
  );
  // Checked at the start of the same (immediate) transaction, so only a bug gets here: undo everything.
  if (!claimed) throw new Error(`Jira changelog entry ${change.entry.id} of ${record.issueKey} was already acted on`);
  const actor: Actor = person.slackId ? { kind: 'user', slackId: person.slackId } : { kind: 'system', reason: 'jira' };
  store.audit.append({
    at: now,
    actor,
    action: record.outcome === 'refused' ? 'jira.change_refused' : 'jira.change_applied',
    requestId: record.requestId,
    data: {
      issueKey: record.issueKey,
      changelogId: change.entry.id,
      action: change.action,
      via: change.via,
      ...(change.via === 'status' ? { from: change.from, to: change.to } : { label: change.label }),
      reason: record.reason,
      jiraAccountId: person.actor?.accountId ?? null,
      jiraName: person.actor?.displayName ?? null,
      jiraEmail: person.actor?.email ?? null,
    },
  });
}
