/**
 * Scans: the daily schedule (`KEYCARD_SCHEDULE_RECLAIM`) or `/access-admin reclaim run [app]` records one
 * run per app with a reclaim policy and queues its scan as a durable job (a provider's scans take turns in
 * two lanes, so the reads in flight stay bounded). The scan reads and judges the app (evaluate.ts) and then,
 * in one transaction, opens a case per person to warn (the database refuses a second open case for the same
 * access, so nobody is warned twice, whatever restarts in between), queues each warning DM and each removal
 * at the end of the grace period, and files the run's Jira issue listing the people warned.
 */
import { findApp } from '../../domain/catalog.js';
import { PermanentError } from '../../domain/errors.js';
import type { CatalogApp } from '../../domain/types.js';
import type { Job, JobOf } from '../../store/jobs.repo.js';
import type { ReclaimCaseRow, ReclaimRunRow } from '../../store/reclaim.repo.js';
import type { SideEffectDeps, WorkflowDeps } from '../shared/deps.js';
import { enqueueAlert, enqueueDm, enqueueLabelledComment, enqueueLabelledIssue } from '../shared/effects.js';
import { RECLAIM_SYSTEM, enqueueNotice, reclaimLabel } from './cases.js';
import { evaluateApp, type AppEvaluation, type Bucket } from './evaluate.js';
import { describePolicy, reclaimJiraWords, reclaimReasonsForRun, reclaimRequestWords, reclaimSlackWords } from './words.js';

/**
 * Scans of one provider that run at once. Each reads at most READS_AT_ONCE at a time (shared/directory-read.ts),
 * so a provider sees at most 8 reads in flight from scans: under Okta's guidance ("even large bulk loads
 * rarely require more than 10"), and twice the overlap of one lane (`npm run bench -- reclaim`).
 */
const SCAN_LANES = 2;

/** Apps a scan can cover: those with a `reclaim:` policy. */
export function reclaimApps(deps: WorkflowDeps): CatalogApp[] {
  return deps.catalog().apps.filter((a) => a.reclaim !== undefined);
}

export type StartRunsResult = { kind: 'started'; runs: ReadonlyArray<{ runId: number; app: CatalogApp }> } | { kind: 'refused'; message: string };

/** The app named by an admin, or why it cannot be reclaimed. */
export function reclaimAppNamed(deps: WorkflowDeps, appId: string): { kind: 'ok'; app: CatalogApp } | { kind: 'refused'; message: string } {
  const app = findApp(deps.catalog(), appId);
  const known = reclaimApps(deps).map((a) => a.id);
  if (!app) return { kind: 'refused', message: reclaimSlackWords.unknownApp(appId, known) };
  if (!app.reclaim) return { kind: 'refused', message: reclaimSlackWords.noPolicy(app.name, app.id, known) };
  return { kind: 'ok', app };
}

/**
 * Records a run per app (one app, or every app with a policy) and queues its scan. The schedule skips an
 * app whose last run has not finished; an admin's run always starts.
 */
