/** The least environment `loadConfig` accepts (Slack and Jira), for tests of one setting on top of it. */
import { ConfigError, loadConfig } from '../../src/config.js';

export const BASE_ENV = {
  SLACK_BOT_TOKEN: 'xoxb-1',
  SLACK_SIGNING_SECRET: 'secret',
  JIRA_HOST: 'https://acme.atlassian.net',
  JIRA_EMAIL: 'bot@acme.com',
  JIRA_API_TOKEN: 'token',
  JIRA_PROJECT_KEY: 'ACCESS',
};

/** The problems `loadConfig` reports for `BASE_ENV` plus `env`; none when it loads. */
export function configProblems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig({ ...BASE_ENV, ...env });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}
