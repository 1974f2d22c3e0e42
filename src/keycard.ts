/**
 * Wires Keycard together: database, adapters, Bolt app, job worker and schedules. `src/main.ts` calls it
 * with the environment's config; the demo, the tests and the benchmarks call it with fakes' addresses.
 */
import type { Server } from 'node:http';
import type { TokenCredential } from '@azure/identity';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import type { KeycardConfig } from './config.js';
import { systemClock, type Clock } from './domain/clock.js';
import type { Catalog } from './domain/types.js';
import { buildProviders } from './identity/registry.js';
import { adapterSettings, providerRateLimits } from './identity/settings.js';
import { buildHandlers } from './jobs/handlers.js';
import { createMetrics } from './jobs/metrics.js';
import { createOpsHandler, OPS_PATHS, startOpsServer, withRoutes, type ExtraRoute } from './jobs/ops-http.js';
import { createJiraWebhookHandler, JIRA_WEBHOOK_PATH } from './jobs/jira-webhook.js';
import { auditFollowUps } from './jobs/audit-follow-ups.js';
import { catalogReloader, catalogValidator } from './jobs/catalog-reload.js';
import { createThrottle } from './jobs/rate-limits.js';
import { runStartupChecks } from './jobs/startup.js';
import { checkReadiness } from './jobs/readiness.js';
import { classifyFailure, serviceOfJob, ServiceCalls } from './jobs/service-calls.js';
import { startSchedules, type Schedules } from './jobs/schedules.js';
import { DEFAULT_WORKER_OPTIONS, JobWorker, type WorkerOptions } from './jobs/worker.js';
import { JiraTicketing } from './jira/jira.js';
import { createSlackApp } from './slack/app.js';
import { createSlackWebClient, SlackNotifier } from './slack/notifier.js';
import { openOwnedDatabase } from './store/db.js';
import { keyringFromSettings } from './store/audit-keys.js';
import { Store } from './store/store.js';
import type { SideEffectDeps } from './workflows/shared/deps.js';
import { onJobDead } from './workflows/admin/index.js';
import { auditKeyWarnings } from './workflows/evidence/index.js';
import { receiveJiraDelivery, requestIssueHandler, type JiraIssueHandler } from './workflows/inbound/index.js';
import { lifecycleIssueHandler } from './workflows/lifecycle/index.js';
import { reclaimPreviewText } from './workflows/reclaim/index.js';

export { StartupError } from './jobs/startup.js';

export interface KeycardOptions {
  readonly config: KeycardConfig;
  readonly catalog: Catalog;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Interface to listen on in HTTP mode (default all interfaces). */
  readonly host?: string;
  readonly worker?: Partial<WorkerOptions>;
  /** Start the cron schedules (tests and benchmarks run them by hand). Default true. */
  readonly cron?: boolean;
  /** Check every integration at start-up and refuse to start if one fails. Default true. */
  readonly healthChecks?: boolean;
  /**
   * Tests and fakes only: the Entra token source, instead of the `ClientSecretCredential` built from the
   * ENTRA_* settings (which refuses an http authority host, so it cannot reach a loopback fake).
   */
  readonly entraCredential?: TokenCredential;
  /** Called after another process took over the database (this one stalled); main.ts exits. */
  readonly onLeaseLost?: () => void;
}

export interface Keycard {
  readonly store: Store;
  readonly worker: JobWorker;
  readonly schedules: Schedules;
  readonly deps: SideEffectDeps;
  /** `http://host:port/slack/events` in HTTP mode, else null. */
  readonly eventsUrl: string | null;
  /** Where /healthz, /readyz and /metrics answer: the HTTP server, or in Socket Mode the ops server when PORT is set. */
  readonly baseUrl: string | null;
  /** Waits until every listener has finished and no job is due or running. */
  settle(): Promise<void>;
  /** Puts a new, already validated catalog in force. */
  setCatalog(next: Catalog): void;
  /** Graceful stop: no new requests or jobs, running jobs finish, the database closes. */
  stop(): Promise<void>;
}

