/**
 * `/access-admin`: only the Slack users in KEYCARD_ADMINS; everyone else is refused, and the refusal is audited.
 */
import type { ListenerRouter } from '../router.js';
import { formatDateTimeUtc } from '../../domain/format.js';
import type { SideEffectDeps, WorkflowDeps } from '../../workflows/shared/deps.js';
import { admitAdminCommand, adminStatus, reloadCatalog, requestHistory, retryJob, retryRequest, skipJob, type CatalogReloader } from '../../workflows/admin/index.js';
import { requestAuditVerify } from '../../workflows/evidence/index.js';
import { recordRemovedByHand, revokeAccess } from '../../workflows/grant/index.js';
import { reviewStartChoices } from '../../workflows/review/index.js';
import { buildReviewStartModal } from '../blocks/review-start.js';
import { reviewCommand } from './admin-review.js';
import { parseRequestArg } from '../../domain/admin-args.js';
import { findRequest, requestNotFound } from '../../workflows/insight/index.js';
import { AUDIT_USAGE, auditCommand, exportCommand, grantsCommand, isAuditLookup, pendingCommand, statsCommand, type AdminListenerDeps } from './admin-evidence.js';
import { REVOKE_USAGE, steerCommand, type SteerTools } from './admin-steer.js';
import { isLifecycleCommand, lifecycleCommand } from './admin-lifecycle.js';
import { isReclaimPreview, reclaimCommand, reclaimPreviewCommand, type ReclaimPreviewer } from './admin-reclaim.js';

export type { CatalogReloader } from '../../workflows/admin/index.js';
import { adminHelpText } from '../help.js';

