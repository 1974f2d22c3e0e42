/**
 * What every reclaim step shares: the names a case is told with, its run's Jira label, the effects each move
 * queues (the DMs redrawn, a line on the run's issue) and the run's closing summary once every case of it is
 * settled. Call the enqueueing helpers inside the transaction of the move that causes them.
 */
import { findApp, findRole } from '../../domain/catalog.js';
import type { Actor, CatalogApp, ReclaimPolicy } from '../../domain/types.js';
import type { CommentLine } from '../../store/job-kinds.js';
import type { ReclaimCaseRow } from '../../store/reclaim.repo.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { enqueueLabelledComment } from '../shared/effects.js';
import { appRole, reclaimJiraWords, type CaseWords } from './words.js';

/** The label of a run's Jira issue: how its comments find it, and how a retried create finds the first one. */
export function reclaimLabel(runId: number): string {
  return `keycard-reclaim-${runId}`;
}

/** The lower role of a case's downgrade (`downgrade:viewer` → `viewer`); null for a removal. */
export function lowerRoleIdOf(c: Pick<ReclaimCaseRow, 'action'>): string | null {
  return c.action.startsWith('downgrade:') ? c.action.slice('downgrade:'.length) : null;
}

/** The app and policy in force for a case, when the catalog still reclaims its app and has its role. */
export function policyOf(deps: WorkflowDeps, c: Pick<ReclaimCaseRow, 'appId' | 'roleId'>): { app: CatalogApp; policy: ReclaimPolicy } | null {
  const app = findApp(deps.catalog(), c.appId);
  if (!app?.reclaim || !findRole(app, c.roleId)) return null;
  return { app, policy: app.reclaim };
}

export function caseWords(deps: WorkflowDeps, c: ReclaimCaseRow): CaseWords {
  const app = findApp(deps.catalog(), c.appId);
  const role = app ? findRole(app, c.roleId) : undefined;
  const lower = lowerRoleIdOf(c);
  const lowerRole = app && lower ? findRole(app, lower) : undefined;
  return {
    appName: app?.name ?? c.appId,
    roleName: role?.name ?? c.roleId,
    lowerRoleName: lower ? (lowerRole?.name ?? lower) : null,
    inactiveAfterMs: app?.reclaim?.inactiveAfterMs ?? 30 * 24 * 3600_000,
  };
}

/** `Figma (Editor)`. */
export function caseLabel(deps: WorkflowDeps, c: ReclaimCaseRow): string {
  const w = caseWords(deps, c);
  return appRole(w.appName, w.roleName);
}

export function caseActor(c: Pick<ReclaimCaseRow, 'decidedBy'>): Actor {
  return c.decidedBy && c.decidedBy !== 'system' ? { kind: 'user', slackId: c.decidedBy } : { kind: 'system', reason: 'auto reclaim' };
}

export const RECLAIM_SYSTEM: Actor = { kind: 'system', reason: 'auto reclaim' };

/** The case's DM drawn again from the case (the warning's buttons follow its state), or the result DM sent. */
export function enqueueNotice(deps: WorkflowDeps, c: Pick<ReclaimCaseRow, 'id' | 'slackId'>, which: 'warning' | 'result', now: Date): void {
  deps.store.jobs.enqueue({ kind: 'reclaim.notice', payload: { caseId: c.id, which }, orderKey: `dm:${c.slackId}` }, now);
}

/** A removal step of the case; they run one at a time, in order. */
export function enqueueContinue(deps: WorkflowDeps, caseId: number, now: Date): void {
  deps.store.jobs.enqueue({ kind: 'reclaim.enforce', payload: { caseId, step: 'continue' }, orderKey: `reclaim-case:${caseId}` }, now);
}

/** A line on the case's run issue. */
export function enqueueRunComment(deps: WorkflowDeps, c: Pick<ReclaimCaseRow, 'runId'>, lines: readonly CommentLine[], now: Date): void {
  enqueueLabelledComment(deps.store, reclaimLabel(c.runId), lines, now);
}

const CLOSED: ReadonlySet<string> = new Set(['kept', 'reclaimed', 'downgraded', 'restored', 'cancelled']);

/** Once every case of the run is settled, its issue gets the summary (once). In a transaction. */
export function summarizeRunIfSettled(deps: WorkflowDeps, runId: number, now: Date): void {
  const { store } = deps;
  const cases = store.reclaim.casesOfRun(runId);
  if (cases.length === 0 || cases.some((c) => !CLOSED.has(c.status))) return;
  if (!store.reclaim.markSummarized(runId)) return;
  const named = cases.map((c) => ({ c, roleName: caseWords(deps, c).roleName }));
  enqueueLabelledComment(store, reclaimLabel(runId), reclaimJiraWords.summary(named, now), now);
}
