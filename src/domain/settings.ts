/**
 * Building blocks for environment settings, shared by `src/config.ts` and each identity provider's
 * `settings.ts`: a secret wrapper, the rule for API base URLs, and the zod pieces every setting reuses.
 * Pure: the caller passes the environment.
 */
import { z } from 'zod';

/** The environment as read: variable name to raw text. */
export type RawEnv = Readonly<Record<string, string | undefined>>;

/** A secret value: prints as [redacted] in logs, JSON and string templates. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[redacted]';
  }
}

/**
 * A loopback host as the URL parser gives it: 127.0.0.0/8, localhost or [::1]. The parser has already
 * turned other spellings (127.1, 0x7f000001, [0:0::1]) into these forms.
 */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** https, or plain http on a loopback host (a fake in tests, a local proxy). */
function isHttpsOrLoopback(value: string): boolean {
  const url = new URL(value);
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

/** Unset or blank is undefined; anything else is trimmed. */
export const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/**
 * The base URL of an API Keycard sends credentials to: https, or plain http only on loopback. `httpsOnly`
 * refuses http even there, for clients that do (e.g. @azure/identity's authority host).
 */
export function apiUrl(name: string, options: { readonly example?: string; readonly httpsOnly?: boolean } = {}) {
  const url = z.string().url(`${name} must be a URL like ${options.example ?? 'https://example.com'}`);
  if (options.httpsOnly) return url.refine((v) => new URL(v).protocol === 'https:', `${name} must use https://`);
  return url.refine(isHttpsOrLoopback, `${name} must use https:// (plain http:// is allowed only for loopback hosts: 127.x.x.x, localhost or [::1])`);
}

/** An optional pace in calls a minute; at least 1. */
export function callsPerMinute(name: string) {
  const message = `${name} must be at least 1 (a whole number of calls a minute)`;
  return optionalText.pipe(z.coerce.number({ invalid_type_error: message }).int(message).min(1, message).optional());
}

/** One line per zod issue, each naming its variable. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '');
    return issue.message.includes(name) ? issue.message : `${name}: ${issue.message}`;
  });
}

/** Settings that only work together: when one is set, each missing one is a problem naming it. */
export function requiredTogether(env: RawEnv, names: readonly string[], when: string): string[] {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  if (!names.some(set)) return [];
  return names.filter((name) => !set(name)).map((name) => `${name} is required when ${when} is set`);
}

/** Where a service's start-up check points the operator: the settings behind its address and its credentials. */
export interface HealthTarget {
  /** The settings that hold its credentials, named when the service refuses them. */
  readonly credentials: readonly string[];
  /** The setting that holds its address and the address itself, named when it cannot be reached. */
  readonly address: { readonly setting: string; readonly url: string };
  /** What the credentials need, named when the service answers 403 without saying. */
  readonly permission?: string;
}
