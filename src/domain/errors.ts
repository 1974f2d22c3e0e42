/**
 * Typed errors with a stable `code`. Expected outcomes (a refused click, a request already decided) are
 * results, not errors: workflows return them and the Slack listeners word them. These errors are for what
 * stops Keycard (`config`, `catalog`: src/main.ts prints the message and exits) and for a programming
 * error (`invalid_transition`: a move the state machine does not allow).
 */
export type KeycardErrorCode = 'invalid_transition' | 'config' | 'catalog' | 'startup';

export class KeycardError extends Error {
  constructor(
    readonly code: KeycardErrorCode,
    message: string,
    /** Words for the Slack user; defaults to the message. */
    readonly userMessage: string = message,
  ) {
    super(message);
    this.name = 'KeycardError';
  }
}

/**
 * A failed call to an external system that may succeed later (429, 5xx, timeouts, connection errors).
 * `retryAfterMs` carries the service's own back-off signal when it sent one.
 */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    /** `cause`: the SDK's own error, kept so the start-up checks can word it (src/jobs/health.ts). */
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'RetryableError';
  }
}

/** A failed call that will fail the same way again (unknown user or group, bad credentials, 4xx). */
export class PermanentError extends Error {
  /** `cause`: the SDK's own error, kept so the start-up checks can word it (src/jobs/health.ts). */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/**
 * Keycard held a call back itself to stay under a service's rate limit. Not a failure: the job waits
 * `retryAfterMs` and does not use up an attempt.
 */
export class ThrottledError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = 'ThrottledError';
  }
}

/** Why an email did not lead to exactly one active identity-provider account. */
export type IdentityMatchCode = 'ambiguous' | 'inactive';

/** One account an email matched, as an admin needs to find it in the provider's console. */
export interface MatchedAccount {
  /** The provider's user id. */
  readonly id: string;
  /** The sign-in name (Okta login, Entra userPrincipalName, Google primary email). */
  readonly login: string;
  /** The provider's own word for the account's state (`ACTIVE`, `SUSPENDED`, `disabled`, `guest`...). */
  readonly status: string;
}

/**
 * An email matched several active accounts, or only accounts that are not active. Granting to any of
 * them would be a guess, so this is permanent: an admin fixes the directory, then retries. The message
 * names every account, because it is what the admin alert shows. (No account at all is not this error:
 * `findUserByEmail` answers null and the caller words it.)
 */
export class IdentityMatchError extends PermanentError {
  constructor(
    readonly code: IdentityMatchCode,
    readonly provider: string,
    readonly email: string,
    readonly accounts: readonly MatchedAccount[],
  ) {
    super(identityMatchMessage(code, provider, email, accounts));
    this.name = 'IdentityMatchError';
  }
}

function identityMatchMessage(code: IdentityMatchCode, provider: string, email: string, accounts: readonly MatchedAccount[]): string {
  const listed = accounts.map((a) => `${a.id} (${a.login}, ${a.status})`).join('; ');
  if (code === 'ambiguous') {
    return `${accounts.length} ${provider} accounts have the email ${email}: ${listed}. Keycard grants to exactly one active account: deactivate or re-address the extra ones in ${provider}, then retry`;
  }
  const which = accounts.length === 1 ? `the only ${provider} account with the email ${email} is` : `every ${provider} account with the email ${email} is`;
  return `${which} not active: ${listed}. Reactivate the right account in ${provider}, then retry`;
}
