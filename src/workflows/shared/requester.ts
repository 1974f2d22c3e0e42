/**
 * Who asked: the requester's Slack profile (email, name) and identity-provider profile (user id, title,
 * department, manager), looked up once per request and kept on the request row.
 */
import { PermanentError } from '../../domain/errors.js';
import type { RequestRow } from '../../store/requests.repo.js';
import { providerFor, type SideEffectDeps } from './deps.js';

/** Fills the requester's email and name from Slack when the request does not have them yet. */
export async function ensureSlackProfile(deps: SideEffectDeps, request: RequestRow): Promise<RequestRow & { requesterEmail: string }> {
  if (request.requesterEmail && request.requesterName) return { ...request, requesterEmail: request.requesterEmail };
  const profile = await deps.directory.profile(request.requesterSlackId);
  if (!profile) throw new PermanentError(`Slack user ${request.requesterSlackId} was not found`);
  if (!profile.email) {
    throw new PermanentError(`Slack user ${request.requesterSlackId} has no email address (the app needs the users:read.email scope)`);
  }
  const fields = { requesterEmail: profile.email, requesterName: profile.name };
  deps.store.requests.update(request.id, fields, deps.clock.now());
  return { ...request, ...fields };
}

/** The provider that knows this requester: the app's own, or for manual apps the configured profile provider. */
function profileProviderKind(deps: SideEffectDeps, request: RequestRow): string | null {
  return request.snapshot.provider === 'manual' ? deps.profileProvider : request.snapshot.provider;
}

/**
 * Fills the requester's identity-provider profile. A requester unknown to the app's provider is a
 * permanent error: access cannot be granted to nobody.
 */
export async function ensureIdpProfile(deps: SideEffectDeps, request: RequestRow): Promise<RequestRow> {
  const withSlack = await ensureSlackProfile(deps, request);
  if (withSlack.idpUserId) return withSlack;
  const kind = profileProviderKind(deps, withSlack);
  if (!kind) return withSlack;
  const user = await providerFor(deps, kind).findUserByEmail(withSlack.requesterEmail);
  if (!user) {
    if (withSlack.snapshot.provider === 'manual') return withSlack;
    throw new PermanentError(`no ${kind} user has the email ${withSlack.requesterEmail} (the requester's Slack email)`);
  }
  const fields = {
    idpUserId: user.id,
    requesterName: user.displayName || withSlack.requesterName,
    requesterTitle: user.title,
    requesterDepartment: user.department,
    requesterManagerEmail: user.managerEmail,
  };
  deps.store.requests.update(withSlack.id, fields, deps.clock.now());
  return { ...withSlack, ...fields };
}
