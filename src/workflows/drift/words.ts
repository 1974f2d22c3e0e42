/**
 * What a drift check says: the admin's DM and the alert (Slack mrkdwn, within Slack's limits), and the
 * Jira issue it is filed as (a description with the counts, then the findings as comments, one line each).
 */
import { driftCounts, isClean, type DriftReport, type HandAddedMember } from '../../domain/drift.js';
import { escapeMrkdwn, formatDateTimeUtc } from '../../domain/format.js';
import type { IssueDescription } from '../../jira/types.js';

/** Slack shows about 4,000 characters of a message before "Show more"; a report stays under it. */
const SLACK_TEXT_MAX = 3800;
/** Names listed per app in Slack; the Jira issue lists everyone. */
const NAMES_PER_APP = 15;
/** Jira refuses a comment over 32,767 characters: the findings are split over comments below that. */
const JIRA_COMMENT_MAX = 30_000;

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `1 catalog group missing, 2 unmapped groups, 3 people added by hand, 0 suspended or deactivated accounts`. */
export function countsText(report: DriftReport): string {
  const c = driftCounts(report);
  return [
    `${plural(c.missingGroups, 'catalog group', 'catalog groups')} missing`,
    plural(c.unmappedGroups, 'unmapped group', 'unmapped groups'),
    `${plural(c.handAdded, 'person', 'people')} added by hand`,
    plural(c.inactive, 'suspended or deactivated account', 'suspended or deactivated accounts'),
  ].join(', ');
}

/** The findings as plain lines under their headings (Slack escapes them; Jira takes them as they are). */
function sections(report: DriftReport, namesPerApp: number | null, esc: (t: string) => string, code: (t: string) => string): Array<{ heading: string; lines: string[] }> {
  const out: Array<{ heading: string; lines: string[] }> = [];
  if (report.missingGroups.length > 0) {
    out.push({
      heading: 'Catalog groups that do not exist in their provider',
      lines: report.missingGroups.map((m) => `${code(m.groupId)} (${m.provider}): ${m.appId} / ${m.roleId}, ${esc(m.where)}`),
    });
  }
  if (report.unmappedGroups.length > 0) {
    out.push({
      heading: 'Provider groups named like a catalog app that no role maps',
      lines: report.unmappedGroups.map((u) => `${code(u.name)} (${u.provider} ${code(u.groupId)}), named like ${u.appId}`),
    });
  }
  if (report.apps.length > 0) {
    const member = (m: HandAddedMember) => `${esc(m.name)} (${esc(m.email)}${m.status === 'active' ? '' : `, ${m.status}`}) ${m.roles.join(', ')} in ${m.groups.map(code).join(', ')}`;
    out.push({
      heading: 'Members of catalog groups that Keycard did not grant (added by hand in the provider)',
      lines: report.apps.flatMap((app) => {
        const head = `${esc(app.appName)} (${app.appId}, ${app.provider}): ${plural(app.handAdded.length, 'person', 'people')}`;
        // Jira gets one line per person; Slack one line per app, with the first names.
        if (namesPerApp === null) return [head, ...app.handAdded.map((m) => `  – ${member(m)}`)];
        const shown = app.handAdded.slice(0, namesPerApp).map(member);
        const more = app.handAdded.length - shown.length;
        return [`${head}: ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`];
      }),
    });
  }
  if (report.inactive.length > 0) {
    out.push({
      heading: 'Suspended or deactivated accounts still in catalog groups',
      lines: report.inactive.map((a) => {
        const grants = a.grants.length > 0 ? `; Keycard grants: ${a.grants.map((g) => `request #${g.requestId} (${g.appId}/${g.roleId})`).join(', ')}` : '; no Keycard grant';
        return `${esc(a.name)} (${esc(a.email)}, ${a.provider}, ${a.status}) in ${a.groups.map(code).join(', ')}${grants}`;
      }),
    });
  }
  return out;
}

function slackSections(report: DriftReport): string[] {
  return sections(report, NAMES_PER_APP, escapeMrkdwn, (t) => `\`${t.replace(/`/g, "'")}\``).flatMap((s) => [`*${s.heading}*`, ...s.lines.map((l) => `• ${l}`)]);
}

