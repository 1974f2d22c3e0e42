/**
 * The store: repositories over one database, and `tx()` to make a state change and its jobs atomic.
 */
import type { AuditKeyring } from './audit-keys.js';
import { AuditRepo } from './audit.repo.js';
import type { DbHandle } from './db.js';
import { DelegationsRepo } from './delegations.repo.js';
import { DriftRepo } from './drift.repo.js';
import { FilesRepo } from './files.repo.js';
import { GrantsRepo } from './grants.repo.js';
import { JiraEventsRepo } from './jira-events.repo.js';
import { InsightRepo } from './insight.repo.js';
import { JobsRepo } from './jobs.repo.js';
import { LifecycleRepo } from './lifecycle.repo.js';
import { OpsRepo } from './ops.repo.js';
import { ReclaimRepo } from './reclaim.repo.js';
import { RemovalsRepo } from './removals.repo.js';
import { RequestsRepo } from './requests.repo.js';
import { ReviewsRepo } from './reviews.repo.js';
import { TasksRepo } from './tasks.repo.js';

export interface StoreOptions {
  readonly jobMaxAttempts: number;
  /** Keys that seal the audit chain; none: the plain SHA-256 chain. */
  readonly auditKeys?: AuditKeyring;
}

export class Store {
  readonly requests: RequestsRepo;
  readonly grants: GrantsRepo;
  readonly jobs: JobsRepo;
  readonly audit: AuditRepo;
  readonly tasks: TasksRepo;
  readonly reviews: ReviewsRepo;
  /** Export files (CSV reports) that jobs deliver to Slack or attach to Jira. */
  readonly files: FilesRepo;
  /** Readiness probes and metrics gauges. */
  readonly ops: OpsRepo;
  /** Joiners, movers and leavers: offboardings, onboardings, bundles held, profiles seen. */
  readonly lifecycle: LifecycleRepo;
  /** Changes made in Jira that Keycard acted on (idempotency of webhooks). */
  readonly jiraEvents: JiraEventsRepo;
  /** What audit, export, stats, grants and pending read (src/workflows/insight/). */
  readonly insight: InsightRepo;
  /** Drift checks: the catalog, the providers and Keycard's records compared. */
  readonly drift: DriftRepo;
  /** Approvers away and who decides for them. */
  readonly delegations: DelegationsRepo;
  /** Auto reclaim: scans, cases, exclusions. */
  readonly reclaim: ReclaimRepo;
  /** Memberships removed outside any Keycard grant, so each is removed once. */
  readonly removals: RemovalsRepo;

  constructor(
    readonly handle: DbHandle,
    options: StoreOptions,
  ) {
    this.requests = new RequestsRepo(handle.db);
    this.grants = new GrantsRepo(handle.db);
    this.jobs = new JobsRepo(handle.db, options.jobMaxAttempts);
    this.audit = new AuditRepo(handle.db, options.auditKeys);
    this.tasks = new TasksRepo(handle.db);
    this.reviews = new ReviewsRepo(handle.db);
    this.files = new FilesRepo(handle.db);
    this.ops = new OpsRepo(handle.db, handle.sqlite);
    this.lifecycle = new LifecycleRepo(handle.db);
    this.jiraEvents = new JiraEventsRepo(handle.db);
    this.insight = new InsightRepo(handle.db, handle.sqlite);
    this.drift = new DriftRepo(handle.db);
    this.delegations = new DelegationsRepo(handle.db);
    this.reclaim = new ReclaimRepo(handle.db);
    this.removals = new RemovalsRepo(handle.db);
  }

  /**
   * Runs `fn` in one SQLite transaction (a savepoint when nested). `fn` must be synchronous: every
   * repository call inside it uses the same connection, so all of it commits or none of it does.
   */
  tx<T>(fn: () => T): T {
    return this.handle.sqlite.transaction(fn).immediate();
  }
}
