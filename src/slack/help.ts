/**
 * `/request help` and `/access-admin help`.
 */
import { isTimeBound } from '../domain/catalog.js';
import { formatDurationSpec } from '../domain/duration.js';
import type { Catalog } from '../domain/types.js';

/** Usage with examples drawn from the live catalog, so they always work. */
export function requestHelpText(catalog: Catalog): string {
  const app = catalog.apps.find((a) => a.roles.some((r) => isTimeBound(r))) ?? catalog.apps[0];
  const role = app?.roles.find((r) => isTimeBound(r)) ?? app?.roles[0];
  const duration = role?.durationsMs?.[0] !== undefined ? ` ${formatDurationSpec(role.durationsMs[0])}` : '';
  const example = app && role ? `/request ${app.id} ${role.id}${duration} fixing the pipeline sync` : '/request <app> <role> [duration] <why>';
  const apps = catalog.apps
    .slice(0, 30)
    .map((a) => `\`${a.id}\``)
    .join(', ');
  const more = catalog.apps.length > 30 ? ` and ${catalog.apps.length - 30} more` : '';
  return [
    '*Keycard: request access to an app*',
    '• `/request`: open the catalog and pick an app and a role.',
    app ? `• \`/request ${app.id}\`: open the form with ${app.name} chosen.` : '',
    `• \`${example}\`: send a complete request in one line (app, role, duration for time-bound roles, then why).`,
    '• `/request help`: this message.',
    'Durations look like `30m`, `6h`, `2d`; time-bound roles only accept the ones listed for them. Access ends on its own when the time is up.',
    `Apps: ${apps}${more}.`,
  ]
    .filter(Boolean)
    .join('\n');
}

export function adminHelpText(): string {
  return [
    '*Keycard admin*',
    '• `/access-admin status`: requests waiting, active grants, failing jobs, removals not finished and what they still hold.',
    '• `/access-admin request <id>`: one request with its steps and audit trail.',
    '• `/access-admin retry <request id>`: retry a failed request (its dead jobs run again), or a removal that stopped (only the groups still held).',
    '• `/access-admin retry job <job id>`: retry one dead job.',
    '• `/access-admin skip <job id>`: give up on a dead job that can never succeed, so the jobs queued after it go ahead (its error stays on record).',
    '• `/access-admin revoke <request id> <reason>`: end someone\'s access now (removed from the groups, or a removal task for manual apps).',
    '• `/access-admin removed <request id> <group id> <reason>`: record that a group of an access being removed was removed by hand (when Keycard cannot remove it); the access ends once nothing is held.',
    '• `/access-admin audit verify`: check the audit log\'s hash chain.',
    '• `/access-admin review start`: start an access review (a form), or in one line: `review start "Q1 CRM" apps=crm,vault reviewer=owner|manager|group:<name> due=14d unreviewed=keep|revoke`.',
    '• `/access-admin review status`: the access reviews, newest first.',
    '• `/access-admin review status <id>`: one review\'s progress per reviewer and per app, and removals failing.',
    '• `/access-admin review close <id>`: close a review now: undecided items are kept and flagged or revoked, as the review says; the summary goes to its Jira issue.',
    '• `/access-admin review export <id>`: the review\'s evidence CSV, by DM and on its Jira issue.',
    '• `/access-admin reclaim preview`: auto reclaim across every app with a policy: who would be warned, who is due for removal, apps without sign-in data, the monthly cost freed per app and in total, and the seats reclaimed so far.',
    '• `/access-admin reclaim preview <app>`: the same for one app.',
    '• `/access-admin reclaim run`: scan every app with a reclaim policy now (the schedule does it daily).',
    '• `/access-admin reclaim run <app>`: scan one app now.',
    '• `/access-admin reclaim exclude <person> <app> [reason]`: never flag this person on this app (@mention, Slack id or email); a warning already sent is withdrawn.',
    '• `/access-admin catalog reload`: re-read the catalog file (an invalid file is refused and the last good catalog stays).',
  ].join('\n');
}
