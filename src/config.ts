/**
 * Configuration: `loadConfig(env)` validates every variable at once and names each bad or missing one;
 * `loadCatalog(path)` reads and validates the catalog file. Secrets are wrapped so they never print.
 */
import { readFileSync } from 'node:fs';
import cron from 'node-cron';
import { z } from 'zod';
import { isValidTimeZone, parseBusinessHours } from './domain/business-hours.js';
import { formatCatalogIssues, parseCatalog } from './domain/catalog.js';
import { parseDuration } from './domain/duration.js';
import { KeycardError } from './domain/errors.js';
import type { TimingPolicy } from './domain/policy.js';
import type { Catalog, ProviderKind } from './domain/types.js';

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

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function httpsOrLoopback(name: string) {
  return z
    .string()
    .url(`${name} must be a URL like https://example.com`)
    .refine((value) => {
      const url = new URL(value);
      return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
    }, `${name} must use https:// (plain http:// is allowed only for 127.0.0.1 or localhost)`);
}

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

function durationSetting(name: string, fallback: string) {
  return z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? fallback : v.trim()))
    .refine((v) => parseDuration(v) !== null, `${name} must be a duration like 15m, 4h or 7d`)
    .transform((v) => parseDuration(v) ?? 0);
}

function cronExpression(name: string, fallback: string) {
  return z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? fallback : v.trim()))
    .refine((v) => cron.validate(v), `${name} is not a valid cron expression (5 or 6 fields, e.g. "0 * * * * *" for every minute)`);
}

/** A Jira transition name; unset uses the default, an empty value turns the transition off. */
function transitionName(fallback: string) {
  return z
    .string()
    .optional()
    .transform((v) => (v === undefined ? fallback : v.trim() === '' ? null : v.trim()));
}

