/**
 * Entra outside the public cloud, through the production credential: a real ClientSecretCredential in a
 * child process gets its token from a private authority (the Graph fake's token endpoint over https, with
 * a certificate made for this run and trusted through NODE_EXTRA_CA_CERTS) and never asks
 * login.microsoftonline.com to vouch for that authority. The child's outbound traffic to anywhere but
 * 127.0.0.1 goes through a recording proxy that refuses it, so an attempt is seen whether or not this
 * machine has a network.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphFake } from '../fakes/graph.js';
import type { FakeTls } from '../fakes/http-fake.js';
import { BASE_ENV } from '../support/config-env.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PROBE = fileURLToPath(new URL('./fixtures/entra-probe.ts', import.meta.url));
const TENANT = '72f988bf-0000-4000-8000-0000000000aa';
const CLIENT = 'a1b2c3d4-0000-4000-8000-0000000c1e17';
const SECRET = 'private-cloud-secret';
const USER = { id: '6f1c2a10-0000-4000-8000-00000000a11c', email: 'alice@acme.com' };

let dir: string;
let tls: FakeTls & { certPath: string };
let proxy: Server;
let proxied: string[];

/** A self-signed certificate for 127.0.0.1, made by the openssl CLI for this run only. */
function selfSignedCertificate(into: string): FakeTls & { certPath: string } {
  const keyPath = join(into, 'key.pem');
  const certPath = join(into, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyPath, '-out', certPath], { stdio: 'ignore' });
  return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), certPath };
}

/** An HTTP proxy that records where the child tried to go and lets nothing through. */
async function recordingProxy(): Promise<Server> {
  const server = createServer((req, res) => {
    proxied.push(req.url ?? '');
    res.writeHead(403).end();
  });
  server.on('connect', (req, socket) => {
    proxied.push(req.url ?? '');
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

interface ProbeAnswer {
  ok: boolean;
  userId?: string | null;
  error?: string;
}

/** Runs the probe in a fresh Node process with only the environment given (no proxy or CA of our own). */
async function runProbe(env: Record<string, string>): Promise<ProbeAnswer> {
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', PROBE], {
    cwd: ROOT,
    timeout: 60_000,
    env: {
      PATH: process.env['PATH'] ?? '',
      ...BASE_ENV,
      NODE_EXTRA_CA_CERTS: tls.certPath,
      HTTPS_PROXY: proxyUrl,
      HTTP_PROXY: proxyUrl,
      NO_PROXY: '127.0.0.1',
      PROBE_EMAIL: USER.email,
      ENTRA_TENANT_ID: TENANT,
      ENTRA_CLIENT_ID: CLIENT,
      ENTRA_CLIENT_SECRET: SECRET,
      ...env,
    },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ProbeAnswer;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keycard-entra-tls-'));
  tls = selfSignedCertificate(dir);
  proxied = [];
  proxy = await recordingProxy();
});

afterAll(async () => {
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('Entra with a private authority (the production credential, end to end)', () => {
  it('gets its token from ENTRA_AUTHORITY_HOST for the Graph in use, without asking login.microsoftonline.com', async () => {
    const fake = new GraphFake({ tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET });
    const origin = await fake.start(tls);
    // The fake is the authority and the Graph in one: it issues tokens only for its own origin, as a national cloud does.
    fake.audience = origin;
    fake.addUser({ id: USER.id, userPrincipalName: USER.email, mail: USER.email, displayName: 'Alice Ng' });
    proxied = [];

    try {
      const answer = await runProbe({ ENTRA_AUTHORITY_HOST: origin, GRAPH_BASE_URL: `${origin}/v1.0` });

      expect(answer).toEqual({ ok: true, userId: USER.id });
      const tokenCalls = fake.callsTo('POST', `/${TENANT}/oauth2/v2.0/token`);
      expect(tokenCalls.map((c) => (c.body as Record<string, string>)['scope'])).toEqual([`${origin}/.default`]);
      expect(tokenCalls[0]?.status).toBe(200);
      expect(proxied).toEqual([]);
      fake.assertNoUnexpected();
    } finally {
      await fake.stop();
    }
  }, 60_000);

  it('names the scope and the authority when the authority refuses the token, not only the app registration', async () => {
    const fake = new GraphFake({ tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET });
    const origin = await fake.start(tls);
    // An authority of another cloud: it knows only that cloud's Graph, so a token for this one is refused.
    fake.audience = 'https://graph.microsoft.us';
    proxied = [];

    try {
      const answer = await runProbe({ ENTRA_AUTHORITY_HOST: origin, GRAPH_BASE_URL: `${origin}/v1.0` });

      expect(answer.ok).toBe(false);
      expect(answer.error).toContain(`could not get a Microsoft Graph token for ${origin}/.default from ${origin}`);
      expect(answer.error).toContain('AADSTS500011');
      expect(answer.error).toContain('ENTRA_AUTHORITY_HOST and GRAPH_BASE_URL');
      expect(fake.calls.filter((c) => c.path.startsWith('/v1.0/'))).toEqual([]);
      expect(proxied).toEqual([]);
      fake.assertNoUnexpected();
    } finally {
      await fake.stop();
    }
  }, 60_000);
});
