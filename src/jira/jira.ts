/**
 * The Jira Cloud adapter (jira.js 5, REST v3). jira.js does not retry: the job queue does, honouring
 * Retry-After. Errors become the queue's kinds: 429, 5xx and network failures retry; other 4xx do not.
 */
import { Version3Client } from 'jira.js';
import { PermanentError, RetryableError } from '../domain/errors.js';
import { adfToText, bulletList, doc, heading, linesDoc, paragraph, strong, type AdfDoc } from './adf.js';
import type { CreatedIssue, IssueAttachment, IssueChange, IssueDescription, IssueState, JiraActor, Ticketing } from './types.js';

export interface JiraSettings {
  readonly host: string;
  readonly email: string;
  readonly apiToken: string;
  readonly projectKey: string;
  readonly issueType: string;
}

function retryAfterMs(headers: unknown): number | undefined {
  const value = (headers as Record<string, unknown> | undefined)?.['retry-after'];
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function jiraMessages(data: unknown): string {
  const d = data as { errorMessages?: unknown; errors?: unknown } | undefined;
  const parts: string[] = [];
  if (Array.isArray(d?.errorMessages)) parts.push(...d.errorMessages.map(String));
  if (d?.errors && typeof d.errors === 'object') {
    for (const [field, message] of Object.entries(d.errors)) parts.push(`${field}: ${String(message)}`);
  }
  return parts.join('; ');
}

/** jira.js throws HttpException (with `.status`) for HTTP answers and the raw Axios error for network failures. */
function classifyJiraError(what: string, error: unknown): Error {
  const e = error as { status?: number; response?: { data?: unknown }; cause?: { response?: { headers?: unknown } }; message?: string; code?: string };
  const status = typeof e.status === 'number' ? e.status : undefined;
  const detail = jiraMessages(e.response?.data) || e.message || String(error);
  if (status === undefined) return new RetryableError(`Jira did not answer while trying to ${what}: ${e.code ?? detail}`, undefined, { cause: error });
  if (status === 429) return new RetryableError(`Jira rate limit while trying to ${what}`, retryAfterMs(e.cause?.response?.headers), { cause: error });
  if (status >= 500) return new RetryableError(`Jira failed to ${what}: HTTP ${status} ${detail}`, undefined, { cause: error });
  if (status === 401 || status === 403) {
    return new PermanentError(`Jira refused to ${what} (HTTP ${status}); check JIRA_EMAIL, JIRA_API_TOKEN and the project permissions`, { cause: error });
  }
  return new PermanentError(`Jira could not ${what}: HTTP ${status} ${detail}`, { cause: error });
}

/** The description as ADF: the intro, the facts as a bullet list with bold labels, then each section under a heading. */
function descriptionDoc(description: IssueDescription): AdfDoc {
  return doc(
    paragraph(description.intro),
    bulletList(description.facts.map((fact) => [strong(`${fact.label}: `), fact.value])),
    ...description.sections.flatMap((section) => [heading(3, section.heading), paragraph(section.text)]),
  );
}

/** A field's value as text (see `IssueState.fields`). */
export function fieldText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const items = value.map(fieldText).filter((v): v is string => v !== null);
    return items.length > 0 ? items.join(', ') : null;
  }
  if (typeof value === 'object') {
    const v = value as { type?: unknown; emailAddress?: unknown; value?: unknown; name?: unknown; displayName?: unknown };
    if (v.type === 'doc') return adfToText(value).trim() || null;
    for (const candidate of [v.emailAddress, v.value, v.name, v.displayName]) if (typeof candidate === 'string' && candidate) return candidate;
  }
  return null;
}