const envSchema = z.object({
  SLACK_BOT_TOKEN: z.string({ required_error: 'SLACK_BOT_TOKEN is required (Slack app > OAuth & Permissions > Bot User OAuth Token, xoxb-...)' }).min(1, 'SLACK_BOT_TOKEN is required'),
  SLACK_SIGNING_SECRET: z.string({ required_error: 'SLACK_SIGNING_SECRET is required (Slack app > Basic Information > Signing Secret)' }).min(1, 'SLACK_SIGNING_SECRET is required'),
  SLACK_APP_TOKEN: optionalText,
  SLACK_API_URL: optionalText.pipe(z.string().url('SLACK_API_URL must be a URL like https://slack.com/api/').optional()),
  PORT: optionalText.pipe(z.coerce.number({ invalid_type_error: 'PORT must be a number' }).int().min(0).max(65535).optional()),
  KEYCARD_ADMINS: optionalText,
  KEYCARD_ALERT_CHANNEL: optionalText,
  DATABASE_PATH: optionalText,
  CATALOG_PATH: optionalText,
  JIRA_HOST: optionalText.pipe(httpsOrLoopback('JIRA_HOST').optional()),
  JIRA_EMAIL: optionalText,
  JIRA_API_TOKEN: optionalText,
  JIRA_PROJECT_KEY: optionalText.pipe(z.string().regex(/^[A-Z][A-Z0-9_]{0,9}$/, 'JIRA_PROJECT_KEY must be a Jira project key like ACCESS (capital letters and digits)').optional()),
  JIRA_ISSUE_TYPE: optionalText,
  JIRA_TRANSITION_ON_APPROVED: transitionName('In Progress'),
  JIRA_TRANSITION_ON_ACTIVE: transitionName('Done'),
  JIRA_TRANSITION_ON_DENIED: transitionName('Declined'),
  OKTA_ORG_URL: optionalText.pipe(httpsOrLoopback('OKTA_ORG_URL').optional()),
  OKTA_API_TOKEN: optionalText,
  OKTA_CALLS_PER_MINUTE: optionalText.pipe(z.coerce.number().int().min(1, 'OKTA_CALLS_PER_MINUTE must be at least 1').optional()),
  ENTRA_TENANT_ID: optionalText,
  ENTRA_CLIENT_ID: optionalText,
  ENTRA_CLIENT_SECRET: optionalText,
  GRAPH_BASE_URL: optionalText.pipe(httpsOrLoopback('GRAPH_BASE_URL').optional()),
  // @azure/identity refuses a non-https authority, even on loopback.
  ENTRA_AUTHORITY_HOST: optionalText.pipe(
    z.string().url('ENTRA_AUTHORITY_HOST must be a URL like https://login.microsoftonline.com').refine((v) => new URL(v).protocol === 'https:', 'ENTRA_AUTHORITY_HOST must use https://').optional(),
  ),
  ENTRA_CALLS_PER_MINUTE: optionalText.pipe(z.coerce.number().int().min(1, 'ENTRA_CALLS_PER_MINUTE must be at least 1').optional()),
  GOOGLE_SERVICE_ACCOUNT_FILE: optionalText,
  GOOGLE_ADMIN_SUBJECT: optionalText.pipe(z.string().email('GOOGLE_ADMIN_SUBJECT must be the email of a Google Workspace admin').optional()),
  GOOGLE_API_ROOT: optionalText.pipe(
    httpsOrLoopback('GOOGLE_API_ROOT')
      .refine((v) => { const u = new URL(v); return u.pathname === '/' && !u.search && !u.hash; }, 'GOOGLE_API_ROOT must be an origin only (scheme://host:port, no path): the Google client drops any path')
      .optional(),
  ),
  GOOGLE_TOKEN_URL: optionalText.pipe(httpsOrLoopback('GOOGLE_TOKEN_URL').optional()),
  GOOGLE_CALLS_PER_MINUTE: optionalText.pipe(z.coerce.number().int().min(1, 'GOOGLE_CALLS_PER_MINUTE must be at least 1').optional()),
  KEYCARD_SCHEDULE_EXPIRY: cronExpression('KEYCARD_SCHEDULE_EXPIRY', '0 * * * * *'),
  KEYCARD_SCHEDULE_APPROVALS: cronExpression('KEYCARD_SCHEDULE_APPROVALS', '30 * * * * *'),
  KEYCARD_WARN_BEFORE_SHORT: durationSetting('KEYCARD_WARN_BEFORE_SHORT', '15m'),
  KEYCARD_WARN_BEFORE: durationSetting('KEYCARD_WARN_BEFORE', '1h'),
  KEYCARD_REMIND_AFTER: durationSetting('KEYCARD_REMIND_AFTER', '4h'),
  KEYCARD_ESCALATE_AFTER: durationSetting('KEYCARD_ESCALATE_AFTER', '24h'),
  KEYCARD_REQUEST_TTL: durationSetting('KEYCARD_REQUEST_TTL', '7d'),
  KEYCARD_BUSINESS_HOURS: optionalText,
  KEYCARD_TIMEZONE: optionalText,
  JIRA_TRANSITION_ON_ENDED: transitionName('Done'),
  JIRA_FIELD_ACCESS_START: optionalText,
  JIRA_FIELD_ACCESS_END: optionalText,
  KEYCARD_JOB_MAX_ATTEMPTS: optionalText.pipe(z.coerce.number().int().min(1, 'KEYCARD_JOB_MAX_ATTEMPTS must be at least 1').max(100).optional()),
  KEYCARD_MISSING_GROUPS: optionalText.pipe(
    z.enum(['error', 'warn'], { errorMap: () => ({ message: 'KEYCARD_MISSING_GROUPS must be error (refuse to start when a catalog group does not exist in its provider, the default) or warn (log it and start)' }) }).optional(),
  ),
  LOG_LEVEL: optionalText.pipe(z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).optional()),
});

