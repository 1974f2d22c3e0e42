/**
 * Manual apps (no SSO groups): after approval the request waits for a person. A task card in the alert
 * channel asks IT (the admins or the app's fulfillers) to give the access by hand and press Done, or
 * Could not do it. Expiry and revocation create a removal task the same way; the grant ends only when
 * someone confirms it. Jira records who fulfilled what and when.
 */
import { findApp } from '../../domain/catalog.js';
import { formatDuration } from '../../domain/duration.js';
import { accessLabel, formatDateTimeUtc } from '../../domain/format.js';
import type { JobOf } from '../../store/jobs.repo.js';
import type { RequestRow } from '../../store/requests.repo.js';
import type { TaskRow } from '../../store/tasks.repo.js';
import type { SideEffectDeps, WorkflowDeps } from '../shared/deps.js';
import { enqueueAlert, enqueueDm, enqueueJiraComment, enqueueJiraTransition } from '../shared/effects.js';
import type { TaskCard } from '../shared/ports.js';
import { jiraWords } from '../shared/jira-words.js';
import { resolveRefs } from '../shared/people.js';
import { alertWords, slackWords } from '../shared/slack-words.js';
import { endGrant, moveRequest } from '../shared/transitions.js';
import type { EndReason } from '../../domain/types.js';

/** The app's fulfillers as Slack ids (emails looked up in Slack); people Slack does not know are left out. */
async function resolveFulfillers(deps: SideEffectDeps, request: RequestRow): Promise<string[]> {
  return (await resolveRefs(deps, findApp(deps.catalog(), request.appId)?.fulfillers ?? [])).resolved;
}

/** Opens a task (called by the provisioning and removal jobs for manual apps). */
export async function openTask(deps: SideEffectDeps, request: RequestRow, kind: 'grant' | 'revoke', grantId: number | null, reason: string | null): Promise<void> {
  const fulfillers = await resolveFulfillers(deps, request);
  const { store } = deps;
  const now = deps.clock.now();
  store.tx(() => {
    if (store.tasks.openFor(request.id, kind)) return; // opened before a restart
    const actor = { kind: 'system', reason: 'manual fulfilment' } as const;
    const current = store.requests.get(request.id)?.status;
    if (kind === 'grant' && current !== 'approved' && current !== 'provisioning') return;
    const task = store.tasks.insert({ requestId: request.id, grantId, kind, reason, fulfillers }, now);
    const data = { taskId: task.id, kind, fulfillers };
    if (kind === 'grant') moveRequest(store, request.id, { from: ['approved', 'provisioning'], to: 'awaiting_fulfilment', actor, action: 'task.opened', data }, now);
    else store.audit.append({ at: now, actor, action: 'task.opened', requestId: request.id, data });
    store.jobs.enqueue({ kind: 'slack.task', payload: { taskId: task.id }, requestId: request.id }, now);
    const who = fulfillers.length > 0 ? fulfillers.map((f) => `<@${f}>`).join(', ') + ' or a Keycard admin' : 'a Keycard admin';
    enqueueJiraComment(store, request.id, [kind === 'grant' ? jiraWords.awaitingFulfilment(who) : jiraWords.awaitingRemoval(reason, who)], now);
    if (kind === 'grant') {
      enqueueDm(store, request.requesterSlackId, slackWords.manualApproved(accessLabel(request.snapshot.appName, request.snapshot.roleName), request.snapshot.appName), now, request.id);
    }
  });
}

export function taskCard(deps: SideEffectDeps, task: TaskRow): TaskCard | null {
  const request = deps.store.requests.get(task.requestId);
  if (!request) return null;
  return {
    taskId: task.id,
    kind: task.kind === 'revoke' ? 'revoke' : 'grant',
    requestId: request.id,
    userSlackId: request.requesterSlackId,
    userEmail: request.requesterEmail,
    appName: request.snapshot.appName,
    roleName: request.snapshot.roleName,
    durationText: request.durationMs !== null ? formatDuration(request.durationMs) : null,
    jiraKey: request.jiraKey,
    jiraUrl: request.jiraKey ? deps.ticketing.issueUrl(request.jiraKey) : null,
    fulfillers: task.fulfillers,
    outcome: task.status === 'open' ? null : { status: task.status === 'done' ? 'done' : 'failed', by: task.decidedBy ?? 'someone', at: new Date(task.decidedAt ?? 0) },
  };
}

