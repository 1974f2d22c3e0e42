/**
 * The start-up health checks: every integration is checked at once and every failure is named in one
 * message, so an operator fixes them all in one go instead of one restart per problem.
 *
 * This is the one place that words a failed check for an operator: which service, what it said in plain
 * words (a refused token, a missing permission, a host that cannot be reached) and which setting to look at.
 * The adapters keep the SDK's error as `cause`, so the wording here does not depend on each adapter's text.
 */
import type { HealthTarget } from '../domain/settings.js';

export type { HealthTarget } from '../domain/settings.js';

export interface HealthCheck {
  /** What the operator sees before the error, e.g. `Jira` or `Okta`. */
  readonly name: string;
  /** The settings behind this service; without it the failure is shown as the error's own message. */
  readonly target?: HealthTarget;
  readonly run: () => Promise<unknown>;
}

/** Slack's answers that mean the token itself was refused. */
const SLACK_REFUSED = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'not_allowed_token_type']);

/** Network failures, in plain words; the host comes from the setting, which is what the operator can change. */
const NETWORK_REASONS: Readonly<Record<string, string>> = {
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the name could not be looked up',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  ETIMEDOUT: 'timed out',
  ECONNABORTED: 'timed out',
  UND_ERR_CONNECT_TIMEOUT: 'timed out',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'the network is unreachable',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified',
};

/** File-system failures (the database), in plain words. */
const FILE_REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EEXIST: 'a file stands where a folder is needed',
  ENOTDIR: 'a file stands where a folder is needed',
  EISDIR: 'it is a folder, not a file',
  SQLITE_CANTOPEN: 'the file cannot be opened',
  SQLITE_READONLY: 'the file is read-only',
  SQLITE_NOTADB: 'it is not a SQLite database',
  SQLITE_CORRUPT: 'the database file is damaged',
  SQLITE_FULL: 'the disk is full',
};

interface Facts {
  status?: number;
  slackError?: string;
  /** Slack's `needed` scope on missing_scope. */
  needed?: string;
  network?: string;
  file?: string;
  /** The message of the error the fact came from: what the service (or the socket) said. */
  said?: string;
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
}

/**
 * The facts in an error and its causes: Keycard's errors wrap the SDK's (`cause`), Slack's request errors
 * keep the fetch error in `original`, fetch keeps the socket error in `cause`.
 */
function factsOf(error: unknown): Facts {
  const facts: Facts = {};
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current) && seen.size < 8) {
    seen.add(current);
    const e = record(current);
    if (!e) break;
    const message = typeof e['message'] === 'string' ? e['message'] : undefined;
    const status = [e['status'], e['statusCode'], record(e['response'])?.['status']].find((v): v is number => typeof v === 'number' && v >= 100);
    if (facts.status === undefined && status !== undefined) {
      facts.status = status;
      facts.said = message;
    }
    const data = record(e['data']);
    if (facts.slackError === undefined && typeof data?.['error'] === 'string' && e['code'] === 'slack_webapi_platform_error') {
      facts.slackError = data['error'];
      if (typeof data['needed'] === 'string') facts.needed = data['needed'];
      facts.said = message;
    }
    const code = typeof e['code'] === 'string' ? e['code'] : undefined;
    if (facts.network === undefined && code !== undefined && code in NETWORK_REASONS) {
      facts.network = code;
      facts.said ??= message;
    }
    if (facts.file === undefined && code !== undefined && code in FILE_REASONS) facts.file = code;
    current = e['cause'] ?? e['original'];
  }
  return facts;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One failed check as the operator reads it: `Service: plain reason (what the service said); check SETTING`.
 * A failure it cannot place in a class keeps the adapter's own message, which already names what to check.
 */
export function describeFailure(check: Pick<HealthCheck, 'name' | 'target'>, error: unknown): string {
  const target = check.target;
  if (!target) return `${check.name}: ${messageOf(error)}`;
  const facts = factsOf(error);
  const said = (text: string | undefined) => (text && text !== '' ? ` (${text.replace(/\s+$/, '').replace(/\.$/, '')})` : '');
  const credentials = target.credentials.join(' and ');
  if (facts.status === 401 || (facts.slackError !== undefined && SLACK_REFUSED.has(facts.slackError))) {
    return `${check.name}: the token was refused${said(facts.said)}; check ${credentials}`;
  }
  if (facts.status === 403 || facts.slackError === 'missing_scope') {
    const permission = facts.needed ?? target.permission ?? 'it needs';
    return `${check.name}: the token lacks permission ${permission}${said(facts.said)}; check ${credentials}`;
  }
  if (facts.network !== undefined) {
    return `${check.name}: cannot reach ${hostOf(target.address.url)} (${NETWORK_REASONS[facts.network] ?? facts.network}); check ${target.address.setting} and the network`;
  }
  if (facts.file !== undefined) {
    return `${check.name}: cannot open ${target.address.url} (${FILE_REASONS[facts.file] ?? facts.file}); check ${target.address.setting}`;
  }
  return `${check.name}: ${messageOf(error)}; check ${[target.address.setting, ...target.credentials].join(', ')}`;
}

/** Runs every check concurrently; resolves to one line per failure, in the checks' order. */
export async function failedHealthChecks(checks: readonly HealthCheck[]): Promise<string[]> {
  // allSettled attaches a handler to every check at once: a check that fails while an earlier one is
  // still running is never an unhandled rejection. The async wrapper turns a synchronous throw into a failure too.
  const results = await Promise.allSettled(checks.map(async (check) => check.run()));
  const failures: string[] = [];
  results.forEach((result, index) => {
    if (result.status === 'fulfilled') return;
    const check = checks[index];
    failures.push(check ? describeFailure(check, result.reason) : `check: ${messageOf(result.reason)}`);
  });
  return failures;
}

/** The one message naming every failed check. */
export function healthFailureMessage(failures: readonly string[]): string {
  return `Keycard start-up checks failed:\n${failures.map((f) => `  - ${f}`).join('\n')}`;
}

/** Throws one error naming every failed check; resolves when all pass. */
export async function runHealthChecks(checks: readonly HealthCheck[]): Promise<void> {
  const failures = await failedHealthChecks(checks);
  if (failures.length > 0) throw new Error(healthFailureMessage(failures));
}
