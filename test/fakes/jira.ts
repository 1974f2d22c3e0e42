/**
 * Stateful fake of the Jira Cloud REST API v3, as jira.js 5.4 (`Version3Client`) calls it.
 *
 * It stores issues, comments and a workflow, and rejects what Jira Cloud rejects: bad Basic
 * credentials (401), unknown projects and issue types, empty or over-long summaries, a description,
 * comment or rich-text custom field that is not an Atlassian Document (ADF), labels with spaces,
 * fields that are unknown, transitions that are not available, and JQL it does not understand.
 *
 * Faithful to Jira Cloud in two places that surprise people:
 * - `/rest/api/3/search` (the legacy search) answers 410 Gone, as Jira Cloud has since CHANGE-2046;
 *   pass `legacySearch: 'available'` to serve it.
 * - `/rest/api/3/search/jql` returns only `{ id }` per issue unless `fields` are asked for, and pages
 *   with `nextPageToken` (absent on the last page) and `isLast`, with no `total`.
 *
 * Attachments (`POST /rest/api/3/issue/{key}/attachments`) are multipart/form-data with `file` parts and
 * need `X-Atlassian-Token: no-check`, or Jira answers 403 "XSRF check failed"; the issue lists them in its
 * `attachment` field. Content is kept as text (the fakes read request bodies as UTF-8).
 *
 * The changelog: every status change (a transition through the API, or `moveIssue` as a person in Jira) and
 * every label change is kept as an entry with its author, served by `GET /rest/api/3/issue/{key}/changelog`
 * (paged, oldest first). Authors are the people added with `addUser`; the API's own caller is the bot
 * account. A person whose profile hides their email (`emailVisible: false`) is served without
 * `emailAddress`, as Jira Cloud does, and `GET /rest/api/3/user/email` (the unrestricted look-up) answers
 * 403 unless `unrestrictedEmail` is set: Atlassian grants it only to approved Connect and Forge apps, never
 * to an API token. `webhookBody(key)` builds the `jira:issue_updated` body Jira would send for the last entry.
 *
 * Not modelled: permissions, screens per issue type, issue links, attachment size limits, watchers.
 */
import { HttpFake, type FakeResponse, type RouteContext } from './http-fake.js';

// ---------------------------------------------------------------------------------------------
// ADF

/** A node of the Atlassian Document Format. */
export interface AdfNode {
  type: string;
  text?: string;
  content?: AdfNode[];
  attrs?: Record<string, unknown>;
  marks?: AdfMark[];
}

export interface AdfMark {
  type: string;
  attrs?: Record<string, unknown>;
}

/** An Atlassian Document: the only shape Jira v3 accepts for descriptions, comments and rich-text fields. */
export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

const INLINE_NODES = new Set(['text', 'hardBreak', 'mention', 'emoji', 'inlineCard', 'status', 'date', 'mediaInline']);

