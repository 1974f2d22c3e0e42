/**
 * Extend: the holder of a time-bound grant asks for more time. The extension is a request of kind
 * `extension` that goes through approval like any other (catalog `extend`: `auto`, `approval` = the whole
 * chain, default: the last stage of the original chain), within the role's `maxDuration` in all.
 * Approved, the grant's end moves (compare-and-set), the warning re-arms, Jira and the user are told.
 */
import { findApp, findRole } from '../../domain/catalog.js';
import { formatDuration, formatDurationSpec } from '../../domain/duration.js';
import { extensionChoice, type ExtensionChoice } from '../../domain/extension.js';
import { accessLabel, formatDateTimeUtc, formatDayTimeUtc } from '../../domain/format.js';
import { describeApprovalChain, stageToString } from '../../domain/routing.js';
import type { Actor, CatalogRole } from '../../domain/types.js';
import type { GrantRow } from '../../store/grants.repo.js';
import type { RequestRow } from '../../store/requests.repo.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { enqueueDm, enqueueJiraComment, enqueueJiraFields, enqueueRoute } from '../shared/effects.js';
import { chainWords } from '../shared/wording.js';
import { jiraWords } from '../shared/jira-words.js';
import { slackWords } from '../shared/slack-words.js';
import { createRequest, moveRequest } from '../shared/transitions.js';

export type ExtensionCheck =
  | { readonly kind: 'ok'; readonly grant: GrantRow; readonly role: CatalogRole; readonly choice: ExtensionChoice; readonly request: RequestRow }
  | { readonly kind: 'refused'; readonly message: string; readonly audit: string };

/** Whether `actorSlackId` may extend grant `grantId` now, and by how much. */
export function checkExtension(deps: WorkflowDeps, grantId: number, actorSlackId: string): ExtensionCheck {
  const { store } = deps;
  const grant = store.grants.get(grantId);
  const request = grant ? store.requests.get(grant.requestId) : undefined;
  if (!grant || !request) return { kind: 'refused', message: 'This access no longer exists.', audit: 'unknown_grant' };
  if (grant.userSlackId !== actorSlackId) {
    return { kind: 'refused', message: ':no_entry: Only the person who holds this access can extend it.', audit: 'not_holder' };
  }
  const what = accessLabel(request.snapshot.appName, request.snapshot.roleName);
  if (grant.status !== 'active') {
    const ended = grant.endedAt ? ` at ${formatDateTimeUtc(new Date(grant.endedAt))}` : '';
    return { kind: 'refused', message: `Your access to *${what}* already ended${ended}, so it cannot be extended. Use \`/request ${grant.appId} ${grant.roleId}\` to ask again.`, audit: 'not_active' };
  }
  if (grant.endsAt === null) return { kind: 'refused', message: `*${what}* is standing access: it has no end to move.`, audit: 'standing' };
  const app = findApp(deps.catalog(), grant.appId);
  const role = app ? findRole(app, grant.roleId) : undefined;
  if (!role?.durationsMs) return { kind: 'refused', message: `*${what}* is no longer time-bound in the catalog, so it cannot be extended.`, audit: 'not_in_catalog' };
  const pending = store.requests.listByRequester(actorSlackId, ['pending_approval']).find((r) => r.kind === 'extension' && r.grantId === grant.id);
  if (pending) return { kind: 'refused', message: `An extension of *${what}* is already waiting for approval (request #${pending.id}).`, audit: 'pending_exists' };
  const choice = extensionChoice(role, grant.startsAt, grant.endsAt);
  if (choice.allowedMs.length === 0) {
    return {
      kind: 'refused',
      message: `*${what}* cannot be extended: ${role.name} allows at most ${formatDuration(choice.maxDurationMs)} in all, and you have had ${formatDuration(choice.usedMs)} by the current end (${formatDayTimeUtc(new Date(grant.endsAt))}).`,
      audit: 'beyond_limit',
    };
  }
  return { kind: 'ok', grant, role, choice, request };
}

/** What the Extend modal offers: the grant, its limit, the durations that fit, and who approves. */
export interface ExtensionOffer {
  readonly grantId: number;
  readonly what: string;
  readonly endsAt: Date;
  readonly usedMs: number;
  readonly maxDurationMs: number;
  readonly allowedMs: readonly number[];
  /** Who approves, in words, or the auto-approval note. */
  readonly approval: string;
}

