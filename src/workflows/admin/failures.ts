/**
 * Failures: what happens when a job has used its last attempt, and how an admin retries a failed request.
 */
import { accessLabel } from '../../domain/format.js';
import { isJobKind } from '../../store/job-kinds.js';
import type { Job, JobKind } from '../../store/jobs.repo.js';
import { jiraWords } from '../shared/jira-words.js';
import { alertWords, slackWords } from '../shared/slack-words.js';
import { moveRequest } from '../shared/transitions.js';
import { endingReasonOf, startRemoval } from '../grant/index.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { enqueueAlert, enqueueDeprovision, enqueueDm, enqueueJiraComment, enqueueProvision, enqueueRoute } from '../shared/effects.js';

/** What each kind of job does, for the alert when it fails for good: every kind must have words. */
const KIND_WORDS = {
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
  'slack.alert': 'post an alert',
  'slack.task': 'post a fulfilment task',
  'slack.update_task': 'update a fulfilment task',
  'slack.home': 'refresh an App Home',
  'audit.checkpoint': 'post an audit checkpoint to Jira',
  'audit.verify': 'verify the audit log',
} as const satisfies Record<JobKind, string>;

const QUEUE = { kind: 'system', reason: 'job queue' } as const;

/** Runs inside the transaction that marks `job` dead. */
export function onJobDead(deps: WorkflowDeps, job: Job, error: string): void {
  const { store } = deps;
  const now = deps.clock.now();
  const what = isJobKind(job.kind) ? KIND_WORDS[job.kind] : `run a job of unknown kind '${job.kind}'`;
  store.audit.append({ at: now, actor: QUEUE, action: 'job.dead', requestId: job.requestId, data: { jobId: job.id, kind: job.kind, attempts: job.attempts, error } });
  if (job.kind === 'slack.alert') return; // nowhere left to say it; the log has it
  if (job.kind === 'slack.home') {
    // A Home is re-rendered on the next change or when opened: a failed refresh must not hold back later ones.
    store.jobs.release(job.id, now);
    return;
  }
  const requestId = job.requestId;
  const request = requestId !== null ? store.requests.get(requestId) : undefined;
  const retry = request ? `\`/access-admin retry ${request.id}\`` : `\`/access-admin retry job ${job.id}\``;
  const about = request ? { id: request.id, what: accessLabel(request.snapshot.appName, request.snapshot.roleName), requester: request.requesterSlackId } : null;
  if (!request) {
    enqueueAlert(store, alertWords.jobDead(what, about, job.attempts, error, retry), now, requestId);
    return;
  }
  if (job.kind === 'approval.route' && request.status === 'pending_approval') {
    enqueueAlert(store, alertWords.jobDead(what, about, job.attempts, error, retry), now, requestId);
    enqueueDm(store, request.requesterSlackId, slackWords.routingFailed(accessLabel(request.snapshot.appName, request.snapshot.roleName), error), now, request.id);
    enqueueJiraComment(store, request.id, [jiraWords.routingFailed(job.attempts, error)], now);
    return;
  }
  if (job.kind === 'idp.provision' && moveRequest(store, request.id, { from: ['approved', 'provisioning'], to: 'failed', actor: QUEUE, data: { error }, set: { failureReason: error } }, now)) {
    const undo = undoProvisioning(deps, request.id, error, now);
    enqueueJiraComment(store, request.id, [jiraWords.provisioningFailed(job.attempts, error), ...(undo ? [jiraWords.provisioningUndoing(undo.added, undo.notAdded, error)] : [])], now);
    enqueueDm(store, request.requesterSlackId, slackWords.provisioningFailed(accessLabel(request.snapshot.appName, request.snapshot.roleName), error), now, request.id);
    if (undo && about && undo.added.length > 0) enqueueAlert(store, alertWords.provisioningUndone(about, job.attempts, undo.added, undo.notAdded, error), now, requestId);
    else enqueueAlert(store, alertWords.jobDead(what, about, job.attempts, error, retry), now, requestId);
    return;
  }
  const stuck = job.kind === 'idp.deprovision' ? store.grants.forRequest(request.id) : undefined;
  if (stuck && about && stuck.status === 'ending' && stuck.provider !== 'manual') {
    const held = store.grants.held(stuck.id).map((g) => ({ group: g.groupId, error: g.lastError }));
    enqueueAlert(store, alertWords.removalStuck(about, job.attempts, held), now, requestId);
    enqueueJiraComment(store, request.id, [jiraWords.removalStuck(held)], now);
    return;
  }
  enqueueAlert(store, alertWords.jobDead(what, about, job.attempts, error, retry), now, requestId);
}

/**
 * A provisioning that failed for good keeps nothing: what it added (on record as held) is removed again
 * through the one removal path, and the grant ends `rolled_back`. Null when there was no grant yet (the
 * failure came before any group was touched). Runs in the transaction that marks the job dead.
 */
function undoProvisioning(deps: WorkflowDeps, requestId: number, error: string, now: Date): { added: string[]; notAdded: string[] } | null {
  const { store } = deps;
  const grant = store.grants.forRequest(requestId);
  if (!grant || grant.status !== 'provisioning') return null;
  const added = store.grants.held(grant.id).map((g) => g.groupId);
  const notAdded = grant.groups.filter((g) => !added.includes(g));
  startRemoval(store, grant, 'rolled_back', QUEUE, { error, added, notAdded }, now);
  return { added, notAdded };
}

export type RetryResult =
  | { kind: 'retried'; jobs: number }
  | { kind: 'removal_retried'; held: readonly string[] }
  | { kind: 'not_found' }
  | { kind: 'nothing_to_retry'; status: string };

/**
 * An admin puts a failed request's dead jobs back in the queue. A grant whose removal stopped (access that
 * ended, or a failed provisioning being undone) comes first: only its removal runs again, and only for
 * the groups it still holds; a failed request is re-provisioned from scratch by a retry after that.
 */
export function retryRequest(deps: WorkflowDeps, requestId: number, adminSlackId: string): RetryResult {
  const { store } = deps;
  return store.tx(() => {
    const now = deps.clock.now();
    const request = store.requests.get(requestId);
    if (!request) return { kind: 'not_found' } as const;
    const grant = store.grants.forRequest(requestId);
    if (grant?.status === 'ending' && grant.provider !== 'manual') {
      const held = store.grants.held(grant.id).map((g) => g.groupId);
      // Only the removal: a provisioning retried now would wait behind it, find the grant ending and stop.
      const jobs = store.jobs.retryDead({ requestId, kind: 'idp.deprovision' }, now);
      if (jobs === 0 && !store.jobs.hasLive('idp.deprovision', requestId)) enqueueDeprovision(store, requestId, grant.id, endingReasonOf(grant), now);
      store.audit.append({ at: now, actor: { kind: 'user', slackId: adminSlackId }, action: 'request.retried', requestId, data: { removal: true, held } });
      return { kind: 'removal_retried', held } as const;
    }
    const failed = request.status === 'failed';
    const admin = { kind: 'user', slackId: adminSlackId } as const;
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
    if (failed) moveRequest(store, requestId, { from: 'failed', to: 'approved', actor: admin, action: 'request.retried', data: { jobs }, set: { failureReason: null } }, now);
    else store.audit.append({ at: now, actor: admin, action: 'request.retried', requestId, data: { jobs } });
    return { kind: 'retried', jobs } as const;
  });
}
