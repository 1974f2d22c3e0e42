/**
 * Atlassian Document Format builders: Jira Cloud's REST v3 takes descriptions and comments only as ADF.
 */

export interface AdfText {
  type: 'text';
  text: string;
  marks?: Array<{ type: 'strong' } | { type: 'code' } | { type: 'link'; attrs: { href: string } }>;
}
export interface AdfParagraph {
  type: 'paragraph';
  content: AdfText[];
}
export interface AdfListItem {
  type: 'listItem';
  content: AdfParagraph[];
}
export interface AdfBulletList {
  type: 'bulletList';
  content: AdfListItem[];
}
export interface AdfHeading {
  type: 'heading';
  attrs: { level: number };
  content: AdfText[];
}
export type AdfBlock = AdfParagraph | AdfBulletList | AdfHeading;
export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfBlock[];
}

/** Inline parts: a plain string, or a text node built with `strong`, `code` or `link`. */
export type Inline = string | AdfText;

function toText(part: Inline): AdfText {
  return typeof part === 'string' ? { type: 'text', text: part } : part;
}

export function strong(text: string): AdfText {
  return { type: 'text', text, marks: [{ type: 'strong' }] };
}

export function code(text: string): AdfText {
  return { type: 'text', text, marks: [{ type: 'code' }] };
}

export function link(text: string, href: string): AdfText {
  return { type: 'text', text, marks: [{ type: 'link', attrs: { href } }] };
}

/** A paragraph; empty strings are dropped because ADF rejects empty text nodes. */
export function paragraph(...parts: Inline[]): AdfParagraph {
  return { type: 'paragraph', content: parts.map(toText).filter((t) => t.text.length > 0) };
}

export function heading(level: number, text: string): AdfHeading {
  return { type: 'heading', attrs: { level }, content: [toText(text)] };
}

export function bulletList(items: Inline[][]): AdfBulletList {
  return { type: 'bulletList', content: items.map((parts) => ({ type: 'listItem', content: [paragraph(...parts)] })) };
}

export function doc(...content: AdfBlock[]): AdfDoc {
  return { type: 'doc', version: 1, content };
}

/** A comment of plain lines, one paragraph each. */
export function linesDoc(lines: readonly string[]): AdfDoc {
  return doc(...lines.filter((l) => l.length > 0).map((l) => paragraph(l)));
}

/** The plain text of an ADF node read back from Jira: text nodes joined, one line per block. */
export function adfToText(node: unknown): string {
  if (typeof node !== 'object' || node === null) return '';
  const n = node as { type?: unknown; text?: unknown; content?: unknown };
  if (n.type === 'text' && typeof n.text === 'string') return n.text;
  if (n.type === 'hardBreak') return '\n';
  if (!Array.isArray(n.content)) return '';
  const parts = n.content.map(adfToText);
  return n.type === 'doc' || n.type === 'bulletList' || n.type === 'listItem' ? parts.join('\n') : parts.join('');
}
