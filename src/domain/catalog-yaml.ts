/**
 * Reading YAML nodes for the catalog validator while keeping each node's line, so every issue can
 * name the file, the 1-based line and the dotted field. Internal to the catalog; not a public API.
 */
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter } from 'yaml';
import type { Document, Node } from 'yaml';
import { closestMatches } from './suggest.js';
import type { CatalogIssue } from './types.js';

/** Where issues go and how offsets become lines. */
export interface Reader {
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
  readonly issues: CatalogIssue[];
  /** Lines of the group ids read so far, by field path (see `CatalogSource`). */
  readonly groupLines: Record<string, number>;
}

/** A value found under a key: its node (after following aliases), its line and its dotted path. */
export interface Entry {
  readonly node: Node | null;
  readonly line: number;
  readonly path: string;
}

/** A value found under a map key; `keyLine` is where the key itself is written. */
export interface KeyedEntry extends Entry {
  readonly keyLine: number;
}

/** A map's accepted keys, plus the map's own line for "missing key" issues. */
export interface MapEntries {
  readonly line: number;
  readonly path: string;
  readonly entries: ReadonlyMap<string, KeyedEntry>;
}

export function report(r: Reader, line: number, field: string, message: string): void {
  r.issues.push({ file: r.file, line, field, message });
}

function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Follows `*alias` references so an anchored block is validated like an inline one. */
function deref(r: Reader, node: unknown): Node | null {
  if (isAlias(node)) return node.resolve(r.doc) ?? null;
  return isNode(node) ? node : null;
}

function lineOf(r: Reader, node: unknown, fallback: number): number {
  if (isNode(node) && node.range) return r.lines.linePos(node.range[0]).line;
  return fallback;
}

/** Words for what was found instead, for "expected X; got Y" messages. */
export function describeNode(node: Node | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    if (node.value === null || node.value === undefined) return 'nothing';
    if (typeof node.value === 'string') return `'${node.value}'`;
    return `${typeof node.value} ${String(node.value)}`;
  }
  return 'an unsupported value';
}

/**
 * Reads a map. With `allowed`, reports every other key (with a suggestion when one is close);
 * with null, any key is accepted. Returns null, after reporting, when the node is not a map.
 */
export function readMap(
  r: Reader,
  entry: Entry,
  allowed: readonly string[] | null,
  expected: string,
): MapEntries | null {
  const { node, path } = entry;
  if (!isMap(node)) {
    report(r, entry.line, path, `expected ${expected}; got ${describeNode(node)}`);
    return null;
  }
  const line = lineOf(r, node, entry.line);
  const entries = new Map<string, KeyedEntry>();
  for (const pair of node.items) {
    const keyLine = lineOf(r, pair.key, line);
    const key = isScalar(pair.key) ? scalarText(pair.key) : null;
    if (key === null) {
      report(r, keyLine, path, `keys must be plain names, not ${describeNode(deref(r, pair.key))}`);
      continue;
    }
    if (allowed !== null && !allowed.includes(key)) {
      const [guess] = closestMatches(key, allowed, 1);
      const hint = guess === undefined ? '' : ` (did you mean '${guess}'?)`;
      report(r, keyLine, childPath(path, key), `unknown key '${key}'${hint}; allowed: ${allowed.join(', ')}`);
      continue;
    }
    const value = deref(r, pair.value);
    entries.set(key, { node: value, line: lineOf(r, value, keyLine), keyLine, path: childPath(path, key) });
  }
  return { line, path, entries };
}

/** The entry under `key`, or a report that it is missing (on the map's line) and undefined. */
export function requireKey(r: Reader, map: MapEntries, key: string, hint: string): Entry | undefined {
  const entry = map.entries.get(key);
  if (entry !== undefined && !isEmpty(entry.node)) return entry;
  const line = entry?.line ?? map.line;
  report(r, line, childPath(map.path, key), `missing required key '${key}'; ${hint}`);
  return undefined;
}

function isEmpty(node: Node | null): boolean {
  return node === null || (isScalar(node) && (node.value === null || node.value === undefined));
}

/**
 * The text of a scalar. YAML 1.2 reads a plain `0012` as the number 12, so for non-string plain
 * scalars the source text is used: group ids and names stay exactly as written.
 */
export function scalarText(node: Node | null): string | null {
  if (!isScalar(node) || node.value === null || node.value === undefined) return null;
  if (typeof node.value === 'string') return node.value;
  return node.source ?? String(node.value);
}

/** Reads a list's items as entries (`path[i]`), or reports and returns null when it is not a list. */
export function readList(r: Reader, entry: Entry, what: string): Entry[] | null {
  const { node, path } = entry;
  if (!isSeq(node)) {
    report(r, entry.line, path, `${what} must be a list; got ${describeNode(node)}`);
    return null;
  }
  return node.items.map((item, index) => {
    const value = deref(r, item);
    return { node: value, line: lineOf(r, value, entry.line), path: `${path}[${index}]` };
  });
}

/**
 * Reads a list of scalar strings. Issues about an item name the list's field (the example in
 * ARCHITECTURE.md: `apps[1].roles[0].durations`) and the item's own line.
 */
export function readTextList(
  r: Reader,
  entry: Entry,
  what: string,
): { readonly text: string; readonly line: number }[] | null {
  const items = readList(r, entry, what);
  if (items === null) return null;
  const texts: { text: string; line: number }[] = [];
  for (const item of items) {
    const text = scalarText(item.node);
    if (text === null || text.trim() === '') {
      report(r, item.line, entry.path, `${what} items must be non-empty text; got ${describeNode(item.node)}`);
      continue;
    }
    texts.push({ text, line: item.line });
  }
  return texts;
}

/** The line a YAML parse error points at. */
export function errorLine(r: Reader, offset: number): number {
  return r.lines.linePos(offset).line;
}
