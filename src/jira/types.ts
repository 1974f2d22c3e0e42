/**
 * The ticketing port: Jira is the system of record for every request.
 * Errors follow the identity port: `PermanentError` for what will not change, `RetryableError` otherwise.
 */
import type { AdfDoc } from './adf.js';

export interface CreatedIssue {
  readonly key: string;
  readonly url: string;
}

export interface Ticketing {
  /** Creates an issue labelled with `label` so a retry can find it instead of creating a second one. */
  createIssue(input: { summary: string; description: AdfDoc; label: string }): Promise<CreatedIssue>;
  findIssueByLabel(label: string): Promise<CreatedIssue | null>;
  addComment(key: string, body: AdfDoc): Promise<void>;
  /** The plain text of every comment on the issue, oldest first. */
  listComments(key: string): Promise<string[]>;
  /** Applies the named transition; false (and no change) when the issue's workflow has none by that name. */
  transition(key: string, name: string): Promise<boolean>;
  /** Sets fields by id (custom date-time fields take ISO 8601 strings; null clears). */
  setFields(key: string, fields: Record<string, string | null>): Promise<void>;
  issueUrl(key: string): string;
  checkHealth(): Promise<void>;
}
