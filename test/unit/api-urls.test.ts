/**
 * Every setting that is the base URL of an API Keycard sends credentials to must be https; plain http is
 * accepted only on a loopback host (a fake in tests), and ENTRA_AUTHORITY_HOST not even there.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { isLoopbackHost } from '../../src/domain/settings.js';
import { BASE_ENV } from '../support/config-env.js';

const BASE = BASE_ENV;

const keyFile = join(mkdtempSync(join(tmpdir(), 'keycard-urls-')), 'key.json');
writeFileSync(keyFile, JSON.stringify({ client_email: 'keycard@p.iam.gserviceaccount.com', private_key: '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n' }));

/** The other settings each URL needs to be read at all. */
const PROVIDER = {
  okta: { OKTA_API_TOKEN: 'token' },
  entra: { ENTRA_TENANT_ID: 'tenant-1', ENTRA_CLIENT_ID: 'client-1', ENTRA_CLIENT_SECRET: 'secret-1' },
  google: { GOOGLE_SERVICE_ACCOUNT_FILE: keyFile, GOOGLE_ADMIN_SUBJECT: 'admin@acme.com' },
  none: {},
};

/** Each API URL setting, the settings it goes with, and a path it may carry. */
const URL_SETTINGS: ReadonlyArray<readonly [name: string, needs: keyof typeof PROVIDER, path: string]> = [
  ['SLACK_API_URL', 'none', '/api/'],
  ['JIRA_HOST', 'none', ''],
  ['OKTA_ORG_URL', 'okta', ''],
  ['GRAPH_BASE_URL', 'entra', '/v1.0'],
  ['GOOGLE_API_ROOT', 'google', ''],
  ['GOOGLE_TOKEN_URL', 'google', '/token'],
];

function problems(env: Record<string, string>): string {
  try {
    loadConfig({ ...BASE, ...env });
    return '';
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
}

describe('API base URL settings', () => {
  it.each(URL_SETTINGS)('refuses %s over plain http to a non-loopback host, naming it', (name, provider, path) => {
    expect(problems({ ...PROVIDER[provider], [name]: `http://api.example.com${path}` })).toContain(`${name} must use https://`);
  });

  it.each(URL_SETTINGS)('refuses %s with a scheme other than https or http', (name, provider, path) => {
    expect(problems({ ...PROVIDER[provider], [name]: `ftp://api.example.com${path}` })).toContain(`${name} must use https://`);
  });

  it.each(URL_SETTINGS.flatMap(([name, provider, path]) => ['127.0.0.1:4010', '127.0.0.2:4010', '127.255.0.9', 'localhost:4010', '[::1]:4010'].map((host) => [name, `http://${host}${path}`, provider] as const)))(
    'accepts %s=%s (plain http on a loopback host)',
    (name, url, provider) => {
      expect(problems({ ...PROVIDER[provider], [name]: url })).toBe('');
    },
  );

  it.each(URL_SETTINGS)('accepts %s over https', (name, provider, path) => {
    expect(problems({ ...PROVIDER[provider], [name]: `https://api.example.com${path}` })).toBe('');
  });

  it.each(['http://127.0.0.1:4010', 'http://localhost:4010', 'http://login.example.com'])('refuses ENTRA_AUTHORITY_HOST=%s: its client wants https even on loopback', (url) => {
    expect(problems({ ...PROVIDER.entra, ENTRA_AUTHORITY_HOST: url })).toContain('ENTRA_AUTHORITY_HOST must use https://');
  });

  it('refuses a lookalike of a loopback host', () => {
    expect(problems({ SLACK_API_URL: 'http://127.0.0.1.example.com/api/' })).toContain('SLACK_API_URL must use https://');
    expect(problems({ SLACK_API_URL: 'http://localhost.example.com/api/' })).toContain('SLACK_API_URL must use https://');
  });

  it('keeps SLACK_API_URL as given', () => {
    expect(loadConfig({ ...BASE, SLACK_API_URL: 'http://127.0.0.2:4010/api/' }).slack.apiUrl).toBe('http://127.0.0.2:4010/api/');
  });
});

describe('isLoopbackHost', () => {
  it.each([
    [new URL('http://127.0.0.1/').hostname, true],
    [new URL('http://127.1/').hostname, true],
    [new URL('http://0x7f000002/').hostname, true],
    [new URL('http://LOCALHOST/').hostname, true],
    [new URL('http://[0:0::1]/').hostname, true],
    [new URL('http://128.0.0.1/').hostname, false],
    [new URL('http://10.0.0.1/').hostname, false],
    [new URL('http://[::2]/').hostname, false],
    [new URL('http://localhost.example.com/').hostname, false],
  ])('%s -> %s', (hostname, expected) => {
    expect(isLoopbackHost(hostname)).toBe(expected);
  });
});
