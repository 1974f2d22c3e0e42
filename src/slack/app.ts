/**
 * Builds the Bolt app: HTTP receiver (POST /slack/events, plus the operator's GET routes) or Socket Mode, the listeners,
 * and an error handler that logs what went wrong without secrets.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';
import { registerAdminListeners, type CatalogReloader } from './listeners/admin.js';
import type { AdminListenerDeps } from './listeners/admin-evidence.js';
import type { SteerTools } from './listeners/admin-steer.js';
import { registerApprovalListeners } from './listeners/approval.js';
import { registerCancelListeners } from './listeners/cancel.js';
import { registerGrantListeners } from './listeners/grants.js';
import { registerTaskListeners } from './listeners/tasks.js';
import { registerHomeListeners } from './listeners/home.js';
import { registerRequestListeners, type RequestListenerDeps } from './listeners/request.js';
import { registerReviewListeners } from './listeners/review.js';
import { registerLifecycleListeners } from './listeners/lifecycle.js';
import type { SideEffectDeps } from '../workflows/shared/deps.js';
import { registerReclaimListeners } from './listeners/reclaim.js';
import type { ReclaimPreviewer } from './listeners/admin-reclaim.js';
import { createSlackRouter } from './router.js';

export interface SlackAppOptions {
  readonly botToken: string;
  readonly signingSecret: string;
  readonly appToken: string | null;
  readonly slackApiUrl: string;
  /**
   * The operator's GET routes (/healthz, /readyz, /metrics) and their handler, served next to
   * /slack/events in HTTP mode; in Socket Mode the composition root serves them on its own server.
   */
  readonly opsRoutes: { readonly paths: readonly string[]; readonly handler: (req: IncomingMessage, res: ServerResponse) => void };
  /** POST routes served next to /slack/events in HTTP mode (the Jira webhook); Socket Mode serves them on the ops server. */
  readonly postRoutes?: ReadonlyArray<{ readonly path: string; readonly handler: (req: IncomingMessage, res: ServerResponse) => void }>;
  readonly reloadCatalog: CatalogReloader;
  /** What `/access-admin catalog validate` and the commands naming people by email need. */
  readonly steer: SteerTools;
  /** `/access-admin reclaim preview`: reads the providers (so it is built where they are). */
  readonly reclaimPreview: ReclaimPreviewer;
  /** Who opened their App Home since start-up: filled by the Home listener, read by the Home refresh. */
  readonly homeViewers?: Set<string>;
  /** The bot's ids when start-up already asked Slack (auth.test); Bolt then skips its own call. */
  readonly botIdentity?: { readonly botUserId: string; readonly botId: string };
}

/** Bolt speaks its own logger interface; route it into pino. */
function boltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ component: 'bolt' });
  let level = LogLevel.INFO;
  // Formatting is skipped for disabled levels: Bolt and the WebClient log every request at debug.
  return {
    debug: (...msg: unknown[]) => {
      if (log.isLevelEnabled('debug')) log.debug(msg.map(String).join(' '));
    },
    info: (...msg: unknown[]) => log.info(msg.map(String).join(' ')),
    warn: (...msg: unknown[]) => log.warn(msg.map(String).join(' ')),
    error: (...msg: unknown[]) => log.error(msg.map(String).join(' ')),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

export interface SlackApp {
  readonly app: App;
  /** Resolves when every listener started so far has finished (tests wait on it). */
  settled(): Promise<void>;
}

/** `deps` are the workflows' (side effects included: `/access-admin offboard`, `audit` and `sync` read Slack and the providers before they answer). */
export function createSlackApp(options: SlackAppOptions, deps: RequestListenerDeps & AdminListenerDeps & SideEffectDeps): SlackApp {
  const socketMode = options.appToken !== null;
  const app = new App({
    token: options.botToken,
    ...(options.botIdentity ? { botUserId: options.botIdentity.botUserId, botId: options.botIdentity.botId } : {}),
    signingSecret: options.signingSecret,
    ...(socketMode ? { socketMode: true, appToken: options.appToken ?? undefined } : {}),
    logger: boltLogger(deps.logger),
    logLevel: deps.logger.isLevelEnabled('debug') ? LogLevel.DEBUG : LogLevel.INFO,
    // Keycard keeps its own state in SQLite; Bolt's in-memory conversation store is unused work per event.
    convoStore: false,
    // Slack retries requests it does not see acknowledged in 3 s; the listeners ack first and the worker does the slow parts.
    clientOptions: { slackApiUrl: options.slackApiUrl, retryConfig: { retries: 0 } },
    customRoutes: socketMode
      ? []
      : [
          ...options.opsRoutes.paths.map((path) => ({ path, method: ['GET'], handler: options.opsRoutes.handler })),
          ...(options.postRoutes ?? []).map((route) => ({ path: route.path, method: ['POST'], handler: route.handler })),
        ],
  });

  // One lookup by id instead of Bolt's walk through every listener (see router.ts). A new listener module
  // is one line here; its ids are its own.
  const router = createSlackRouter();
  registerRequestListeners(router, deps);
  registerApprovalListeners(router, deps);
  registerGrantListeners(router, deps);
  registerTaskListeners(router, deps);
  registerCancelListeners(router, deps);
  registerAdminListeners(router, deps, options.reloadCatalog, options.steer, options.reclaimPreview);
  registerHomeListeners(router, deps, options.homeViewers ?? new Set());
  registerReviewListeners(router, deps);
  registerLifecycleListeners(router, deps);
  registerReclaimListeners(router, deps);
  app.use(router.middleware);

  app.error(async (error) => {
    deps.logger.error({ err: error.message, code: (error as { code?: string }).code }, 'Slack listener failed');
  });

  return {
    app,
    settled: () => router.settled(),
  };
}
