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
    '• `/access-admin revoke <request id> <reason>`: end someone\'s access now (removed from the groups, or a removal task for manual apps); `revoke ACCESS-12 <reason>` names the request by its Jira key.',
    '• `/access-admin revoke <@user> <app[/role]> <reason>`: the same, naming the person (@mention, Slack id or email) and the app, e.g. `revoke @priya salesforce/admin left the project`; name the role when they hold several of the app.',
    '• `/access-admin extend <@user> <app/role> <duration> <reason>`: move the end of someone\'s time-bound access now, within the role\'s maximum, e.g. `extend @priya salesforce/admin 6h incident still open`.',
    '• `/access-admin delegate <@approver> <@delegate> until <date>`: while an approver is away, their approval stages go to the delegate until 23:59 UTC that day, e.g. `delegate @marco @sam until 2026-01-16`.',
    '• `/access-admin delegate list`: the delegations in force.',
    '• `/access-admin delegate end <@approver>`: end a delegation now; what still waits goes back to the approver.',
    '• `/access-admin sync`: drift between the catalog, the identity providers and Keycard\'s records (missing groups, unmapped groups, members added by hand, suspended accounts), by DM.',
    '• `/access-admin sync --to-jira`: the same, also filed as one Jira issue.',
    '• `/access-admin removed <request id> <group id> <reason>`: record that a group of an access being removed was removed by hand (when Keycard cannot remove it); the access ends once nothing is held.',
    '• `/access-admin audit verify`: check the audit log\'s hash chain.',
    '• `/access-admin audit <request id>`: a request\'s whole chain in one message: who asked and why, each approval (and who was asked but did not decide), the groups the provider confirmed, extensions, how and when it ended, the removal\'s confirmation and the last sign-in. A Jira key works too (`audit ACCESS-12`); add `--to-jira` to post it as a comment on the issue.',
    '• `/access-admin audit <@user>`: a person\'s access now and their last 20 requests (a mention, Slack id or email).',
    '• `/access-admin export`: a CSV of every request of the last 30 days with its whole chain, by DM; `export 2026-01-01 2026-03-31 app=salesforce` for a range (UTC days, both included) and one app.',
    '• `/access-admin stats`: the last 30 days in figures (hands-off share, time to access, denials, approvals waiting, elevated grants with no end, removals); `stats 7d` for another period.',
    '• `/access-admin grants`: active grants, 25 a page; `grants salesforce`, `grants @priya`, then `page=2` for the next page.',
    '• `/access-admin pending`: requests waiting for approval or to be granted, oldest first; `pending page=2` for the next page.',
    '• `/access-admin review start`: start an access review (a form), or in one line: `review start "Q1 CRM" apps=crm,vault reviewer=owner|manager|group:<name> due=14d unreviewed=keep|revoke`.',
    '• `/access-admin review status`: the access reviews, newest first.',
    '• `/access-admin review status <id>`: one review\'s progress per reviewer and per app, and removals failing.',
    '• `/access-admin review close <id>`: close a review now: undecided items are kept and flagged or revoked, as the review says; the summary goes to its Jira issue.',
    '• `/access-admin review export <id>`: the review\'s evidence CSV, by DM and on its Jira issue.',
    '• `/access-admin catalog`: the catalog in force (apps, roles, groups, approvals, durations), a page at a time: `catalog 2`, or one app: `catalog salesforce`.',
    '• `/access-admin catalog validate [path]`: check a catalog file (CATALOG_PATH, or a .yaml on the server) as start-up does, groups included, without loading it.',
    '• `/access-admin offboard <person>`: a leaver: every access Keycard manages for them removed (manual apps: a removal task), what they asked for cancelled, one Jira issue listing each removal and its result, a summary DM when done. A person is an @mention, a Slack id or an email.',
    '• `/access-admin offboard <person> --suspend`: the same, and their account suspended in each identity provider.',
    '• `/access-admin offboard status <person>`: their offboarding step by step, with removals failing and how to settle them.',
    '• `/access-admin offboard --from-jira <issue key>`: act on an offboarding or onboarding issue in Jira now, as its webhook would.',
    '• `/access-admin onboard <person>`: a joiner: the bundles their profile matches, filed on their behalf (auto-approved roles granted as birthright, the others sent to their approvers).',
    '• `/access-admin onboard <person> <bundle>`: file that one bundle.',
    '• `/access-admin reclaim preview`: auto reclaim across every app with a policy: who would be warned, who is due for removal, apps without sign-in data, the monthly cost freed per app and in total, and the seats reclaimed so far.',
    '• `/access-admin reclaim preview <app>`: the same for one app.',
    '• `/access-admin reclaim run`: scan every app with a reclaim policy now (the schedule does it daily).',
    '• `/access-admin reclaim run <app>`: scan one app now.',
    '• `/access-admin reclaim exclude <person> <app> [reason]`: never flag this person on this app (@mention, Slack id or email); a warning already sent is withdrawn.',
    '• `/access-admin catalog reload`: re-read the catalog file (an invalid file is refused and the last good catalog stays).',
  ].join('\n');
}