export function startReclaimRuns(deps: WorkflowDeps, input: { appId: string | null; trigger: 'schedule' | 'admin'; by: string | null }): StartRunsResult {
  const { store } = deps;
  let apps: CatalogApp[];
  if (input.appId !== null) {
    const named = reclaimAppNamed(deps, input.appId);
    if (named.kind === 'refused') return named;
    apps = [named.app];
  } else apps = reclaimApps(deps);
  if (apps.length === 0) return { kind: 'refused', message: reclaimSlackWords.noApps };
  return store.tx(() => {
    const now = deps.clock.now();
    const runs: Array<{ runId: number; app: CatalogApp }> = [];
    const lanes = new Map<string, number>();
    for (const app of apps) {
      if (input.trigger === 'schedule' && store.reclaim.unfinishedRuns(app.id).length > 0) continue;
      const run = store.reclaim.insertRun({ appId: app.id, trigger: input.trigger, requestedBy: input.by }, now);
      const actor = input.by ? ({ kind: 'user', slackId: input.by } as const) : ({ kind: 'system', reason: 'reclaim schedule' } as const);
      store.audit.append({ at: now, actor, action: 'reclaim.run_started', data: { runId: run.id, app: app.id, trigger: input.trigger } });
      // A provider's scans take turns in SCAN_LANES lanes, each scan reading with its own bounded concurrency.
      const lane = lanes.get(app.provider) ?? 0;
      lanes.set(app.provider, lane + 1);
      store.jobs.enqueue({ kind: 'reclaim.scan', payload: { runId: run.id }, orderKey: `reclaim-scan:${app.provider}:${lane % SCAN_LANES}` }, now);
      runs.push({ runId: run.id, app });
    }
    return { kind: 'started', runs };
  });
}

export async function reclaimScanJob(deps: SideEffectDeps, job: JobOf<'reclaim.scan'>): Promise<void> {
  const { store } = deps;
  const run = store.reclaim.run(job.payload.runId);
  if (!run || (run.status !== 'queued' && run.status !== 'scanning')) return;
  const app = findApp(deps.catalog(), run.appId);
  if (!app?.reclaim) {
    failRun(deps, run, reclaimReasonsForRun.noPolicy(run.appId));
    return;
  }
  store.reclaim.moveRun(run.id, ['queued'], 'scanning');
  let evaluation: AppEvaluation;
  try {
    evaluation = await evaluateApp(deps, app, app.reclaim, deps.clock.now());
  } catch (error) {
    if (error instanceof PermanentError) {
      failRun(deps, run, error.message);
      return;
    }
    throw error;
  }
  commitScan(deps, run, evaluation);
}

/** Counts of everyone not warned, by why: `3 active, 1 excluded group`. */
export function bucketCounts(evaluation: AppEvaluation): Map<Bucket, number> {
  const counts = new Map<Bucket, number>();
  for (const j of evaluation.judged) counts.set(j.bucket, (counts.get(j.bucket) ?? 0) + 1);
  return counts;
}

const WARNED_IN_DESCRIPTION = 200;