/**
 * What `actorSlackId` may ask for on grant `grantId`, or why not. `auditRefusal` records a refused click
 * (the Extend button); a duplicate `/request` that merely offers Extend does not.
 */
export function offerExtension(deps: WorkflowDeps, grantId: number, actorSlackId: string, auditRefusal: boolean): { kind: 'offer'; offer: ExtensionOffer } | { kind: 'refused'; message: string } {
  const check = checkExtension(deps, grantId, actorSlackId);
  if (check.kind === 'refused') {
    if (auditRefusal) {
      deps.store.audit.append({ at: deps.clock.now(), actor: { kind: 'user', slackId: actorSlackId }, action: 'extension.refused', data: { grantId } });
    }
    return { kind: 'refused', message: check.message };
  }
  const { grant, role, choice, request } = check;
  const app = findApp(deps.catalog(), grant.appId);
  const automatic = role.approval.kind === 'auto' || role.extend === 'auto' ? 'Extensions of this role are approved automatically.' : null;
  const approval = automatic ?? (role.extend === 'approval' && app ? `Approval: ${describeApprovalChain(role, app)}` : 'Approval: the last approver of the original request.');
  return {
    kind: 'offer',
    offer: {
      grantId: grant.id,
      what: accessLabel(request.snapshot.appName, request.snapshot.roleName),
      endsAt: new Date(grant.endsAt ?? 0),
      usedMs: choice.usedMs,
      maxDurationMs: choice.maxDurationMs,
      allowedMs: choice.allowedMs,
      approval,
    },
  };
}

/** The approval an extension needs: catalog `extend`, else the last stage of the original chain. */
function extensionApproval(role: CatalogRole): readonly string[] | 'auto' {
  if (role.approval.kind === 'auto' || role.extend === 'auto') return 'auto';
  const stages = role.approval.stages.map(stageToString);
  return role.extend === 'approval' ? stages : stages.slice(-1);
}

/**
 * Files an extension of `grant` as a request of kind `extension` on the original's Jira issue (the whole
 * story stays on one record), with the requester's details of the original. Call inside a transaction.
 */
export function fileExtension(
  deps: WorkflowDeps,
  input: {
    original: RequestRow;
    grant: GrantRow;
    requesterSlackId: string;
    approval: RequestRow['snapshot']['approval'];
    maxDurationMs: number;
    durationMs: number;
    justification: string;
    actor: Actor;
    data: Record<string, unknown>;
  },
  now: Date,
): RequestRow {
  const { store } = deps;
  const { original, grant } = input;
  const created = createRequest(
    store,
    {
      requesterSlackId: input.requesterSlackId,
      requesterEmail: original.requesterEmail,
      requesterName: original.requesterName,
      requesterTitle: original.requesterTitle,
      requesterDepartment: original.requesterDepartment,
      requesterManagerEmail: original.requesterManagerEmail,
      appId: grant.appId,
      roleId: grant.roleId,
      kind: 'extension',
      grantId: grant.id,
      snapshot: { ...original.snapshot, approval: input.approval, maxDurationMs: input.maxDurationMs },
      durationMs: input.durationMs,
      justification: input.justification,
    },
    input.actor,
    input.data,
    now,
    'extension.requested',
  );
  store.requests.update(created.id, { jiraKey: original.jiraKey, idpUserId: original.idpUserId }, now);
  return created;
}

export type ExtensionResult =
  | { readonly kind: 'extended'; readonly endsAt: Date; readonly requestId: number }
  | { readonly kind: 'pending'; readonly requestId: number; readonly chain: string }
  | { readonly kind: 'refused'; readonly message: string };

