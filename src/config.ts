/**
 * Configuration: `loadConfig(env)` validates every variable at once and names each bad or missing one;
 * `loadCatalog(path)` reads and validates the catalog file. Secrets are wrapped so they never print.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import cron from 'node-cron';
import { z } from 'zod';
import { isValidTimeZone, parseBusinessHours } from './domain/business-hours.js';
import { formatCatalogIssues, parseCatalog } from './domain/catalog.js';
import { decodeAuditKey } from './domain/audit-key.js';
import { parseDuration } from './domain/duration.js';
import { KeycardError } from './domain/errors.js';
import type { TimingPolicy } from './domain/policy.js';
import { apiUrl, describeIssues, optionalText, Secret } from './domain/settings.js';
import type { Catalog, ProviderKind } from './domain/types.js';
import { missingProviderConfigs, PROVIDER_VARIABLES, readProviderSettings, type ProviderConfigs } from './identity/settings.js';

// Secret moved to the domain (identity providers wrap their secrets too); still exported here for callers of config.
export { Secret } from './domain/settings.js';

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

/** A cron expression, or null when unset (the schedule is off). */
function optionalCron(name: string) {
  return z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? null : v.trim()))
    .refine((v) => v === null || cron.validate(v), `${name} is not a valid cron expression (5 or 6 fields, e.g. "0 0 6 * * *" for 06:00 every day)`);
}

/** A cron expression, or `off` for a schedule that may be turned off; unset (or empty) uses the default. */
function cronOrOff(name: string, fallback: string) {
  return z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? fallback : v.trim()))
    .refine((v) => v.toLowerCase() === 'off' || cron.validate(v), `${name} is not a valid cron expression (5 or 6 fields, e.g. "0 0 6 * * *" for 06:00 UTC every day), or off`)
    .transform((v) => (v.toLowerCase() === 'off' ? null : v));
}

/** A Jira transition name; unset uses the default, an empty value turns the transition off. */
function transitionName(fallback: string) {
  return z
    .string()
    .optional()
    .transform((v) => (v === undefined ? fallback : v.trim() === '' ? null : v.trim()));
}

const READY_CALLS_MESSAGE = 'KEYCARD_READY_FAILED_CALLS must be a whole number from 1 to 1000 (default 5)';
const JOB_ATTEMPTS_MESSAGE = 'KEYCARD_JOB_MAX_ATTEMPTS must be a whole number from 1 to 100 (default 12)';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * The placeholder values `.env.example` ships, by variable: copied unchanged they would fail later with a
 * service's puzzling answer (or, for ids, silently page nobody), so they are refused here by name.
 */
const PLACEHOLDERS: Readonly<Record<string, readonly string[]>> = {
  SLACK_BOT_TOKEN: ['xoxb-your-bot-token'],
  SLACK_SIGNING_SECRET: ['your-signing-secret'],
  SLACK_APP_TOKEN: ['xapp-your-app-token'],
  KEYCARD_ADMINS: ['U0000000001', 'U0000000002'],
  KEYCARD_ALERT_CHANNEL: ['C0000000000'],
  JIRA_HOST: ['https://your-domain.atlassian.net'],
  JIRA_EMAIL: ['keycard-bot@your-domain.com'],
  JIRA_API_TOKEN: ['your-jira-api-token'],
  OKTA_ORG_URL: ['https://your-org.okta.com'],
  OKTA_API_TOKEN: ['your-okta-api-token'],
  ENTRA_TENANT_ID: ['00000000-0000-0000-0000-000000000000'],
  ENTRA_CLIENT_ID: ['00000000-0000-0000-0000-000000000000'],
  ENTRA_CLIENT_SECRET: ['your-client-secret-value'],
  GOOGLE_SERVICE_ACCOUNT_FILE: ['./secrets/keycard-google.json'],
  GOOGLE_ADMIN_SUBJECT: ['keycard-admin@your-domain.com'],
};

