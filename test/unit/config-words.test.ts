/**
 * Settings copied from `.env.example` unchanged, Slack tokens of the wrong kind and out-of-range values are
 * refused with the variable named and the reason in plain words (never zod's "Invalid enum value").
 */
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { configProblems } from '../support/config-env.js';

const EXAMPLE = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');

/** Every assignment in .env.example, the commented-out optional ones included. */
function exampleAssignments(): Record<string, string> {
  const uncommented = EXAMPLE.split('\n').map((line) => line.replace(/^#\s?(?=[A-Z][A-Z0-9_]*=)/, ''));
  return Object.fromEntries(Object.entries(parseEnv(uncommented.join('\n'))).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

describe('placeholders from .env.example', () => {
  it.each([
    ['SLACK_BOT_TOKEN', 'xoxb-your-bot-token'],
    ['SLACK_SIGNING_SECRET', 'your-signing-secret'],
    ['SLACK_APP_TOKEN', 'xapp-your-app-token'],
    ['KEYCARD_ADMINS', 'U0000000001'],
    ['KEYCARD_ALERT_CHANNEL', 'C0000000000'],
    ['JIRA_HOST', 'https://your-domain.atlassian.net'],
    ['JIRA_EMAIL', 'keycard-bot@your-domain.com'],
    ['JIRA_API_TOKEN', 'your-jira-api-token'],
    ['OKTA_ORG_URL', 'https://your-org.okta.com'],
    ['OKTA_API_TOKEN', 'your-okta-api-token'],
    ['ENTRA_TENANT_ID', '00000000-0000-0000-0000-000000000000'],
    ['ENTRA_CLIENT_ID', '00000000-0000-0000-0000-000000000000'],
    ['ENTRA_CLIENT_SECRET', 'your-client-secret-value'],
    ['GOOGLE_ADMIN_SUBJECT', 'keycard-admin@your-domain.com'],
  ])('refuses %s=%s, naming the setting', (name, value) => {
    const problems = configProblems({ [name]: value });

    expect(problems).toContain(`${name}: '${value}' is the placeholder from .env.example; replace it with your own value (see the comment above it in .env.example)`);
  });

  it('refuses every placeholder .env.example ships when the file is used as it is', () => {
    const example = exampleAssignments();

    const problems = configProblems(example).join('\n');

    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'KEYCARD_ADMINS', 'KEYCARD_ALERT_CHANNEL', 'JIRA_HOST', 'JIRA_EMAIL', 'JIRA_API_TOKEN', 'OKTA_ORG_URL', 'OKTA_API_TOKEN', 'ENTRA_TENANT_ID', 'ENTRA_CLIENT_ID', 'ENTRA_CLIENT_SECRET', 'GOOGLE_SERVICE_ACCOUNT_FILE', 'GOOGLE_ADMIN_SUBJECT']) {
      const first = (example[name] ?? '').split(',')[0];
      expect(problems).toMatch(new RegExp(`^${name}: '${first}'.* is the placeholder from \\.env\\.example`, 'm'));
    }
  });

  it('names only the placeholder in a list that also holds real ids', () => {
    expect(configProblems({ KEYCARD_ADMINS: 'U01ABCDE234,U0000000002' })).toEqual([
      "KEYCARD_ADMINS: 'U0000000002' is the placeholder from .env.example; replace it with your own value (see the comment above it in .env.example)",
    ]);
  });
});

describe('Slack token shapes', () => {
  it.each([
    ['SLACK_BOT_TOKEN', 'abc', 'SLACK_BOT_TOKEN must be the Bot User OAuth Token (Slack app > OAuth & Permissions), which starts with xoxb-; the value set is not a Slack token of any kind'],
    ['SLACK_BOT_TOKEN', 'xapp-1-A1-2-abc', 'SLACK_BOT_TOKEN must be the Bot User OAuth Token (Slack app > OAuth & Permissions), which starts with xoxb-; the value set is an app-level token (xapp-), which belongs in SLACK_APP_TOKEN'],
    ['SLACK_BOT_TOKEN', 'xoxp-1-2-3', 'SLACK_BOT_TOKEN must be the Bot User OAuth Token (Slack app > OAuth & Permissions), which starts with xoxb-; the value set is a user token (xoxp-); Keycard acts as the bot, not as a person'],
    ['SLACK_APP_TOKEN', 'xoxb-1-2-3', 'SLACK_APP_TOKEN must be an app-level token (Slack app > Basic Information > App-Level Tokens, scope connections:write), which starts with xapp-; the value set is a bot token (xoxb-), which belongs in SLACK_BOT_TOKEN'],
  ])('refuses %s=%s with the setting named and the token not shown', (name, value, message) => {
    const problems = configProblems({ [name]: value });

    expect(problems).toContain(message);
    expect(problems.join('\n')).not.toContain(value);
  });

  it('accepts a bot token and an app token of the right kind', () => {
    expect(configProblems({ SLACK_BOT_TOKEN: 'xoxb-123-456-abc', SLACK_APP_TOKEN: 'xapp-1-A1-2-abc' })).toEqual([]);
  });
});

describe('plain messages for values out of range', () => {
  it.each([
    ['LOG_LEVEL', 'verbose', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (default info)'],
    ['KEYCARD_MISSING_GROUPS', 'ignore', 'KEYCARD_MISSING_GROUPS must be error (refuse to start when a catalog group does not exist in its provider, the default) or warn (log it and start)'],
    ['PORT', 'http', 'PORT must be a whole number from 0 to 65535, e.g. 3000'],
    ['PORT', '70000', 'PORT must be a whole number from 0 to 65535, e.g. 3000'],
    ['KEYCARD_JOB_MAX_ATTEMPTS', '0', 'KEYCARD_JOB_MAX_ATTEMPTS must be a whole number from 1 to 100 (default 12)'],
    ['KEYCARD_JOB_MAX_ATTEMPTS', 'many', 'KEYCARD_JOB_MAX_ATTEMPTS must be a whole number from 1 to 100 (default 12)'],
    ['OKTA_CALLS_PER_MINUTE', 'fast', 'OKTA_CALLS_PER_MINUTE must be at least 1 (a whole number of calls a minute)'],
    ['ENTRA_CALLS_PER_MINUTE', '2.5', 'ENTRA_CALLS_PER_MINUTE must be at least 1 (a whole number of calls a minute)'],
  ])('%s=%s says what is allowed', (name, value, message) => {
    const problems = configProblems({ [name]: value });

    expect(problems).toContain(message);
    expect(problems.join('\n')).not.toMatch(/Invalid enum value|Expected number|Number must be/);
  });
});
