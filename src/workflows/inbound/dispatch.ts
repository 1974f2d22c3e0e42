/**
 * Jira → Keycard: a webhook delivery names an issue; a handler claims it and the durable queue carries it out.
 *
 * The delivery's body is only a hint (which issue, maybe its type and which fields changed): whoever acts
 * re-reads the issue and its changelog from Jira in the job (`JiraIssueHandler.handle`). Handlers are listed
 * in the composition root (src/keycard.ts, `jiraIssueHandlers`), first claim wins; an issue nobody claims
 * is answered 200 and logged. Other kinds of issue (offboarding, onboarding) plug in as handlers of their own.
 */
import { PermanentError } from '../../domain/errors.js';
import type { JobOf } from '../../store/jobs.repo.js';
import type { SideEffectDeps, WorkflowDeps } from '../shared/deps.js';

/** What a webhook said, as received: never acted on, only used to pick a handler and skip needless work. */
export interface JiraDelivery {
  readonly issueKey: string;
  /** `jira:issue_updated`, `jira:issue_created`, …; null for a Jira Automation web request. */
  readonly event: string | null;
  /** The issue type's name, when the body carries the issue's fields. */
  readonly issueType: string | null;
  /**
   * Fields the delivery's changelog says changed (`status`, `labels`); empty for a Jira webhook that changed
   * no field (a comment, an issue created); null when the body does not say (Jira Automation).
   */
  readonly changedFields: readonly string[] | null;
}

/** One kind of issue Keycard acts on. */
export interface JiraIssueHandler {
  /** Stable name, stored with queued jobs (`request`; the lifecycle work adds `offboarding`, `onboarding`). */
  readonly kind: string;
  /** Whether the delivery is this handler's, from Keycard's own records and the delivery's hints. Fast and synchronous. */
  claims(deps: WorkflowDeps, delivery: JiraDelivery): boolean;
  /** Carries it out in the job queue: re-reads the issue from Jira and acts. A RetryableError retries it. */
  handle(deps: SideEffectDeps, issueKey: string): Promise<void>;
}

export type DeliveryResult = { readonly kind: 'queued'; readonly handler: string } | { readonly kind: 'ignored' };

function orderKey(issueKey: string): string {
  return `jira-in:${issueKey}`;
}

/**
 * Queues the delivery for the first handler that claims it. Deliveries of one issue run in order, and one
 * still waiting covers the next (it reads the changelog when it runs, so it sees both changes).
 */
export function receiveJiraDelivery(deps: WorkflowDeps, handlers: readonly JiraIssueHandler[], delivery: JiraDelivery): DeliveryResult {
  const handler = handlers.find((h) => h.claims(deps, delivery));
  if (!handler) {
    deps.logger.info({ jiraKey: delivery.issueKey, event: delivery.event }, 'Jira webhook ignored: not an issue Keycard acts on');
    return { kind: 'ignored' };
  }
  const { store } = deps;
  const key = orderKey(delivery.issueKey);
  const queued = store.tx(() => {
    if (store.jobs.hasPending('jira.inbound', key)) return false;
    store.jobs.enqueue({ kind: 'jira.inbound', payload: { issueKey: delivery.issueKey, handler: handler.kind }, orderKey: key }, deps.clock.now());
    return true;
  });
  deps.logger.info({ jiraKey: delivery.issueKey, event: delivery.event, handler: handler.kind, coalesced: !queued }, 'Jira webhook queued');
  return { kind: 'queued', handler: handler.kind };
}

export async function jiraInboundJob(deps: SideEffectDeps, handlers: readonly JiraIssueHandler[], job: JobOf<'jira.inbound'>): Promise<void> {
  const handler = handlers.find((h) => h.kind === job.payload.handler);
  if (!handler) throw new PermanentError(`no Jira issue handler '${job.payload.handler}' is registered (known: ${handlers.map((h) => h.kind).join(', ') || 'none'})`);
  await handler.handle(deps, job.payload.issueKey);
}
