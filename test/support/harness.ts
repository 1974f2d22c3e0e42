/**
 * A running Keycard for scenario tests: the real app (Bolt over HTTP, real SDK clients, real SQLite with
 * the real migrations) pointed at stateful fakes of Slack, Jira and Okta on 127.0.0.1, a manual clock,
 * and a driver that sends Slack's signed requests. `providers: ['entra', 'google']` also starts the Graph
 * and Google Directory fakes with the same cast and configures Keycard for them.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { parseCatalog, formatCatalogIssues } from '../../src/domain/catalog.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { Catalog } from '../../src/domain/types.js';
import { startKeycard, type Keycard } from '../../src/keycard.js';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { GoogleFake } from '../fakes/google.js';
import { GraphFake } from '../fakes/graph.js';
import { JiraFake } from '../fakes/jira.js';
import { OktaFake } from '../fakes/okta.js';
import { SlackFake, type StoredMessage } from '../fakes/slack.js';
import { SlackDriver } from './slack-driver.js';
import { PEOPLE, TEST_CATALOG, type Person, type PersonKey } from './people.js';

export const SECRETS = {
  botToken: 'xoxb-test-bot-token',
  signingSecret: 'test-signing-secret',
  jiraEmail: 'keycard-bot@acme.com',
  jiraToken: 'jira-test-token',
  oktaToken: 'okta-test-token',
  entraTenantId: 'acme-tenant',
  entraClientId: 'keycard-client',
  entraClientSecret: 'entra-test-secret',
  googleToken: 'google-test-token',
  googleClientEmail: 'keycard@acme-project.iam.gserviceaccount.com',
  googleAdminSubject: 'ada@acme.com',
} as const;

/** Directories started besides Okta (which always runs, so existing scenarios are unchanged). */
export type ExtraProvider = 'entra' | 'google';

/** Groups the Graph fake holds (Entra object ids) and the Google fake holds (group emails). */
export const ENTRA_GROUPS = ['e-sales-viewer', 'e-sales-admin', 'e-sales-audit'] as const;
export const GOOGLE_GROUPS = ['drive-viewer@acme.com', 'drive-admin@acme.com'] as const;

export interface HarnessOptions {
  readonly catalogYaml?: string;
  /** A database file to reuse across restarts; default a fresh temporary file. */
  readonly databasePath?: string;
  readonly env?: Record<string, string>;
  readonly clock?: ManualClock;
  /** Reuse running fakes (for restarts). */
  readonly fakes?: Fakes;
  /** Also start these directories' fakes and configure Keycard for them (ignored when `fakes` is given). */
  readonly providers?: readonly ExtraProvider[];
}

export interface Fakes {
  readonly slack: SlackFake;
  readonly jira: JiraFake;
  readonly okta: OktaFake;
  readonly graph?: GraphFake;
  readonly google?: GoogleFake;
  /** The service-account key file Keycard reads for Google (in a temporary directory). */
  readonly googleKeyFile?: string;
}

export function testCatalog(yaml: string = TEST_CATALOG): Catalog {
  const result = parseCatalog(yaml, 'test-catalog.yaml');
  if (!result.ok) throw new Error(formatCatalogIssues(result.issues));
  return result.catalog;
}

/**
 * Client credentials against the Graph fake's token endpoint: what `ClientSecretCredential` does, over the
 * plain http it refuses (SDK-NOTES). Caches the token until shortly before it expires.
 */