function commitScan(deps: SideEffectDeps, run: ReclaimRunRow, evaluation: AppEvaluation): void {
  const { store } = deps;
  const { app, policy, lowerRole } = evaluation;
  const counts = bucketCounts(evaluation);
  store.tx(() => {
    const now = deps.clock.now();
    const noTelemetry = counts.get('no_telemetry') ?? 0;
    if (!store.reclaim.moveRun(run.id, ['queued', 'scanning'], 'done', { members: evaluation.judged.length, noTelemetry, finishedAt: now.getTime() })) return;
    const warned: ReclaimCaseRow[] = [];
    const action = policy.action.kind === 'revoke' ? 'revoke' : `downgrade:${policy.action.roleId}`;
    for (const j of evaluation.judged) {
      if (j.bucket !== 'warn' || !j.slackId || !j.verdict.flagged) continue;
      const opened = store.reclaim.insertCase(
        run.id,
        {
          appId: app.id,
          roleId: j.role.id,
          provider: app.provider,
          idpUserId: j.member.id,
          email: j.member.email,
          name: j.member.displayName || j.member.email,
          slackId: j.slackId,
          groups: [...j.groups],
          lastSignInAt: j.verdict.lastSeen?.getTime() ?? null,
          lastSignInScope: j.verdict.basis,
          grantId: j.grant?.id ?? null,
          requestId: j.grant?.requestId ?? null,
          action,
          seatCost: policy.seatCost ?? null,
          warnedAt: now.getTime(),
          removeAt: now.getTime() + policy.graceMs,
        },
        now,
      );
      // Already open (a scan at the same time, or a retried one): warned once, by the first.
      if (!opened) continue;
      store.audit.append({
        at: now,
        actor: RECLAIM_SYSTEM,
        action: 'reclaim.warned',
        requestId: opened.requestId,
        data: { caseId: opened.id, runId: run.id, app: app.id, role: j.role.id, person: opened.email, lastSignInAt: opened.lastSignInAt, scope: opened.lastSignInScope, removeAt: opened.removeAt, action },
      });
      enqueueNotice(deps, opened, 'warning', now);
      store.jobs.enqueue({ kind: 'reclaim.enforce', payload: { caseId: opened.id, step: 'grace' }, runAt: new Date(opened.removeAt) }, now);
      warned.push(opened);
    }
    store.reclaim.moveRun(run.id, ['done'], 'done', { warned: warned.length });
    const notFlagged = [...counts.entries()].filter(([b]) => b !== 'warn').map(([b, n]) => `${n} ${b.replace(/_/g, ' ')}`);
    store.audit.append({
      at: now,
      actor: run.requestedBy ? { kind: 'user', slackId: run.requestedBy } : { kind: 'system', reason: 'reclaim schedule' },
      action: 'reclaim.scanned',
      data: { runId: run.id, app: app.id, members: evaluation.judged.length, warned: warned.length, signIns: evaluation.signIns.kind, counts: Object.fromEntries(counts) },
    });
    if (warned.length > 0) {
      const label = reclaimLabel(run.id);
      const lines = warned.map((c) => reclaimJiraWords.warnedLine(c, roleName(app, c.roleId), now));
      const done = store.reclaim.run(run.id) ?? run;
      const issue = reclaimJiraWords.issue(done, app.name, describePolicy(policy, lowerRole?.name ?? null), { members: evaluation.judged.length, warned: warned.length, notFlagged: notFlagged.join(', ') }, lines.slice(0, WARNED_IN_DESCRIPTION));
      enqueueLabelledIssue(store, label, issue.summary, issue.description, now);
      for (let i = WARNED_IN_DESCRIPTION; i < lines.length; i += 100) enqueueLabelledComment(store, label, [reclaimRequestWords.alsoWarned, ...lines.slice(i, i + 100)], now);
    }
    const finished = store.reclaim.run(run.id);
    if (run.requestedBy && finished) enqueueDm(store, run.requestedBy, reclaimSlackWords.scanDone(finished, app.name, warned.length > 0), now);
  });
}

function roleName(app: CatalogApp, roleId: string): string {
  return app.roles.find((r) => r.id === roleId)?.name ?? roleId;
}

function failRun(deps: WorkflowDeps, run: ReclaimRunRow, why: string): void {
  const { store } = deps;
  store.tx(() => {
    const now = deps.clock.now();
    if (!store.reclaim.moveRun(run.id, ['queued', 'scanning'], 'failed', { error: why, finishedAt: now.getTime() })) return;
    store.audit.append({ at: now, actor: RECLAIM_SYSTEM, action: 'reclaim.scan_failed', data: { runId: run.id, app: run.appId, error: why } });
    const name = findApp(deps.catalog(), run.appId)?.name ?? run.appId;
    if (run.requestedBy) enqueueDm(store, run.requestedBy, reclaimSlackWords.scanFailed(run, name, why), now);
    else enqueueAlert(store, reclaimSlackWords.scanFailed(run, name, why), now);
  });
}

/**
 * A scan that used its last attempt (a provider down all along): the run fails, nobody is warned, and the
 * provider's later scans go ahead (the job is skipped rather than holding their order). In the transaction
 * that marks the job dead.
 */
export function reclaimScanDead(deps: WorkflowDeps, job: Job, error: string): void {
  const runId = (job.payload as { runId?: unknown }).runId;
  deps.store.jobs.skip(job.id, deps.clock.now());
  const run = typeof runId === 'number' ? deps.store.reclaim.run(runId) : undefined;
  if (run) failRun(deps, run, error);
}