export interface KeycardConfig {
  readonly slack: {
    readonly botToken: Secret;
    readonly signingSecret: Secret;
    readonly appToken: Secret | null;
    readonly apiUrl: string;
    readonly port: number;
  };
  readonly admins: readonly string[];
  readonly alertChannel: string | null;
  readonly databasePath: string;
  readonly catalogPath: string;
  readonly jira: {
    readonly host: string;
    readonly email: string;
    readonly apiToken: Secret;
    readonly projectKey: string;
    readonly issueType: string;
    readonly transitions: { readonly onApproved: string | null; readonly onActive: string | null; readonly onDenied: string | null; readonly onEnded: string | null };
    /** Custom field ids (e.g. customfield_10050) for the start and end of access, when the project has them. */
    readonly fields: { readonly accessStart: string | null; readonly accessEnd: string | null };
  } | null;
  readonly okta: { readonly orgUrl: string; readonly apiToken: Secret; readonly callsPerMinute: number } | null;
  readonly entra: {
    readonly tenantId: string;
    readonly clientId: string;
    readonly clientSecret: Secret;
    /** Graph root including the version, e.g. https://graph.microsoft.com/v1.0. */
    readonly graphBaseUrl: string;
    readonly authorityHost: string | null;
    readonly callsPerMinute: number;
  } | null;
  readonly google: {
    readonly clientEmail: string;
    readonly privateKey: Secret;
    readonly adminSubject: string;
    /** An origin: the Google client keeps only scheme://host:port. */
    readonly apiRoot: string;
    readonly tokenUrl: string | null;
    readonly callsPerMinute: number;
  } | null;
  readonly schedules: { readonly expiry: string; readonly approvals: string };
  readonly timing: TimingPolicy;
  readonly jobMaxAttempts: number;
  /** At start-up, a catalog group its provider does not have is an `error` (default) or a `warn`ing. */
  readonly missingGroups: 'error' | 'warn';
  readonly logLevel: string;
}

