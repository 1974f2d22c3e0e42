/**
 * Manual apps (no SSO groups): after approval the request waits for a person. A task card in the alert
 * channel asks IT (the admins or the app's fulfillers) to give the access by hand and press Done, or
 * Could not do it. Expiry and revocation create a removal task the same way; the grant ends only when
 * someone confirms it. Jira records who fulfilled what and when.
 */
import { findApp } from '../domain/catalog.js';
import { formatDuration } from '../domain/duration.js';
import { accessLabel, formatDateTimeUtc, formatDayTimeUtc } from '../domain/format.js';
import type { Job } from '../store/jobs.repo.js';
import type { RequestRow } from '../store/requests.repo.js';
import type { TaskRow } from '../store/tasks.repo.js';
import type { SideEffectDeps, WorkflowDeps } from './deps.js';
import { enqueueAlert, enqueueDm, enqueueJiraComment, enqueueJiraTransition } from './effects.js';
import type { TaskCard } from './ports.js';
import { resolveRef } from './route.js';

/** The app's fulfillers as Slack ids (emails looked up in Slack); people Slack does not know are left out. */
async function resolveFulfillers(deps: SideEffectDeps, request: RequestRow): Promise<string[]> {
  const refs = findApp(deps.catalog(), request.appId)?.fulfillers ?? [];
  const ids: string[] = [];
  for (const ref of refs) {
    const id = await resolveRef(deps, ref);
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** Opens a task (called by the provisioning and removal jobs for manual apps). */
export async function openTask(deps: SideEffectDeps, request: RequestRow, kind: 'grant' | 'revoke', grantId: number | null, reason: string | null): Promise<void> {
  const fulfillers = await resolveFulfillers(deps, request);
  const { store } = deps;
  const now = deps.clock.now();
  store.tx(() => {
    if (store.tasks.openFor(request.id, kind)) return; // opened before a restart
    if (kind === 'grant' && !store.requests.transition(request.id, ['approved', 'provisioning'], 'awaiting_fulfilment', now)) return;
    const task = store.tasks.insert({ requestId: request.id, grantId, kind, reason, fulfillers }, now);
    store.audit.append({ at: now, actor: { kind: 'system', reason: 'manual fulfilment' }, action: `task.opened`, requestId: request.id, ...(kind === 'grant' ? { fromStatus: request.status, toStatus: 'awaiting_fulfilment' } : {}), data: { taskId: task.id, kind, fulfillers } });
    store.jobs.enqueue({ kind: 'slack.task', payload: { taskId: task.id }, requestId: request.id }, now);
    const who = fulfillers.length > 0 ? fulfillers.map((f) => `<@${f}>`).join(', ') + ' or a Keycard admin' : 'a Keycard admin';
    enqueueJiraComment(store, request.id, [kind === 'grant' ? `Waiting for manual fulfilment by ${who}.` : `Access ends (${reason ?? 'ended'}): waiting for ${who} to remove it by hand.`], now);
    if (kind === 'grant') {
      enqueueDm(store, request.requesterSlackId, `:hammer_and_wrench: Your request for *${accessLabel(request.snapshot.appName, request.snapshot.roleName)}* is approved. ${request.snapshot.appName} is set up by hand: IT has the task and you'll get a DM when it's done.`, now, request.id);
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

export async function taskJob(deps: SideEffectDeps, job: Job): Promise<void> {
  const { taskId } = job.payload as { taskId: number };
  const task = deps.store.tasks.get(taskId);
  if (!task || task.channel) return;
  const card = taskCard(deps, task);
  if (!card) return;
  const ref = await deps.notifier.sendTask(card);
  if (ref) deps.store.tasks.recordMessage(task.id, ref.channel, ref.ts);
}

export async function updateTaskJob(deps: SideEffectDeps, job: Job): Promise<void> {
  const { taskId } = job.payload as { taskId: number };
  const task = deps.store.tasks.get(taskId);
  if (!task?.channel || !task.ts) return;
  const card = taskCard(deps, task);
  if (card) await deps.notifier.updateTask({ channel: task.channel, ts: task.ts }, card);
}

export type TaskResult = { readonly kind: 'closed'; readonly text: string } | { readonly kind: 'refused'; readonly message: string };

/** Someone pressed Done or Could not do it: checked against the stored task, then carried out once. */
export function closeTask(deps: WorkflowDeps, taskId: number, actorSlackId: string, outcome: 'done' | 'failed'): TaskResult {
  const { store } = deps;
  return store.tx(() => {
    const now = deps.clock.now();
    const task = store.tasks.get(taskId);
    const request = task ? store.requests.get(task.requestId) : undefined;
    if (!task || !request) return { kind: 'refused', message: 'This task no longer exists.' };
    const actor = { kind: 'user', slackId: actorSlackId } as const;
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
    store.requests.transition(request.id, ['awaiting_fulfilment'], 'failed', now, { failureReason: `manual fulfilment could not be done (${by})` });
    store.audit.append({ at: now, actor, action: 'request.failed', requestId: request.id, fromStatus: 'awaiting_fulfilment', toStatus: 'failed', data: { taskId: task.id } });
    enqueueJiraComment(store, request.id, [`Manual fulfilment could not be done, said <@${by}> at ${formatDateTimeUtc(now)}. An admin can retry with /access-admin retry ${request.id}.`], now);
    enqueueDm(store, request.requesterSlackId, `:warning: IT could not set up *${what}* by hand yet. They have been told; you'll hear when it changes.`, now, request.id);
    return { kind: 'closed', text: `Marked as not done: request #${request.id} is failed and can be retried.` };
  }
  if (!store.requests.transition(request.id, ['awaiting_fulfilment'], 'active', now)) {
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
  store.audit.append({ at: now, actor, action: 'grant.started', requestId: request.id, fromStatus: 'awaiting_fulfilment', toStatus: 'active', data: { grantId: grant.id, taskId: task.id, fulfilledBy: by, endsAt: endsAt?.toISOString() ?? null } });
  enqueueJiraComment(store, request.id, [`Fulfilled by hand by <@${by}> at ${formatDateTimeUtc(now)}.`, endsAt ? `Access ends ${formatDateTimeUtc(endsAt)}.` : 'Access is standing (no end date).'], now);
  if (endsAt === null) enqueueJiraTransition(store, request.id, 'active', now);
  enqueueDm(store, request.requesterSlackId, `:key: You now have *${what}*${endsAt ? ` until ${formatDayTimeUtc(endsAt)}` : ''} (set up by <@${by}>).`, now, request.id);
  return { kind: 'closed', text: `Thanks: request #${request.id} is active.` };
}

function closeRevokeTask(deps: WorkflowDeps, request: RequestRow, task: TaskRow, by: string, outcome: 'done' | 'failed', what: string): TaskResult {
  const { store } = deps;
  const now = deps.clock.now();
  const actor = { kind: 'user', slackId: by } as const;
  const reason = (task.reason ?? 'expired') as 'expired' | 'revoked' | 'relinquished';
  if (outcome === 'failed') {
    // The access still exists: keep the grant ending and make sure an admin sees it.
    store.audit.append({ at: now, actor, action: 'task.removal_failed', requestId: request.id, data: { taskId: task.id } });
    enqueueAlert(store, `:rotating_light: Removing *${what}* from <@${request.requesterSlackId}> could not be done (said <@${by}>). The access is still there; \`/access-admin retry ${request.id}\` opens a new removal task.`, now, request.id);
    enqueueJiraComment(store, request.id, [`Manual removal could not be done, said <@${by}> at ${formatDateTimeUtc(now)}; the access is still in place.`], now);
    return { kind: 'closed', text: 'Marked as not done: the admins are alerted and can retry.' };
  }
  const grant = task.grantId !== null ? store.grants.get(task.grantId) : undefined;
  if (!grant || !store.grants.transition(grant.id, 'ending', reason, { endedAt: now.getTime(), endReason: reason })) {
    return { kind: 'closed', text: 'This access had already ended.' };
  }
  store.requests.transition(request.id, ['active'], reason, now);
  const held = formatDuration(now.getTime() - grant.startsAt);
  store.audit.append({ at: now, actor, action: `grant.${reason}`, requestId: request.id, fromStatus: 'active', toStatus: reason, data: { grantId: grant.id, taskId: task.id, removedBy: by } });
  enqueueJiraComment(store, request.id, [`Access ended (${reason}) after ${held}: removed by hand by <@${by}> at ${formatDateTimeUtc(now)}.`], now);
  enqueueJiraTransition(store, request.id, 'ended', now);
  enqueueDm(store, request.requesterSlackId, `:hourglass: Your access to *${what}* has ended (${reason} after ${held}).`, now, request.id);
  return { kind: 'closed', text: `Thanks: the access of request #${request.id} is recorded as removed.` };
}
