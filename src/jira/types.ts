/**
 * The ticketing port: Jira is the system of record for every request.
 * Errors follow the identity port: `PermanentError` for what will not change, `RetryableError` otherwise.
 */

/**
 * An issue's description in plain domain terms; the Jira adapter alone turns it into Atlassian Document
 * Format, so no workflow knows Jira's document model.
 */
export interface IssueDescription {
  readonly intro: string;
  /** `Requester: Priya Shah (...)`: a bold label and its value, shown as a bullet list. */
  readonly facts: ReadonlyArray<{ readonly label: string; readonly value: string }>;
  readonly sections: ReadonlyArray<{ readonly heading: string; readonly text: string }>;
}

export interface CreatedIssue {
  readonly key: string;
  readonly url: string;
}

/** A file attached to an issue, as Jira lists it. */
export interface IssueAttachment {
  readonly filename: string;
  /** In bytes. */
  readonly size: number;
}

/**
 * What Keycard reads of an issue before it acts on something done in Jira: what a webhook's body says is
 * never trusted, the issue is read back by its key.
 */
export interface IssueState {
  readonly key: string;
  /** The status's name, e.g. `Approved`. */
  readonly status: string;
  readonly labels: readonly string[];
  readonly issueType: string;
  /** The project's key. */
  readonly project: string;
  readonly summary: string;
  /** Who filed it (`email` null when their profile hides it). */
  readonly reporter: JiraActor | null;
  /**
   * Each field asked for (`readIssue`'s `fieldIds`), by id, as text: a string as it is, rich text as its
   * plain text, a user as their email, an option as its value, a list as its items joined with commas; null
   * when unset.
   */
  readonly fields: Readonly<Record<string, string | null>>;
}

/** Who made a change in Jira. `email` is null when their Atlassian profile hides it from the API. */
export interface JiraActor {
  readonly accountId: string;
  readonly displayName: string;
  readonly email: string | null;
}

/** One entry of an issue's changelog: who changed which fields, when; `from`/`to` are the values as text. */
export interface IssueChange {
  readonly id: string;
  readonly at: Date;
  readonly author: JiraActor | null;
  readonly items: ReadonlyArray<{ readonly field: string; readonly from: string | null; readonly to: string | null }>;
}

export interface Ticketing {
  /** Creates an issue labelled with `label` so a retry can find it instead of creating a second one. */
  createIssue(input: { summary: string; description: IssueDescription; label: string }): Promise<CreatedIssue>;
  findIssueByLabel(label: string): Promise<CreatedIssue | null>;
  /** A comment of plain lines, one paragraph each. */
  addComment(key: string, lines: readonly string[]): Promise<void>;
  /** The plain text of every comment on the issue, oldest first. */
  listComments(key: string): Promise<string[]>;
  /** Applies the named transition; false (and no change) when the issue's workflow has none by that name. */
  transition(key: string, name: string): Promise<boolean>;
  /** Attaches a text file (sent as UTF-8); the MIME type is guessed from the name when not given. */
  attachFile(key: string, name: string, content: string, mimeType?: string): Promise<void>;
  /** The files attached to the issue, so a retry can tell whether an earlier attempt attached its file. */
  listAttachments(key: string): Promise<IssueAttachment[]>;
  /** Sets fields by id (custom date-time fields take ISO 8601 strings; null clears). */
  setFields(key: string, fields: Record<string, string | null>): Promise<void>;
  issueUrl(key: string): string;
  checkHealth(): Promise<void>;
  /** The issue as Jira has it now; null when it does not exist (or Keycard may not see it). */
  readIssue(key: string, fieldIds?: readonly string[]): Promise<IssueState | null>;
  /** The issue's whole changelog, oldest first. */
  changelog(key: string): Promise<IssueChange[]>;
  /**
   * The email of a Jira user whose profile hides it, through the unrestricted look-up (`user/email`);
   * null when Jira does not give it (only apps Atlassian approved may use that look-up).
   */
  userEmail(accountId: string): Promise<string | null>;
  /** The account id Keycard itself writes as (its own changes are not someone's decision). */
  selfAccountId(): Promise<string>;
  /** Takes a label off the issue; nothing happens when it does not carry it. */
  removeLabel(key: string, label: string): Promise<void>;
}
