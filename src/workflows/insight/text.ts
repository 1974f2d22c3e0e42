/**
 * Text built once and told two ways: as Slack mrkdwn (mentions, links, what people typed escaped) and as a
 * Jira comment (mentions written out as "Name (email)" when posted, links as "label (address)", what people
 * typed posted exactly as typed). So `audit … --to-jira` posts the same words the admin read in Slack.
 */
import { escapeMrkdwn } from '../../domain/format.js';
import type { CommentLine } from '../../store/job-kinds.js';

/** Keycard's own words, a person (a Slack id), a link, words a person typed, or a bold phrase. */
export type Segment =
  | string
  | { readonly person: string }
  | { readonly link: string; readonly label: string }
  | { readonly typed: string }
  | { readonly strong: string }
  /** Text from elsewhere (a provider's error): shown as it is, but never read as mrkdwn. */
  | { readonly raw: string };

export type Line = readonly Segment[];

/** A title and its lines: one message, or one comment. */
export interface Told {
  readonly title: Line;
  readonly lines: readonly Line[];
}

export function person(slackId: string): Segment {
  return { person: slackId };
}

export function typed(text: string): Segment {
  return { typed: text };
}

export function raw(text: string): Segment {
  return { raw: text };
}

export function strong(text: string): Segment {
  return { strong: text };
}

/** A link when there is an address, else just the label. */
export function link(label: string, url: string | null): Segment {
  return url ? { link: url, label } : label;
}

/** Persons one after another: `<@A>, <@B>`. */
export function persons(slackIds: readonly string[]): Segment[] {
  return slackIds.flatMap((id, i) => (i === 0 ? [person(id)] : [', ', person(id)]));
}

function slackSegment(segment: Segment): string {
  if (typeof segment === 'string') return segment;
  if ('person' in segment) return `<@${segment.person}>`;
  if ('link' in segment) return `<${segment.link}|${escapeMrkdwn(segment.label)}>`;
  if ('strong' in segment) return `*${segment.strong}*`;
  if ('raw' in segment) return escapeMrkdwn(segment.raw);
  // Typed text is quoted and escaped: `<!channel>` or a disguised link in it must not act in Slack.
  return `“${escapeMrkdwn(segment.typed)}”`;
}

export function slackLine(line: Line): string {
  return line.map(slackSegment).join('');
}

/** The title, then one bullet per line. */
export function toSlack(told: Told): string {
  return [slackLine(told.title), ...told.lines.map((line) => `• ${slackLine(line)}`)].join('\n');
}

/** The title and lines as Jira comment lines (paragraphs). */
export function toJira(told: Told): CommentLine[] {
  return [told.title, ...told.lines].map((line) => {
    const parts: Array<string | { user: string }> = line.flatMap((segment) => {
      if (typeof segment === 'string') return [segment];
      if ('person' in segment) return [`<@${segment.person}>`];
      if ('link' in segment) return [`${segment.label} (${segment.link})`];
      if ('strong' in segment) return [segment.strong];
      if ('raw' in segment) return [{ user: segment.raw }];
      return ['“', { user: segment.typed }, '”'];
    });
    return parts.every((p) => typeof p === 'string') ? parts.join('') : parts;
  });
}

/** A line as plain text (a CSV field): persons by name where `names` knows them, typed words quoted. */
export function plainLine(line: Line, names: ReadonlyMap<string, string>): string {
  return line
    .map((segment) => {
      if (typeof segment === 'string') return segment;
      if ('person' in segment) return names.get(segment.person) ?? segment.person;
      if ('link' in segment) return `${segment.label} (${segment.link})`;
      if ('strong' in segment) return segment.strong;
      if ('raw' in segment) return segment.raw;
      return `“${segment.typed}”`;
    })
    .join('');
}

/** The Slack ids a line names. */
export function personsIn(line: Line): string[] {
  return line.flatMap((segment) => (typeof segment !== 'string' && 'person' in segment ? [segment.person] : []));
}
