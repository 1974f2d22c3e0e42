/** Human wording shared by Slack messages and Jira comments. Pure: times are passed in. */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `14:02 UTC` */
export function formatTimeUtc(at: Date): string {
  return `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())} UTC`;
}

/** `Tue 16:02 UTC` */
export function formatDayTimeUtc(at: Date): string {
  return `${DAYS[at.getUTCDay()]} ${formatTimeUtc(at)}`;
}

/** `2026-01-06 14:02 UTC` */
export function formatDateTimeUtc(at: Date): string {
  return `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())} ${formatTimeUtc(at)}`;
}

/** `Salesforce / System Admin` */
export function accessLabel(appName: string, roleName: string): string {
  return `${appName} / ${roleName}`;
}

/** The Jira label that ties an issue to its request, so a retried create finds the issue instead of duplicating it. */
export function requestLabel(requestId: number): string {
  return `keycard-request-${requestId}`;
}

/** Slack mrkdwn needs &, < and > escaped in text people typed, or `<!channel>` and disguised links get through. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
