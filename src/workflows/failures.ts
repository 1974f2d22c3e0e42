/**
 * Failures: what happens when a job has used its last attempt, and how an admin retries a failed request.
 */
import type { Job } from '../store/jobs.repo.js';
import type { WorkflowDeps } from './deps.js';
import { enqueueAlert, enqueueDeprovision, enqueueDm, enqueueJiraComment, enqueueProvision, enqueueRoute } from './effects.js';

const KIND_WORDS: Record<string, string> = {
  'jira.create': 'create the Jira issue',
  'jira.comment': 'comment on the Jira issue',
  'jira.transition': 'move the Jira issue',
  'slack.dm': 'send a Slack DM',
  'slack.approver_dm': 'send an approval request',
  'slack.update_step': 'update the approval messages',
  'approval.route': 'find the approvers',
  'idp.provision': 'add the user to the identity-provider groups',
  'idp.deprovision': 'remove the user from the identity-provider groups',
  'slack.grant_notice': 'send an "access ends soon" DM',
  'slack.request_receipt': 'send the request receipt DM',
  'approval.escalate': 'escalate an approval',
  'jira.fields': 'set the Jira access dates',
};

/** Runs inside the transaction that marks `job` dead. */
export function onJobDead(deps: WorkflowDeps, job: Job, error: string): void {
  const { store } = deps;
  const now = deps.clock.now();
  const what = KIND_WORDS[job.kind] ?? job.kind;
  store.audit.append({ at: now, actor: { kind: 'system', reason: 'job queue' }, action: 'job.dead', requestId: job.requestId, data: { jobId: job.id, kind: job.kind, attempts: job.attempts, error } });
  if (job.kind === 'slack.alert') return; // nowhere left to say it; the log has it
  if (job.kind === 'slack.home') {
    // A Home is re-rendered on the next change or when opened: a failed refresh must not hold back later ones.
    store.jobs.release(job.id, now);
    return;
  }
  const requestId = job.requestId;
  const request = requestId !== null ? store.requests.get(requestId) : undefined;
  const retry = request ? `\`/access-admin retry ${request.id}\`` : `\`/access-admin retry job ${job.id}\``;
  enqueueAlert(store, `:rotating_light: Keycard could not ${what}${request ? ` for request #${request.id} (${request.snapshot.appName} / ${request.snapshot.roleName}, <@${request.requesterSlackId}>)` : ''} after ${job.attempts} attempt(s): ${error}. Fix the cause, then ${retry}.`, now, requestId);
  if (!request) return;
  if (job.kind === 'approval.route' && request.status === 'pending_approval') {
    enqueueDm(store, request.requesterSlackId, `:warning: Your request for *${request.snapshot.appName} / ${request.snapshot.roleName}* is waiting: Keycard could not find its approvers (${error}). IT has been alerted.`, now, request.id);
    enqueueJiraComment(store, request.id, [`Routing the approval failed after ${job.attempts} attempt(s): ${error}. The Keycard admins have been alerted and can retry.`], now);
    return;
  }
  if (job.kind === 'idp.provision' && store.requests.transition(request.id, ['approved', 'provisioning'], 'failed', now, { failureReason: error })) {
    store.audit.append({ at: now, actor: { kind: 'system', reason: 'job queue' }, action: 'request.failed', requestId: request.id, fromStatus: request.status, toStatus: 'failed', data: { error } });
    enqueueJiraComment(store, request.id, [`Provisioning failed after ${job.attempts} attempt(s): ${error}. The Keycard admins have been alerted and can retry.`], now);
    enqueueDm(store, request.requesterSlackId, `:warning: Your request for *${request.snapshot.appName} / ${request.snapshot.roleName}* was approved, but Keycard could not grant it yet (${error}). IT has been alerted and will retry.`, now, request.id);
  }
}

export type RetryResult = { kind: 'retried'; jobs: number } | { kind: 'not_found' } | { kind: 'nothing_to_retry'; status: string };

/** An admin puts a failed request's dead jobs back in the queue. */
export function retryRequest(deps: WorkflowDeps, requestId: number, adminSlackId: string): RetryResult {
  const { store } = deps;
  return store.tx(() => {
    const now = deps.clock.now();
    const request = store.requests.get(requestId);
    if (!request) return { kind: 'not_found' } as const;
    const failed = request.status === 'failed';
    if (failed) store.requests.transition(requestId, ['failed'], 'approved', now, { failureReason: null });
    // A manual app has no dead job to re-run: provisioning opens a new fulfilment task.
    if (failed && request.snapshot.provider === 'manual') enqueueProvision(store, requestId, now);
    const endingManual = request.snapshot.provider === 'manual' ? store.grants.forRequest(requestId) : undefined;
    if (endingManual?.status === 'ending' && !store.tasks.openFor(requestId, 'revoke')) {
      enqueueDeprovision(store, requestId, endingManual.id, 'revoked', now);
    }
    let jobs = store.jobs.retryDead({ requestId }, now);
    if (request.status === 'pending_approval' && !store.requests.stepFor(requestId, request.currentStage)) {
      // Routing found nobody earlier (see route.ts): try again with today's catalog and admins.
      enqueueRoute(store, requestId, request.currentStage, now);
      jobs += 1;
    }
    if (!failed && jobs === 0) return { kind: 'nothing_to_retry', status: request.status } as const;
    store.audit.append({ at: now, actor: { kind: 'user', slackId: adminSlackId }, action: 'request.retried', requestId, fromStatus: request.status, toStatus: failed ? 'approved' : request.status, data: { jobs } });
    return { kind: 'retried', jobs } as const;
  });
}
