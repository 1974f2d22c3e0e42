/**
 * `views.open` with a view that is already JSON text (the `/request` form), sent as one JSON POST.
 *
 * Through the WebClient the same call cost a `/request` about a tenth of its CPU and most of its garbage:
 * the WebClient URL-encodes the view's JSON (every brace and quote becomes %XX: 25 kB of short strings per
 * call for Keycard's form), and deep-copies and serialises the whole answer (Slack echoes the view) for a
 * debug line it builds whether or not debug is on. Here the body is the view's text spliced into a JSON
 * envelope, and the answer is read for what the WebClient acts on: `ok`, `error` and the warnings it logs.
 * Failures throw the WebClient's own error classes, so `app.error` logs them as it did.
 */
import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError, type Logger, type WebClient } from '@slack/web-api';

export interface OpenViewContext {
  /** The WebClient Bolt gave the listener: its token and API address, so the call is authorised the same way. */
  readonly client: Pick<WebClient, 'token' | 'slackApiUrl'>;
  /** Bolt's logger, which the WebClient would have used for Slack's warnings. */
  readonly logger: Pick<Logger, 'warn' | 'error'>;
  /** The request's workspace, which the WebClient adds to every call as `team_id`. */
  readonly teamId?: string | undefined;
}

interface SlackAnswer {
  readonly ok?: unknown;
  readonly error?: unknown;
  readonly response_metadata?: { readonly warnings?: unknown; readonly messages?: unknown };
}

function isAnswer(value: unknown): value is SlackAnswer {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** What the WebClient logs from an answer's `response_metadata` (apiCall in @slack/web-api). */
function logSlackNotes(answer: SlackAnswer, logger: OpenViewContext['logger']): void {
  for (const warning of strings(answer.response_metadata?.warnings)) logger.warn(warning);
  for (const message of strings(answer.response_metadata?.messages)) {
    const error = /\[ERROR\](.*)/.exec(message);
    const warn = /\[WARN\](.*)/.exec(message);
    if (error) logger.error((error[1] ?? '').trim());
    else if (warn) logger.warn((warn[1] ?? '').trim());
  }
}

/** Opens `viewJson` (a serialised modal) with `triggerId`; throws as `client.views.open` would. */
export async function openViewJson(ctx: OpenViewContext, triggerId: string, viewJson: string): Promise<void> {
  const team = ctx.teamId === undefined ? '' : `,"team_id":${JSON.stringify(ctx.teamId)}`;
  let response: Response;
  try {
    response = await fetch(`${ctx.client.slackApiUrl}views.open`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ctx.client.token ?? ''}`, 'Content-Type': 'application/json; charset=utf-8', Accept: 'application/json' },
      body: `{"trigger_id":${JSON.stringify(triggerId)}${team},"view":${viewJson}}`,
      redirect: 'error',
    });
  } catch (error) {
    throw new WebAPIRequestError(error instanceof Error ? error : new Error(String(error)));
  }
  // The trigger lives three seconds, so a rate-limited open is not worth waiting for (the WebClient would wait).
  if (response.status === 429) throw new WebAPIRateLimitedError(Number(response.headers.get('retry-after') ?? '0'));
  if (response.status !== 200) {
    throw new WebAPIHTTPError(response.status, response.statusText, Object.fromEntries(response.headers.entries()), await response.text());
  }
  const text = await response.text();
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = { ok: false, error: text };
  }
  if (!isAnswer(answer)) throw new WebAPIPlatformError({ ok: false, error: 'invalid_response' });
  logSlackNotes(answer, ctx.logger);
  if (answer.ok !== true) {
    const notes = { warnings: strings(answer.response_metadata?.warnings), messages: strings(answer.response_metadata?.messages) };
    throw new WebAPIPlatformError({ ...answer, ok: false, error: String(answer.error ?? 'unknown_error'), response_metadata: notes });
  }
}

/** Slack's errors for a trigger that cannot open anything any more (it lives three seconds, once). */
const SPENT_TRIGGER = new Set(['expired_trigger_id', 'exchanged_trigger_id', 'invalid_trigger_id']);

/**
 * What the person who typed `/request` is told when the form did not open (they would otherwise see
 * nothing): what happened in plain words, and what to do. Nothing was filed, so nothing is lost.
 */
export function formNotOpened(error: unknown): string {
  const again = 'Nothing was filed. Type `/request` again, or `/request help` for the one-line request that needs no form.';
  if (error instanceof WebAPIRateLimitedError) {
    return `:hourglass: Slack is limiting how fast Keycard may open forms (it asked to wait ${error.retryAfter} s), so the request form did not open. ${again}`;
  }
  if (error instanceof WebAPIPlatformError) {
    const code = String(error.data.error);
    if (SPENT_TRIGGER.has(code)) return `:hourglass: Slack allows 3 seconds to open the request form and that time had passed (\`${code}\`). ${again}`;
    return `:warning: Slack refused to open the request form (\`${code}\`). ${again} If it keeps happening, tell IT: the Keycard log has the details.`;
  }
  if (error instanceof WebAPIHTTPError) {
    return `:warning: Slack answered HTTP ${error.statusCode} when Keycard opened the request form. ${again}`;
  }
  return `:warning: Keycard could not reach Slack to open the request form. ${again} If it keeps happening, tell IT: the Keycard log has the details.`;
}
