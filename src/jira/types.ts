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
 * An issue as Keycard re-reads it before acting on it: what a webhook's body says is never trusted, the
 * issue is read back from Jira by its key.
 */
export interface IssueFacts {
  readonly key: string;
  readonly project: string;
  /** The issue type's name (`Task`, `Offboarding`). */
  readonly type: string;
  readonly summary: string;
  readonly status: string;
  readonly labels: readonly string[];
  /** Who filed it; `email` is null when Jira hides it (the person's profile visibility). */
  readonly reporter: { readonly accountId: string; readonly email: string | null; readonly name: string } | null;
  /**
   * Each field asked for, by id, as text: a string as it is, rich text as its plain text, a user as their
   * email, an option as its value, a list as its items joined with commas; null when unset.
   */
  readonly fields: Readonly<Record<string, string | null>>;
}

export interface Ticketing {
  /** Creates an issue labelled with `label` so a retry can find it instead of creating a second one. */
  createIssue(input: { summary: string; description: IssueDescription; label: string }): Promise<CreatedIssue>;
  findIssueByLabel(label: string): Promise<CreatedIssue | null>;
  /** The issue read back from Jira with the fields named (custom field ids); null when there is no such issue. */
  readIssue(key: string, fieldIds?: readonly string[]): Promise<IssueFacts | null>;
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
}
