/**
 * Changes made in Jira that Keycard acted on, one per changelog entry: `claim` is the idempotency check of
 * every action taken from Jira (a repeated webhook finds its entry claimed and does nothing).
 */
import { asc, eq } from 'drizzle-orm';
import type { Db } from './db.js';
import { jiraEvents } from './schema.js';

export type JiraEventRow = typeof jiraEvents.$inferSelect;
export type NewJiraEvent = Omit<JiraEventRow, 'id' | 'createdAt'>;

export class JiraEventsRepo {
  constructor(private readonly db: Db) {}

  /** Records the entry as acted on; false (and nothing written) when it was already. Call inside the action's transaction. */
  claim(event: NewJiraEvent, now: Date): boolean {
    return this.db.insert(jiraEvents).values({ ...event, createdAt: now.getTime() }).onConflictDoNothing({ target: jiraEvents.changelogId }).run().changes === 1;
  }

  get(changelogId: string): JiraEventRow | undefined {
    return this.db.select().from(jiraEvents).where(eq(jiraEvents.changelogId, changelogId)).get();
  }

  forIssue(issueKey: string): JiraEventRow[] {
    return this.db.select().from(jiraEvents).where(eq(jiraEvents.issueKey, issueKey)).orderBy(asc(jiraEvents.id)).all();
  }
}