export class ConfigError extends KeycardError {
  constructor(readonly problems: readonly string[]) {
    super('config', `Keycard cannot start; fix these settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** A Google service-account key file: the error says what is wrong with it (config may not import adapters). */
function readServiceAccountFile(path: string): { client_email: string; private_key: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error((error as NodeJS.ErrnoException).code === 'ENOENT' ? `the file ${path} does not exist` : `cannot read ${path}: ${String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not JSON (create a JSON key for the service account in the Google Cloud console)`);
  }
  const key = z.object({ client_email: z.string().min(1), private_key: z.string().includes('PRIVATE KEY') }).safeParse(json);
  if (!key.success) throw new Error(`${path} is not a service-account key: it needs client_email and a PEM private_key`);
  return key.data;
}

/** Validates the environment. Integration settings are checked as a group: all or none. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): KeycardConfig {
  const problems: string[] = [];
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? '');
      problems.push(issue.message.includes(name) ? issue.message : `${name}: ${issue.message}`);
    }
  }
  const raw = (name: string): string => (env[name] ?? '').trim();

  for (const id of raw('KEYCARD_ADMINS').split(/[\s,]+/).filter(Boolean)) {
    if (!/^[UW][A-Z0-9]{2,}$/.test(id)) problems.push(`KEYCARD_ADMINS: '${id}' is not a Slack user id (they look like U012AB3CD)`);
  }
  const alert = raw('KEYCARD_ALERT_CHANNEL');
  if (alert && !/^[CGD][A-Z0-9]{2,}$/.test(alert)) {
    problems.push(`KEYCARD_ALERT_CHANNEL: '${alert}' is not a Slack channel id (they look like C012AB3CD; names like #it-alerts are not accepted)`);
  }
  const businessHours = raw('KEYCARD_BUSINESS_HOURS');
  if (businessHours) {
    const parsedHours = parseBusinessHours(businessHours);
    if (!parsedHours.ok) problems.push(`KEYCARD_BUSINESS_HOURS: ${parsedHours.message}`);
  }
  const timezone = raw('KEYCARD_TIMEZONE');
  if (timezone && !isValidTimeZone(timezone)) {
    problems.push(`KEYCARD_TIMEZONE: '${timezone}' is not an IANA time zone; use a name like UTC, Europe/Berlin or America/New_York`);
  }
  // Jira is the system of record: Keycard does not run without it.
  for (const name of ['JIRA_HOST', 'JIRA_EMAIL', 'JIRA_API_TOKEN', 'JIRA_PROJECT_KEY']) {
    if (!raw(name)) problems.push(`${name} is required (Jira Cloud is where every request is recorded)`);
  }
  const okta = ['OKTA_ORG_URL', 'OKTA_API_TOKEN'];
  if (okta.some((name) => raw(name))) {
    for (const name of okta) if (!raw(name)) problems.push(`${name} is required when OKTA_ORG_URL or OKTA_API_TOKEN is set`);
  }
  const entraNames = ['ENTRA_TENANT_ID', 'ENTRA_CLIENT_ID', 'ENTRA_CLIENT_SECRET'];
  if (entraNames.some((name) => raw(name))) {
    for (const name of entraNames) if (!raw(name)) problems.push(`${name} is required when any of ENTRA_TENANT_ID, ENTRA_CLIENT_ID or ENTRA_CLIENT_SECRET is set`);
  }
  const googleNames = ['GOOGLE_SERVICE_ACCOUNT_FILE', 'GOOGLE_ADMIN_SUBJECT'];
  let googleKey: { client_email: string; private_key: string } | null = null;
  if (googleNames.some((name) => raw(name))) {
    for (const name of googleNames) if (!raw(name)) problems.push(`${name} is required when GOOGLE_SERVICE_ACCOUNT_FILE or GOOGLE_ADMIN_SUBJECT is set`);
    const file = raw('GOOGLE_SERVICE_ACCOUNT_FILE');
    if (file) {
      try {
        googleKey = readServiceAccountFile(file);
      } catch (error) {
        problems.push(`GOOGLE_SERVICE_ACCOUNT_FILE: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError([...new Set(problems)]);
  const e = parsed.data;
  const admins = (e.KEYCARD_ADMINS ?? '').split(/[\s,]+/).filter(Boolean);
  const oktaSet = Boolean(e.OKTA_ORG_URL && e.OKTA_API_TOKEN);
  return {
    slack: {
      botToken: new Secret(e.SLACK_BOT_TOKEN),
      signingSecret: new Secret(e.SLACK_SIGNING_SECRET),
      appToken: e.SLACK_APP_TOKEN ? new Secret(e.SLACK_APP_TOKEN) : null,
      apiUrl: e.SLACK_API_URL ?? 'https://slack.com/api/',
      port: e.PORT ?? 3000,
    },
    admins,
    alertChannel: e.KEYCARD_ALERT_CHANNEL ?? null,
    databasePath: e.DATABASE_PATH ?? './data/keycard.db',
    catalogPath: e.CATALOG_PATH ?? './catalog.yaml',
    jira: {
      host: e.JIRA_HOST ?? '',
      email: e.JIRA_EMAIL ?? '',
      apiToken: new Secret(e.JIRA_API_TOKEN ?? ''),
      projectKey: e.JIRA_PROJECT_KEY ?? '',
      issueType: e.JIRA_ISSUE_TYPE ?? 'Task',
      transitions: { onApproved: e.JIRA_TRANSITION_ON_APPROVED, onActive: e.JIRA_TRANSITION_ON_ACTIVE, onDenied: e.JIRA_TRANSITION_ON_DENIED, onEnded: e.JIRA_TRANSITION_ON_ENDED },
      fields: { accessStart: e.JIRA_FIELD_ACCESS_START ?? null, accessEnd: e.JIRA_FIELD_ACCESS_END ?? null },
    },
    okta: oktaSet && e.OKTA_ORG_URL && e.OKTA_API_TOKEN ? { orgUrl: e.OKTA_ORG_URL, apiToken: new Secret(e.OKTA_API_TOKEN), callsPerMinute: e.OKTA_CALLS_PER_MINUTE ?? 600 } : null,
    entra:
      e.ENTRA_TENANT_ID && e.ENTRA_CLIENT_ID && e.ENTRA_CLIENT_SECRET
        ? {
            tenantId: e.ENTRA_TENANT_ID,
            clientId: e.ENTRA_CLIENT_ID,
            clientSecret: new Secret(e.ENTRA_CLIENT_SECRET),
            graphBaseUrl: (e.GRAPH_BASE_URL ?? 'https://graph.microsoft.com/v1.0').replace(/\/+$/, ''),
            authorityHost: e.ENTRA_AUTHORITY_HOST ?? null,
            // Well under Graph's directory write throttling (thousands of resource units per 10 s per app and tenant).
            callsPerMinute: e.ENTRA_CALLS_PER_MINUTE ?? 600,
          }
        : null,
    google:
      googleKey && e.GOOGLE_ADMIN_SUBJECT
        ? {
            clientEmail: googleKey.client_email,
            privateKey: new Secret(googleKey.private_key),
            adminSubject: e.GOOGLE_ADMIN_SUBJECT,
            apiRoot: new URL(e.GOOGLE_API_ROOT ?? 'https://admin.googleapis.com').origin,
            tokenUrl: e.GOOGLE_TOKEN_URL ?? null,
            // Below the Admin SDK's default per-user quota (2,400 queries a minute), leaving room for other tools.
            callsPerMinute: e.GOOGLE_CALLS_PER_MINUTE ?? 1500,
          }
        : null,
    schedules: { expiry: e.KEYCARD_SCHEDULE_EXPIRY, approvals: e.KEYCARD_SCHEDULE_APPROVALS },
    timing: {
      warnBeforeShortMs: e.KEYCARD_WARN_BEFORE_SHORT,
      warnBeforeMs: e.KEYCARD_WARN_BEFORE,
      remindAfterMs: e.KEYCARD_REMIND_AFTER,
      escalateAfterMs: e.KEYCARD_ESCALATE_AFTER,
      requestTtlMs: e.KEYCARD_REQUEST_TTL,
      businessHours: e.KEYCARD_BUSINESS_HOURS ?? null,
      timezone: e.KEYCARD_TIMEZONE ?? 'UTC',
    },
    jobMaxAttempts: e.KEYCARD_JOB_MAX_ATTEMPTS ?? 12,
    missingGroups: e.KEYCARD_MISSING_GROUPS ?? 'error',
    logLevel: e.LOG_LEVEL ?? 'info',
  };
}

/** Reads and validates the catalog file; the error names the file, line and field of every problem. */
export function loadCatalog(path: string): Catalog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : String(error);
    throw new KeycardError('catalog', `Cannot read the catalog ${path}: ${reason}. Set CATALOG_PATH, or copy catalog.example.yaml to catalog.yaml.`);
  }
  const result = parseCatalog(text, path);
  if (!result.ok) {
    throw new KeycardError('catalog', `The catalog ${path} is invalid:\n${formatCatalogIssues(result.issues)}`);
  }
  return result.catalog;
}

/** Providers the catalog uses that have no settings. */
export function missingProviderSettings(config: KeycardConfig, catalog: Catalog): string[] {
  const used = new Set<ProviderKind>(catalog.apps.map((a) => a.provider));
  const problems: string[] = [];
  if (used.has('okta') && !config.okta) problems.push('OKTA_ORG_URL and OKTA_API_TOKEN are required: the catalog has apps on provider okta');
  if (used.has('entra') && !config.entra) problems.push('ENTRA_TENANT_ID, ENTRA_CLIENT_ID and ENTRA_CLIENT_SECRET are required: the catalog has apps on provider entra');
  if (used.has('manual') && !config.alertChannel) {
    problems.push('KEYCARD_ALERT_CHANNEL is required: the catalog has manual apps, whose fulfilment tasks are posted there');
  }
  if (used.has('google') && !config.google) problems.push('GOOGLE_SERVICE_ACCOUNT_FILE and GOOGLE_ADMIN_SUBJECT are required: the catalog has apps on provider google');
  return problems;
}

/** Every environment variable Keycard reads (README and .env.example document each one). */
export const ENV_VARIABLES: readonly string[] = Object.keys(envSchema.shape);
