/**
 * Plays Jira's part towards Keycard's `POST /webhooks/jira`: the webhook Jira Cloud sends after a change
 * (built by the Jira fake from the issue's latest changelog entry), signed with `X-Hub-Signature` as an
 * admin webhook with a secret is, or Jira Automation's "Send web request" with the secret as a token.
 * Also the settings and workflow the Jira → Keycard scenarios run with.
 */
import { createHmac } from 'node:crypto';
import type { JiraFake } from '../fakes/jira.js';
import type { Harness } from './harness.js';

export const JIRA_WEBHOOK_SECRET = 'jira-webhook-secret-for-tests-0123456789';

/** Keycard's settings for deciding and revoking in Jira. */
export const JIRA_INBOUND_ENV = {
  JIRA_WEBHOOK_SECRET,
  JIRA_STATUS_APPROVED: 'Approved',
  JIRA_STATUS_DECLINED: 'Declined',
  JIRA_REVOKE_STATUS: 'Revoke access',
  JIRA_REVOKE_LABEL: 'keycard-revoke',
} as const;

/** A workflow with Approved, Declined and Revoke access, and a way back to To Do from anywhere. */
export function useApprovalWorkflow(jira: JiraFake): void {
  jira.setWorkflow([
    { id: '11', name: 'In Progress', to: 'In Progress' },
    { id: '21', name: 'Done', to: 'Done' },
    { id: '31', name: 'Decline', to: 'Declined' },
    { id: '41', name: 'Approve', to: 'Approved' },
    { id: '51', name: 'Reopen', to: 'To Do' },
    { id: '61', name: 'Revoke access', to: 'Revoke access' },
  ]);
}

export type WebhookAuth =
  | { readonly kind: 'signature'; readonly secret?: string }
  | { readonly kind: 'token-header'; readonly token?: string }
  | { readonly kind: 'token-query'; readonly token?: string }
  | { readonly kind: 'none' };

export interface WebhookAnswer {
  readonly status: number;
  readonly json: unknown;
}

export function signature(body: string, secret: string = JIRA_WEBHOOK_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Posts a body to the webhook as it is, authenticated as asked. */
export async function postJiraWebhook(baseUrl: string, body: string, auth: WebhookAuth = { kind: 'signature' }, extraHeaders: Record<string, string> = {}): Promise<WebhookAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...extraHeaders };
  let url = `${baseUrl}/webhooks/jira`;
  if (auth.kind === 'signature') headers['x-hub-signature'] = signature(body, auth.secret);
  if (auth.kind === 'token-header') headers['x-keycard-token'] = auth.token ?? JIRA_WEBHOOK_SECRET;
  if (auth.kind === 'token-query') url += `?token=${encodeURIComponent(auth.token ?? JIRA_WEBHOOK_SECRET)}`;
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json };
}

/**
 * Jira Cloud's `jira:issue_updated` webhook for the issue's latest change, signed (or as `auth` says), then
 * everything settles. Returns Keycard's answer and the body sent (to deliver it again).
 */
export async function deliverJiraChange(h: Harness, key: string, auth: WebhookAuth = { kind: 'signature' }): Promise<WebhookAnswer & { body: string }> {
  const body = JSON.stringify(h.jira.webhookBody(key));
  const answer = await postJiraWebhook(h.keycard.baseUrl ?? '', body, auth, { 'x-atlassian-webhook-identifier': `wh-${key}-${h.jira.changelog(key).length}` });
  await h.settle();
  return { ...answer, body };
}

/** The body a Jira Automation rule sends with a custom body of `{"issue": {"key": "{{issue.key}}"}}`. */
export function automationBody(key: string): string {
  return JSON.stringify({ issue: { key } });
}
