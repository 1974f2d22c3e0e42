/**
 * `/access-admin reclaim exclude <person> <app> [reason]`: a person an admin says must never be flagged on
 * that app, recorded with who and why. A warning already sent to them for that app is withdrawn (its case
 * ends, nothing is removed); a removal already under way is not stopped, and the answer says so.
 */
import { findApp } from '../../domain/catalog.js';
import type { PersonArg } from '../../domain/admin-args.js';
import type { WorkflowDeps } from '../shared/deps.js';
import { cancel } from './settle.js';
import { reclaimReasons, reclaimSlackWords } from './words.js';

export type ExcludeResult = { readonly kind: 'excluded'; readonly text: string } | { readonly kind: 'refused'; readonly text: string };

/** `adminSlackId` must already be checked as an admin by the caller. */
export function excludeFromReclaim(deps: WorkflowDeps, adminSlackId: string, person: PersonArg, appId: string, reason: string | null): ExcludeResult {
  const { store } = deps;
  const app = findApp(deps.catalog(), appId);
  if (!app) return { kind: 'refused', text: reclaimSlackWords.unknownApp(appId, deps.catalog().apps.filter((a) => a.reclaim).map((a) => a.id)) };
  if (app.provider === 'manual') return { kind: 'refused', text: reclaimSlackWords.manualApp(app.name) };
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
      cancel(deps, c, reclaimReasons.excludedByAdmin, admin);
      withdrawn += 1;
    }
    const removing = theirs.filter((x) => x.status === 'removing').length;
    const who = slackId ? `<@${slackId}>` : (email ?? '');
    return { kind: 'excluded', text: reclaimSlackWords.excluded(who, app.name, app.reclaim !== undefined, row.id, reason, withdrawn, removing) };
  });
}
