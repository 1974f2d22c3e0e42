/**
 * An admin extends someone's time-bound access (`/access-admin extend …`): no approval is asked, the
 * admin decides, but the role's `maxDuration` still bounds the whole. Like a holder's extension it is a
 * request of kind `extension` on the grant's Jira issue (who, how much, why), approved by the admin, and
 * applied through `applyExtension` (the grant's end moves by compare-and-set, the warning re-arms, Jira and
 * the holder are told).
 */
import { findApp, findRole } from '../../domain/catalog.js';
import { formatDuration, formatDurationSpec } from '../../domain/duration.js';
import { extensionChoice } from '../../domain/extension.js';
import { accessLabel, formatDateTimeUtc } from '../../domain/format.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { enqueueJiraComment } from '../shared/effects.js';
import { jiraWords } from '../shared/jira-words.js';
import { moveRequest } from '../shared/transitions.js';
import { applyExtension, fileExtension } from './extend.js';

export type AdminExtendResult = { readonly kind: 'extended'; readonly text: string; readonly requestId: number } | { readonly kind: 'refused'; readonly message: string };

/** `adminSlackId` must already be checked as an admin by the caller. */
export function extendByAdmin(deps: WorkflowDeps, input: { grantId: number; adminSlackId: string; durationMs: number; reason: string }): AdminExtendResult {
  const { store } = deps;
  return store.tx(() => {
    const now = deps.clock.now();
    const grant = store.grants.get(input.grantId);
    const original = grant ? store.requests.get(grant.requestId) : undefined;
    if (!grant || !original) return { kind: 'refused', message: 'This access no longer exists.' } as const;
    const what = accessLabel(original.snapshot.appName, original.snapshot.roleName);
    const holder = `<@${grant.userSlackId}>`;
    if (grant.status !== 'active') return { kind: 'refused', message: `The ${what} access of ${holder} (request #${grant.requestId}) is ${grant.status === 'ending' ? 'being removed' : grant.status}: only active access can be extended.` } as const;
    if (grant.endsAt === null) return { kind: 'refused', message: `The ${what} access of ${holder} is standing access: it has no end to move.` } as const;
    const app = findApp(deps.catalog(), grant.appId);
    const role = app ? findRole(app, grant.roleId) : undefined;
    if (!role?.durationsMs) return { kind: 'refused', message: `${what} is no longer time-bound in the catalog, so it cannot be extended.` } as const;
    const choice = extensionChoice(role, grant.startsAt, grant.endsAt);
    const left = choice.maxDurationMs - choice.usedMs;
    if (input.durationMs > left) {
      const spec = formatDurationSpec(left);
      const most = left > 0 ? `at most ${spec}${spec === formatDuration(left) ? '' : ` (${formatDuration(left)})`} more` : 'no more time';
      return { kind: 'refused', message: `${formatDurationSpec(input.durationMs)} would go past ${role.name}'s limit of ${formatDuration(choice.maxDurationMs)} in all: ${holder} has had ${formatDuration(choice.usedMs)} by the current end (${formatDateTimeUtc(new Date(grant.endsAt))}), so ${most}.` } as const;
    }
    const admin = { kind: 'user', slackId: input.adminSlackId } as const;
    const created = fileExtension(deps, {
      original,
      grant,
      requesterSlackId: grant.userSlackId,
      // The admin decided it: the chain on record is that one person.
      approval: [`user:${input.adminSlackId}`],
      maxDurationMs: choice.maxDurationMs,
      durationMs: input.durationMs,
      justification: input.reason,
      actor: admin,
      data: { grantId: grant.id, of: original.id, durationMs: input.durationMs, byAdmin: true, reason: input.reason },
    }, now);
    moveRequest(store, created.id, { from: 'submitted', to: 'approved', actor: admin, data: { byAdmin: true } }, now);
    enqueueJiraComment(store, created.id, [jiraWords.extendedByAdmin(input.adminSlackId, input.durationMs, created.id, input.reason)], now);
    const endsAt = applyExtension(deps, { ...created, status: 'approved', jiraKey: original.jiraKey }, admin);
    if (!endsAt) return { kind: 'refused', message: `The ${what} access of ${holder} changed meanwhile; nothing was extended.` } as const;
    return { kind: 'extended', requestId: created.id, text: `Extended the ${what} access of ${holder} (request #${grant.requestId}) by ${formatDuration(input.durationMs)}: it now ends ${formatDateTimeUtc(endsAt)}. Recorded as request #${created.id} on ${original.jiraKey ?? 'its Jira issue'}; ${holder} is told.` };
  });
}
