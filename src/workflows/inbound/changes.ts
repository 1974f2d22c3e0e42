/**
 * Which changes made in Jira Keycard acts on, read from the issue's changelog (never from a webhook body):
 * the last status change, when it is to a status that means something (approved, declined, revoke) and
 * the issue is still there; and the last time the revoke label was added, while the issue still carries it.
 * Keycard's own changes (its transitions, a label it removed) are never someone's decision. Pure.
 */
import type { IssueChange, IssueState } from '../../jira/types.js';

export type JiraAction = 'approve' | 'deny' | 'revoke';

/** What the issue statuses and label mean (settings; null: not used). */
export interface JiraMeanings {
  readonly statusApproved: string | null;
  readonly statusDeclined: string | null;
  readonly revokeStatus: string | null;
  readonly revokeLabel: string | null;
}

export type ActionableChange =
  | { readonly entry: IssueChange; readonly action: JiraAction; readonly via: 'status'; readonly from: string; readonly to: string }
  | { readonly entry: IssueChange; readonly action: 'revoke'; readonly via: 'label'; readonly label: string };

function same(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && a.trim().toLowerCase() === b.trim().toLowerCase();
}

function labelsOf(text: string | null): string[] {
  return (text ?? '').split(/\s+/).filter(Boolean);
}

function statusAction(to: string, meanings: JiraMeanings): JiraAction | null {
  if (same(to, meanings.statusApproved)) return 'approve';
  if (same(to, meanings.statusDeclined)) return 'deny';
  if (same(to, meanings.revokeStatus)) return 'revoke';
  return null;
}

export function actionableChanges(history: readonly IssueChange[], issue: IssueState, meanings: JiraMeanings, selfAccountId: string): ActionableChange[] {
  const found: ActionableChange[] = [];
  const byOthers = (entry: IssueChange) => entry.author?.accountId !== selfAccountId;

  const lastStatus = [...history].reverse().find((entry) => entry.items.some((i) => i.field === 'status'));
  const statusItem = lastStatus?.items.find((i) => i.field === 'status');
  if (lastStatus && statusItem?.to && byOthers(lastStatus) && same(statusItem.to, issue.status)) {
    const action = statusAction(statusItem.to, meanings);
    if (action) found.push({ entry: lastStatus, action, via: 'status', from: statusItem.from ?? '', to: statusItem.to });
  }

  const label = meanings.revokeLabel;
  if (label && issue.labels.includes(label)) {
    const added = [...history]
      .reverse()
      .find((entry) => entry.items.some((i) => i.field === 'labels' && labelsOf(i.to).includes(label) && !labelsOf(i.from).includes(label)));
    if (added && byOthers(added)) found.push({ entry: added, action: 'revoke', via: 'label', label });
  }
  return found;
}
