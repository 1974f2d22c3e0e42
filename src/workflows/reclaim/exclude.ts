/**
 * `/access-admin reclaim exclude <person> <app> [reason]`: a person an admin says must never be flagged on
 * that app, recorded with who and why. A warning already sent to them for that app is withdrawn (its case
 * ends, nothing is removed); a removal already under way is not stopped, and the answer says so.
 */
import { findApp } from '../../domain/catalog.js';
import type { PersonArg } from '../../domain/admin-args.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { cancel } from './enforce.js';

export type ExcludeResult = { readonly kind: 'excluded'; readonly text: string } | { readonly kind: 'refused'; readonly text: string };

/** `adminSlackId` must already be checked as an admin by the caller. */
export function excludeFromReclaim(deps: WorkflowDeps, adminSlackId: string, person: PersonArg, appId: string, reason: string | null): ExcludeResult {
  const { store } = deps;
  const app = findApp(deps.catalog(), appId);
  if (!app) return { kind: 'refused', text: `No app '${appId}' in the catalog.` };
  if (app.provider === 'manual') return { kind: 'refused', text: `${app.name} is a manual app: it has no sign-ins to judge, so nothing is ever reclaimed there.` };
  return store.tx((): ExcludeResult => {
    const now = deps.clock.now();
    const slackId = person.kind === 'slack' ? person.slackId : null;
    const email = person.kind === 'email' ? person.email : null;
    const admin = { kind: 'user', slackId: adminSlackId } as const;
    const row = store.reclaim.insertExclusion({ appId: app.id, slackId, email, reason, createdBy: adminSlackId }, now);
    store.audit.append({ at: now, actor: admin, action: 'reclaim.excluded', data: { exclusionId: row.id, app: app.id, slackId, email, reason } });
    const theirs = store.reclaim.openCasesOf(app.id).filter((c) => (slackId !== null && c.slackId === slackId) || (email !== null && c.email.toLowerCase() === email));
    let withdrawn = 0;
    for (const c of theirs.filter((x) => x.status === 'warned')) {
      cancel(deps, c, 'excluded from reclaim by an admin: the warning is withdrawn', admin);
      withdrawn += 1;
    }
    const removing = theirs.filter((x) => x.status === 'removing').length;
    const who = slackId ? `<@${slackId}>` : (email ?? '');
    const policy = app.reclaim ? '' : ` (${app.name} has no reclaim policy yet; the exclusion applies once it has one)`;
    const notes = [withdrawn > 0 ? `their warning is withdrawn` : '', removing > 0 ? `a removal already under way is not stopped (give the access again with \`/request\` if needed)` : ''].filter(Boolean);
    return { kind: 'excluded', text: `:white_check_mark: ${who} is excluded from reclaim on *${app.name}*${policy}; recorded as exclusion #${row.id}${reason ? ` (${reason})` : ''}.${notes.length > 0 ? ` ${notes.join('; ')}.` : ''}` };
  });
}