/** Each variable still holding a placeholder from `.env.example`, named with the placeholder. */
export function placeholderProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  for (const [name, placeholders] of Object.entries(PLACEHOLDERS)) {
    const values = (env[name] ?? '').split(/[\s,]+/).filter(Boolean);
    const left = values.filter((value) => placeholders.includes(value));
    if (left.length > 0) problems.push(`${name}: ${left.map((v) => `'${v}'`).join(', ')} is the placeholder from .env.example; replace it with your own value (see the comment above it in .env.example)`);
  }
  return problems;
}

/** Slack tokens by their prefix: the wrong kind in a setting is named without printing the token. */
const SLACK_TOKEN_KINDS: Readonly<Record<string, string>> = {
  'xoxb-': 'a bot token (xoxb-), which belongs in SLACK_BOT_TOKEN',
  'xapp-': 'an app-level token (xapp-), which belongs in SLACK_APP_TOKEN',
  'xoxp-': 'a user token (xoxp-); Keycard acts as the bot, not as a person',
  'xoxe': 'a token-rotation token (xoxe); use the Bot User OAuth Token instead',
};

/** SLACK_BOT_TOKEN must start xoxb-, SLACK_APP_TOKEN xapp-; the message never shows the token. */
export function slackTokenShapeProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const checks = [
    { name: 'SLACK_BOT_TOKEN', prefix: 'xoxb-', what: 'the Bot User OAuth Token (Slack app > OAuth & Permissions), which starts with xoxb-' },
    { name: 'SLACK_APP_TOKEN', prefix: 'xapp-', what: 'an app-level token (Slack app > Basic Information > App-Level Tokens, scope connections:write), which starts with xapp-' },
  ];
  for (const { name, prefix, what } of checks) {
    const value = (env[name] ?? '').trim();
    if (!value || value.startsWith(prefix)) continue;
    const kind = Object.entries(SLACK_TOKEN_KINDS).find(([p]) => value.startsWith(p))?.[1];
    problems.push(`${name} must be ${what}; the value set is ${kind ?? 'not a Slack token of any kind'}`);
  }
  return problems;
}