export function fakeEntraCredential(graph: GraphFake): TokenCredential {
  let cached: AccessToken | null = null;
  return {
    async getToken(): Promise<AccessToken> {
      if (cached && cached.expiresOnTimestamp > Date.now() + 60_000) return cached;
      const response = await fetch(`${graph.url}/${SECRETS.entraTenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: SECRETS.entraClientId, client_secret: SECRETS.entraClientSecret, scope: 'https://graph.microsoft.com/.default' }),
      });
      const body = (await response.json()) as { access_token?: string; expires_in?: number };
      if (!response.ok || !body.access_token) throw new Error(`token request failed: HTTP ${response.status}`);
      cached = { token: body.access_token, expiresOnTimestamp: Date.now() + (body.expires_in ?? 3600) * 1000 };
      return cached;
    },
  };
}

function personByOktaId(oktaId: string | undefined): Person | undefined {
  return (Object.values(PEOPLE) as Person[]).find((p) => p.oktaId === oktaId);
}

async function startGraphFake(): Promise<GraphFake> {
  const graph = new GraphFake({ tenantId: SECRETS.entraTenantId, clientId: SECRETS.entraClientId, clientSecret: SECRETS.entraClientSecret });
  await graph.start();
  for (const person of Object.values(PEOPLE) as Person[]) {
    const manager = personByOktaId(person.managerOktaId);
    graph.addUser({ id: person.entraId, userPrincipalName: person.email, mail: person.email, displayName: person.name, jobTitle: person.title, department: person.department, managerId: manager?.entraId ?? null });
  }
  for (const group of ENTRA_GROUPS) graph.addGroup({ id: group, displayName: group });
  return graph;
}

async function startGoogleFake(): Promise<{ google: GoogleFake; googleKeyFile: string }> {
  const google = new GoogleFake({ token: SECRETS.googleToken });
  await google.start();
  for (const person of Object.values(PEOPLE) as Person[]) {
    const manager = personByOktaId(person.managerOktaId);
    google.addUser({
      id: person.googleId,
      primaryEmail: person.email,
      givenName: person.name.split(' ')[0] ?? person.name,
      familyName: person.name.split(' ')[1] ?? '',
      title: person.title,
      department: person.department,
      ...(manager ? { managerEmail: manager.email } : {}),
    });
  }
  GOOGLE_GROUPS.forEach((email, i) => google.addGroup({ id: `03gtest${i}`, email, name: email.split('@')[0] ?? email }));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const googleKeyFile = join(mkdtempSync(join(tmpdir(), 'keycard-google-')), 'service-account.json');
  writeFileSync(googleKeyFile, JSON.stringify({ type: 'service_account', client_email: SECRETS.googleClientEmail, private_key: privateKey, token_uri: 'https://oauth2.googleapis.com/token' }));
  return { google, googleKeyFile };
}

/** The Jira account id of a person of the cast. */
export function jiraAccountId(person: Person): string {
  return `acct-${person.login}`;
}

export async function startFakes(providers: readonly ExtraProvider[] = []): Promise<Fakes> {
  const slack = new SlackFake({ botToken: SECRETS.botToken });
  const jira = new JiraFake({
    email: SECRETS.jiraEmail,
    apiToken: SECRETS.jiraToken,
    projectKey: 'ACCESS',
    customFields: [
      { id: 'customfield_10050', name: 'Access start', type: 'datetime' },
      { id: 'customfield_10051', name: 'Access end', type: 'datetime' },
    ],
  });
  const okta = new OktaFake({ token: SECRETS.oktaToken });
  await Promise.all([slack.start(), jira.start(), okta.start()]);
  for (const person of Object.values(PEOPLE) as Person[]) {
    slack.addUser({ id: person.slackId, name: person.login, realName: person.name, email: person.email, tz: 'Europe/London', title: person.title });
    okta.addUser({
      id: person.oktaId,
      login: person.email,
      email: person.email,
      firstName: person.name.split(' ')[0] ?? person.name,
      lastName: person.name.split(' ')[1] ?? '',
      title: person.title,
      department: person.department,
      ...(person.managerOktaId ? { managerId: person.managerOktaId } : {}),
    });
  }
  // Everyone can also act in Jira (move issues, add labels) as `acct-<login>`.
  for (const person of Object.values(PEOPLE) as Person[]) jira.addUser({ accountId: jiraAccountId(person), displayName: person.name, email: person.email });
  for (const group of ['00g1viewer', '00g1admin', '00g1audit', '00g2write', '00g3analyst']) okta.addGroup({ id: group, name: group });
  slack.addChannel('CALERTS', { name: 'it-alerts' });
  const graph = providers.includes('entra') ? await startGraphFake() : undefined;
  const google = providers.includes('google') ? await startGoogleFake() : undefined;
  return { slack, jira, okta, ...(graph ? { graph } : {}), ...(google ?? {}) };
}

export class Harness {
  readonly driver: SlackDriver;

  private constructor(
    readonly fakes: Fakes,
    readonly keycard: Keycard,
    readonly clock: ManualClock,
    readonly databasePath: string,
    private readonly ownsDir: string | null,
  ) {
    this.driver = new SlackDriver({ appUrl: keycard.eventsUrl ?? '', signingSecret: SECRETS.signingSecret, slack: fakes.slack });
  }

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const fakes = options.fakes ?? (await startFakes(options.providers));
    const dir = options.databasePath ? null : mkdtempSync(join(tmpdir(), 'keycard-test-'));
    const databasePath = options.databasePath ?? join(dir ?? '', 'keycard.db');
    const clock = options.clock ?? new ManualClock('2026-01-06T14:00:00Z');
    const env = harnessEnv(fakes, databasePath, options.env);
    const keycard = await startKeycard({
      config: loadConfig(env),
      catalog: testCatalog(options.catalogYaml),
      clock,
      logger: pino({ level: process.env.KEYCARD_TEST_LOG ?? 'silent' }),
      host: '127.0.0.1',
      cron: false,
      worker: { baseBackoffMs: 1000, random: () => 0 },
      ...(fakes.graph ? { entraCredential: fakeEntraCredential(fakes.graph) } : {}),
    });
    return new Harness(fakes, keycard, clock, databasePath, dir);
  }

  get slack(): SlackFake {
    return this.fakes.slack;
  }
  get jira(): JiraFake {
    return this.fakes.jira;
  }
  get okta(): OktaFake {
    return this.fakes.okta;
  }
  /** The Graph fake; only when started with `providers: ['entra']`. */
  get graph(): GraphFake {
    if (!this.fakes.graph) throw new Error("the Graph fake runs only with Harness.start({ providers: ['entra'] })");
    return this.fakes.graph;
  }
  /** The Google Directory fake; only when started with `providers: ['google']`. */
  get google(): GoogleFake {
    if (!this.fakes.google) throw new Error("the Google fake runs only with Harness.start({ providers: ['google'] })");
    return this.fakes.google;
  }
  get store() {
    return this.keycard.store;
  }

  /** Waits for every listener and every due job; moving the clock first makes later retries due. */
  async settle(advanceMs = 0): Promise<void> {
    if (advanceMs > 0) this.clock.advance(advanceMs);
    await this.keycard.settle();
  }

  /** Moves the clock step by step until no job is waiting (for retries with back-off). */
  async drain(stepMs = 1000, maxSteps = 600): Promise<void> {
    await this.keycard.settle();
    for (let i = 0; i < maxSteps; i += 1) {
      if (this.store.jobs.countByStatus().pending === 0) return;
      this.clock.advance(stepMs);
      await this.keycard.settle();
    }
    throw new Error('jobs still pending after drain');
  }

  /** The newest DM a person got. */
  lastDm(person: PersonKey): StoredMessage | undefined {
    const dms = this.slack.dms(PEOPLE[person].slackId);
    return dms[dms.length - 1];
  }

  /** The approval card a person got for a request, found by its Approve button. */
  card(person: PersonKey): StoredMessage | undefined {
    return this.slack.dms(PEOPLE[person].slackId).find((m) => JSON.stringify(m.history[0]?.blocks ?? m.blocks ?? []).includes('approval_approve'));
  }

  /** The person clicks Approve on their approval card (see `card`); then everything settles. */
  async approve(person: PersonKey): Promise<void> {
    const card = this.card(person);
    if (!card) throw new Error(`${person} got no approval card`);
    await this.driver.clickButton(PEOPLE[person].slackId, { actionId: 'approval_approve', blockId: 'approval_actions', container: { message: { channel: card.channel, ts: card.ts } } });
    await this.settle();
  }

  async stop(options: { keepFakes?: boolean; keepDatabase?: boolean } = {}): Promise<void> {
    await this.keycard.stop();
    if (!options.keepFakes) await stopFakes(this.fakes);
    if (this.ownsDir && !options.keepDatabase) rmSync(this.ownsDir, { recursive: true, force: true });
  }
}

export async function stopFakes(fakes: Fakes): Promise<void> {
  await Promise.all([fakes.slack.stop(), fakes.jira.stop(), fakes.okta.stop(), fakes.graph?.stop(), fakes.google?.stop()]);
  if (fakes.googleKeyFile) rmSync(dirname(fakes.googleKeyFile), { recursive: true, force: true });
}

export function harnessEnv(fakes: Fakes, databasePath: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: SECRETS.botToken,
    SLACK_SIGNING_SECRET: SECRETS.signingSecret,
    SLACK_API_URL: `${fakes.slack.url}/api/`,
    PORT: '0',
    KEYCARD_ADMINS: PEOPLE.ada.slackId,
    KEYCARD_ALERT_CHANNEL: 'CALERTS',
    DATABASE_PATH: databasePath,
    JIRA_HOST: fakes.jira.url,
    JIRA_EMAIL: SECRETS.jiraEmail,
    JIRA_API_TOKEN: SECRETS.jiraToken,
    JIRA_PROJECT_KEY: 'ACCESS',
    OKTA_ORG_URL: fakes.okta.url,
    OKTA_API_TOKEN: SECRETS.oktaToken,
    KEYCARD_JOB_MAX_ATTEMPTS: '5',
    ...(fakes.graph
      ? { ENTRA_TENANT_ID: SECRETS.entraTenantId, ENTRA_CLIENT_ID: SECRETS.entraClientId, ENTRA_CLIENT_SECRET: SECRETS.entraClientSecret, GRAPH_BASE_URL: fakes.graph.graphBaseUrl }
      : {}),
    ...(fakes.google && fakes.googleKeyFile
      ? { GOOGLE_SERVICE_ACCOUNT_FILE: fakes.googleKeyFile, GOOGLE_ADMIN_SUBJECT: SECRETS.googleAdminSubject, GOOGLE_API_ROOT: fakes.google.url, GOOGLE_TOKEN_URL: `${fakes.google.url}/token` }
      : {}),
    ...extra,
  };
}

/**
 * An afterEach body: fails the test if the Slack, Jira or Okta fake received a call nobody expected, and
 * stops the harness either way.
 */
export async function stopCheckingFakes(h: Harness | undefined): Promise<void> {
  try {
    for (const fake of [h?.slack, h?.jira, h?.okta]) fake?.assertNoUnexpected();
  } finally {
    await h?.stop();
  }
}
