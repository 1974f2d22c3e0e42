/**
 * The start-up checks: the database (opening it takes the owner lease), Jira, Slack and every provider the
 * catalog uses, all at once, then whether the catalog's groups exist. Every failure is listed in one message
 * naming the service, the setting to look at and what the service said in plain words.
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { KeycardConfig } from '../config.js';
import { KeycardError } from '../domain/errors.js';
import type { Catalog, ProviderKind } from '../domain/types.js';
import { checkCatalogGroups } from '../identity/catalog-groups.js';
import { providerHealthTargets } from '../identity/settings.js';
import type { IdentityProviders } from '../identity/types.js';
import type { Ticketing } from '../jira/types.js';
import type { DbHandle } from '../store/db.js';
import { failedHealthChecks, healthFailureMessage } from './health.js';

/** How the start-up checks name each provider. */
const PROVIDER_NAMES: Readonly<Record<ProviderKind, string>> = { okta: 'Okta', entra: 'Microsoft Entra ID', google: 'Google Workspace', manual: 'manual' };

/** The start-up checks failed: `src/main.ts` prints the message (every failure, each with its setting) and exits. */
export class StartupError extends KeycardError {
  constructor(message: string) {
    super('startup', message);
  }
}

export interface StartupInputs {
  readonly config: KeycardConfig;
  readonly jira: NonNullable<KeycardConfig['jira']>;
  readonly catalog: Catalog;
  readonly providers: IdentityProviders;
  readonly ticketing: Ticketing;
  readonly webClient: WebClient;
  readonly openDb: () => Promise<DbHandle>;
  readonly logger: Logger;
}

/**
 * Runs every check; throws a `StartupError` listing each failure. On success: the opened database, and the
 * bot's identity, handed to Bolt so it does not call auth.test again on its own (Bolt fires that call when
 * the app is built and awaits it only on the first event, so a failure before then would be an unhandled
 * rejection).
 */
export async function runStartupChecks(inputs: StartupInputs): Promise<{ handle: DbHandle; botIdentity: { botUserId: string; botId: string } | null }> {
  const { config, jira, catalog, providers, ticketing, webClient, openDb, logger } = inputs;
  let botIdentity: { botUserId: string; botId: string } | null = null;
  let opened: DbHandle | null = null;
  const checkSlack = async () => {
    const res = await webClient.auth.test();
    if (res.user_id && res.bot_id) botIdentity = { botUserId: res.user_id, botId: res.bot_id };
  };
  const targets = providerHealthTargets(config);
  const failures = await failedHealthChecks([
    { name: 'Database', target: { credentials: [], address: { setting: 'DATABASE_PATH', url: config.databasePath } }, run: async () => (opened = await openDb()) },
    { name: 'Jira', target: { credentials: ['JIRA_EMAIL', 'JIRA_API_TOKEN'], address: { setting: 'JIRA_HOST', url: jira.host }, permission: `Browse projects on ${jira.projectKey}` }, run: () => ticketing.checkHealth() },
    { name: 'Slack', target: { credentials: ['SLACK_BOT_TOKEN'], address: { setting: 'SLACK_API_URL', url: config.slack.apiUrl } }, run: checkSlack },
    ...Object.values(providers).map((p) => {
      const target = p.kind === 'manual' ? undefined : targets[p.kind];
      return { name: PROVIDER_NAMES[p.kind], ...(target ? { target } : {}), run: () => p.checkHealth() };
    }),
  ]);
  // Only once the providers answer: a group check against a provider that is down says nothing new.
  const groups = failures.length === 0 ? await checkCatalogGroups(catalog, providers) : { ok: true as const };
  if (!groups.ok && config.missingGroups === 'error') failures.push(`${groups.message}\n    (fix the catalog, or set KEYCARD_MISSING_GROUPS=warn to start anyway)`);
  if (!groups.ok && config.missingGroups === 'warn') logger.warn({ problems: groups.message }, 'catalog groups missing; starting anyway (KEYCARD_MISSING_GROUPS=warn)');
  const handle = opened as DbHandle | null;
  if (failures.length > 0 || !handle) {
    handle?.close();
    throw new StartupError(healthFailureMessage(failures));
  }
  return { handle, botIdentity };
}
