/**
 * `POST /webhooks/jira`: Jira tells Keycard that an issue changed. Served next to /slack/events in HTTP
 * mode and on the operator server (PORT) in Socket Mode; absent (404) unless JIRA_WEBHOOK_SECRET is set.
 *
 * Authentication, with JIRA_WEBHOOK_SECRET, compared in constant time:
 * - Jira Cloud webhooks registered with that secret sign the raw body: `X-Hub-Signature: sha256=<hex>`
 *   (HMAC-SHA256 of the body, WebSub's `method=signature`). When the header is there it must match.
 * - Otherwise (Jira Automation's "Send web request" cannot sign) the secret itself, as the header
 *   `X-Keycard-Token` or the query parameter `token`.
 * Anything else is 401. The body is read up to a limit (413 past it) and only names the issue: the handler
 * re-reads the issue from Jira before it acts (src/workflows/inbound/). Neither the secret nor a token
 * that was sent is ever logged.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Secret } from '../domain/settings.js';
import type { DeliveryResult, JiraDelivery } from '../workflows/inbound/index.js';

export const JIRA_WEBHOOK_PATH = '/webhooks/jira';
export const JIRA_TOKEN_HEADER = 'x-keycard-token';
/** Jira's issue events carry the whole issue; a megabyte is far more than one needs, and bounds what is buffered. */
export const JIRA_WEBHOOK_BODY_LIMIT = 1024 * 1024;

export interface JiraWebhookDeps {
  readonly secret: Secret;
  /** Queues the delivery for the handler that claims it (synchronous: it only writes the queue). */
  readonly receive: (delivery: JiraDelivery) => DeliveryResult;
  readonly logger: Logger;
  readonly bodyLimit?: number;
}

export type WebhookAuth = { readonly ok: true; readonly via: 'signature' | 'token' } | { readonly ok: false; readonly reason: string };

function sha256(value: string | Buffer): Buffer {
  return createHash('sha256').update(value).digest();
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Checks the signature when there is one, else the token; never says more than which check failed. */
export function authenticateJiraWebhook(headers: { signature?: string; token?: string }, rawBody: Buffer, secret: Secret): WebhookAuth {
  if (headers.signature !== undefined) {
    const match = /^sha256=([0-9a-f]{64})$/i.exec(headers.signature.trim());
    if (!match?.[1]) return { ok: false, reason: 'X-Hub-Signature is not sha256=<64 hex digits>' };
    const expected = createHmac('sha256', secret.reveal()).update(rawBody).digest();
    return timingSafeEqual(Buffer.from(match[1], 'hex'), expected) ? { ok: true, via: 'signature' } : { ok: false, reason: 'X-Hub-Signature does not match the body' };
  }
  if (headers.token !== undefined && headers.token !== '') {
    // Digests of equal length, so the comparison's time says nothing about the secret.
    return timingSafeEqual(sha256(headers.token), sha256(secret.reveal())) ? { ok: true, via: 'token' } : { ok: false, reason: 'the token does not match' };
  }
  return { ok: false, reason: 'neither X-Hub-Signature nor a token was sent' };
}

const ISSUE_KEY_RE = /^[A-Z][A-Z0-9_]{0,9}-[1-9][0-9]*$/;

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/**
 * The issue a body names, and the hints it gives: a Jira Cloud webhook (`issue.key`, `webhookEvent`,
 * `changelog.items`), Jira Automation's "Issue data" bodies (`issue.key`, or `key` at the top) or a custom
 * body naming `issueKey`. A string saying what is wrong when it names no issue.
 */
export function parseJiraDelivery(body: unknown): JiraDelivery | string {
  const top = record(body);
  if (!top) return 'the body must be a JSON object naming the issue (issue.key, key or issueKey)';
  const issue = record(top['issue']);
  const rawKey = text(issue?.['key']) ?? text(top['key']) ?? text(top['issueKey']);
  if (!rawKey) return 'the body names no issue: send its key as issue.key, key or issueKey (in Jira Automation: {{issue.key}})';
  const issueKey = rawKey.toUpperCase();
  if (!ISSUE_KEY_RE.test(issueKey)) return `'${rawKey.slice(0, 40)}' is not a Jira issue key (like ACCESS-12)`;
  const fields = record(issue?.['fields']) ?? record(top['fields']);
  const event = text(top['webhookEvent']);
  const items = record(top['changelog'])?.['items'];
  // A Jira Cloud webhook lists what changed; one without a changelog changed no field (a comment). A body
  // from Jira Automation says nothing about it (null: unknown).
  const changedFields = Array.isArray(items) ? items.map((item) => text(record(item)?.['field']) ?? '').filter(Boolean) : event ? [] : null;
  return { issueKey, event, issueType: text(record(fields?.['issuetype'])?.['name']), changedFields };
}

function answer(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/** Reads the body, or null once it is past `limit` (the rest is drained, not kept). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(header(req, 'content-length'));
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      resolve(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      if (!over) chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function createJiraWebhookHandler(deps: JiraWebhookDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const limit = deps.bodyLimit ?? JIRA_WEBHOOK_BODY_LIMIT;
  const log = deps.logger.child({ component: 'jira-webhook' });
  return (req, res) => {
    void (async () => {
      if (req.method !== 'POST') {
        answer(res, 405, { ok: false, error: 'POST only' }, { allow: 'POST' });
        return;
      }
      const raw = await readBody(req, limit);
      if (raw === null) {
        log.warn({ limit }, 'Jira webhook refused: body too large');
        answer(res, 413, { ok: false, error: `the body is larger than ${limit} bytes` }, { connection: 'close' });
        return;
      }
      const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
      const auth = authenticateJiraWebhook({ signature: header(req, 'x-hub-signature'), token: header(req, JIRA_TOKEN_HEADER) ?? query.get('token') ?? undefined }, raw, deps.secret);
      if (!auth.ok) {
        log.warn({ reason: auth.reason, webhookId: header(req, 'x-atlassian-webhook-identifier') }, 'Jira webhook refused: not authenticated');
        answer(res, 401, { ok: false, error: 'not authenticated: sign with X-Hub-Signature (the webhook secret) or send the secret as X-Keycard-Token' });
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        answer(res, 400, { ok: false, error: 'the body is not JSON' });
        return;
      }
      const delivery = parseJiraDelivery(body);
      if (typeof delivery === 'string') {
        log.warn({ problem: delivery }, 'Jira webhook refused: no issue named');
        answer(res, 400, { ok: false, error: delivery });
        return;
      }
      const result = deps.receive(delivery);
      answer(res, 200, result.kind === 'queued' ? { ok: true, queued: result.handler } : { ok: true, ignored: true });
    })().catch((error: unknown) => {
      log.error({ err: error instanceof Error ? error.message : String(error) }, 'Jira webhook failed; Jira will retry');
      answer(res, 500, { ok: false, error: 'Keycard could not take the delivery; Jira retries it' });
    });
  };
}