export async function startKeycard(options: KeycardOptions): Promise<Keycard> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? pino({ level: config.logLevel, base: { app: 'keycard' } });
  let catalog = options.catalog;

  const adapters = adapterSettings(config);
  const providers = buildProviders({
    ...adapters,
    ...(adapters.entra && options.entraCredential ? { entra: { ...adapters.entra, credential: options.entraCredential } } : {}),
    now: () => clock.now().getTime(),
  });
  const throttle = createThrottle(providerRateLimits(config), clock);
  if (!config.jira) throw new Error('Jira settings are required');
  const ticketing = new JiraTicketing({
    host: config.jira.host,
    email: config.jira.email,
    apiToken: config.jira.apiToken.reveal(),
    projectKey: config.jira.projectKey,
    issueType: config.jira.issueType,
  });
  const webClient = createSlackWebClient(config.slack.botToken.reveal(), config.slack.apiUrl);

  // Before anything touches the data (the worker resets jobs left running): exactly one owner per file.
  // With the health checks on, opening the database is one of them, so its failure is listed with the others.
  const openDb = () => openOwnedDatabase(config.databasePath, { heartbeatMs: config.leaseHeartbeatMs });
  const checked = options.healthChecks ?? true ? await runStartupChecks({ config, jira: config.jira, catalog, providers, ticketing, webClient, openDb, logger }) : { handle: null, botIdentity: null };
  const handle = checked.handle ?? (await openDb());
  const lease = handle.lease;
  if (lease?.previous) {
    const p = lease.previous;
    logger.warn({ previousPid: p.pid, previousHost: p.host, previousSince: p.acquiredAt.toISOString(), previousHeartbeat: p.heartbeatAt.toISOString() }, 'took over the database from a Keycard that stopped heartbeating');
  }
  const store = new Store(handle, { jobMaxAttempts: config.jobMaxAttempts, auditKeys: keyringFromSettings(config.audit) });
  try {
    for (const warning of auditKeyWarnings(store.audit)) logger.warn({ keys: store.audit.keys.ids() }, warning);
  } catch (error) {
    handle.close();
    throw error;
  }
  // App Home: every audited change queues a re-render of the Homes it concerns, in the change's own
  // transaction. A failure there must not undo the change itself: the Home is re-rendered when opened.
  const homeViewers = new Set<string>();
  const calls = new ServiceCalls(config.ops.failedCalls);
  const metrics = config.ops.metrics ? createMetrics(store, clock) : null;
  if (metrics) calls.onRecord = (service, outcome) => metrics.countCall(service, outcome);
  store.audit.onAppend = auditFollowUps(store, { metrics, homeViewers, logger });

  const notifier = new SlackNotifier(webClient, config.alertChannel, logger);

  const deps: SideEffectDeps = {
    store,
    clock,
    logger,
    catalog: () => catalog,
    admins: config.admins,
    providers,
    ticketing,
    notifier,
    directory: notifier,
    jiraTransitions: config.jira.transitions,
    jiraFields: config.jira.fields,
    jiraLifecycle: { projectKey: config.jira.projectKey, ...config.jira.lifecycle },
    timing: config.timing,
    // Profiles and managers for manual apps come from the first directory configured.
    profileProvider: (['okta', 'entra', 'google'] as const).find((kind) => providers[kind] !== undefined) ?? null,
    throttle,
  };

  // The kinds of Jira issue Keycard acts on when a webhook names one; the first that claims a delivery takes
  // it (src/workflows/inbound/dispatch.ts): request issues first, then offboarding and onboarding issues.
  const { statusApproved, statusDeclined, revokeStatus, revokeLabel } = config.jira.inbound;
  const jiraIssueHandlers: readonly JiraIssueHandler[] = [requestIssueHandler({ statusApproved, statusDeclined, revokeStatus, revokeLabel }), lifecycleIssueHandler()];

  const worker = new JobWorker(
    store,
    buildHandlers(deps, jiraIssueHandlers),
    clock,
    logger.child({ component: 'worker' }),
    {
      ...DEFAULT_WORKER_OPTIONS,
      ...options.worker,
      onAttempt: (job, error) => {
        const service = serviceOfJob(store, job);
        const outcome = error === null ? 'ok' : classifyFailure(error);
        if (service && outcome) calls.record(service, outcome);
      },
    },
    (job, error) => onJobDead(deps, job, error),
    (job) => {
      const jiraKey = job.requestId !== null ? store.requests.get(job.requestId)?.jiraKey : null;
      return jiraKey ? { jiraKey } : {};
    },
  );
  const opsHandler = createOpsHandler({
    readiness: () => checkReadiness({ store, clock, calls, workerTurnedAt: () => worker.lastTurnAt }, { workerStaleMs: 60_000, jobOverdueMs: config.ops.jobOverdueMs }),
    readyDetails: () => {
      // The counts /healthz used to show, in the shape monitors already read; skipped jobs show in `/access-admin status`.
      const { pending, running, done, dead } = store.jobs.countByStatus();
      return { jobs: { pending, running, done, dead }, activeGrants: store.grants.countActive() };
    },
    metrics,
    metricsToken: config.ops.metricsToken,
  });
  const webhookSecret = config.jira.inbound.webhookSecret;
  const postRoutes: ExtraRoute[] = webhookSecret
    ? [{ path: JIRA_WEBHOOK_PATH, handler: createJiraWebhookHandler({ secret: webhookSecret, logger, receive: (delivery) => receiveJiraDelivery(deps, jiraIssueHandlers, delivery) }) }]
    : [];
  const slack = createSlackApp(
    {
      botToken: config.slack.botToken.reveal(),
      signingSecret: config.slack.signingSecret.reveal(),
      appToken: config.slack.appToken?.reveal() ?? null,
      slackApiUrl: config.slack.apiUrl,
      ...(checked.botIdentity ? { botIdentity: checked.botIdentity } : {}),
      opsRoutes: { paths: OPS_PATHS, handler: opsHandler },
      postRoutes,
      homeViewers,
      reclaimPreview: (appId) => reclaimPreviewText(deps, appId),
      reloadCatalog: catalogReloader(config, providers, logger, (next) => {
        catalog = next;
      }),
      steer: { validateCatalog: catalogValidator(config, providers), directory: notifier },
    },
    deps,
  );

  lease?.startHeartbeat(
    (by) => {
      logger.fatal({ ownerPid: by?.pid, ownerHost: by?.host }, 'another Keycard took over the database (this one stalled): stopping work');
      void Promise.allSettled([schedules.stop(), worker.stop()]).then(() => options.onLeaseLost?.());
    },
    (error) => logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'lease heartbeat failed; retrying'),
  );
  worker.start();
  const schedules = startSchedules(deps, config.schedules, logger, options.cron ?? true);
  // Expiries that fell due while the process was down are carried out now.
  schedules.runAll();

  let baseUrl: string | null = null;
  let opsServer: Server | null = null;
  const urlOf = (server: Server) => {
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
  };
  if (config.slack.appToken) {
    await slack.app.start();
    // Socket Mode needs no port for Slack; the operator endpoints get one only when PORT asks for it.
    if (config.ops.port !== null) {
      opsServer = await startOpsServer(withRoutes(opsHandler, postRoutes), config.ops.port, options.host);
      baseUrl = urlOf(opsServer);
    }
  } else {
    baseUrl = urlOf((await slack.app.start({ port: config.slack.port, host: options.host })) as Server);
  }
  logger.info({ mode: config.slack.appToken ? 'socket' : 'http', url: baseUrl, apps: catalog.apps.length }, 'Keycard started');

  let stopped = false;
  return {
    store,
    worker,
    schedules,
    deps,
    baseUrl,
    eventsUrl: baseUrl && !config.slack.appToken ? `${baseUrl}/slack/events` : null,
    async settle() {
      for (;;) {
        await slack.settled();
        await worker.runUntilIdle();
        await slack.settled();
        if (worker.busy === 0) {
          const next = store.jobs.nextRunAt();
          if (next === null || next > clock.now().getTime()) return;
        }
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await slack.app.stop();
      if (opsServer) {
        const server = opsServer;
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      await schedules.stop();
      await worker.stop();
      handle.close();
    },
    setCatalog(next: Catalog) {
      catalog = next;
    },
  };
}