export async function taskJob(deps: SideEffectDeps, job: JobOf<'slack.task'>): Promise<void> {
  const { taskId } = job.payload;
  const task = deps.store.tasks.get(taskId);
  if (!task || task.channel) return;
  const card = taskCard(deps, task);
  if (!card) return;
  const ref = await deps.notifier.sendTask(card);
  if (ref) deps.store.tasks.recordMessage(task.id, ref.channel, ref.ts);
}

export async function updateTaskJob(deps: SideEffectDeps, job: JobOf<'slack.update_task'>): Promise<void> {
  const { taskId } = job.payload;
  const task = deps.store.tasks.get(taskId);
  if (!task?.channel || !task.ts) return;
  const card = taskCard(deps, task);
  if (card) await deps.notifier.updateTask({ channel: task.channel, ts: task.ts }, card);
}

export type TaskResult = { readonly kind: 'closed'; readonly text: string } | { readonly kind: 'refused'; readonly message: string };

/**
 * Someone pressed Done or Could not do it: checked against the stored task (an admin or a fulfiller, and
 * never the person whose access it is about), then carried out once.
 */
export function closeTask(deps: WorkflowDeps, taskId: number, actorSlackId: string, outcome: 'done' | 'failed'): TaskResult {
  const { store } = deps;
  return store.tx(() => {
    const now = deps.clock.now();
    const task = store.tasks.get(taskId);
    const request = task ? store.requests.get(task.requestId) : undefined;
    if (!task || !request) return { kind: 'refused', message: 'This task no longer exists.' };
    const actor = { kind: 'user', slackId: actorSlackId } as const;
    // Nobody confirms their own access given or taken away, not even an admin or a listed fulfiller:
    // otherwise one person could mark their own removal done while keeping the access.
    const holder = (task.grantId !== null ? store.grants.get(task.grantId)?.userSlackId : undefined) ?? request.requesterSlackId;
    if (actorSlackId === holder) {
      store.audit.append({ at: now, actor, action: 'task.refused', requestId: request.id, data: { taskId, kind: task.kind, outcome, reason: 'own_access' } });
      deps.logger.warn({ requestId: request.id, taskId, actor: actorSlackId }, 'task click refused: the task is about the clicker');
      const job = task.kind === 'grant' ? 'giving you' : 'taking away your';
      return { kind: 'refused', message: `:no_entry: This task is about ${job} ${request.snapshot.appName} access, so someone else must confirm it: a Keycard admin or another fulfiller. Your click was logged.` };
    }
    if (!deps.admins.includes(actorSlackId) && !task.fulfillers.includes(actorSlackId)) {
      store.audit.append({ at: now, actor, action: 'task.refused', requestId: request.id, data: { taskId } });
      return { kind: 'refused', message: `:no_entry: Only a Keycard admin or a fulfiller of ${request.snapshot.appName} can confirm this task. Your click was logged.` };
    }
    if (!store.tasks.close(task.id, outcome, actorSlackId, now)) {
      return { kind: 'refused', message: `Nothing to do: <@${task.decidedBy ?? 'someone'}> already closed this task${task.decidedAt ? ` at ${formatDateTimeUtc(new Date(task.decidedAt))}` : ''}.` };
    }
    store.jobs.enqueue({ kind: 'slack.update_task', payload: { taskId: task.id }, requestId: request.id }, now);
    const what = accessLabel(request.snapshot.appName, request.snapshot.roleName);
    if (task.kind === 'grant') return closeGrantTask(deps, request, task, actorSlackId, outcome, what);
    return closeRevokeTask(deps, request, task, actorSlackId, outcome, what);
  });
}

