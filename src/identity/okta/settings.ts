/** Okta's environment settings: OKTA_ORG_URL, OKTA_API_TOKEN and the pace of calls. */
import { z } from 'zod';
import { apiUrl, callsPerMinute, describeIssues, optionalText, requiredTogether, Secret, type RawEnv } from '../../domain/settings.js';
import type { ProviderEnvSettings } from '../settings-contract.js';
import type { OktaSettings } from './okta.js';

export interface OktaConfig {
  readonly orgUrl: string;
  readonly apiToken: Secret;
  readonly callsPerMinute: number;
}

const env = z.object({
  OKTA_ORG_URL: optionalText.pipe(apiUrl('OKTA_ORG_URL').optional()),
  OKTA_API_TOKEN: optionalText,
  OKTA_CALLS_PER_MINUTE: callsPerMinute('OKTA_CALLS_PER_MINUTE'),
});

export const oktaSettings: ProviderEnvSettings<OktaConfig, OktaSettings> = {
  variables: Object.keys(env.shape),
  requiredMessage: 'OKTA_ORG_URL and OKTA_API_TOKEN are required: the catalog has apps on provider okta',
  read(raw: RawEnv) {
    const parsed = env.safeParse(raw);
    const problems = [...(parsed.success ? [] : describeIssues(parsed.error)), ...requiredTogether(raw, ['OKTA_ORG_URL', 'OKTA_API_TOKEN'], 'OKTA_ORG_URL or OKTA_API_TOKEN')];
    if (!parsed.success) return { problems, config: null };
    const e = parsed.data;
    return {
      problems,
      config: e.OKTA_ORG_URL && e.OKTA_API_TOKEN ? { orgUrl: e.OKTA_ORG_URL, apiToken: new Secret(e.OKTA_API_TOKEN), callsPerMinute: e.OKTA_CALLS_PER_MINUTE ?? 600 } : null,
    };
  },
  toAdapter: (config) => ({ orgUrl: config.orgUrl, token: config.apiToken.reveal() }),
  healthTarget: (config) => ({
    credentials: ['OKTA_API_TOKEN'],
    address: { setting: 'OKTA_ORG_URL', url: config.orgUrl },
    permission: 'okta.users.read (an admin role that can read users, e.g. Group Membership Administrator plus read access to users)',
  }),
};