const envSchema = z.object({
  SLACK_BOT_TOKEN: z.string({ required_error: 'SLACK_BOT_TOKEN is required (Slack app > OAuth & Permissions > Bot User OAuth Token, xoxb-...)' }).min(1, 'SLACK_BOT_TOKEN is required'),
  SLACK_SIGNING_SECRET: z.string({ required_error: 'SLACK_SIGNING_SECRET is required (Slack app > Basic Information > Signing Secret)' }).min(1, 'SLACK_SIGNING_SECRET is required'),
  SLACK_APP_TOKEN: optionalText,
  SLACK_API_URL: optionalText.pipe(apiUrl('SLACK_API_URL', { example: 'https://slack.com/api/' }).optional()),
  PORT: optionalText.pipe(
    z.coerce
      .number({ invalid_type_error: 'PORT must be a whole number from 0 to 65535, e.g. 3000' })
      .int('PORT must be a whole number from 0 to 65535, e.g. 3000')
      .min(0, 'PORT must be a whole number from 0 to 65535, e.g. 3000')
      .max(65535, 'PORT must be a whole number from 0 to 65535, e.g. 3000')
      .optional(),
  ),
  KEYCARD_ADMINS: optionalText,
  KEYCARD_ALERT_CHANNEL: optionalText,
  DATABASE_PATH: optionalText,
  CATALOG_PATH: optionalText,
  JIRA_HOST: optionalText.pipe(apiUrl('JIRA_HOST').optional()),
  JIRA_EMAIL: optionalText,
  JIRA_API_TOKEN: optionalText,
  JIRA_PROJECT_KEY: optionalText.pipe(z.string().regex(/^[A-Z][A-Z0-9_]{0,9}$/, 'JIRA_PROJECT_KEY must be a Jira project key like ACCESS (capital letters and digits)').optional()),
  JIRA_ISSUE_TYPE: optionalText,
  JIRA_TRANSITION_ON_APPROVED: transitionName('In Progress'),
  JIRA_TRANSITION_ON_ACTIVE: transitionName('Done'),
  JIRA_TRANSITION_ON_DENIED: transitionName('Declined'),
  JIRA_WEBHOOK_SECRET: optionalText,
  JIRA_STATUS_APPROVED: optionalText,
  JIRA_STATUS_DECLINED: optionalText,
  JIRA_REVOKE_STATUS: optionalText,
  JIRA_REVOKE_LABEL: optionalText.pipe(z.string().regex(/^[^\s"\\]{1,255}$/, 'JIRA_REVOKE_LABEL must be one Jira label: no spaces, quotes or backslashes, e.g. keycard-revoke').optional()),
  KEYCARD_SCHEDULE_EXPIRY: cronExpression('KEYCARD_SCHEDULE_EXPIRY', '0 * * * * *'),
  KEYCARD_SCHEDULE_APPROVALS: cronExpression('KEYCARD_SCHEDULE_APPROVALS', '30 * * * * *'),
  KEYCARD_WARN_BEFORE_SHORT: durationSetting('KEYCARD_WARN_BEFORE_SHORT', '15m'),
  KEYCARD_WARN_BEFORE: durationSetting('KEYCARD_WARN_BEFORE', '1h'),
  KEYCARD_REMIND_AFTER: durationSetting('KEYCARD_REMIND_AFTER', '4h'),
  KEYCARD_ESCALATE_AFTER: durationSetting('KEYCARD_ESCALATE_AFTER', '24h'),
  KEYCARD_REQUEST_TTL: durationSetting('KEYCARD_REQUEST_TTL', '7d'),
  KEYCARD_REMOVAL_RECHECK: durationSetting('KEYCARD_REMOVAL_RECHECK', '2m'),
  KEYCARD_REVIEW_REMIND_EVERY: durationSetting('KEYCARD_REVIEW_REMIND_EVERY', '3d'),
  KEYCARD_REVIEW_REVOKE_AFTER: durationSetting('KEYCARD_REVIEW_REVOKE_AFTER', '5m'),
  KEYCARD_BUSINESS_HOURS: optionalText,
  KEYCARD_TIMEZONE: optionalText,
  JIRA_TRANSITION_ON_ENDED: transitionName('Done'),
  JIRA_FIELD_ACCESS_START: optionalText,
  JIRA_FIELD_ACCESS_END: optionalText,
  JIRA_OFFBOARDING_ISSUE_TYPE: optionalText,
  JIRA_OFFBOARDING_EMAIL_FIELD: optionalText.pipe(z.string().regex(/^customfield_\d+$/, 'JIRA_OFFBOARDING_EMAIL_FIELD must be a custom field id like customfield_10060 (Jira settings > Issues > Custom fields)').optional()),
  JIRA_ONBOARDING_ISSUE_TYPE: optionalText,
  JIRA_ONBOARDING_EMAIL_FIELD: optionalText.pipe(z.string().regex(/^customfield_\d+$/, 'JIRA_ONBOARDING_EMAIL_FIELD must be a custom field id like customfield_10060 (Jira settings > Issues > Custom fields)').optional()),
  KEYCARD_SCHEDULE_PROFILES: optionalCron('KEYCARD_SCHEDULE_PROFILES'),
  KEYCARD_JOB_MAX_ATTEMPTS: optionalText.pipe(
    z.coerce
      .number({ invalid_type_error: JOB_ATTEMPTS_MESSAGE })
      .int(JOB_ATTEMPTS_MESSAGE)
      .min(1, JOB_ATTEMPTS_MESSAGE)
      .max(100, JOB_ATTEMPTS_MESSAGE)
      .optional(),
  ),
  KEYCARD_AUDIT_KEY: optionalText,
  KEYCARD_AUDIT_KEYS_PREVIOUS: optionalText,
  KEYCARD_SCHEDULE_AUDIT_CHECKPOINT: cronExpression('KEYCARD_SCHEDULE_AUDIT_CHECKPOINT', '0 0 * * * *'),
  KEYCARD_SCHEDULE_SYNC: optionalText.pipe(
    z.string().refine((v) => cron.validate(v), 'KEYCARD_SCHEDULE_SYNC is not a valid cron expression (5 or 6 fields, e.g. "0 0 6 * * *" for 06:00 UTC every day); leave it unset for no scheduled drift check').optional(),
  ),
  KEYCARD_SCHEDULE_RECLAIM: cronOrOff('KEYCARD_SCHEDULE_RECLAIM', '0 0 6 * * *'),
  KEYCARD_LEASE_HEARTBEAT: durationSetting('KEYCARD_LEASE_HEARTBEAT', '10s'),
  KEYCARD_MISSING_GROUPS: optionalText.pipe(
    z.enum(['error', 'warn'], { errorMap: () => ({ message: 'KEYCARD_MISSING_GROUPS must be error (refuse to start when a catalog group does not exist in its provider, the default) or warn (log it and start)' }) }).optional(),
  ),
  KEYCARD_READY_JOB_OVERDUE: durationSetting('KEYCARD_READY_JOB_OVERDUE', '15m'),
  KEYCARD_READY_FAILED_CALLS: optionalText.pipe(
    z.coerce
      .number({ invalid_type_error: READY_CALLS_MESSAGE })
      .int(READY_CALLS_MESSAGE)
      .min(1, READY_CALLS_MESSAGE)
      .max(1000, READY_CALLS_MESSAGE)
      .optional(),
  ),
  KEYCARD_METRICS: optionalText.pipe(z.enum(['0', '1'], { errorMap: () => ({ message: 'KEYCARD_METRICS must be 1 (serve /metrics) or 0' }) }).optional()),
  KEYCARD_METRICS_TOKEN: optionalText,
  LOG_LEVEL: optionalText.pipe(
    z.enum(LOG_LEVELS, { errorMap: () => ({ message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (default info)` }) }).optional(),
  ),
});

/** The settings; each identity provider's part (`okta`, `entra`, `google`) comes from its own folder. */
export interface KeycardConfig extends ProviderConfigs {
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
    /** Issue types that start an offboarding or an onboarding, and the custom fields naming the person (null: off / the summary). */
    readonly lifecycle: {
      readonly offboardingIssueType: string | null;
      readonly offboardingEmailField: string | null;
      readonly onboardingIssueType: string | null;
      readonly onboardingEmailField: string | null;
    };
    /** What Keycard hears from Jira (`POST /webhooks/jira`): off unless the secret is set. */
    readonly inbound: JiraInboundSettings;
  } | null;
  /** Cron expressions; `sync` (the drift check) and `profiles` (movers) are off when unset; `reclaim` (auto reclaim scans) is null when turned off (`off`). */
  readonly schedules: { readonly expiry: string; readonly approvals: string; readonly auditCheckpoint: string; readonly sync: string | null; readonly profiles: string | null; readonly reclaim: string | null };
  /** HMAC keys of the audit chain (hex or base64, 32+ bytes): the current one seals new events. */
  readonly audit: { readonly key: Secret | null; readonly previousKeys: readonly Secret[] };
  readonly timing: TimingPolicy;
  readonly jobMaxAttempts: number;
  /** How often the database owner heartbeats its lease; a holder silent for 3 heartbeats is taken over. */
  readonly leaseHeartbeatMs: number;
  /** At start-up, a catalog group its provider does not have is an `error` (default) or a `warn`ing. */
  readonly missingGroups: 'error' | 'warn';
  /** /readyz thresholds and /metrics access (README "Running it"). */
  readonly ops: {
    readonly jobOverdueMs: number;
    readonly failedCalls: number;
    /** /metrics is served (KEYCARD_METRICS=1 or a token set). */
    readonly metrics: boolean;
    readonly metricsToken: Secret | null;
    /** PORT as set; in Socket Mode the operator endpoints listen there only when it is set. */
    readonly port: number | null;
  };
  readonly logLevel: string;
}

/** Jira → Keycard: the webhook's secret and the statuses and label that mean a decision (README "Deciding in Jira"). */
export interface JiraInboundSettings {
  /** Authenticates `POST /webhooks/jira` (HMAC signature or token); null: the endpoint does not exist. */
  readonly webhookSecret: Secret | null;
  /** Status names (matched ignoring case): moving a request's issue there decides its current stage. */
  readonly statusApproved: string | null;
  readonly statusDeclined: string | null;
  /** A status, or a label added, that revokes the access of an issue's active grant. */
  readonly revokeStatus: string | null;
  readonly revokeLabel: string | null;
}

/** Problems of the Jira → Keycard settings as a group; the messages never show the secret. */
function jiraInboundProblems(raw: (name: string) => string): string[] {
  const problems: string[] = [];
  const secret = raw('JIRA_WEBHOOK_SECRET');
  if (secret && secret.length < 16) problems.push('JIRA_WEBHOOK_SECRET must be at least 16 characters (e.g. `openssl rand -hex 32`); the value set is shorter');
  const named = ['JIRA_STATUS_APPROVED', 'JIRA_STATUS_DECLINED', 'JIRA_REVOKE_STATUS'].filter((name) => raw(name));
  for (const [i, a] of named.entries()) {
    for (const b of named.slice(i + 1)) {
      if (raw(a).toLowerCase() === raw(b).toLowerCase()) problems.push(`${a} and ${b} name the same status '${raw(a)}'; each must be a status of its own`);
    }
  }
  const used = [...named, ...(raw('JIRA_REVOKE_LABEL') ? ['JIRA_REVOKE_LABEL'] : [])];
  if (secret && raw('SLACK_APP_TOKEN') && !raw('PORT')) {
    problems.push('JIRA_WEBHOOK_SECRET is set in Socket Mode (SLACK_APP_TOKEN) but PORT is not: Keycard serves POST /webhooks/jira on PORT, so set it (e.g. PORT=3000) and let Jira reach it');
  }
  if (used.length > 0 && !secret) problems.push(`${used.join(', ')} ${used.length > 1 ? 'are' : 'is'} set but JIRA_WEBHOOK_SECRET is not: Keycard hears nothing from Jira without it (README "Deciding in Jira")`);
  return problems;
}

export class ConfigError extends KeycardError {
  constructor(readonly problems: readonly string[]) {
    super('config', `Keycard cannot start; fix these settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function splitKeys(text: string | undefined): string[] {
  return (text ?? '').split(/[\s,]+/).filter(Boolean);
}

/** Validates the environment. Integration settings are checked as a group: all or none. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): KeycardConfig {
  const problems: string[] = [];
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) problems.push(...describeIssues(parsed.error));
  const raw = (name: string): string => (env[name] ?? '').trim();
  problems.push(...placeholderProblems(env), ...slackTokenShapeProblems(env));

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
  // Audit keys: the messages name the variable, never the value.
  for (const [name, values] of [['KEYCARD_AUDIT_KEY', raw('KEYCARD_AUDIT_KEY') ? [raw('KEYCARD_AUDIT_KEY')] : []], ['KEYCARD_AUDIT_KEYS_PREVIOUS', splitKeys(raw('KEYCARD_AUDIT_KEYS_PREVIOUS'))]] as const) {
    values.forEach((value, i) => {
      const decoded = decodeAuditKey(value);
      if (!decoded.ok) problems.push(`${name}${values.length > 1 ? ` (key ${i + 1})` : ''} ${decoded.message}`);
    });
  }
  // Jira is the system of record: Keycard does not run without it.
  for (const name of ['JIRA_HOST', 'JIRA_EMAIL', 'JIRA_API_TOKEN', 'JIRA_PROJECT_KEY']) {
    if (!raw(name)) problems.push(`${name} is required (Jira Cloud is where every request is recorded)`);
  }
  problems.push(...jiraInboundProblems(raw));
  // Each identity provider checks its own variables (src/identity/<kind>/settings.ts).
  const providers = readProviderSettings(env);
  problems.push(...providers.problems);
  if (problems.length > 0 || !parsed.success) throw new ConfigError([...new Set(problems)]);
  const e = parsed.data;
  const admins = (e.KEYCARD_ADMINS ?? '').split(/[\s,]+/).filter(Boolean);
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
      lifecycle: {
        offboardingIssueType: e.JIRA_OFFBOARDING_ISSUE_TYPE ?? null,
        offboardingEmailField: e.JIRA_OFFBOARDING_EMAIL_FIELD ?? null,
        onboardingIssueType: e.JIRA_ONBOARDING_ISSUE_TYPE ?? null,
        onboardingEmailField: e.JIRA_ONBOARDING_EMAIL_FIELD ?? null,
      },
      inbound: {
        webhookSecret: e.JIRA_WEBHOOK_SECRET ? new Secret(e.JIRA_WEBHOOK_SECRET) : null,
        statusApproved: e.JIRA_STATUS_APPROVED ?? null,
        statusDeclined: e.JIRA_STATUS_DECLINED ?? null,
        revokeStatus: e.JIRA_REVOKE_STATUS ?? null,
        revokeLabel: e.JIRA_REVOKE_LABEL ?? null,
      },
    },
    ...providers.configs,
    schedules: { expiry: e.KEYCARD_SCHEDULE_EXPIRY, approvals: e.KEYCARD_SCHEDULE_APPROVALS, auditCheckpoint: e.KEYCARD_SCHEDULE_AUDIT_CHECKPOINT, sync: e.KEYCARD_SCHEDULE_SYNC ?? null, profiles: e.KEYCARD_SCHEDULE_PROFILES, reclaim: e.KEYCARD_SCHEDULE_RECLAIM },
    audit: { key: e.KEYCARD_AUDIT_KEY ? new Secret(e.KEYCARD_AUDIT_KEY) : null, previousKeys: splitKeys(e.KEYCARD_AUDIT_KEYS_PREVIOUS).map((k) => new Secret(k)) },
    timing: {
      warnBeforeShortMs: e.KEYCARD_WARN_BEFORE_SHORT,
      warnBeforeMs: e.KEYCARD_WARN_BEFORE,
      remindAfterMs: e.KEYCARD_REMIND_AFTER,
      escalateAfterMs: e.KEYCARD_ESCALATE_AFTER,
      requestTtlMs: e.KEYCARD_REQUEST_TTL,
      removalRecheckMs: e.KEYCARD_REMOVAL_RECHECK,
      reviewRemindEveryMs: e.KEYCARD_REVIEW_REMIND_EVERY,
      reviewRevokeAfterMs: e.KEYCARD_REVIEW_REVOKE_AFTER,
      businessHours: e.KEYCARD_BUSINESS_HOURS ?? null,
      timezone: e.KEYCARD_TIMEZONE ?? 'UTC',
    },
    jobMaxAttempts: e.KEYCARD_JOB_MAX_ATTEMPTS ?? 12,
    leaseHeartbeatMs: e.KEYCARD_LEASE_HEARTBEAT,
    missingGroups: e.KEYCARD_MISSING_GROUPS ?? 'error',
    ops: {
      jobOverdueMs: e.KEYCARD_READY_JOB_OVERDUE,
      failedCalls: e.KEYCARD_READY_FAILED_CALLS ?? 5,
      metrics: e.KEYCARD_METRICS === '1' || (e.KEYCARD_METRICS !== '0' && e.KEYCARD_METRICS_TOKEN !== undefined),
      metricsToken: e.KEYCARD_METRICS_TOKEN ? new Secret(e.KEYCARD_METRICS_TOKEN) : null,
      port: e.PORT ?? null,
    },
    logLevel: e.LOG_LEVEL ?? 'info',
  };
}

/**
 * Reads `.env` from `dir` (the working directory) into `env` when the file exists, as `.env.example` tells
 * operators to create it. A variable already set in the environment wins over the file, so a deployment can
 * override one setting without editing it. Resolves to the file's path, or null when there is none.
 */
export function loadEnvFile(env: NodeJS.ProcessEnv, dir: string = process.cwd()): string | null {
  const path = resolve(dir, '.env');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new KeycardError('config', `Cannot read ${path}: ${(error as Error).message}. Fix its permissions, or remove it and set the variables in the environment.`);
  }
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (env[name] === undefined && value !== undefined) env[name] = value;
  }
  return path;
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
  const problems = missingProviderConfigs(config, used);
  if (used.has('manual') && !config.alertChannel) {
    problems.push('KEYCARD_ALERT_CHANNEL is required: the catalog has manual apps, whose fulfilment tasks are posted there');
  }
  return problems;
}

/** Every environment variable Keycard reads (README and .env.example document each one). */
export const ENV_VARIABLES: readonly string[] = [...Object.keys(envSchema.shape), ...PROVIDER_VARIABLES];
