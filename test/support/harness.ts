/**
 * A running Keycard for scenario tests: the real app (Bolt over HTTP, real SDK clients, real SQLite with
 * the real migrations) pointed at stateful fakes of Slack, Jira and Okta on 127.0.0.1, a manual clock,
 * and a driver that sends Slack's signed requests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { parseCatalog, formatCatalogIssues } from '../../src/domain/catalog.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { Catalog } from '../../src/domain/types.js';
import { startKeycard, type Keycard } from '../../src/keycard.js';
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
} as const;

export interface HarnessOptions {
  readonly catalogYaml?: string;
  /** A database file to reuse across restarts; default a fresh temporary file. */
  readonly databasePath?: string;
  readonly env?: Record<string, string>;
  readonly clock?: ManualClock;
  /** Reuse running fakes (for restarts). */
  readonly fakes?: Fakes;
}

export interface Fakes {
  readonly slack: SlackFake;
  readonly jira: JiraFake;
  readonly okta: OktaFake;
}

export function testCatalog(yaml: string = TEST_CATALOG): Catalog {
  const result = parseCatalog(yaml, 'test-catalog.yaml');
  if (!result.ok) throw new Error(formatCatalogIssues(result.issues));
  return result.catalog;
}

export async function startFakes(): Promise<Fakes> {
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
  for (const group of ['00g1viewer', '00g1admin', '00g1audit', '00g2write', '00g3analyst']) okta.addGroup({ id: group, name: group });
  slack.addChannel('CALERTS', { name: 'it-alerts' });
  return { slack, jira, okta };
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
    const fakes = options.fakes ?? (await startFakes());
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

  async stop(options: { keepFakes?: boolean; keepDatabase?: boolean } = {}): Promise<void> {
    await this.keycard.stop();
    if (!options.keepFakes) await Promise.all([this.slack.stop(), this.jira.stop(), this.okta.stop()]);
    if (this.ownsDir && !options.keepDatabase) rmSync(this.ownsDir, { recursive: true, force: true });
  }
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
    ...extra,
  };
}
