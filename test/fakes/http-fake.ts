/**
 * Base for the stateful HTTP fakes of Slack, Jira and the identity providers.
 *
 * A fake listens on 127.0.0.1 (port 0), records every call, answers known routes from its own state,
 * answers unknown routes with 404 and records them in `unexpected` (tests call `assertNoUnexpected()`),
 * and can inject faults: extra latency, a status with headers and body (optionally after carrying the
 * request out, so its answer is lost), or a request that hangs until `releaseHung()` or `stop()`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly rawBody: string;
  /** JSON body, or the form fields as an object, or undefined. */
  readonly body: unknown;
  status: number;
  /** `performance.now()` when the request arrived and when it was answered (benchmarks read these). */
  readonly receivedAt: number;
  answeredAt: number;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as they are; undefined sends no body. */
  body?: unknown;
}

export interface Fault {
  method?: string;
  /** A RegExp tested against the path, or an exact path. */
  path?: RegExp | string;
  /** How many matching calls the fault applies to (default 1; Infinity for all). */
  times?: number;
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Delay before answering (the fault's status, or the normal answer when no status is given). */
  delayMs?: number;
  /** Never answer until `releaseHung()` or `stop()`. */
  hang?: boolean;
  /**
   * Carry out the request as normal, then answer with the fault's status instead of the real answer: the
   * service did the work but the caller never learns it (a timeout or a dropped connection after commit).
   */
  afterApply?: boolean;
}

/** A certificate and key (PEM) to serve https with, for clients that refuse plain http whatever the host. */
export interface FakeTls {
  readonly cert: string;
  readonly key: string;
}

export interface RouteContext {
  readonly call: RecordedCall;
  readonly params: Record<string, string>;
}

type Handler = (ctx: RouteContext) => FakeResponse | Promise<FakeResponse>;

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly keys: readonly string[];
  readonly handler: Handler;
}

function compilePath(path: string): { pattern: RegExp; keys: string[] } {
  const keys: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) {
        keys.push(segment.slice(1));
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { pattern: new RegExp(`^${source}$`), keys };
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  if (contentType?.includes('application/json')) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return undefined;
    }
  }
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  return raw;
}

export class HttpFake {
  readonly calls: RecordedCall[] = [];
  readonly unexpected: RecordedCall[] = [];
  /** Added to every answer, in milliseconds. */
  latencyMs = 0;
  /**
   * Random fault runs (test/bench/faults.ts): asked for a fault for every call that no injected fault
   * matched; undefined answers normally. Injected faults (`inject`) always come first.
   */
  chaos: ((call: RecordedCall) => Fault | undefined) | undefined = undefined;
  private readonly routes: Route[] = [];
  private readonly faults: Array<Fault & { remaining: number }> = [];
  private hung: Array<() => void> = [];
  private server: Server | undefined;
  private baseUrl = '';

  constructor(readonly name: string) {}

  get url(): string {
    return this.baseUrl;
  }

  route(method: string, path: string, handler: Handler): void {
    const { pattern, keys } = compilePath(path);
    this.routes.push({ method: method.toUpperCase(), pattern, keys, handler });
  }

  inject(fault: Fault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Lets every hung request go on to its normal answer. */
  releaseHung(): void {
    const waiting = this.hung;
    this.hung = [];
    for (const release of waiting) release();
  }

  callsTo(method: string, path: RegExp | string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method.toUpperCase() && matchPath(path, c.path));
  }

  assertNoUnexpected(): void {
    if (this.unexpected.length > 0) {
      const list = this.unexpected.map((c) => `${c.method} ${c.path}`).join(', ');
      throw new Error(`${this.name} fake received unexpected calls: ${list}`);
    }
  }

  async start(tls?: FakeTls): Promise<string> {
    const listener = (req: IncomingMessage, res: ServerResponse): void => {
      void this.handle(req, res);
    };
    const server: Server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, listener) : createServer(listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    const { port } = server.address() as AddressInfo;
    this.baseUrl = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    this.releaseHung();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const call: RecordedCall = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      headers: req.headers,
      rawBody,
      body: parseBody(rawBody, req.headers['content-type']),
      status: 0,
      receivedAt: performance.now(),
      answeredAt: 0,
    };
    this.calls.push(call);

    const fault = this.takeFault(call);
    const delay = this.latencyMs + (fault?.delayMs ?? 0);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (fault?.hang) await new Promise<void>((resolve) => this.hung.push(resolve));

    let answer: FakeResponse;
    if (fault?.status !== undefined) {
      if (fault.afterApply) await this.dispatch(call);
      answer = { status: fault.status, headers: fault.headers, body: fault.body };
    } else {
      answer = await this.dispatch(call);
    }
    call.status = answer.status;
    call.answeredAt = performance.now();
    if (res.destroyed) return;
    const headers: Record<string, string> = { ...answer.headers };
    let payload: string | undefined;
    if (answer.body !== undefined) {
      if (typeof answer.body === 'string') {
        payload = answer.body;
        headers['content-type'] ??= 'text/plain';
      } else {
        payload = JSON.stringify(answer.body);
        headers['content-type'] ??= 'application/json; charset=utf-8';
      }
    }
    res.writeHead(answer.status, headers);
    res.end(payload);
  }

  private takeFault(call: RecordedCall): Fault | undefined {
    const index = this.faults.findIndex(
      (f) =>
        f.remaining > 0 &&
        (f.method === undefined || f.method.toUpperCase() === call.method) &&
        (f.path === undefined || matchPath(f.path, call.path)),
    );
    if (index < 0) return this.chaos?.(call);
    const fault = this.faults[index]!;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private async dispatch(call: RecordedCall): Promise<FakeResponse> {
    for (const route of this.routes) {
      if (route.method !== call.method) continue;
      const match = route.pattern.exec(call.path);
      if (!match) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, i) => {
        params[key] = match[i + 1] ?? '';
      });
      try {
        return await route.handler({ call, params });
      } catch (error) {
        return { status: 500, body: { error: `${this.name} fake failed: ${String(error)}` } };
      }
    }
    this.unexpected.push(call);
    return { status: 404, body: { error: `no route ${call.method} ${call.path} in the ${this.name} fake` } };
  }
}

function matchPath(pattern: RegExp | string, path: string): boolean {
  return typeof pattern === 'string' ? pattern === path : pattern.test(path);
}

/** A sliding one-minute window of accepted calls, as the services' rate limits count them. */
export class SlidingMinute {
  private hits: number[] = [];

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a call and returns 0, or, when the minute is full, counts nothing and returns the seconds until a slot frees. */
  hit(): number {
    const now = this.now();
    while (this.hits.length > 0 && (this.hits[0] ?? 0) <= now - 60_000) this.hits.shift();
    if (this.hits.length >= this.perMinute) return Math.max(1, Math.ceil(((this.hits[0] ?? now) + 60_000 - now) / 1000));
    this.hits.push(now);
    return 0;
  }
}
