/**
 * Running a drift check as a durable job: `/access-admin sync [--to-jira]` and the KEYCARD_SCHEDULE_SYNC
 * schedule queue a `drift.check`; the job reads the providers (find.ts), then in one transaction keeps the
 * report (the newest is what the next check compares with), audits it, DMs the admin who asked, files it
 * in Jira when asked, and alerts the alert channel when a scheduled check finds drift the check before did
 * not (so the same drift is not alerted on every run).
 */
import { driftCounts, isClean, newDrift, type DriftReport, type InactiveAccount } from '../../domain/drift.js';
import { RetryableError } from '../../domain/errors.js';
import type { JobOf } from '../../store/jobs.repo.js';
import type { DriftRunRow } from '../../store/drift.repo.js';
import type { SideEffectDeps, WorkflowDeps } from '../shared/deps.js';
import { enqueueAlert, enqueueDm, enqueueLabelledComment, enqueueLabelledIssue, labelKey } from '../shared/effects.js';
import { endAccessOfInactiveAccount } from '../grant/index.js';
import { findDrift } from './find.js';
import { driftWords } from './words.js';

/** The label of the Jira issue a check is filed as. */
export function driftLabel(runId: number): string {
  return `keycard-drift-${runId}`;
}

/** `/access-admin sync [--to-jira]`: queues a check and says so; `adminSlackId` must already be checked as an admin. */
export function requestDriftCheck(deps: WorkflowDeps, adminSlackId: string, toJira: boolean): string {
  const { store } = deps;
  return store.tx(() => {
    const now = deps.clock.now();
    const job = store.jobs.enqueue({ kind: 'drift.check', payload: { by: adminSlackId, toJira } }, now);
    store.audit.append({ at: now, actor: { kind: 'user', slackId: adminSlackId }, action: 'drift.requested', data: { jobId: job.id, toJira } });
    return driftWords.requested(toJira);
  });
}

/** The schedule's turn: queues a check unless one is waiting or running already; true when it queued one. */
export function enqueueScheduledDriftCheck(deps: WorkflowDeps): boolean {
  const { store } = deps;
  return store.tx(() => {
    const last = store.jobs.lastOfKind('drift.check');
    if (last && (last.status === 'pending' || last.status === 'running')) return false;
    store.jobs.enqueue({ kind: 'drift.check', payload: { by: null, toJira: false } }, deps.clock.now());
    return true;
  });
}

/** The newest check's report, or null before the first. */
export function lastDrift(deps: WorkflowDeps): { runId: number; report: DriftReport } | null {
  const last = deps.store.drift.last();
  return last ? { runId: last.id, report: last.report } : null;
}

/**
 * The accounts the newest check found suspended or deactivated in the provider while still in catalog
 * groups, each with its live Keycard grants: what the lifecycle work ends. Null before the first check.
 */
export function inactiveAccountsFound(deps: WorkflowDeps): { runId: number; at: Date; accounts: readonly InactiveAccount[] } | null {
  const last = lastDrift(deps);
  return last ? { runId: last.runId, at: new Date(last.report.at), accounts: last.report.inactive } : null;
}

export async function driftCheckJob(deps: SideEffectDeps, job: JobOf<'drift.check'>): Promise<void> {
  const { store } = deps;
  if (store.drift.byJob(job.id)) return; // done before a restart
  const { by, toJira } = job.payload;
  const report = await findDrift(deps);
  store.tx(() => {
    if (store.drift.byJob(job.id)) return;
    const now = deps.clock.now();
    const previous = store.drift.last();
    const fresh = newDrift(previous?.report ?? null, report);
    const total = (r: DriftReport) => Object.values(driftCounts(r)).reduce((n, c) => n + c, 0);
    const run = store.drift.insert({ at: report.at, trigger: by ? 'admin' : 'schedule', requestedBy: by, jobId: job.id, report, findings: total(report), newFindings: total(fresh), jiraLabel: null });
    store.audit.append({
      at: now,
      actor: by ? { kind: 'user', slackId: by } : { kind: 'system', reason: 'drift schedule' },
      action: 'drift.checked',
      data: { runId: run.id, counts: driftCounts(report), newSinceLast: driftCounts(fresh), previousRunId: previous?.id ?? null, toJira },
    });
    // A suspended or deactivated account still holding Keycard grants: its grants end and its requests are
    // cancelled (the one removal path), as when a review or the profile sync sees it.
    for (const account of report.inactive) {
      if (account.grants.length > 0) endAccessOfInactiveAccount(deps, account.provider, account.idpUserId, `drift check #${run.id}`);
    }
    if (by) enqueueDm(store, by, driftWords.report(report, run.id, toJira), now);
    if (by && toJira) fileInJira(deps, run, by, now);
    if (!by && !isClean(fresh)) enqueueAlert(store, driftWords.alert(fresh, report, run.id), now);
  });
}

/** One Jira issue per check: the counts, then every finding as comments; the admin is told the key once it exists. */
function fileInJira(deps: WorkflowDeps, run: DriftRunRow, by: string, now: Date): void {
  const { store } = deps;
  const label = driftLabel(run.id);
  const issue = driftWords.issue(run.report, run.id, run.requestedBy);
  enqueueLabelledIssue(store, label, issue.summary, issue.description, now);
  for (const lines of driftWords.comments(run.report)) enqueueLabelledComment(store, label, lines, now);
  store.jobs.enqueue({ kind: 'drift.filed', payload: { runId: run.id, label, to: by }, orderKey: labelKey(label) }, now);
  store.drift.setJiraLabel(run.id, label);
  store.audit.append({ at: now, actor: { kind: 'user', slackId: by }, action: 'drift.filed', data: { runId: run.id, label } });
}

export async function driftFiledJob(deps: SideEffectDeps, job: JobOf<'drift.filed'>): Promise<void> {
  const { runId, label, to } = job.payload;
  const issue = await deps.ticketing.findIssueByLabel(label);
  if (!issue) throw new RetryableError(`the Jira issue labelled ${label} is not created yet`);
  deps.store.tx(() => enqueueDm(deps.store, to, driftWords.filed(runId, issue.key, issue.url), deps.clock.now()));
}