export function requestExtension(deps: WorkflowDeps, input: { grantId: number; actorSlackId: string; durationMs: number; justification: string }): ExtensionResult {
  const { store } = deps;
  return store.tx(() => {
    const now = deps.clock.now();
    const check = checkExtension(deps, input.grantId, input.actorSlackId);
    if (check.kind === 'refused') {
      store.audit.append({ at: now, actor: { kind: 'user', slackId: input.actorSlackId }, action: 'extension.refused', data: { grantId: input.grantId, reason: check.audit } });
      return { kind: 'refused', message: check.message };
    }
    const { grant, role, choice, request: original } = check;
    if (!choice.allowedMs.includes(input.durationMs)) {
      const allowed = choice.allowedMs.map(formatDurationSpec).join(', ');
      return { kind: 'refused', message: `${formatDurationSpec(input.durationMs)} would go past the limit of ${formatDuration(choice.maxDurationMs)} in all; choose one of ${allowed}.` };
    }
    const approval = extensionApproval(role);
    const actor = { kind: 'user', slackId: input.actorSlackId } as const;
    const created = fileExtension(deps, {
      original,
      grant,
      requesterSlackId: input.actorSlackId,
      approval: approval === 'auto' ? 'auto' : [...approval],
      maxDurationMs: choice.maxDurationMs,
      durationMs: input.durationMs,
      justification: input.justification,
      actor,
      data: { grantId: grant.id, of: original.id, durationMs: input.durationMs },
    }, now);
    const to = approval === 'auto' ? 'approved' : 'pending_approval';
    moveRequest(store, created.id, { from: 'submitted', to, actor: { kind: 'system', reason: 'catalog policy' } }, now);
    const withKey = { ...created, status: to, jiraKey: original.jiraKey };
    if (approval === 'auto') {
      const endsAt = applyExtension(deps, withKey, actor);
      return endsAt ? { kind: 'extended', endsAt, requestId: created.id } : { kind: 'refused', message: 'The access changed while you were asking; try again.' };
    }
    enqueueJiraComment(store, created.id, [jiraWords.extensionRequested(input.actorSlackId, input.durationMs, created.id, chainWords(withKey), input.justification)], now);
    enqueueRoute(store, created.id, 0, now);
    return { kind: 'pending', requestId: created.id, chain: chainWords(withKey) };
  });
}

/**
 * Moves the grant's end for an approved extension; call inside a transaction. Returns the new end, or
 * null when the grant ended (or moved) meanwhile, in which case the extension is cancelled and the user told.
 */
export function applyExtension(deps: WorkflowDeps, extension: RequestRow, actor: { kind: 'user'; slackId: string } | { kind: 'system'; reason: string }): Date | null {
  const { store } = deps;
  const now = deps.clock.now();
  const grant = extension.grantId !== null ? store.grants.get(extension.grantId) : undefined;
  const what = accessLabel(extension.snapshot.appName, extension.snapshot.roleName);
  const add = extension.durationMs ?? 0;
  const limit = extension.snapshot.maxDurationMs ?? Number.POSITIVE_INFINITY;
  if (!grant || grant.status !== 'active' || grant.endsAt === null || grant.endsAt - grant.startsAt + add > limit || !store.grants.extend(grant.id, grant.endsAt, grant.endsAt + add)) {
    moveRequest(store, extension.id, { from: ['approved', 'pending_approval'], to: 'cancelled', actor, action: 'extension.void', data: { grantId: extension.grantId } }, now);
    enqueueDm(store, extension.requesterSlackId, slackWords.extensionVoid(what), now, extension.id);
    return null;
  }
  const endsAt = new Date(grant.endsAt + add);
  moveRequest(store, extension.id, { from: 'pending_approval', to: 'approved', actor }, now);
  // Not a status move: the grant stays active and only its end moves (compare-and-set above).
  store.audit.append({ at: now, actor, action: 'grant.extended', requestId: grant.requestId, data: { grantId: grant.id, extensionRequestId: extension.id, fromEndsAt: grant.endsAt, toEndsAt: endsAt.getTime() } });
  const approvedBy = actor.kind === 'user' && actor.slackId !== extension.requesterSlackId ? `approved by <@${actor.slackId}>` : extension.snapshot.approval === 'auto' ? 'auto-approved by catalog policy' : 'approved';
  enqueueJiraComment(store, extension.id, [jiraWords.extended(add, approvedBy, endsAt, endsAt.getTime() - grant.startsAt)], now);
  if (deps.jiraFields.accessEnd) enqueueJiraFields(store, extension.id, { end: endsAt }, now);
  enqueueDm(store, extension.requesterSlackId, slackWords.extended(what, endsAt), now, extension.id);
  return endsAt;
}
