/**
 * Typed errors with a stable `code`. One mapper (src/slack/errors.ts) turns them into what a user sees.
 */
export type KeycardErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'not_authorized'
  | 'self_approval'
  | 'already_decided'
  | 'invalid_transition'
  | 'config'
  | 'catalog';

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
  ) {
    super(message);
    this.name = 'RetryableError';
  }
}

/** A failed call that will fail the same way again (unknown user or group, bad credentials, 4xx). */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
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