function closeGrantTask(deps: WorkflowDeps, request: RequestRow, task: TaskRow, by: string, outcome: 'done' | 'failed', what: string): TaskResult {
  const { store } = deps;
  const now = deps.clock.now();
  const actor = { kind: 'user', slackId: by } as const;
  if (outcome === 'failed') {
    moveRequest(store, request.id, { from: 'awaiting_fulfilment', to: 'failed', actor, data: { taskId: task.id }, set: { failureReason: `manual fulfilment could not be done (${by})` } }, now);
    enqueueJiraComment(store, request.id, [jiraWords.fulfilmentFailed(by, now, request.id)], now);
    enqueueDm(store, request.requesterSlackId, slackWords.manualFailed(what), now, request.id);
    return { kind: 'closed', text: `Marked as not done: request #${request.id} is failed and can be retried.` };
  }
  if (store.requests.get(request.id)?.status !== 'awaiting_fulfilment') {
    return { kind: 'closed', text: `Request #${request.id} is no longer waiting for fulfilment.` };
  }
  const endsAt = request.durationMs !== null ? new Date(now.getTime() + request.durationMs) : null;
  const grant = store.grants.insert({
    requestId: request.id,
    userSlackId: request.requesterSlackId,
    appId: request.appId,
    roleId: request.roleId,
    provider: 'manual',
    idpUserId: null,
    groups: [],
    startsAt: now.getTime(),
    endsAt: endsAt?.getTime() ?? null,
  });
  const data = { grantId: grant.id, taskId: task.id, fulfilledBy: by, endsAt: endsAt?.toISOString() ?? null };
  moveRequest(store, request.id, { from: 'awaiting_fulfilment', to: 'active', actor, action: 'grant.started', data }, now);
  enqueueJiraComment(store, request.id, jiraWords.fulfilled(by, now, endsAt), now);
  if (endsAt === null) enqueueJiraTransition(store, request.id, 'active', now);
  enqueueDm(store, request.requesterSlackId, slackWords.granted(what, endsAt, by), now, request.id);
  return { kind: 'closed', text: `Thanks: request #${request.id} is active.` };
}

function closeRevokeTask(deps: WorkflowDeps, request: RequestRow, task: TaskRow, by: string, outcome: 'done' | 'failed', what: string): TaskResult {
  const { store } = deps;
  const now = deps.clock.now();
  const actor = { kind: 'user', slackId: by } as const;
  const reason: EndReason = task.reason === 'revoked' || task.reason === 'relinquished' ? task.reason : 'expired';
  if (outcome === 'failed') {
    // The access still exists: keep the grant ending and make sure an admin sees it.
    store.audit.append({ at: now, actor, action: 'task.removal_failed', requestId: request.id, data: { taskId: task.id } });
    enqueueAlert(store, alertWords.manualRemovalFailed(what, request.requesterSlackId, by, request.id), now, request.id);
    enqueueJiraComment(store, request.id, [jiraWords.removalFailed(by, now)], now);
    return { kind: 'closed', text: 'Marked as not done: the admins are alerted and can retry.' };
  }
  const grant = task.grantId !== null ? store.grants.get(task.grantId) : undefined;
  if (!grant || !endGrant(store, grant, reason, actor, { taskId: task.id, removedBy: by }, now)) {
    return { kind: 'closed', text: 'This access had already ended.' };
  }
  const heldMs = now.getTime() - grant.startsAt;
  enqueueJiraComment(store, request.id, [jiraWords.removedByHand(reason, heldMs, by, now)], now);
  enqueueJiraTransition(store, request.id, 'ended', now);
  enqueueDm(store, request.requesterSlackId, slackWords.endedByHand(what, reason, heldMs), now, request.id);
  return { kind: 'closed', text: `Thanks: the access of request #${request.id} is recorded as removed.` };
}
