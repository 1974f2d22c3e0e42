/**
 * How `/access-admin` names people and requests, everywhere: a person as a mention (`<@U123|priya>`), a
 * Slack id (`U123`) or an email; a request as its Keycard id (`42`, `#42`) or its Jira key (`ACCESS-12`).
 * Pure parsing; resolving an email to a Slack id is the caller's (it needs Slack).
 */
export type PersonArg = { kind: 'slack'; slackId: string } | { kind: 'email'; email: string };
export type RequestArg = { kind: 'id'; id: number } | { kind: 'jira'; key: string };

const MENTION_RE = /^<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>$/;
const SLACK_ID_RE = /^[UW][A-Z0-9]{2,}$/;
const EMAIL_RE = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const JIRA_KEY_RE = /^[A-Z][A-Z0-9_]{0,9}-[1-9][0-9]*$/;

export const PERSON_ARG_RULE = 'name a person as @mention, Slack id (U…) or email';
export const REQUEST_ARG_RULE = 'name a request by its Keycard id (42) or its Jira key (ACCESS-12)';

/** A person, or null when the word is none of the three forms. Slack sends mentions as `<@U123|name>`. */
export function parsePersonArg(word: string): PersonArg | null {
  const text = word.trim();
  const mention = MENTION_RE.exec(text);
  if (mention?.[1]) return { kind: 'slack', slackId: mention[1] };
  if (SLACK_ID_RE.test(text)) return { kind: 'slack', slackId: text };
  if (EMAIL_RE.test(text)) return { kind: 'email', email: text.toLowerCase() };
  // A mailto link as Slack renders a typed email: <mailto:a@b.com|a@b.com>.
  const mailto = /^<mailto:([^|>]+)(?:\|[^>]*)?>$/.exec(text);
  if (mailto?.[1] && EMAIL_RE.test(mailto[1])) return { kind: 'email', email: mailto[1].toLowerCase() };
  return null;
}

/** A request, or null. Jira keys are matched case-insensitively and returned upper-case. */
export function parseRequestArg(word: string): RequestArg | null {
  const text = word.trim().replace(/^#/, '');
  if (/^[1-9][0-9]{0,15}$/.test(text)) {
    const id = Number(text);
    return Number.isSafeInteger(id) ? { kind: 'id', id } : null;
  }
  const key = text.toUpperCase();
  return JIRA_KEY_RE.test(key) ? { kind: 'jira', key } : null;
}