/** Lines up to `max` characters in all; the rest is named as cut. */
function fit(lines: readonly string[], max: number, cut: string): string {
  const kept: string[] = [];
  let length = 0;
  for (const line of lines) {
    if (length + line.length + 1 > max - cut.length) return [...kept, cut].join('\n');
    kept.push(line);
    length += line.length + 1;
  }
  return kept.join('\n');
}

export const driftWords = {
  requested: (toJira: boolean) =>
    `:mag: Checking the catalog against the identity providers and Keycard's records; I'll DM you the drift report${toJira ? ' and file it as one Jira issue' : ''}.`,
  /** The admin's DM: the whole report, or as much as Slack shows. */
  report: (report: DriftReport, runId: number, toJira: boolean): string => {
    const when = formatDateTimeUtc(new Date(report.at));
    if (isClean(report)) return `:white_check_mark: *Drift check #${runId}* (${when}): no drift. Every catalog group exists, no provider group named like a catalog app is unmapped, every member of a catalog group was granted through Keycard, and no suspended or deactivated account is in one.`;
    const tail = toJira ? 'The full report is being filed as one Jira issue; I\'ll DM you its key.' : '`/access-admin sync --to-jira` files the full report as one Jira issue.';
    return fit([`:mag: *Drift check #${runId}* (${when}): ${countsText(report)}.`, ...slackSections(report), tail], SLACK_TEXT_MAX, `… cut to fit Slack. ${tail}`);
  },
  /** The alert channel, for drift a scheduled check found that the check before did not. */
  alert: (fresh: DriftReport, all: DriftReport, runId: number): string =>
    fit(
      [`:warning: *New drift* found by the scheduled drift check #${runId}: ${countsText(fresh)} not seen by the check before (in all: ${countsText(all)}).`, ...slackSections(fresh), 'An admin can see the whole report with `/access-admin sync` and file it in Jira with `/access-admin sync --to-jira`.'],
      SLACK_TEXT_MAX,
      '… cut to fit Slack: `/access-admin sync` for the whole report.',
    ),
  filed: (runId: number, key: string, url: string) => `:memo: Drift check #${runId} is filed in Jira as <${url}|${key}>.`,
  /** The Jira issue: the counts in the description; every finding follows as comments. */
  issue: (report: DriftReport, runId: number, requestedBy: string | null): { summary: string; description: IssueDescription } => {
    const c = driftCounts(report);
    return {
      summary: `Keycard drift check #${runId}: ${c.missingGroups + c.unmappedGroups + c.handAdded + c.inactive} findings`,
      description: {
        intro: `Keycard compared the catalog, the identity providers and its own records at ${formatDateTimeUtc(new Date(report.at))}${requestedBy ? ` for an admin (Slack ${requestedBy})` : ' on its schedule'}. Each finding is listed in the comments below.`,
        facts: [
          { label: 'Catalog groups that do not exist', value: String(c.missingGroups) },
          { label: 'Provider groups named like an app, mapped by no role', value: String(c.unmappedGroups) },
          { label: 'People in catalog groups not granted through Keycard', value: `${c.handAdded}${report.apps.length > 0 ? ` (${report.apps.map((a) => `${a.appId}: ${a.handAdded.length}`).join(', ')})` : ''}` },
          { label: 'Suspended or deactivated accounts in catalog groups', value: String(c.inactive) },
        ],
        sections: [],
      },
    };
  },
  /** Every finding, one line each, split into comments Jira accepts. */
  comments: (report: DriftReport): string[][] => {
    const all = sections(report, null, (t) => t, (t) => t).flatMap((s) => [`${s.heading}:`, ...s.lines.map((l) => (l.startsWith('  – ') ? l : `• ${l}`))]);
    const comments: string[][] = [];
    let current: string[] = [];
    let length = 0;
    for (const line of all) {
      if (current.length > 0 && length + line.length > JIRA_COMMENT_MAX) {
        comments.push(current);
        current = [];
        length = 0;
      }
      current.push(line.slice(0, JIRA_COMMENT_MAX));
      length += line.length;
    }
    if (current.length > 0) comments.push(current);
    return comments;
  },
} as const;
