/**
 * The operator endpoints on their own server, as Socket Mode serves them (no Bolt HTTP receiver there):
 * the same handler answers /healthz, /readyz and /metrics, and nothing else.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/domain/settings.js';
import { createOpsHandler, startOpsServer } from '../../src/jobs/ops-http.js';
import type { Readiness } from '../../src/jobs/readiness.js';
import { ServiceCalls } from '../../src/jobs/service-calls.js';

describe('the operator endpoints server (Socket Mode)', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  });

  async function serve(readiness: Readiness, token: Secret | null = null): Promise<string> {
    const handler = createOpsHandler({ readiness: () => readiness, readyDetails: () => ({ jobs: { pending: 1 } }), metrics: null, metricsToken: token });
    server = await startOpsServer(handler, 0, '127.0.0.1');
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('answers /healthz and /readyz, 404 for /metrics when metrics are off and for anything else, 405 for a POST', async () => {
    const url = await serve({ ready: true });

    const answers = await Promise.all(['/healthz', '/readyz', '/metrics', '/slack/events'].map(async (path) => {
      const response = await fetch(`${url}${path}`);
      return [path, response.status, await response.text()];
    }));
    const post = await fetch(`${url}/healthz`, { method: 'POST' });

    expect(answers).toEqual([
      ['/healthz', 200, '{"ok":true}'],
      ['/readyz', 200, '{"ok":true,"jobs":{"pending":1}}'],
      ['/metrics', 404, '404 Not Found\n'],
      ['/slack/events', 404, '404 Not Found\n'],
    ]);
    expect(post.status).toBe(405);
  });

  it('answers 503 with the reason when not ready', async () => {
    const url = await serve({ ready: false, reason: 'the last 5 calls to okta failed' });

    const response = await fetch(`${url}/readyz`);

    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ ok: false, reason: 'the last 5 calls to okta failed' });
  });
});

describe('ServiceCalls', () => {
  it('reports a service only when its whole window failed', () => {
    const calls = new ServiceCalls(3);

    calls.record('okta', 'error');
    calls.record('okta', 'rate_limited');
    const twoFailed = calls.failing();
    calls.record('okta', 'error');
    const threeFailed = calls.failing();
    calls.record('okta', 'ok');

    expect(twoFailed).toEqual([]);
    expect(threeFailed.map((s) => s.service)).toEqual(['okta']);
    expect(calls.failing()).toEqual([]);
  });
});
