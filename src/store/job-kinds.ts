/**
 * Every job kind and the shape of its payload, in one map. `enqueue` takes only a payload of its kind's
 * shape, the handler map (src/jobs/handlers.ts) and the alert wording (src/workflows/admin/failures.ts) must
 * name every kind, and the worker checks a stored payload against its schema before the handler runs, so a
 * job written by an older version or edited by hand goes dead with a clear error instead of failing inside
 * a handler. The kinds' names are stored in the database: never rename one (queued jobs must still run
 * after an upgrade); add a new kind instead.
 */
import { z } from 'zod';

const id = z.number().int();
const requestOnly = z.object({ requestId: id });

/**
 * A Jira comment line: Keycard's own text (a string; `<@U…>` is written out as name and email when posted),
 * or segments in which `{ user }` is what a person typed (a deny or revoke reason), posted exactly as typed.
 * Plain-string lines are what older versions stored, and stay valid.
 */
const commentLine = z.union([z.string(), z.array(z.union([z.string(), z.object({ user: z.string() })]))]);

/**
 * A Jira label that addresses an issue of its own (not a request's): Jira refuses spaces in a label, and a
 * quote or backslash would break the JQL that finds the issue again.
 */
const issueLabel = z.string().regex(/^[^\s"\\]{1,255}$/, 'a Jira label: 1 to 255 characters, no spaces, quotes or backslashes');

/** The shape of an IssueDescription (src/jira/types.ts): the Jira adapter turns it into ADF. */
const issueDescription = z.object({
  intro: z.string(),
  facts: z.array(z.object({ label: z.string(), value: z.string() })),
  sections: z.array(z.object({ heading: z.string(), text: z.string() })),
});

export const JOB_PAYLOADS = {
  'jira.create': requestOnly,
  'jira.comment': z.object({ requestId: id, lines: z.array(commentLine) }),
  'jira.transition': z.object({ requestId: id, point: z.enum(['approved', 'active', 'denied', 'ended']) }),
  'jira.fields': z.object({ requestId: id, start: z.string().nullable(), end: z.string().nullable() }),
  'slack.dm': z.object({ to: z.string(), text: z.string() }),
  'slack.approver_dm': z.object({ stepId: id, approver: z.string(), note: z.string().optional() }),
  'slack.update_step': z.object({ stepId: id }),
  'slack.alert': z.object({ text: z.string() }),
  'slack.grant_notice': z.object({ grantId: id }),
  'slack.task': z.object({ taskId: id }),
  'slack.update_task': z.object({ taskId: id }),
  'slack.request_receipt': requestOnly,
  'slack.update_receipt': requestOnly,
  'slack.home': z.object({ userId: z.string() }),
  'approval.route': z.object({ requestId: id, stageIndex: id }),
  'approval.escalate': z.object({ stepId: id, before: z.array(z.string()) }),
  'idp.provision': requestOnly,
  // `rolled_back`: undoing a provisioning that failed for good (added since; older jobs never carry it).
  'idp.deprovision': z.object({ grantId: id, reason: z.enum(['expired', 'revoked', 'relinquished', 'rolled_back']) }),
  'idp.recheck_removal': z.object({ grantId: id }),
  'audit.checkpoint': z.object({ at: z.number(), count: id, headId: id, headHash: z.string(), keyId: z.string().nullable() }),
  'audit.verify': z.object({ userId: z.string() }),
  'review.jira_issue': z.object({ campaignId: id }),
  'review.build': z.object({ campaignId: id }),
  'review.opened': z.object({ campaignId: id }),
  'review.reviewer_dm': z.object({ campaignId: id, to: z.string(), reminder: z.boolean() }),
  // `decidedAt`: the decision this job enforces; a changed decision's job does nothing (absent: enforce now, at close).
  'review.revoke': z.object({ itemId: id, decidedAt: z.number().optional() }),
  'review.settle': z.object({ grantId: id }),
  'review.summary': z.object({ campaignId: id }),
  'review.export': z.object({ campaignId: id, to: z.string() }),
  // Jira issues addressed by a label of their own (a review campaign, an evidence export), not by a request.
  'jira.labelled_issue': z.object({ label: issueLabel, summary: z.string().min(1), description: issueDescription }),
  'jira.labelled_comment': z.object({ label: issueLabel, lines: z.array(commentLine) }),
  'jira.attach_file': z.object({ label: issueLabel, fileId: id }),
  'slack.upload_file': z.object({ to: z.string(), fileId: id, title: z.string(), comment: z.string() }),
  // Joiners, movers and leavers (src/workflows/lifecycle/).
  'lifecycle.offboard_settle': z.object({ offboardingId: id }),
  'lifecycle.suspend': z.object({ stepId: id }),
  'lifecycle.jira_issue': z.object({ key: z.string().regex(/^[A-Z][A-Z0-9_]{0,9}-[1-9][0-9]*$/, 'a Jira issue key like ACCESS-12') }),
  // A comment on an issue Keycard did not create (an offboarding or onboarding issue), by its key.
  'lifecycle.issue_comment': z.object({ key: z.string().regex(/^[A-Z][A-Z0-9_]{0,9}-[1-9][0-9]*$/, 'a Jira issue key like ACCESS-12'), lines: z.array(commentLine) }),
  'lifecycle.profile_sync': z.object({}),
  'lifecycle.profile_check': z.object({ slackId: z.string(), email: z.string() }),
  'lifecycle.bundle_offer': z.object({ offerId: id, to: z.string() }),
  // Jira → Keycard: a webhook said an issue changed; `handler` (src/workflows/inbound/dispatch.ts) re-reads it and acts.
  'jira.inbound': z.object({ issueKey: z.string().min(1), handler: z.string().min(1) }),
  // A change made in Jira that Keycard refused (or that must wait): undo it (status back, label off), then comment why.
  'jira.put_back': z.object({
    issueKey: z.string().min(1),
    requestId: id.nullable(),
    lines: z.array(commentLine),
    status: z.object({ from: z.string().min(1), to: z.string().min(1) }).nullable(),
    label: z.string().min(1).nullable(),
  }),
  // `/access-admin export`: requests filed in [from, until) (ms), one app's or all, as CSV DM'd to `to`.
  'insight.export': z.object({ to: z.string(), from: z.number(), until: z.number(), appId: z.string().nullable() }),
  // A drift check: `by` the admin who asked (null: the schedule), `toJira` to file it as one issue.
  'drift.check': z.object({ by: z.string().nullable(), toJira: z.boolean() }),
  'drift.filed': z.object({ runId: id, label: issueLabel, to: z.string() }),
  // Auto reclaim (src/workflows/reclaim/): one app's scan; a case's DM (the warning, or the result with Ask
  // for it back), sent or redrawn from the case as it is then; the removal or downgrade of a case; and the
  // cases waiting for a grant's removal to end.
  'reclaim.scan': z.object({ runId: id }),
  'reclaim.notice': z.object({ caseId: id, which: z.enum(['warning', 'result']) }),
  // `grace`: the warning's grace period is over (re-checks the sign-ins, then starts); `continue`: the next removal step.
  'reclaim.enforce': z.object({ caseId: id, step: z.enum(['grace', 'continue']) }),
  'reclaim.settle': z.object({ grantId: id }),
} as const satisfies Record<string, z.ZodTypeAny>;

export type JobKind = keyof typeof JOB_PAYLOADS;
export type CommentLine = z.infer<typeof commentLine>;
export type JobPayload<K extends JobKind> = z.infer<(typeof JOB_PAYLOADS)[K]>;

export const JOB_KINDS = Object.keys(JOB_PAYLOADS) as JobKind[];

export function isJobKind(kind: string): kind is JobKind {
  return Object.hasOwn(JOB_PAYLOADS, kind);
}

/** The payload checked against its kind's schema; an error message naming the kind and the bad field otherwise. */
export function parseJobPayload(kind: string, payload: unknown): { ok: true; kind: JobKind; payload: JobPayload<JobKind> } | { ok: false; error: string } {
  if (!isJobKind(kind)) return { ok: false, error: `unknown job kind '${kind}' (no handler; written by another version of Keycard?)` };
  const parsed = JOB_PAYLOADS[kind].safeParse(payload);
  if (parsed.success) return { ok: true, kind, payload: parsed.data };
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'payload'}: ${issue.message}`).join('; ');
  return { ok: false, error: `the payload of this ${kind} job does not match its schema (${problems})` };
}
