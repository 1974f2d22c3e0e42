/**
 * What `/access-admin` does, apart from parsing and rendering (src/slack/listeners/admin.ts): who may run
 * it, the record of every command, status and request history, retrying one job, and reloading the catalog.
 * Every command is audited with the admin and its words, refused ones included.
 */
import { accessLabel } from '../../domain/format.js';
import type { RequestRow } from '../../store/requests.repo.js';
import type { AuditEvent } from '../../store/audit.repo.js';
import type { Job, JobStatus } from '../../store/jobs.repo.js';
import type { WorkflowDeps } from '../shared/deps.js';

export interface AdminStatus {
  readonly pendingApproval: number;
  readonly activeGrants: number;
  readonly failedRequests: readonly number[];
  readonly jobs: Readonly<Record<JobStatus, number>>;
  /** The first dead jobs, with their errors. */
  readonly deadJobs: readonly Job[];
  /** Grants whose removal has not finished (ending, or a failed provisioning being undone), with what they still hold. */
  readonly unfinishedRemovals: ReadonlyArray<{ requestId: number; what: string; holder: string; reason: string; held: ReadonlyArray<{ group: string; error: string | null }> }>;
}

/** Records an `/access-admin` command; false (and a refusal on record) when the caller is not an admin. */
export function admitAdminCommand(deps: WorkflowDeps, userSlackId: string, text: string): boolean {
  const admin = deps.admins.includes(userSlackId);
  deps.store.audit.append({ at: deps.clock.now(), actor: { kind: 'user', slackId: userSlackId }, action: admin ? 'admin.command' : 'admin.refused', data: { text } });
  return admin;
}

export function adminStatus(deps: WorkflowDeps): AdminStatus {
  const { store } = deps;
  return {
    pendingApproval: store.requests.countByStatus(['pending_approval']),
    activeGrants: store.grants.countActive(),
    failedRequests: store.requests.listByStatus(['failed']).map((r) => r.id),
    jobs: store.jobs.countByStatus(),
    deadJobs: store.jobs.list({ status: 'dead' }).slice(0, 10),
    unfinishedRemovals: store.grants.ending(20).map((grant) => {
      const request = store.requests.get(grant.requestId);
      return {
        requestId: grant.requestId,
        what: request ? accessLabel(request.snapshot.appName, request.snapshot.roleName) : `${grant.appId} / ${grant.roleId}`,
        holder: grant.userSlackId,
        reason: grant.endingReason ?? 'ending',
        held: store.grants.held(grant.id).map((g) => ({ group: g.groupId, error: g.lastError })),
      };
    }),
  };
}

/** One request with its audit trail, or null. */
export function requestHistory(deps: WorkflowDeps, requestId: number): { request: RequestRow; events: readonly AuditEvent[] } | null {
  const request = deps.store.requests.get(requestId);
  return request ? { request, events: deps.store.audit.forRequest(requestId) } : null;
}

/** Puts one dead job back in the queue; false when it is not dead or does not exist. */
export function retryJob(deps: WorkflowDeps, adminSlackId: string, jobId: number): boolean {
  const { store } = deps;
  return store.tx(() => {
    const now = deps.clock.now();
    const job = store.jobs.get(jobId);
    if (store.jobs.retryDead({ jobId }, now) === 0) return false;
    store.audit.append({ at: now, actor: { kind: 'user', slackId: adminSlackId }, action: 'job.retried', requestId: job?.requestId ?? null, data: { jobId, kind: job?.kind, error: job?.lastError } });
    return true;
  });
}

/** Re-reads the catalog file; on failure the catalog in force stays. */
export type CatalogReloader = () => Promise<{ ok: true; apps: number } | { ok: false; message: string }>;

export async function reloadCatalog(deps: WorkflowDeps, adminSlackId: string, reload: CatalogReloader): ReturnType<CatalogReloader> {
  const result = await reload();
  deps.store.audit.append({
    at: deps.clock.now(),
    actor: { kind: 'user', slackId: adminSlackId },
    action: result.ok ? 'catalog.reloaded' : 'catalog.reload_refused',
    data: result.ok ? { apps: result.apps } : { error: result.message },
  });
  return result;
}

