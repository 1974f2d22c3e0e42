/**
 * Enqueue helpers: the only way workflows ask for a side effect. Call them inside the transaction of the
 * state change that causes them, so the change and its effects commit together.
 */
import type { Store } from '../../store/store.js';

import type { RemovalReason } from '../../domain/types.js';
import type { IssueDescription } from '../../jira/types.js';
import type { CommentLine } from '../../store/job-kinds.js';
import type { JobPayload } from '../../store/jobs.repo.js';

export type TransitionPoint = JobPayload<'jira.transition'>['point'];

/** Order keys: one request's Jira writes run in order; its approval and IdP steps run in order. */
export function jiraKey(requestId: number): string {
  return `jira:${requestId}`;
}
/**
 * Transitions keep their own order, so a comment never waits behind a transition's two calls; each still
 * waits for the Jira jobs queued before it (the issue must exist first).
 */
function jiraStatusKey(requestId: number): string {
  return `jira-status:${requestId}`;
}
export function flowKey(requestId: number): string {
  return `flow:${requestId}`;
}
function dmKey(userSlackId: string): string {
  return `dm:${userSlackId}`;
}
/** Every Jira write about one labelled issue runs in order, so the issue exists before its comments and files. */
export function labelKey(label: string): string {
  return `jira:label:${label}`;
}
/**
 * Files DM'd to one person go in order, but on a key of their own: a file that fails for good must not
 * hold back the person's request receipts and notices (only plain messages release their key when dead).
 */
function fileDmKey(userSlackId: string): string {
  return `dm-file:${userSlackId}`;
}

export function enqueueJiraComment(store: Store, requestId: number, lines: readonly CommentLine[], now: Date): void {
  store.jobs.enqueue({ kind: 'jira.comment', payload: { requestId, lines: [...lines] }, orderKey: jiraKey(requestId), requestId }, now);
}

export function enqueueJiraTransition(store: Store, requestId: number, point: TransitionPoint, now: Date): void {
  store.jobs.enqueue(
    { kind: 'jira.transition', payload: { requestId, point }, orderKey: jiraStatusKey(requestId), afterKey: jiraKey(requestId), requestId },
    now,
  );
}

export function enqueueDm(store: Store, to: string, text: string, now: Date, requestId: number | null = null): void {
  store.jobs.enqueue({ kind: 'slack.dm', payload: { to, text }, orderKey: dmKey(to), requestId }, now);
}

/** The requester's "filed as ACCESS-1" DM with Cancel; rendered when sent, so it shows the request as it is then. */
export function enqueueRequestReceipt(store: Store, requestId: number, requesterSlackId: string, now: Date): void {
  store.jobs.enqueue({ kind: 'slack.request_receipt', payload: { requestId }, orderKey: dmKey(requesterSlackId), requestId }, now);
}

export function enqueueAlert(store: Store, text: string, now: Date, requestId: number | null = null): void {
  store.jobs.enqueue({ kind: 'slack.alert', payload: { text }, requestId }, now);
}

export function enqueueRoute(store: Store, requestId: number, stageIndex: number, now: Date): void {
  store.jobs.enqueue({ kind: 'approval.route', payload: { requestId, stageIndex }, orderKey: flowKey(requestId), requestId }, now);
}

export function enqueueProvision(store: Store, requestId: number, now: Date): void {
  store.jobs.enqueue({ kind: 'idp.provision', payload: { requestId }, orderKey: flowKey(requestId), requestId }, now);
}

/**
 * A removal waits behind the request's IdP steps. Undoing a failed provisioning cannot: the dead
 * provisioning job holds its key until an admin acts, so the undo has a key of its own.
 */
export function enqueueDeprovision(store: Store, requestId: number, grantId: number, reason: RemovalReason, now: Date): void {
  const orderKey = reason === 'rolled_back' ? `undo:${requestId}` : flowKey(requestId);
  store.jobs.enqueue({ kind: 'idp.deprovision', payload: { grantId, reason }, orderKey, requestId }, now);
}

export function enqueueStepUpdate(store: Store, requestId: number, stepId: number, now: Date): void {
  store.jobs.enqueue({ kind: 'slack.update_step', payload: { stepId }, requestId }, now);
}

/** Sets the Jira access start/end fields of the request's issue, when the configuration names them. */
export function enqueueJiraFields(store: Store, requestId: number, fields: { start?: Date | null; end?: Date | null }, now: Date): void {
  store.jobs.enqueue(
    {
      kind: 'jira.fields',
      payload: { requestId, start: fields.start?.toISOString() ?? null, end: fields.end?.toISOString() ?? null },
      orderKey: jiraKey(requestId),
      requestId,
    },
    now,
  );
}

/**
 * Creates the Jira issue labelled `label` (summary and description as given) unless one with that label
 * exists already. Not tied to a request: review campaigns, evidence exports and reports address their issue
 * by its label. Comments and files for the label queued after this wait for it.
 */
export function enqueueLabelledIssue(store: Store, label: string, summary: string, description: IssueDescription, now: Date): void {
  const payload = {
    label,
    summary,
    description: {
      intro: description.intro,
      facts: description.facts.map((fact) => ({ label: fact.label, value: fact.value })),
      sections: description.sections.map((section) => ({ heading: section.heading, text: section.text })),
    },
  };
  store.jobs.enqueue({ kind: 'jira.labelled_issue', payload, orderKey: labelKey(label) }, now);
}

/** A comment on the issue labelled `label`; retried until that issue exists. */
export function enqueueLabelledComment(store: Store, label: string, lines: readonly CommentLine[], now: Date): void {
  store.jobs.enqueue({ kind: 'jira.labelled_comment', payload: { label, lines: [...lines] }, orderKey: labelKey(label) }, now);
}

/** Attaches a saved export file (see `saveExportFile`) to the issue labelled `label`. */
export function enqueueAttachFile(store: Store, label: string, fileId: number, now: Date): void {
  store.jobs.enqueue({ kind: 'jira.attach_file', payload: { label, fileId }, orderKey: labelKey(label) }, now);
}

/** DMs a saved export file to a person, introduced by `comment` (mrkdwn). */
export function enqueueFileDm(store: Store, to: string, fileId: number, title: string, comment: string, now: Date): void {
  store.jobs.enqueue({ kind: 'slack.upload_file', payload: { to, fileId, title, comment }, orderKey: fileDmKey(to) }, now);
}

/** Keeps a file for the jobs that deliver it; returns its id. `name` carries the extension (`review-3.csv`). */
export function saveExportFile(store: Store, name: string, mime: string, content: string, now: Date): number {
  return store.files.save({ name, mimeType: mime, content }, now).id;
}
