/**
 * An admin names access by person and app (`/access-admin revoke @priya salesforce/admin …`, `extend …`)
 * instead of by request: the person's one live Keycard grant of that app (and role) is found, or the admin
 * is told why none or several match. The action itself is the usual one (revoke.ts, admin-extend.ts).
 */
import { findApp } from '../../domain/catalog.js';
import { closestMatches } from '../../domain/suggest.js';
import type { GrantRow } from '../../store/grants.repo.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { extendByAdmin, type AdminExtendResult } from './admin-extend.js';
import { revokeAccess, type RevokeResult } from './revoke.js';

/** App and role as typed after the person: `salesforce` or `salesforce/admin`. */
export interface AccessRef {
  readonly appId: string;
  readonly roleId: string | null;
}

export type PersonAccess = { readonly kind: 'one'; readonly grant: GrantRow } | { readonly kind: 'refused'; readonly message: string };

function listed(grants: readonly GrantRow[]): string {
  return grants.map((g) => `\`${g.appId}/${g.roleId}\` (request #${g.requestId}${g.status === 'active' ? '' : `, ${g.status}`})`).join(', ');
}

/**
 * The person's one live grant of the app (and role): an active one first, else one still being granted
 * or removed (the action then says where it stands). Several active roles of the app and no role named:
 * refused, listing them, since revoking or extending one of them would be a guess.
 */
export function findPersonAccess(deps: WorkflowDeps, slackId: string, ref: AccessRef, usage: (ref: string) => string): PersonAccess {
  const live = deps.store.grants.liveFor(slackId);
  const ofApp = live.filter((g) => g.appId === ref.appId);
  if (ofApp.length === 0) {
    const app = findApp(deps.catalog(), ref.appId);
    if (!app) {
      const near = closestMatches(ref.appId, [...new Set([...live.map((g) => g.appId), ...deps.catalog().apps.map((a) => a.id)])]);
      return { kind: 'refused', message: `No app '${ref.appId}' in the catalog${near.length > 0 ? `. Did you mean: ${near.join(', ')}?` : '.'}` };
    }
    return { kind: 'refused', message: `<@${slackId}> has no access to ${app.name} through Keycard.${live.length > 0 ? ` Their access: ${listed(live)}.` : ''}` };
  }
  const matching = ref.roleId === null ? ofApp : ofApp.filter((g) => g.roleId === ref.roleId);
  if (matching.length === 0) return { kind: 'refused', message: `<@${slackId}> has no ${ref.appId}/${ref.roleId} access through Keycard; of ${ref.appId} they hold ${listed(ofApp)}.` };
  const active = matching.filter((g) => g.status === 'active');
  const roles = new Set((active.length > 0 ? active : matching).map((g) => g.roleId));
  if (roles.size > 1) {
    return { kind: 'refused', message: `<@${slackId}> holds several roles of ${ref.appId}: ${listed(active.length > 0 ? active : matching)}. Name the role, e.g. ${usage(`${ref.appId}/${[...roles][0]}`)}.` };
  }
  return { kind: 'one', grant: (active[0] ?? matching[0])! };
}

/** `/access-admin revoke <person> <app[/role]> <reason>`; `adminSlackId` must already be checked as an admin. */
export function revokePersonAccess(deps: WorkflowDeps, adminSlackId: string, slackId: string, ref: AccessRef, reason: string): RevokeResult {
  const found = findPersonAccess(deps, slackId, ref, (r) => `\`/access-admin revoke <@${slackId}> ${r} <reason>\``);
  if (found.kind === 'refused') return found;
  return revokeAccess(deps, found.grant.requestId, adminSlackId, reason);
}

/** `/access-admin extend <person> <app/role> <duration> <reason>`; `adminSlackId` must already be checked as an admin. */
export function extendPersonAccess(deps: WorkflowDeps, adminSlackId: string, slackId: string, ref: AccessRef, durationMs: number, reason: string): AdminExtendResult {
  const found = findPersonAccess(deps, slackId, ref, (r) => `\`/access-admin extend <@${slackId}> ${r} <duration> <reason>\``);
  if (found.kind === 'refused') return found;
  return extendByAdmin(deps, { grantId: found.grant.id, adminSlackId, durationMs, reason });
}