/** The only user fields Keycard reads; `emailAddress` is absent when the person's profile hides it. */
function toActor(user: { accountId?: string; displayName?: string; emailAddress?: string } | undefined): JiraActor | null {
  if (!user?.accountId) return null;
  return { accountId: user.accountId, displayName: user.displayName ?? user.accountId, email: user.emailAddress?.trim() || null };
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

export class JiraTicketing implements Ticketing {
  private readonly client: Version3Client;
  private readonly browseBase: string;
  private selfId: string | null = null;

  constructor(private readonly settings: JiraSettings) {
    this.client = new Version3Client({
      host: settings.host,
      authentication: { basic: { email: settings.email, apiToken: settings.apiToken } },
      baseRequestConfig: { timeout: 20_000 },
    });
    this.browseBase = settings.host.replace(/\/+$/, '');
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw classifyJiraError(what, error);
    }
  }

  issueUrl(key: string): string {
    return `${this.browseBase}/browse/${key}`;
  }

  async createIssue(input: { summary: string; description: IssueDescription; label: string }): Promise<CreatedIssue> {
    const created = await this.call(`create the issue labelled ${input.label}`, () =>
      this.client.issues.createIssue({
        fields: {
          project: { key: this.settings.projectKey },
          issuetype: { name: this.settings.issueType },
          summary: input.summary.slice(0, 255),
          description: descriptionDoc(input.description),
          labels: ['keycard', input.label],
        },
      }),
    );
    return { key: created.key, url: this.issueUrl(created.key) };
  }

  async findIssueByLabel(label: string): Promise<CreatedIssue | null> {
    const found = await this.call(`search for the issue labelled ${label}`, () =>
      this.client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
        jql: `project = ${this.settings.projectKey} AND labels = "${label}"`,
        fields: ['key'],
        maxResults: 1,
      }),
    );
    const key = found.issues?.[0]?.key;
    return key ? { key, url: this.issueUrl(key) } : null;
  }

  async addComment(key: string, lines: readonly string[]): Promise<void> {
    await this.call(`comment on ${key}`, () => this.client.issueComments.addComment({ issueIdOrKey: key, comment: linesDoc(lines) }));
  }

  async listComments(key: string): Promise<string[]> {
    const texts: string[] = [];
    for (let startAt = 0; ; ) {
      const page = await this.call(`read the comments of ${key}`, () => this.client.issueComments.getComments({ issueIdOrKey: key, startAt, maxResults: 100, orderBy: 'created' }));
      const comments = page.comments ?? [];
      texts.push(...comments.map((c) => adfToText(c.body)));
      startAt += comments.length;
      if (comments.length === 0 || startAt >= (page.total ?? 0)) return texts;
    }
  }

  async transition(key: string, name: string): Promise<boolean> {
    const available = await this.call(`read the transitions of ${key}`, () => this.client.issues.getTransitions({ issueIdOrKey: key }));
    const wanted = name.toLowerCase();
    const match = available.transitions?.find((t) => t.name?.toLowerCase() === wanted || t.to?.name?.toLowerCase() === wanted);
    if (!match?.id) return false;
    const id = match.id;
    try {
      await this.client.issues.doTransition({ issueIdOrKey: key, transition: { id } });
    } catch (error) {
      // The issue moved between reading and applying (someone else transitioned it): nothing to apply now.
      if ((error as { status?: number }).status === 400) return false;
      throw classifyJiraError(`move ${key} to ${name}`, error);
    }
    return true;
  }

  /** jira.js sends it as multipart/form-data with the `X-Atlassian-Token: no-check` header Jira demands. */
  async attachFile(key: string, name: string, content: string, mimeType?: string): Promise<void> {
    await this.call(`attach ${name} to ${key}`, () =>
      this.client.issueAttachments.addAttachment({ issueIdOrKey: key, attachment: { filename: name, file: content, ...(mimeType ? { mimeType } : {}) } }),
    );
  }

  async listAttachments(key: string): Promise<IssueAttachment[]> {
    const issue = await this.call(`read the attachments of ${key}`, () => this.client.issues.getIssue({ issueIdOrKey: key, fields: ['attachment'] }));
    return (issue.fields.attachment ?? []).map((a) => ({ filename: a.filename ?? '', size: a.size ?? 0 }));
  }

  async setFields(key: string, fields: Record<string, string | null>): Promise<void> {
    await this.call(`set fields ${Object.keys(fields).join(', ')} on ${key}`, () => this.client.issues.editIssue({ issueIdOrKey: key, fields }));
  }

  async readIssue(key: string, fieldIds: readonly string[] = []): Promise<IssueState | null> {
    let issue: { key: string; fields: unknown };
    try {
      issue = await this.client.issues.getIssue({ issueIdOrKey: key, fields: ['summary', 'issuetype', 'project', 'status', 'labels', 'reporter', ...fieldIds] });
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw classifyJiraError(`read ${key}`, error);
    }
    const f = issue.fields as Record<string, unknown> & {
      summary?: string;
      issuetype?: { name?: string };
      project?: { key?: string };
      status?: { name?: string };
      labels?: string[];
      reporter?: { accountId?: string; displayName?: string; emailAddress?: string };
    };
    return {
      key: issue.key,
      status: f.status?.name ?? '',
      labels: f.labels ?? [],
      issueType: f.issuetype?.name ?? '',
      project: f.project?.key ?? '',
      summary: f.summary ?? '',
      reporter: toActor(f.reporter),
      fields: Object.fromEntries(fieldIds.map((id) => [id, fieldText(f[id])])),
    };
  }

  async changelog(key: string): Promise<IssueChange[]> {
    const entries: IssueChange[] = [];
    for (let startAt = 0; ; ) {
      const page = await this.call(`read the changelog of ${key}`, () => this.client.issues.getChangeLogs({ issueIdOrKey: key, startAt, maxResults: 100 }));
      const values = page.values ?? [];
      for (const entry of values) {
        if (!entry.id) continue;
        entries.push({
          id: entry.id,
          at: new Date(entry.created ?? 0),
          author: toActor(entry.author),
          items: (entry.items ?? []).map((item) => ({ field: item.field ?? item.fieldId ?? '', from: item.fromString ?? null, to: item.toString ?? null })),
        });
      }
      startAt += values.length;
      if (values.length === 0 || page.isLast === true || (page.total !== undefined && startAt >= page.total)) return entries;
    }
  }

  async userEmail(accountId: string): Promise<string | null> {
    try {
      const found = await this.client.users.getUserEmail({ accountId });
      return found.email?.trim() || null;
    } catch (error) {
      // Refused (the look-up is for apps Atlassian approved) or no such user: Jira will not say.
      const status = statusOf(error);
      if (status === 401 || status === 403 || status === 404) return null;
      throw classifyJiraError(`read the email of Jira user ${accountId}`, error);
    }
  }

  async selfAccountId(): Promise<string> {
    if (this.selfId) return this.selfId;
    const me = await this.call('read the Jira account Keycard writes as', () => this.client.myself.getCurrentUser());
    if (!me.accountId) throw new PermanentError('Jira did not say which account Keycard writes as (GET /rest/api/3/myself has no accountId)');
    this.selfId = me.accountId;
    return me.accountId;
  }

  async removeLabel(key: string, label: string): Promise<void> {
    await this.call(`take the label ${label} off ${key}`, () => this.client.issues.editIssue({ issueIdOrKey: key, update: { labels: [{ remove: label }] } }));
  }

  async checkHealth(): Promise<void> {
    await this.call(`read project ${this.settings.projectKey}`, () => this.client.projects.getProject({ projectIdOrKey: this.settings.projectKey }));
  }
}