function statusText(deps: WorkflowDeps): string {
  const status = adminStatus(deps);
  const failed = status.failedRequests;
  const lines = [
    `*Keycard status*`,
    `• Requests waiting for approval: ${status.pendingApproval}`,
    `• Active grants: ${status.activeGrants}`,
    `• Failed requests: ${failed.length}${failed.length ? ` (${failed.slice(0, 10).map((id) => `#${id}`).join(', ')})` : ''}`,
    `• Jobs: ${status.jobs.pending} pending, ${status.jobs.running} running, ${status.jobs.dead} dead, ${status.jobs.skipped} skipped`,
  ];
  for (const job of status.deadJobs) lines.push(`  – job ${job.id} \`${job.kind}\`${job.requestId ? ` (request #${job.requestId})` : ''}: ${job.lastError ?? ''}`);
  lines.push(`• Removals not finished: ${status.unfinishedRemovals.length}`);
  for (const r of status.unfinishedRemovals) {
    const holds = r.held.length > 0 ? `still holds ${r.held.map((h) => `${h.group}${h.error ? ` (${h.error})` : ''}`).join(', ')}` : 'holds nothing; ending';
    lines.push(`  – request #${r.requestId} ${r.what} of <@${r.holder}> (${r.reason.replace(/_/g, ' ')}): ${holds}`);
  }
  return lines.join('\n');
}

/**
 * The request a word names, as a Keycard id (`42`, `#42`) or its Jira key (`ACCESS-12`); null when the word is
 * neither (the caller answers with its usage), a sentence when it names no request Keycard has.
 */
function requestIdOf(deps: WorkflowDeps, word: string | undefined): number | string | null {
  const arg = parseRequestArg(word ?? '');
  if (!arg) return null;
  if (arg.kind === 'id') return arg.id;
  return findRequest(deps, arg)?.id ?? requestNotFound(arg);
}

function requestText(deps: WorkflowDeps, id: number): string {
  const history = requestHistory(deps, id);
  if (!history) return `No request #${id}.`;
  const { request, events } = history;
  const lines = [
    `*Request #${id}*: ${request.snapshot.appName} / ${request.snapshot.roleName} for <@${request.requesterSlackId}>, ${request.status.replace(/_/g, ' ')}${request.jiraKey ? `, Jira ${request.jiraKey}` : ''}`,
  ];
  if (request.failureReason) lines.push(`Failure: ${request.failureReason}`);
  for (const event of events) lines.push(`• ${formatDateTimeUtc(new Date(event.at))} ${event.action} by ${event.actor}`);
  return lines.join('\n').slice(0, 3900);
}

/** Reloads and words the answer. Async (it asks the providers whether the groups exist), so not in `adminCommand`. */
async function reloadCommand(deps: WorkflowDeps, userId: string, reload: CatalogReloader): Promise<string> {
  const result = await reloadCatalog(deps, userId, reload);
  return result.ok
    ? `:white_check_mark: Catalog reloaded: ${result.apps} apps.`
    : `:no_entry: The catalog was not reloaded; the last good one stays in force.\n\`\`\`${result.message.slice(0, 3000)}\`\`\``;
}

function adminCommand(deps: AdminListenerDeps, userId: string, text: string): string | Promise<string> {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [verb = 'help', ...rest] = words;
  switch (verb.toLowerCase()) {
    case 'status':
      return statusText(deps);
    case 'request': {
      const id = requestIdOf(deps, rest[0]);
      if (typeof id === 'string') return id;
      return id !== null ? requestText(deps, id) : 'Usage: `/access-admin request <id>` (a request number, e.g. `42`, or its Jira key, e.g. `ACCESS-12`).';
    }
    case 'retry': {
      if (rest[0] === 'job') {
        const jobId = Number.parseInt(rest[1] ?? '', 10);
        if (!Number.isSafeInteger(jobId)) return 'Usage: `/access-admin retry job <job id>` (see `/access-admin status`).';
        return retryJob(deps, userId, jobId) ? `Job ${jobId} is queued again.` : `Job ${jobId} is not dead, or does not exist.`;
      }
      const id = requestIdOf(deps, rest[0]);
      if (typeof id === 'string') return id;
      if (id === null) return 'Usage: `/access-admin retry <request id>`, e.g. `/access-admin retry 42` or `/access-admin retry ACCESS-12`.';
      const result = retryRequest(deps, id, userId);
      if (result.kind === 'not_found') return `No request #${id}.`;
      if (result.kind === 'nothing_to_retry') return `Request #${id} has nothing to retry (it is ${result.status.replace(/_/g, ' ')}).`;
      if (result.kind === 'removal_retried') {
        return result.held.length > 0
          ? `Request #${id}: removing what it still holds again (${result.held.join(', ')}); groups already gone are not touched.`
          : `Request #${id}: its removal is queued again to finish (nothing is held any more).`;
      }
      return `Request #${id} is being retried (${result.jobs} job(s) queued again).`;
    }
    case 'skip': {
      const jobId = Number.parseInt(rest[0] ?? '', 10);
      if (!Number.isSafeInteger(jobId)) return 'Usage: `/access-admin skip <job id>` (a dead job, see `/access-admin status`).';
      const result = skipJob(deps, userId, jobId);
      if (result.kind === 'not_found') return `No job ${jobId}.`;
      if (result.kind === 'not_dead') return `Job ${jobId} is ${result.status}, not dead: only a dead job can be skipped.`;
      return `Job ${jobId} (\`${result.job.kind}\`) is skipped: it will not run, and the jobs queued after it go ahead. Its error stays on record.`;
    }
    case 'revoke': {
      const id = Number.parseInt((rest[0] ?? '').replace(/^#/, ''), 10);
      const reason = rest.slice(1).join(' ').trim();
      if (!Number.isSafeInteger(id) || reason.length < 3) return REVOKE_USAGE; // the Jira key and person forms: admin-steer.ts
      const result = revokeAccess(deps, id, userId, reason);
      return result.kind === 'started' ? result.text : result.message;
    }
    case 'removed': {
      const id = requestIdOf(deps, rest[0]);
      if (typeof id === 'string') return id;
      const group = rest[1] ?? '';
      const reason = rest.slice(2).join(' ').trim();
      if (id === null || !group || reason.length < 3) {
        return 'Usage: `/access-admin removed <request id> <group id> <reason>`, e.g. `/access-admin removed 42 00g1admin removed in the Okta console, group is read-only for Keycard` (records a group of an access being removed as removed by hand).';
      }
      const result = recordRemovedByHand(deps, id, group, userId, reason);
      return result.kind === 'recorded' ? result.text : result.message;
    }
    case 'audit': {
      // `audit <request | @user>` is answered by the listener (see registerAdminListeners): it asks a provider.
      if (rest[0] !== 'verify') return AUDIT_USAGE;
      return requestAuditVerify(deps, userId);
    }
    case 'export':
      return exportCommand(deps, userId, rest);
    case 'stats':
      return statsCommand(deps, rest);
    case 'grants':
      return grantsCommand(deps, rest);
    case 'pending':
      return pendingCommand(deps, rest);
    case 'review':
      return reviewCommand(deps, userId, rest);
    case 'reclaim':
      return reclaimCommand(deps, userId, rest);
    case 'catalog':
      // `catalog reload` is answered by the listener (see registerAdminListeners), the others by admin-steer.ts.
      return 'Usage: `/access-admin catalog reload`.';
    case 'help':
      return adminHelpText();
    default:
      return `Unknown command '${verb}'.\n${adminHelpText()}`;
  }
}

export function registerAdminListeners(router: ListenerRouter, deps: AdminListenerDeps & SideEffectDeps, reload: CatalogReloader, steer: SteerTools, reclaimPreview: ReclaimPreviewer): void {
  router.command('/access-admin', async ({ command, ack, respond, client }) => {
    if (!admitAdminCommand(deps, command.user_id, command.text ?? '')) {
      await ack({ response_type: 'ephemeral', text: ':no_entry: `/access-admin` is for Keycard admins (KEYCARD_ADMINS). Ask IT if you need something done.' });
      return;
    }
    if (/^\s*catalog\s+reload\s*$/i.test(command.text ?? '')) {
      // Checking the groups in every provider may outlast Slack's 3 s: acknowledge, then answer through respond().
      await ack({ response_type: 'ephemeral', text: ':hourglass_flowing_sand: Checking the catalog file and its groups in the identity providers...' });
      await respond({ response_type: 'ephemeral', text: await reloadCommand(deps, command.user_id, reload) });
      return;
    }
    if (isAuditLookup(command.text ?? '')) {
      // Asks the identity provider when the access was last used: acknowledge, then answer through respond().
      await auditCommand(deps, command.user_id, command.text ?? '', {
        ack: (text) => ack({ response_type: 'ephemeral', text }),
        respond: async (text) => {
          await respond({ response_type: 'ephemeral', text });
        },
      });
      return;
    }
    if (isLifecycleCommand(command.text ?? '')) {
      // Offboarding and onboarding read Slack and the identity providers first: acknowledge, then answer.
      const answer = lifecycleCommand(deps, command.user_id, command.text ?? '');
      await ack({ response_type: 'ephemeral', text: answer.now });
      if (answer.later) {
        const text = await answer.later().catch((error: unknown) => `:warning: That did not finish: ${error instanceof Error ? error.message : String(error)}. See \`/access-admin status\`.`);
        await respond({ response_type: 'ephemeral', text });
      }
      return;
    }
    if (isReclaimPreview(command.text ?? '')) {
      // Reading every provider may outlast Slack's 3 s: acknowledge, then answer through respond().
      await ack({ response_type: 'ephemeral', text: ':hourglass_flowing_sand: Reading members and sign-ins from the identity providers for the reclaim preview...' });
      await respond({ response_type: 'ephemeral', text: await reclaimPreviewCommand(reclaimPreview, command.text ?? '') });
      return;
    }
    if (/^\s*review\s+start\s*$/i.test(command.text ?? '')) {
      // No arguments: the form (src/slack/listeners/review.ts takes its submission). The trigger lives 3 s.
      const choices = reviewStartChoices(deps);
      if (choices.apps.length === 0) {
        await ack({ response_type: 'ephemeral', text: 'The catalog has no app an access review can cover (manual apps are reviewed by hand).' });
        return;
      }
      await ack();
      await client.views.open({ trigger_id: command.trigger_id, view: buildReviewStartModal(choices) });
      return;
    }
    // sync, catalog [validate], revoke and extend by person, delegate: src/slack/listeners/admin-steer.ts.
    const steered = steerCommand(deps, command.user_id, command.text ?? '', steer);
    if (steered && 'text' in steered) {
      await ack({ response_type: 'ephemeral', text: steered.text });
      return;
    }
    if (steered) {
      // It asks Slack or the providers first, which may outlast Slack's 3 s: acknowledge, then answer.
      await ack(steered.ack ? { response_type: 'ephemeral', text: steered.ack } : undefined);
      await respond({ response_type: 'ephemeral', text: await steered.later() });
      return;
    }
    await ack({ response_type: 'ephemeral', text: await adminCommand(deps, command.user_id, command.text ?? '') });
  });
}
