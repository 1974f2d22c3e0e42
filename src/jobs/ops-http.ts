/**
 * The operator's endpoints, the same in HTTP and Socket Mode: GET /healthz (the process answers; no
 * data), GET /readyz (is it doing its work: 503 and one line saying why not) and GET /metrics
 * (Prometheus; off unless KEYCARD_METRICS=1 or KEYCARD_METRICS_TOKEN is set, and then behind the token).
 * In HTTP mode Bolt serves them next to /slack/events; in Socket Mode a small node:http server does.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Secret } from '../domain/settings.js';
import type { KeycardMetrics } from './metrics.js';
import type { Readiness } from './readiness.js';

export interface OpsEndpointsDeps {
  readonly readiness: () => Readiness;
  /** What a ready /readyz shows besides `ok` (the job counts monitors read). */
  readonly readyDetails: () => Record<string, unknown>;
  readonly metrics: KeycardMetrics | null;
  /** When set, /metrics answers only `Authorization: Bearer <token>`. */
  readonly metricsToken: Secret | null;
}

export type OpsHandler = (req: IncomingMessage, res: ServerResponse) => void;

export const OPS_PATHS = ['/healthz', '/readyz', '/metrics'] as const;

function json(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** Constant-time comparison of digests, so the check's timing says nothing about the token. */
function tokenMatches(header: string | undefined, token: Secret): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match[1].trim()), digest(token.reveal()));
}

export function createOpsHandler(deps: OpsEndpointsDeps): OpsHandler {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    // A path it does not serve is 404 whatever the method (a POST to /webhooks/jira without its secret set, too).
    if (!(OPS_PATHS as readonly string[]).includes(path)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404 Not Found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET' });
      res.end();
      return;
    }
    if (path === '/healthz') {
      json(res, 200, { ok: true });
      return;
    }
    if (path === '/readyz') {
      try {
        const readiness = deps.readiness();
        if (readiness.ready) json(res, 200, { ok: true, ...deps.readyDetails() });
        else json(res, 503, { ok: false, reason: readiness.reason });
      } catch (error) {
        json(res, 503, { ok: false, reason: `readiness check failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` });
      }
      return;
    }
    if (path === '/metrics' && deps.metrics) {
      if (deps.metricsToken && !tokenMatches(req.headers.authorization, deps.metricsToken)) {
        res.writeHead(401, { 'www-authenticate': 'Bearer realm="keycard-metrics"', 'content-type': 'text/plain' });
        res.end('401 Unauthorized: send Authorization: Bearer <KEYCARD_METRICS_TOKEN>\n');
        return;
      }
      const { registry } = deps.metrics;
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(text);
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`metrics failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('404 Not Found\n');
  };
}

/** A route served besides the operator's GET endpoints (the Jira webhook), with its own handler. */
export interface ExtraRoute {
  readonly path: string;
  readonly handler: OpsHandler;
}

/**
 * The operator's handler with `routes` in front: a request to one of their paths goes to its handler (which
 * answers every method), anything else to `ops`. What the Socket Mode server serves on PORT.
 */
export function withRoutes(ops: OpsHandler, routes: readonly ExtraRoute[]): OpsHandler {
  if (routes.length === 0) return ops;
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const route = routes.find((r) => r.path === path);
    if (route) route.handler(req, res);
    else ops(req, res);
  };
}

/** Socket Mode has no HTTP server of its own: this one serves only the operator's endpoints (and the Jira webhook). */
export async function startOpsServer(handler: OpsHandler, port: number, host?: string): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