const KNOWN_NODES = new Set([
  ...INLINE_NODES,
  'doc',
  'paragraph',
  'heading',
  'bulletList',
  'orderedList',
  'listItem',
  'codeBlock',
  'blockquote',
  'rule',
  'panel',
  'table',
  'tableRow',
  'tableHeader',
  'tableCell',
  'mediaSingle',
  'mediaGroup',
  'media',
  'expand',
  'nestedExpand',
  'taskList',
  'taskItem',
  'decisionList',
  'decisionItem',
  'blockCard',
  'embedCard',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function attrText(node: Record<string, unknown>, ...keys: string[]): string {
  const attrs = node['attrs'];
  if (!isRecord(attrs)) return '';
  for (const key of keys) {
    const value = attrs[key];
    if (typeof value === 'string') return value;
  }
  return '';
}

function nodeToText(node: unknown): string {
  if (!isRecord(node)) return '';
  switch (node['type']) {
    case 'text':
      return typeof node['text'] === 'string' ? node['text'] : '';
    case 'hardBreak':
      return '\n';
    case 'mention':
      return attrText(node, 'text', 'id');
    case 'emoji':
      return attrText(node, 'text', 'shortName');
    case 'inlineCard':
    case 'blockCard':
    case 'embedCard':
      return attrText(node, 'url');
    case 'status':
      return attrText(node, 'text');
    case 'date':
      return attrText(node, 'timestamp');
    default:
      break;
  }
  const content = node['content'];
  if (!Array.isArray(content)) return '';
  const inline = content.every((child) => isRecord(child) && INLINE_NODES.has(String(child['type'])));
  return inline ? content.map(nodeToText).join('') : content.map(nodeToText).join('\n');
}

/**
 * Plain text of an ADF document: text nodes concatenated, block nodes (paragraphs, headings, list
 * items, code blocks...) separated by newlines, hard breaks as newlines. Anything else gives ''.
 */
export function adfToText(doc: unknown): string {
  return nodeToText(doc);
}

type AdfProblem = 'not-doc' | 'invalid';

function adfNodeProblem(node: unknown): boolean {
  if (!isRecord(node) || typeof node['type'] !== 'string' || !KNOWN_NODES.has(node['type'])) return true;
  if (node['type'] === 'text' && (typeof node['text'] !== 'string' || node['text'].length === 0)) return true;
  const content = node['content'];
  if (content === undefined) return false;
  if (!Array.isArray(content)) return true;
  return content.some(adfNodeProblem);
}

/** `not-doc`: not `{ type: 'doc', version: 1, content: [...] }`; `invalid`: a doc with a bad node. */
function adfProblem(value: unknown): AdfProblem | undefined {
  if (!isRecord(value) || value['type'] !== 'doc' || value['version'] !== 1 || !Array.isArray(value['content'])) {
    return 'not-doc';
  }
  return value['content'].some(adfNodeProblem) ? 'invalid' : undefined;
}

const NOT_ADF = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';

// ---------------------------------------------------------------------------------------------
// multipart/form-data

/** One part of a multipart/form-data body; `data` is the part's bytes read as UTF-8. */
export interface MultipartPart {
  readonly name: string;
  readonly filename: string | undefined;
  readonly contentType: string | undefined;
  readonly data: string;
}

/** A quoted header parameter as browsers, undici and axios write it (`"`, CR and LF percent-escaped). */
function dispositionParam(header: string, key: string): string | undefined {
  const extended = new RegExp(`;\\s*${key}\\*=(?:UTF-8)?''([^;]*)`, 'i').exec(header);
  if (extended) return decodeURIComponent(extended[1] ?? '');
  const quoted = new RegExp(`;\\s*${key}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(header);
  if (quoted) return (quoted[1] ?? '').replace(/\\(.)/g, '$1').replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
  const bare = new RegExp(`;\\s*${key}=([^;\\s]+)`, 'i').exec(header);
  return bare ? bare[1] : undefined;
}

/**
 * Parses a multipart/form-data body (RFC 7578). Undefined when the content type is not multipart with a
 * boundary or the body is malformed (both fakes answer that as the service does: a refusal).
 */
export function parseMultipart(raw: string, contentType: string | undefined): MultipartPart[] | undefined {
  const match = /^multipart\/form-data\s*;.*?boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) return undefined;
  const sections = raw.split(`--${boundary}`);
  if (sections.length < 2 || !sections[sections.length - 1]?.startsWith('--')) return undefined;
  const parts: MultipartPart[] = [];
  for (const section of sections.slice(1, -1)) {
    if (!section.startsWith('\r\n') || !section.endsWith('\r\n')) return undefined;
    const body = section.slice(2, -2);
    const headerEnd = body.indexOf('\r\n\r\n');
    if (headerEnd < 0) return undefined;
    const headers = new Map(
      body
        .slice(0, headerEnd)
        .split('\r\n')
        .map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()] as const),
    );
    const disposition = headers.get('content-disposition') ?? '';
    if (!/^form-data\b/i.test(disposition)) return undefined;
    parts.push({
      name: dispositionParam(disposition, 'name') ?? '',
      filename: dispositionParam(disposition, 'filename'),
      contentType: headers.get('content-type'),
      data: body.slice(headerEnd + 4),
    });
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Public types

export type JiraCustomFieldType = 'string' | 'doc' | 'number' | 'date' | 'datetime' | 'option' | 'user' | 'array' | 'any';

export interface JiraCustomField {
  /** `customfield_10050` */
  id: string;
  name: string;
  /** How values are validated; `doc` is a rich-text (textarea) field that needs ADF. Default `string`. */
  type?: JiraCustomFieldType;
}

export interface JiraTransitionDef {
  id: string;
  name: string;
  /** Name of the target status. */
  to: string;
}

export interface JiraFakeOptions {
  email: string;
  apiToken: string;
  projectKey: string;
  projectName?: string;
  /** Default Task, Story, Bug. */
  issueTypes?: string[];
  customFields?: JiraCustomField[];
  accountId?: string;
  displayName?: string;
  /** Clock for `created`/`updated` (ms since epoch). */
  now?: () => number;
  /** `removed` (default): 410 Gone as on Jira Cloud today. `available`: serve the legacy endpoint. */
  legacySearch?: 'removed' | 'available';
  /** Serve `GET /rest/api/3/user/email` (only apps approved by Atlassian may); default false: 403. */
  unrestrictedEmail?: boolean;
}

/** A person known to the Jira site: authors of changelog entries made in Jira. */
export interface JiraUserSeed {
  accountId: string;
  displayName: string;
  email: string;
  /** False: the profile hides the email, so the API leaves `emailAddress` out. Default true. */
  emailVisible?: boolean;
}

/** One changed field of a changelog entry, as Jira lists it. */
export interface JiraChangeItem {
  readonly field: string;
  readonly fieldtype: string;
  readonly fieldId: string;
  readonly from: string | null;
  readonly fromString: string | null;
  readonly to: string | null;
  readonly toString: string | null;
}

/** A changelog entry, for assertions: who changed what, when. */
export interface JiraChangelogRecord {
  readonly id: string;
  readonly authorAccountId: string;
  readonly created: string;
  readonly items: readonly JiraChangeItem[];
}

export interface JiraCommentRecord {
  readonly id: string;
  readonly body: AdfDoc;
  readonly text: string;
  readonly created: string;
}

/** A file attached to an issue, for assertions. */
export interface JiraAttachmentRecord {
  readonly id: string;
  readonly filename: string;
  readonly mimeType: string;
  /** In bytes (of the UTF-8 content). */
  readonly size: number;
  readonly content: string;
  readonly created: string;
}

/** A snapshot of a stored issue, for assertions. */
export interface JiraIssueRecord {
  readonly id: string;
  readonly key: string;
  readonly project: string;
  readonly summary: string;
  readonly description: AdfDoc | null;
  readonly descriptionText: string;
  readonly issuetype: string;
  readonly labels: readonly string[];
  readonly status: string;
  /** Every other field that was set (custom fields, priority, assignee...). */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly created: string;
  readonly updated: string;
}

export interface JiraSeedIssue {
  summary: string;
  /** Who filed it: the account id of a person added with `addUser` (default Keycard's own account). */
  reporter?: string;
  project?: string;
  issuetype?: string;
  description?: AdfDoc | null;
  labels?: string[];
  status?: string;
  fields?: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// State

interface StoredComment {
  id: string;
  body: AdfDoc;
  created: number;
  updated: number;
}

interface StoredAttachment {
  id: string;
  filename: string;
  mimeType: string;
  content: string;
  created: number;
}

interface StoredIssue {
  id: string;
  key: string;
  project: string;
  summary: string;
  description: AdfDoc | null;
  issuetype: string;
  labels: string[];
  status: string;
  other: Record<string, unknown>;
  created: number;
  updated: number;
  comments: StoredComment[];
  attachments: StoredAttachment[];
  changelog: StoredChange[];
}

interface StoredChange {
  id: string;
  author: string;
  created: number;
  items: JiraChangeItem[];
}

interface StoredProject {
  id: string;
  key: string;
  name: string;
  nextNumber: number;
}

const DEFAULT_TRANSITIONS: readonly JiraTransitionDef[] = [
  { id: '11', name: 'In Progress', to: 'In Progress' },
  { id: '21', name: 'Done', to: 'Done' },
  { id: '31', name: 'Declined', to: 'Declined' },
];

const SYSTEM_FIELDS: ReadonlyArray<{ id: string; name: string; type: string; settable: boolean }> = [
  { id: 'summary', name: 'Summary', type: 'string', settable: true },
  { id: 'description', name: 'Description', type: 'string', settable: true },
  { id: 'issuetype', name: 'Issue Type', type: 'issuetype', settable: true },
  { id: 'project', name: 'Project', type: 'project', settable: true },
  { id: 'labels', name: 'Labels', type: 'array', settable: true },
  { id: 'status', name: 'Status', type: 'status', settable: false },
  { id: 'priority', name: 'Priority', type: 'priority', settable: true },
  { id: 'assignee', name: 'Assignee', type: 'user', settable: true },
  { id: 'reporter', name: 'Reporter', type: 'user', settable: true },
  { id: 'duedate', name: 'Due date', type: 'date', settable: true },
  { id: 'created', name: 'Created', type: 'datetime', settable: false },
  { id: 'updated', name: 'Updated', type: 'datetime', settable: false },
  { id: 'comment', name: 'Comment', type: 'comments-page', settable: false },
];

const CUSTOM_SCHEMA: Record<JiraCustomFieldType, { type: string; custom: string; items?: string }> = {
  string: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield' },
  doc: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textarea' },
  number: { type: 'number', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:float' },
  date: { type: 'date', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:datepicker' },
  datetime: { type: 'datetime', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:datetime' },
  option: { type: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select' },
  user: { type: 'user', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:userpicker' },
  array: { type: 'array', items: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:labels' },
  any: { type: 'any', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield' },
};

const DONE_NAMES = new Set(['done', 'declined', 'closed', 'resolved', 'rejected', 'cancelled', 'canceled', "won't do"]);

function jiraTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

function jiraError(status: number, errorMessages: string[], errors: Record<string, string> = {}): FakeResponse {
  return { status, body: { errorMessages, errors } };
}

function intParam(value: unknown, fallback: number): number {
  const n = typeof value === 'number' ? value : Number.parseInt(String(value ?? ''), 10);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

/** `fields` from a query string (`a,b`) or a JSON body (`['a','b']`). */
function fieldList(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.flatMap((v) => String(v).split(',')).map((s) => s.trim()).filter(Boolean);
  if (typeof value === 'string' && value.length > 0) return value.split(',').map((s) => s.trim()).filter(Boolean);
  return undefined;
}

interface JqlQuery {
  project?: string;
  labels: string[];
  status?: string;
  order: { field: 'created' | 'key' | 'updated'; desc: boolean };
}

const JQL_HELP =
  'the Jira fake understands only clauses `project = KEY`, `labels = x` and `status = "x"` joined by AND, ' +
  'with an optional ORDER BY created|updated|key [ASC|DESC]';

function parseJql(jql: string): JqlQuery | string {
  let rest = jql.trim();
  const order: JqlQuery['order'] = { field: 'created', desc: false };
  const orderMatch = /\s*order\s+by\s+(\w+)(?:\s+(asc|desc))?\s*$/i.exec(rest);
  if (orderMatch) {
    const field = (orderMatch[1] ?? '').toLowerCase();
    if (field !== 'created' && field !== 'key' && field !== 'updated') return `Error in the JQL Query: ${JQL_HELP}.`;
    order.field = field;
    order.desc = (orderMatch[2] ?? '').toLowerCase() === 'desc';
    rest = rest.slice(0, orderMatch.index).trim();
  }
  if (rest.length === 0) {
    return 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.';
  }
  const query: JqlQuery = { labels: [], order };
  for (const clause of rest.split(/\s+and\s+/i)) {
    const m = /^(project|labels|status)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'()]+))$/i.exec(clause.trim());
    if (!m) return `Error in the JQL Query: ${JQL_HELP} (got \`${clause.trim()}\`).`;
    const field = (m[1] ?? '').toLowerCase();
    const value = m[2] ?? m[3] ?? m[4] ?? '';
    if (field === 'project') query.project = value;
    else if (field === 'labels') query.labels.push(value);
    else query.status = value;
  }
  return query;
}

// ---------------------------------------------------------------------------------------------
// The fake

export class JiraFake extends HttpFake {
  private readonly expectedAuth: string;
  private readonly projects = new Map<string, StoredProject>();
  private readonly store = new Map<string, StoredIssue>();
  private issueTypeNames: string[];
  private readonly customFields = new Map<string, JiraCustomField>();
  private transitions: JiraTransitionDef[] = DEFAULT_TRANSITIONS.map((t) => ({ ...t }));
  private initialStatus = 'To Do';
  private readonly statusIds = new Map<string, string>();
  private readonly now: () => number;
  private readonly legacySearch: 'removed' | 'available';
  private readonly accountId: string;
  private readonly displayName: string;
  private nextIssueId = 10001;
  private nextCommentId = 10100;
  private nextAttachmentId = 10500;
  private nextChangeId = 10700;
  private readonly users = new Map<string, JiraUserSeed>();

  constructor(private readonly options: JiraFakeOptions) {
    super('Jira');
    this.expectedAuth = `Basic ${Buffer.from(`${options.email}:${options.apiToken}`).toString('base64')}`;
    this.issueTypeNames = [...(options.issueTypes ?? ['Task', 'Story', 'Bug'])];
    for (const field of options.customFields ?? []) this.customFields.set(field.id, field);
    this.now = options.now ?? Date.now;
    this.legacySearch = options.legacySearch ?? 'removed';
    this.accountId = options.accountId ?? '5b10a2844c20165700ede21g';
    this.displayName = options.displayName ?? 'Keycard Bot';
    this.addProject(options.projectKey, options.projectName);
    this.registerRoutes();
  }

  // ----- configuration -----------------------------------------------------------------------

  addProject(key: string, name = `${key} project`): void {
    const id = String(10000 + this.projects.size);
    this.projects.set(key, { id, key, name, nextNumber: 1 });
  }

  setIssueTypes(names: string[]): void {
    this.issueTypeNames = [...names];
  }

  addCustomField(field: JiraCustomField): void {
    this.customFields.set(field.id, field);
  }

  /** Replaces the workflow. A transition is available from every status except its own target. */
  setWorkflow(transitions: JiraTransitionDef[], initialStatus = 'To Do'): void {
    this.transitions = transitions.map((t) => ({ ...t }));
    this.initialStatus = initialStatus;
  }

  /** Creates an issue directly, as if someone had made it in Jira; returns its key. */
  addIssue(seed: JiraSeedIssue): string {
    const project = this.projects.get(seed.project ?? this.options.projectKey);
    if (!project) throw new Error(`JiraFake.addIssue: unknown project ${seed.project ?? ''}`);
    if (seed.reporter && !this.users.has(seed.reporter)) throw new Error(`JiraFake.addIssue: no user ${seed.reporter} (addUser first)`);
    const issue = this.insertIssue(project, {
      summary: seed.summary,
      description: seed.description ?? null,
      issuetype: seed.issuetype ?? this.issueTypeNames[0] ?? 'Task',
      labels: seed.labels ?? [],
      other: { ...seed.fields, ...(seed.reporter ? { reporter: this.accountJson(seed.reporter) } : {}) },
    });
    if (seed.status !== undefined) issue.status = seed.status;
    return issue.key;
  }

  /** Moves an issue to a status directly, as if someone had transitioned it in Jira. */
  setStatus(key: string, status: string): void {
    const issue = this.requireIssue(key);
    issue.status = status;
    issue.updated = this.now();
  }

  /** A person of the site: they can move issues and change labels in Jira (`moveIssue`, `addLabel`). */
  addUser(user: JiraUserSeed): void {
    this.users.set(user.accountId, { ...user });
  }

  /**
   * `accountId` moves the issue to `status` in Jira (through a workflow transition to it, as the board
   * would): the status changes and the changelog records who did it. Throws when the workflow has no
   * transition to that status from where the issue is, as Jira would not offer the move.
   */
  moveIssue(key: string, status: string, accountId: string): void {
    const issue = this.requireIssue(key);
    if (!this.users.has(accountId)) throw new Error(`JiraFake.moveIssue: no user ${accountId} (addUser first)`);
    const target = this.availableTransitions(issue).find((t) => t.to === status);
    if (!target) throw new Error(`JiraFake.moveIssue: the workflow has no transition from ${issue.status} to ${status}`);
    this.changeStatus(issue, status, accountId);
  }

  /** `accountId` adds a label to the issue in Jira; the changelog records it. */
  addLabel(key: string, label: string, accountId: string): void {
    const issue = this.requireIssue(key);
    if (!this.users.has(accountId)) throw new Error(`JiraFake.addLabel: no user ${accountId} (addUser first)`);
    this.changeLabels(issue, [...issue.labels, label], accountId);
  }

  // ----- inspection --------------------------------------------------------------------------

  issue(key: string): JiraIssueRecord | undefined {
    const issue = this.find(key);
    return issue ? this.snapshot(issue) : undefined;
  }

  issues(): JiraIssueRecord[] {
    return [...this.store.values()].map((issue) => this.snapshot(issue));
  }

  /** Comment bodies as plain text (see `adfToText`), oldest first. */
  comments(key: string): string[] {
    return this.requireIssue(key).comments.map((c) => adfToText(c.body));
  }

  commentRecords(key: string): JiraCommentRecord[] {
    return this.requireIssue(key).comments.map((c) => ({
      id: c.id,
      body: structuredClone(c.body),
      text: adfToText(c.body),
      created: jiraTime(c.created),
    }));
  }

  status(key: string): string {
    return this.requireIssue(key).status;
  }

  /** The issue's changelog, oldest first. */
  changelog(key: string): JiraChangelogRecord[] {
    return this.requireIssue(key).changelog.map((c) => ({ id: c.id, authorAccountId: c.author, created: jiraTime(c.created), items: c.items.map((i) => ({ ...i })) }));
  }

  /**
   * The body of the `jira:issue_updated` webhook Jira Cloud sends for the issue's latest changelog entry:
   * the acting user, the issue with its fields, and the changelog entry's id and items.
   */
  webhookBody(key: string): Record<string, unknown> {
    const issue = this.requireIssue(key);
    const change = issue.changelog[issue.changelog.length - 1];
    if (!change) throw new Error(`JiraFake.webhookBody: ${key} has no changelog entry`);
    return {
      timestamp: change.created,
      webhookEvent: 'jira:issue_updated',
      issue_event_type_name: 'issue_generic',
      user: this.accountJson(change.author),
      issue: { id: issue.id, self: `${this.url}/rest/api/3/issue/${issue.id}`, key: issue.key, fields: this.allFields(issue) },
      changelog: { id: change.id, items: change.items.map((i) => ({ ...i })) },
    };
  }

  /** Files attached to the issue, oldest first. */
  attachments(key: string): JiraAttachmentRecord[] {
    return this.requireIssue(key).attachments.map((a) => ({
      id: a.id,
      filename: a.filename,
      mimeType: a.mimeType,
      size: Buffer.byteLength(a.content, 'utf8'),
      content: a.content,
      created: jiraTime(a.created),
    }));
  }

  /** The first issue (in creation order) that carries this label. */
  issueByLabel(label: string): JiraIssueRecord | undefined {
    const issue = [...this.store.values()].find((i) => i.labels.includes(label));
    return issue ? this.snapshot(issue) : undefined;
  }

  // ----- internals ---------------------------------------------------------------------------

  private find(keyOrId: string): StoredIssue | undefined {
    const byKey = this.store.get(keyOrId);
    if (byKey) return byKey;
    return [...this.store.values()].find((i) => i.id === keyOrId);
  }

  private requireIssue(key: string): StoredIssue {
    const issue = this.find(key);
    if (!issue) throw new Error(`JiraFake: no issue ${key}`);
    return issue;
  }

  private snapshot(issue: StoredIssue): JiraIssueRecord {
    return {
      id: issue.id,
      key: issue.key,
      project: issue.project,
      summary: issue.summary,
      description: issue.description ? structuredClone(issue.description) : null,
      descriptionText: adfToText(issue.description),
      issuetype: issue.issuetype,
      labels: [...issue.labels],
      status: issue.status,
      fields: structuredClone(issue.other),
      created: jiraTime(issue.created),
      updated: jiraTime(issue.updated),
    };
  }

  private insertIssue(
    project: StoredProject,
    data: Pick<StoredIssue, 'summary' | 'description' | 'issuetype' | 'labels' | 'other'>,
  ): StoredIssue {
    const at = this.now();
    const issue: StoredIssue = {
      id: String(this.nextIssueId++),
      key: `${project.key}-${project.nextNumber++}`,
      project: project.key,
      ...data,
      status: this.initialStatus,
      created: at,
      updated: at,
      comments: [],
      attachments: [],
      changelog: [],
    };
    this.store.set(issue.key, issue);
    return issue;
  }

  private statusId(name: string): string {
    let id = this.statusIds.get(name);
    if (!id) {
      id = String(10000 + this.statusIds.size);
      this.statusIds.set(name, id);
    }
    return id;
  }

  private statusJson(name: string): Record<string, unknown> {
    const id = this.statusId(name);
    const category =
      name === this.initialStatus
        ? { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' }
        : DONE_NAMES.has(name.toLowerCase())
          ? { id: 3, key: 'done', colorName: 'green', name: 'Done' }
          : { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' };
    return { self: `${this.url}/rest/api/3/status/${id}`, description: '', iconUrl: '', name, id, statusCategory: category };
  }

  private userJson(): Record<string, unknown> {
    return {
      self: `${this.url}/rest/api/3/user?accountId=${this.accountId}`,
      accountId: this.accountId,
      accountType: 'atlassian',
      emailAddress: this.options.email,
      displayName: this.displayName,
      active: true,
      timeZone: 'Etc/UTC',
      locale: 'en_US',
    };
  }

  /** A user as the API shows them: the bot, or a person of the site (email only when their profile shows it). */
  private accountJson(accountId: string): Record<string, unknown> {
    if (accountId === this.accountId) return this.userJson();
    const user = this.users.get(accountId);
    return {
      self: `${this.url}/rest/api/3/user?accountId=${accountId}`,
      accountId,
      accountType: 'atlassian',
      ...(user && user.emailVisible !== false ? { emailAddress: user.email } : {}),
      displayName: user?.displayName ?? 'Former user',
      active: user !== undefined,
      timeZone: 'Etc/UTC',
    };
  }

  private changeJson(change: StoredChange): Record<string, unknown> {
    return { id: change.id, author: this.accountJson(change.author), created: jiraTime(change.created), items: change.items.map((i) => ({ ...i })) };
  }

  private record(issue: StoredIssue, author: string, items: JiraChangeItem[]): void {
    if (items.length === 0) return;
    issue.changelog.push({ id: String(this.nextChangeId++), author, created: this.now(), items });
  }

  private changeStatus(issue: StoredIssue, status: string, author: string): void {
    if (issue.status === status) return;
    const item: JiraChangeItem = {
      field: 'status',
      fieldtype: 'jira',
      fieldId: 'status',
      from: this.statusId(issue.status),
      fromString: issue.status,
      to: this.statusId(status),
      toString: status,
    };
    issue.status = status;
    issue.updated = this.now();
    this.record(issue, author, [item]);
  }

  /** Labels are recorded as Jira does: the whole list before and after, space-separated. */
  private changeLabels(issue: StoredIssue, labels: string[], author: string): void {
    const before = issue.labels.join(' ');
    const after = labels.join(' ');
    issue.labels = [...labels];
    issue.updated = this.now();
    if (before !== after) this.record(issue, author, [{ field: 'labels', fieldtype: 'jira', fieldId: 'labels', from: null, fromString: before, to: null, toString: after }]);
  }

  private projectJson(project: StoredProject): Record<string, unknown> {
    return {
      self: `${this.url}/rest/api/3/project/${project.id}`,
      id: project.id,
      key: project.key,
      name: project.name,
      projectTypeKey: 'software',
      simplified: false,
      style: 'classic',
    };
  }

  private issueTypeJson(name: string): Record<string, unknown> {
    const id = String(10001 + Math.max(0, this.issueTypeNames.indexOf(name)));
    return { self: `${this.url}/rest/api/3/issuetype/${id}`, id, name, subtask: false, hierarchyLevel: 0 };
  }

  private commentJson(issue: StoredIssue, comment: StoredComment): Record<string, unknown> {
    return {
      self: `${this.url}/rest/api/3/issue/${issue.id}/comment/${comment.id}`,
      id: comment.id,
      author: this.userJson(),
      body: comment.body,
      updateAuthor: this.userJson(),
      created: jiraTime(comment.created),
      updated: jiraTime(comment.updated),
      jsdPublic: true,
    };
  }

  private attachmentJson(attachment: StoredAttachment): Record<string, unknown> {
    return {
      self: `${this.url}/rest/api/3/attachment/${attachment.id}`,
      id: attachment.id,
      filename: attachment.filename,
      author: this.userJson(),
      created: jiraTime(attachment.created),
      size: Buffer.byteLength(attachment.content, 'utf8'),
      mimeType: attachment.mimeType,
      content: `${this.url}/rest/api/3/attachment/content/${attachment.id}`,
    };
  }

  private allFields(issue: StoredIssue): Record<string, unknown> {
    const fields: Record<string, unknown> = {
      summary: issue.summary,
      description: issue.description,
      issuetype: this.issueTypeJson(issue.issuetype),
      project: this.projectJson(this.projects.get(issue.project) ?? { id: '0', key: issue.project, name: issue.project, nextNumber: 0 }),
      labels: [...issue.labels],
      status: this.statusJson(issue.status),
      priority: null,
      assignee: null,
      reporter: this.userJson(),
      duedate: null,
      created: jiraTime(issue.created),
      updated: jiraTime(issue.updated),
      attachment: issue.attachments.map((a) => this.attachmentJson(a)),
      comment: {
        comments: issue.comments.map((c) => this.commentJson(issue, c)),
        self: `${this.url}/rest/api/3/issue/${issue.id}/comment`,
        maxResults: issue.comments.length,
        total: issue.comments.length,
        startAt: 0,
      },
    };
    // Jira returns every custom field, null when unset.
    for (const id of this.customFields.keys()) fields[id] = null;
    for (const [id, value] of Object.entries(issue.other)) fields[id] = value;
    return fields;
  }

  private issueJson(issue: StoredIssue, wanted: string[] | undefined): Record<string, unknown> {
    const all = this.allFields(issue);
    let fields = all;
    if (wanted && !wanted.includes('*all') && !wanted.includes('*navigable')) {
      fields = {};
      for (const name of wanted) {
        if (name in all) fields[name] = all[name];
      }
    }
    return {
      expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
      id: issue.id,
      self: `${this.url}/rest/api/3/issue/${issue.id}`,
      key: issue.key,
      fields,
    };
  }

  private fieldsJson(): Array<Record<string, unknown>> {
    const system = SYSTEM_FIELDS.map((f) => ({
      id: f.id,
      key: f.id,
      name: f.name,
      custom: false,
      orderable: f.settable,
      navigable: true,
      searchable: true,
      clauseNames: [f.id],
      schema: { type: f.type, system: f.id },
    }));
    const custom = [...this.customFields.values()].map((f) => {
      const num = Number.parseInt(f.id.replace(/\D/g, ''), 10);
      return {
        id: f.id,
        key: f.id,
        name: f.name,
        untranslatedName: f.name,
        custom: true,
        orderable: true,
        navigable: true,
        searchable: true,
        clauseNames: [`cf[${num}]`, f.name],
        schema: { ...CUSTOM_SCHEMA[f.type ?? 'string'], customId: num },
      };
    });
    return [...system, ...custom];
  }

  private authed(handler: (ctx: RouteContext) => FakeResponse): (ctx: RouteContext) => FakeResponse {
    return (ctx) => {
      if (ctx.call.headers.authorization !== this.expectedAuth) {
        return jiraError(401, ['Client must be authenticated to access this resource.']);
      }
      return handler(ctx);
    };
  }

  private on(method: string, path: string, handler: (ctx: RouteContext) => FakeResponse): void {
    this.route(method, path, this.authed(handler));
  }

  /**
   * Validates `fields` for create (`mode: 'create'`) or edit/transition; writes `errors` and
   * returns the values to store, or a complete 400 answer for malformed ADF.
   */
  private checkFields(
    raw: Record<string, unknown>,
    mode: 'create' | 'edit',
    errors: Record<string, string>,
  ): { values: Record<string, unknown>; project?: StoredProject; issuetype?: string } | FakeResponse {
    const values: Record<string, unknown> = {};
    let project: StoredProject | undefined;
    let issuetype: string | undefined;

    if (mode === 'create' || 'project' in raw) {
      if (mode === 'edit') {
        errors['project'] = "Field 'project' cannot be set. It is not on the appropriate screen, or unknown.";
      } else {
        const ref = raw['project'];
        const wanted = isRecord(ref) ? (ref['key'] ?? ref['id']) : undefined;
        project = [...this.projects.values()].find((p) => p.key === wanted || p.id === wanted);
        if (!project) errors['project'] = 'Specify a valid project ID or key';
      }
    }

    if (mode === 'create' || 'issuetype' in raw) {
      const ref = raw['issuetype'];
      if (!isRecord(ref)) {
        errors['issuetype'] = 'Specify an issue type';
      } else {
        const name = typeof ref['name'] === 'string' ? ref['name'] : undefined;
        const id = typeof ref['id'] === 'string' ? ref['id'] : undefined;
        issuetype = this.issueTypeNames.find((t, i) => t === name || String(10001 + i) === id);
        if (!issuetype) errors['issuetype'] = 'Specify a valid issue type';
      }
    }

    if (mode === 'create' || 'summary' in raw) {
      const summary = raw['summary'];
      if (summary !== undefined && summary !== null && typeof summary !== 'string') {
        errors['summary'] = 'Operation value must be a string';
      } else if (typeof summary !== 'string' || summary.trim().length === 0) {
        errors['summary'] = 'You must specify a summary of the issue.';
      } else if (summary.length > 255) {
        errors['summary'] = 'Summary must be less than 255 characters.';
      } else {
        values['summary'] = summary;
      }
    }

    for (const [id, value] of Object.entries(raw)) {
      if (id === 'project' || id === 'issuetype' || id === 'summary') continue;
      if (id === 'description' || this.customFields.get(id)?.type === 'doc') {
        if (value === null || value === undefined) {
          values[id] = null;
          continue;
        }
        const problem = adfProblem(value);
        if (problem === 'invalid') return jiraError(400, ['INVALID_INPUT']);
        if (problem === 'not-doc') errors[id] = NOT_ADF;
        else values[id] = structuredClone(value);
        continue;
      }
      if (id === 'labels') {
        if (!Array.isArray(value) || value.some((l) => typeof l !== 'string')) {
          errors['labels'] = 'Operation value must be a list of strings';
          continue;
        }
        const spaced = value.find((l) => /\s/.test(String(l)));
        if (spaced !== undefined) {
          errors['labels'] = `The label '${String(spaced)}' contains spaces which is invalid.`;
          continue;
        }
        values['labels'] = [...(value as string[])];
        continue;
      }
      const system = SYSTEM_FIELDS.find((f) => f.id === id);
      const custom = this.customFields.get(id);
      if ((system && !system.settable) || (!system && !custom)) {
        errors[id] = `Field '${id}' cannot be set. It is not on the appropriate screen, or unknown.`;
        continue;
      }
      const problem = custom ? customValueProblem(custom, value) : undefined;
      if (problem) errors[id] = problem;
      else values[id] = structuredClone(value);
    }
    return { values, project, issuetype };
  }

  private applyValues(issue: StoredIssue, values: Record<string, unknown>): void {
    for (const [id, value] of Object.entries(values)) {
      if (id === 'summary') issue.summary = String(value);
      else if (id === 'description') issue.description = (value as AdfDoc | null) ?? null;
      else if (id === 'labels') issue.labels = [...(value as string[])];
      else issue.other[id] = value;
    }
  }

  /** `update: { labels: [{ add }|{ remove }|{ set }], comment: [{ add: { body } }] }`. */
  private applyUpdate(issue: StoredIssue, update: unknown, errors: Record<string, string>): AdfDoc[] {
    const newComments: AdfDoc[] = [];
    if (!isRecord(update)) return newComments;
    for (const [id, ops] of Object.entries(update)) {
      if (!Array.isArray(ops)) {
        errors[id] = 'Operations must be a list';
        continue;
      }
      for (const op of ops) {
        if (!isRecord(op)) continue;
        if (id === 'labels') {
          const add = op['add'];
          const remove = op['remove'];
          const set = op['set'];
          if (typeof add === 'string') {
            if (/\s/.test(add)) errors['labels'] = `The label '${add}' contains spaces which is invalid.`;
            else if (!issue.labels.includes(add)) issue.labels.push(add);
          }
          if (typeof remove === 'string') issue.labels = issue.labels.filter((l) => l !== remove);
          if (Array.isArray(set)) issue.labels = set.map(String);
        } else if (id === 'comment') {
          const add = op['add'];
          const body = isRecord(add) ? add['body'] : undefined;
          if (adfProblem(body) !== undefined) errors['comment'] = 'Comment body is not valid!';
          else newComments.push(structuredClone(body as AdfDoc));
        } else {
          errors[id] = `Field '${id}' cannot be set. It is not on the appropriate screen, or unknown.`;
        }
      }
    }
    return newComments;
  }

  private addCommentTo(issue: StoredIssue, body: AdfDoc): StoredComment {
    const at = this.now();
    const comment: StoredComment = { id: String(this.nextCommentId++), body, created: at, updated: at };
    issue.comments.push(comment);
    issue.updated = at;
    return comment;
  }

  private availableTransitions(issue: StoredIssue): JiraTransitionDef[] {
    return this.transitions.filter((t) => t.to !== issue.status);
  }

  private search(jqlValue: unknown, fieldsValue: unknown, maxValue: unknown, offset: number): FakeResponse | { matched: StoredIssue[]; wanted: string[] | undefined; max: number } {
    const jql = typeof jqlValue === 'string' ? jqlValue : '';
    const parsed = parseJql(jql);
    if (typeof parsed === 'string') return { status: 400, body: { errorMessages: [parsed], errors: {}, warningMessages: [] } };
    if (parsed.project !== undefined && ![...this.projects.keys()].some((k) => k.toLowerCase() === parsed.project?.toLowerCase())) {
      return jiraError(400, [`The value '${parsed.project}' does not exist for the field 'project'.`]);
    }
    let matched = [...this.store.values()].filter(
      (i) =>
        (parsed.project === undefined || i.project.toLowerCase() === parsed.project.toLowerCase()) &&
        parsed.labels.every((l) => i.labels.includes(l)) &&
        (parsed.status === undefined || i.status.toLowerCase() === parsed.status.toLowerCase()),
    );
    const { field, desc } = parsed.order;
    matched = matched.sort((a, b) => {
      const diff = field === 'key' ? Number(a.id) - Number(b.id) : a[field] - b[field] || Number(a.id) - Number(b.id);
      return desc ? -diff : diff;
    });
    const max = Math.min(intParam(maxValue, 50) || 50, 5000);
    return { matched: matched.slice(offset), wanted: fieldList(fieldsValue), max };
  }

  private enhancedSearch(params: { jql: unknown; fields: unknown; maxResults: unknown; nextPageToken: unknown }): FakeResponse {
    let offset = 0;
    if (typeof params.nextPageToken === 'string' && params.nextPageToken.length > 0) {
      const decoded = Number.parseInt(Buffer.from(params.nextPageToken, 'base64url').toString('utf8').replace(/^offset:/, ''), 10);
      if (!Number.isFinite(decoded) || decoded < 0) return jiraError(400, ['Invalid nextPageToken.']);
      offset = decoded;
    }
    const result = this.search(params.jql, params.fields, params.maxResults, offset);
    if ('status' in result) return result;
    const page = result.matched.slice(0, result.max);
    const idsOnly = result.wanted === undefined || (result.wanted.length === 1 && result.wanted[0] === 'id');
    const issues = page.map((i) => (idsOnly ? { id: i.id } : this.issueJson(i, result.wanted)));
    const isLast = result.matched.length <= result.max;
    const body: Record<string, unknown> = { issues, isLast };
    // Jira omits nextPageToken on the last page (JRACLOUD-92184).
    if (!isLast) body['nextPageToken'] = Buffer.from(`offset:${offset + page.length}`).toString('base64url');
    return { status: 200, body };
  }

  private legacySearchAnswer(params: { jql: unknown; fields: unknown; maxResults: unknown; startAt: unknown }): FakeResponse {
    if (this.legacySearch === 'removed') {
      return jiraError(410, [
        'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. ' +
          'A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046',
      ]);
    }
    const startAt = intParam(params.startAt, 0);
    const result = this.search(params.jql ?? 'project = ' + this.options.projectKey, params.fields, params.maxResults, startAt);
    if ('status' in result) return result;
    const page = result.matched.slice(0, result.max);
    return {
      status: 200,
      body: {
        expand: 'schema,names',
        startAt,
        maxResults: result.max,
        total: startAt + result.matched.length,
        issues: page.map((i) => this.issueJson(i, result.wanted)),
      },
    };
  }

  private registerRoutes(): void {
    this.on('GET', '/rest/api/3/myself', () => ({ status: 200, body: this.userJson() }));

    this.on('GET', '/rest/api/3/user', ({ call }) => {
      const accountId = call.query.get('accountId') ?? '';
      if (accountId !== this.accountId && !this.users.has(accountId)) return jiraError(404, [`Specified user does not exist or you do not have required permissions`]);
      return { status: 200, body: this.accountJson(accountId) };
    });

    // Atlassian serves this only to Connect apps it approved and to Forge apps acting as the app.
    this.on('GET', '/rest/api/3/user/email', ({ call }) => {
      if (!this.options.unrestrictedEmail) return jiraError(403, ['This resource is only available to apps approved to read email addresses.']);
      const user = this.users.get(call.query.get('accountId') ?? '');
      if (!user) return jiraError(404, ['Specified user does not exist']);
      return { status: 200, body: { accountId: user.accountId, email: user.email } };
    });

    this.on('GET', '/rest/api/3/issue/:key/changelog', ({ params, call }) => {
      const issue = this.find(params['key'] ?? '');
      if (!issue) return jiraError(404, ['Issue does not exist or you do not have permission to see it.']);
      const startAt = intParam(call.query.get('startAt'), 0);
      const maxResults = Math.min(intParam(call.query.get('maxResults'), 100) || 100, 100);
      const page = issue.changelog.slice(startAt, startAt + maxResults);
      return {
        status: 200,
        body: {
          self: `${this.url}/rest/api/3/issue/${issue.key}/changelog?startAt=${startAt}&maxResults=${maxResults}`,
          maxResults,
          startAt,
          total: issue.changelog.length,
          isLast: startAt + page.length >= issue.changelog.length,
          values: page.map((c) => this.changeJson(c)),
        },
      };
    });

    this.on('GET', '/rest/api/3/project/:key', ({ params }) => {
      const project = [...this.projects.values()].find((p) => p.key === params['key'] || p.id === params['key']);
      if (!project) return jiraError(404, [`No project could be found with key '${params['key'] ?? ''}'.`]);
      return {
        status: 200,
        body: {
          ...this.projectJson(project),
          description: '',
          lead: this.userJson(),
          issueTypes: this.issueTypeNames.map((n) => this.issueTypeJson(n)),
        },
      };
    });

    this.on('GET', '/rest/api/3/field', () => ({ status: 200, body: this.fieldsJson() }));

    this.on('POST', '/rest/api/3/issue', ({ call }) => {
      const body = call.body;
      if (!isRecord(body) || !isRecord(body['fields'])) {
        return jiraError(400, ['Issue must contain fields.']);
      }
      const errors: Record<string, string> = {};
      const checked = this.checkFields(body['fields'], 'create', errors);
      if ('status' in checked) return checked;
      if (Object.keys(errors).length > 0 || !checked.project || !checked.issuetype) return jiraError(400, [], errors);
      const { summary, description, labels, ...other } = checked.values;
      const issue = this.insertIssue(checked.project, {
        summary: String(summary),
        description: (description as AdfDoc | null | undefined) ?? null,
        issuetype: checked.issuetype,
        labels: (labels as string[] | undefined) ?? [],
        other,
      });
      const transition = body['transition'];
      if (isRecord(transition)) {
        const target = this.availableTransitions(issue).find((t) => t.id === String(transition['id']));
        if (target) issue.status = target.to;
      }
      return { status: 201, body: { id: issue.id, key: issue.key, self: `${this.url}/rest/api/3/issue/${issue.id}` } };
    });

    this.on('GET', '/rest/api/3/issue/:key', ({ params, call }) => {
      const issue = this.find(params['key'] ?? '');
      if (!issue) return jiraError(404, ['Issue does not exist or you do not have permission to see it.']);
      return { status: 200, body: this.issueJson(issue, fieldList(call.query.get('fields') ?? undefined)) };
    });

    this.on('PUT', '/rest/api/3/issue/:key', ({ params, call }) => {
      const issue = this.find(params['key'] ?? '');
      if (!issue) return jiraError(404, ['Issue does not exist or you do not have permission to see it.']);
      const body = isRecord(call.body) ? call.body : {};
      const errors: Record<string, string> = {};
      const checked = this.checkFields(isRecord(body['fields']) ? body['fields'] : {}, 'edit', errors);
      if ('status' in checked) return checked;
      if (Object.keys(errors).length > 0) return jiraError(400, [], errors);
      const draft = structuredClone(issue);
      this.applyValues(draft, checked.values);
      if (checked.issuetype) draft.issuetype = checked.issuetype;
      const comments = this.applyUpdate(draft, body['update'], errors);
      if (Object.keys(errors).length > 0) return jiraError(400, [], errors);
      const labels = draft.labels;
      Object.assign(issue, draft, { labels: issue.labels, updated: this.now() });
      this.changeLabels(issue, labels, this.accountId);
      for (const c of comments) this.addCommentTo(issue, c);
      if (call.query.get('returnIssue') === 'true') return { status: 200, body: this.issueJson(issue, undefined) };
      return { status: 204 };
    });

    this.on('POST', '/rest/api/3/issue/:key/comment', ({ params, call }) => {
      const issue = this.find(params['key'] ?? '');
      if (!issue) return jiraError(404, ['Issue does not exist or you do not have permission to see it.']);
      const body = isRecord(call.body) ? call.body['body'] : undefined;
      if (body === undefined || body === null) return jiraError(400, [], { comment: 'Comment body can not be empty!' });
      const problem = adfProblem(body);
      if (problem === 'not-doc') return jiraError(400, [], { comment: 'Comment body is not valid!' });
      if (problem === 'invalid') return jiraError(400, ['INVALID_INPUT']);
      if (adfToText(body).trim().length === 0) return jiraError(400, [], { comment: 'Comment body can not be empty!' });
      const comment = this.addCommentTo(issue, structuredClone(body as AdfDoc));
      return { status: 201, body: this.commentJson(issue, comment) };
    });

    this.on('GET', '/rest/api/3/issue/:key/comment', ({ params, call }) => {
      const issue = this.find(params['key'] ?? '');
      if (!issue) return jiraError(404, ['Issue does not exist or you do not have permission to see it.']);
      const startAt = intParam(call.query.get('startAt'), 0);
      const maxResults = Math.min(intParam(call.query.get('maxResults'), 5000) || 5000, 5000);
      const ordered = [...issue.comments];
      if (call.query.get('orderBy') === '-created') ordered.reverse();
      return {
        status: 200,
        body: {
          startAt,
          maxResults,
          total: ordered.length,
          comments: ordered.slice(startAt, startAt + maxResults).map((c) => this.commentJson(issue, c)),
        },
      };
    });

    this.on('POST', '/rest/api/3/issue/:key/attachments', ({ params, call }) => {
      // Jira's XSRF guard refuses a multipart POST without this header before looking at anything else.
      if (call.headers['x-atlassian-token'] !== 'no-check') return { status: 403, body: 'XSRF check failed' };
      const issue = this.find(params['key'] ?? '');
      if (!issue) return jiraError(404, ['Issue does not exist or you do not have permission to see it.']);
      const parts = parseMultipart(call.rawBody, call.headers['content-type']);
      if (!parts) return { status: 415, body: 'Unsupported Media Type' };
      const files = parts.filter((p) => p.name === 'file' && p.filename !== undefined && p.filename !== '');
      if (files.length === 0) return jiraError(400, ['The request did not contain a file to attach (a multipart part named `file`).']);
      const at = this.now();
      const added = files.map((part) => {
        const attachment: StoredAttachment = {
          id: String(this.nextAttachmentId++),
          filename: part.filename ?? '',
          mimeType: part.contentType?.split(';')[0]?.trim() || 'application/octet-stream',
          content: part.data,
          created: at,
        };
        issue.attachments.push(attachment);
        return attachment;
      });
      issue.updated = at;
      return { status: 200, body: added.map((a) => this.attachmentJson(a)) };
    });

    this.on('GET', '/rest/api/3/issue/:key/transitions', ({ params }) => {
      const issue = this.find(params['key'] ?? '');
      if (!issue) return jiraError(404, ['Issue does not exist or you do not have permission to see it.']);
      return {
        status: 200,
        body: {
          expand: 'transitions',
          transitions: this.availableTransitions(issue).map((t) => ({
            id: t.id,
            name: t.name,
            to: this.statusJson(t.to),
            hasScreen: false,
            isGlobal: true,
            isInitial: false,
            isAvailable: true,
            isConditional: false,
            isLooped: false,
          })),
        },
      };
    });

    this.on('POST', '/rest/api/3/issue/:key/transitions', ({ params, call }) => {
      const issue = this.find(params['key'] ?? '');
      if (!issue) return jiraError(404, ['Issue does not exist or you do not have permission to see it.']);
      const body = isRecord(call.body) ? call.body : {};
      const transition = body['transition'];
      const id = isRecord(transition) && transition['id'] !== undefined ? String(transition['id']) : undefined;
      if (id === undefined) return jiraError(400, ["Missing 'transition' identifier"]);
      const target = this.availableTransitions(issue).find((t) => t.id === id);
      if (!target) return jiraError(400, [`Transition id '${id}' is not valid for this issue.`]);
      const errors: Record<string, string> = {};
      const checked = this.checkFields(isRecord(body['fields']) ? body['fields'] : {}, 'edit', errors);
      if ('status' in checked) return checked;
      const draft = structuredClone(issue);
      this.applyValues(draft, checked.values);
      const comments = this.applyUpdate(draft, body['update'], errors);
      if (Object.keys(errors).length > 0) return jiraError(400, [], errors);
      const labels = draft.labels;
      Object.assign(issue, draft, { labels: issue.labels, status: issue.status, updated: this.now() });
      this.changeStatus(issue, target.to, this.accountId);
      this.changeLabels(issue, labels, this.accountId);
      for (const c of comments) this.addCommentTo(issue, c);
      return { status: 204 };
    });

    this.on('GET', '/rest/api/3/search/jql', ({ call }) =>
      this.enhancedSearch({
        jql: call.query.get('jql') ?? undefined,
        fields: call.query.getAll('fields').join(',') || undefined,
        maxResults: call.query.get('maxResults') ?? undefined,
        nextPageToken: call.query.get('nextPageToken') ?? undefined,
      }),
    );

    this.on('POST', '/rest/api/3/search/jql', ({ call }) => {
      const body = isRecord(call.body) ? call.body : {};
      return this.enhancedSearch({
        jql: body['jql'],
        fields: body['fields'],
        maxResults: body['maxResults'],
        nextPageToken: body['nextPageToken'],
      });
    });

    this.on('GET', '/rest/api/3/search', ({ call }) =>
      this.legacySearchAnswer({
        jql: call.query.get('jql') ?? undefined,
        fields: call.query.getAll('fields').join(',') || undefined,
        maxResults: call.query.get('maxResults') ?? undefined,
        startAt: call.query.get('startAt') ?? undefined,
      }),
    );

    this.on('POST', '/rest/api/3/search', ({ call }) => {
      const body = isRecord(call.body) ? call.body : {};
      return this.legacySearchAnswer({
        jql: body['jql'],
        fields: body['fields'],
        maxResults: body['maxResults'],
        startAt: body['startAt'],
      });
    });
  }
}

function customValueProblem(field: JiraCustomField, value: unknown): string | undefined {
  if (value === null) return undefined;
  switch (field.type ?? 'string') {
    case 'string':
      if (typeof value !== 'string') return 'Operation value must be a string';
      return value.length > 255 ? `${field.name}: The entered text is too long. It exceeds the allowed limit of 255 characters.` : undefined;
    case 'number':
      return typeof value === 'number' ? undefined : 'Operation value must be a number';
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? undefined : `Error parsing date string: ${String(value)}`;
    case 'datetime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? undefined : `Error parsing datetime string: ${String(value)}`;
    case 'option':
      return isRecord(value) && (typeof value['value'] === 'string' || typeof value['id'] === 'string')
        ? undefined
        : `Specify a valid 'id' or 'name' for ${field.name}`;
    case 'array':
      return Array.isArray(value) ? undefined : 'Operation value must be an array';
    default:
      return undefined;
  }
}
