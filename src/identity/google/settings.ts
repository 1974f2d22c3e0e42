/** Google Workspace's environment settings: the service-account key, the admin it acts as, the API URLs, the pace of calls. */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { apiUrl, callsPerMinute, describeIssues, optionalText, requiredTogether, Secret, type RawEnv } from '../../domain/settings.js';
import type { ProviderEnvSettings } from '../settings-contract.js';
import type { GoogleSettings } from './google.js';

export interface GoogleConfig {
  readonly clientEmail: string;
  readonly privateKey: Secret;
  readonly adminSubject: string;
  /** An origin: the Google client keeps only scheme://host:port. */
  readonly apiRoot: string;
  readonly tokenUrl: string | null;
  readonly callsPerMinute: number;
}

const env = z.object({
  GOOGLE_SERVICE_ACCOUNT_FILE: optionalText,
  GOOGLE_ADMIN_SUBJECT: optionalText.pipe(z.string().email('GOOGLE_ADMIN_SUBJECT must be the email of a Google Workspace admin').optional()),
  GOOGLE_API_ROOT: optionalText.pipe(
    apiUrl('GOOGLE_API_ROOT')
      .refine((v) => {
        const u = new URL(v);
        return u.pathname === '/' && !u.search && !u.hash;
      }, 'GOOGLE_API_ROOT must be an origin only (scheme://host:port, no path): the Google client drops any path')
      .optional(),
  ),
  GOOGLE_TOKEN_URL: optionalText.pipe(apiUrl('GOOGLE_TOKEN_URL').optional()),
  GOOGLE_CALLS_PER_MINUTE: callsPerMinute('GOOGLE_CALLS_PER_MINUTE'),
});

interface ServiceAccountKey {
  readonly client_email: string;
  readonly private_key: string;
}

/** A Google service-account key file: the error says what is wrong with it. */
function readServiceAccountFile(path: string): ServiceAccountKey {
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

export const googleSettings: ProviderEnvSettings<GoogleConfig, GoogleSettings> = {
  variables: Object.keys(env.shape),
  requiredMessage: 'GOOGLE_SERVICE_ACCOUNT_FILE and GOOGLE_ADMIN_SUBJECT are required: the catalog has apps on provider google',
  read(raw: RawEnv) {
    const parsed = env.safeParse(raw);
    const problems = [...(parsed.success ? [] : describeIssues(parsed.error)), ...requiredTogether(raw, ['GOOGLE_SERVICE_ACCOUNT_FILE', 'GOOGLE_ADMIN_SUBJECT'], 'GOOGLE_SERVICE_ACCOUNT_FILE or GOOGLE_ADMIN_SUBJECT')];
    const file = (raw['GOOGLE_SERVICE_ACCOUNT_FILE'] ?? '').trim();
    let key: ServiceAccountKey | null = null;
    // Read even when other settings are wrong, so a bad key is named alongside every other problem.
    if (file) {
      try {
        key = readServiceAccountFile(file);
      } catch (error) {
        problems.push(`GOOGLE_SERVICE_ACCOUNT_FILE: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (!parsed.success || !key) return { problems, config: null };
    const e = parsed.data;
    if (!e.GOOGLE_ADMIN_SUBJECT) return { problems, config: null };
    return {
      problems,
      config: {
        clientEmail: key.client_email,
        privateKey: new Secret(key.private_key),
        adminSubject: e.GOOGLE_ADMIN_SUBJECT,
        apiRoot: new URL(e.GOOGLE_API_ROOT ?? 'https://admin.googleapis.com').origin,
        tokenUrl: e.GOOGLE_TOKEN_URL ?? null,
        // Below the Admin SDK's default per-user quota (2,400 queries a minute), leaving room for other tools.
        callsPerMinute: e.GOOGLE_CALLS_PER_MINUTE ?? 1500,
      },
    };
  },
  toAdapter: (config) => ({
    credentials: { client_email: config.clientEmail, private_key: config.privateKey.reveal() },
    adminSubject: config.adminSubject,
    apiRoot: config.apiRoot,
    ...(config.tokenUrl ? { tokenUrl: config.tokenUrl } : {}),
  }),
  healthTarget: (config) => ({
    credentials: ['GOOGLE_SERVICE_ACCOUNT_FILE', 'GOOGLE_ADMIN_SUBJECT'],
    address: { setting: 'GOOGLE_API_ROOT', url: config.apiRoot },
    permission: 'admin.directory.user.readonly and admin.directory.group.readonly (domain-wide delegation scopes)',
  }),
};
