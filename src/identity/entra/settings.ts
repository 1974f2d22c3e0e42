/** Microsoft Entra ID's environment settings: the app registration, the Graph and authority URLs, the pace of calls. */
import { z } from 'zod';
import { apiUrl, callsPerMinute, describeIssues, optionalText, requiredTogether, Secret, type RawEnv } from '../../domain/settings.js';
import type { ProviderEnvSettings } from '../settings-contract.js';
import type { EntraSettings } from './entra.js';

export interface EntraConfig {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: Secret;
  /** Graph root including the version, e.g. https://graph.microsoft.com/v1.0. */
  readonly graphBaseUrl: string;
  readonly authorityHost: string | null;
  readonly callsPerMinute: number;
}

const CREDENTIALS = ['ENTRA_TENANT_ID', 'ENTRA_CLIENT_ID', 'ENTRA_CLIENT_SECRET'];

const env = z.object({
  ENTRA_TENANT_ID: optionalText,
  ENTRA_CLIENT_ID: optionalText,
  ENTRA_CLIENT_SECRET: optionalText,
  GRAPH_BASE_URL: optionalText.pipe(apiUrl('GRAPH_BASE_URL').optional()),
  // @azure/identity refuses a non-https authority, even on loopback.
  ENTRA_AUTHORITY_HOST: optionalText.pipe(apiUrl('ENTRA_AUTHORITY_HOST', { example: 'https://login.microsoftonline.com', httpsOnly: true }).optional()),
  ENTRA_CALLS_PER_MINUTE: callsPerMinute('ENTRA_CALLS_PER_MINUTE'),
});

export const entraSettings: ProviderEnvSettings<EntraConfig, EntraSettings> = {
  variables: Object.keys(env.shape),
  requiredMessage: 'ENTRA_TENANT_ID, ENTRA_CLIENT_ID and ENTRA_CLIENT_SECRET are required: the catalog has apps on provider entra',
  read(raw: RawEnv) {
    const parsed = env.safeParse(raw);
    const problems = [...(parsed.success ? [] : describeIssues(parsed.error)), ...requiredTogether(raw, CREDENTIALS, 'any of ENTRA_TENANT_ID, ENTRA_CLIENT_ID or ENTRA_CLIENT_SECRET')];
    if (!parsed.success) return { problems, config: null };
    const e = parsed.data;
    if (!e.ENTRA_TENANT_ID || !e.ENTRA_CLIENT_ID || !e.ENTRA_CLIENT_SECRET) return { problems, config: null };
    return {
      problems,
      config: {
        tenantId: e.ENTRA_TENANT_ID,
        clientId: e.ENTRA_CLIENT_ID,
        clientSecret: new Secret(e.ENTRA_CLIENT_SECRET),
        graphBaseUrl: (e.GRAPH_BASE_URL ?? 'https://graph.microsoft.com/v1.0').replace(/\/+$/, ''),
        authorityHost: e.ENTRA_AUTHORITY_HOST ?? null,
        // Well under Graph's directory write throttling (thousands of resource units per 10 s per app and tenant).
        callsPerMinute: e.ENTRA_CALLS_PER_MINUTE ?? 600,
      },
    };
  },
  toAdapter: (config) => ({
    tenantId: config.tenantId,
    clientId: config.clientId,
    clientSecret: config.clientSecret.reveal(),
    graphBaseUrl: config.graphBaseUrl,
    ...(config.authorityHost ? { authorityHost: config.authorityHost } : {}),
  }),
  healthTarget: (config) => ({
    credentials: ['ENTRA_TENANT_ID', 'ENTRA_CLIENT_ID', 'ENTRA_CLIENT_SECRET'],
    address: { setting: 'GRAPH_BASE_URL', url: config.graphBaseUrl },
    permission: 'User.Read.All and GroupMember.ReadWrite.All (application permissions, admin-consented)',
  }),
};
