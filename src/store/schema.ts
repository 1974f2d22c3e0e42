/**
 * The database schema (drizzle, SQLite). Times are stored as integer milliseconds since the epoch.
 * `npm run db:generate -- --name <what_changed>` writes the SQL migration into migrations/.
 */
import { sql } from 'drizzle-orm';
import type { DriftReport } from '../domain/drift.js';
import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const requests = sqliteTable(
  'requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requesterSlackId: text('requester_slack_id').notNull(),
    requesterEmail: text('requester_email'),
    requesterName: text('requester_name'),
    requesterTitle: text('requester_title'),
    requesterDepartment: text('requester_department'),
    requesterManagerEmail: text('requester_manager_email'),
    appId: text('app_id').notNull(),
    roleId: text('role_id').notNull(),
    /** `access` asks for a new grant; `extension` asks to move the end of `grantId`. */
    kind: text('kind').notNull().default('access'),
    grantId: integer('grant_id'),
    /** The app and role as the catalog described them when the request was made (JSON). */
    snapshot: text('snapshot', { mode: 'json' }).$type<RequestSnapshot>().notNull(),
    durationMs: integer('duration_ms'),
    justification: text('justification').notNull(),
    status: text('status').notNull(),
    currentStage: integer('current_stage').notNull().default(0),
    jiraKey: text('jira_key'),
    idpUserId: text('idp_user_id'),
    failureReason: text('failure_reason'),
    /** Where the requester's receipt DM is, so it loses its Cancel button once the request is decided. */
    receiptChannel: text('receipt_channel'),
    receiptTs: text('receipt_ts'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('requests_requester_idx').on(t.requesterSlackId, t.status),
    index('requests_status_idx').on(t.status),
    // `/access-admin audit ACCESS-12`, `export <from> <to>` and `stats 30d`, and a grant's extensions (src/workflows/insight/).
    index('requests_jira_key_idx').on(t.jiraKey),
    index('requests_created_idx').on(t.createdAt),
    index('requests_grant_idx').on(t.grantId),
  ],
);

export interface RequestSnapshot {
  readonly appName: string;
  readonly roleName: string;
  readonly roleDescription: string;
  readonly provider: string;
  readonly groups: readonly string[];
  readonly owner: string;
  /** Approval stages as catalog strings (`manager`, `group:security`), or `auto`. */
  readonly approval: readonly string[] | 'auto';
  readonly maxDurationMs: number | null;
  /**
   * The role's catalog `distinctApprovers` when the request was made; only `false` is written (absent:
   * separation of duties applies, as for requests filed before the key existed).
   */
  readonly distinctApprovers?: false;
}

export const approvalSteps = sqliteTable(
  'approval_steps',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestId: integer('request_id')
      .notNull()
      .references(() => requests.id),
    stageIndex: integer('stage_index').notNull(),
    /** The catalog stage, e.g. `manager` or `group:security`. */
    stage: text('stage').notNull(),
    /** Slack user ids who may decide this step (JSON array). */
    approvers: text('approvers', { mode: 'json' }).$type<string[]>().notNull(),
    escalationReason: text('escalation_reason'),
    status: text('status').notNull(),
    decidedBy: text('decided_by'),
    decidedAt: integer('decided_at'),
    reason: text('reason'),
    createdAt: integer('created_at').notNull(),
    remindedAt: integer('reminded_at'),
    escalatedAt: integer('escalated_at'),
  },
  (t) => [uniqueIndex('approval_steps_request_stage_uq').on(t.requestId, t.stageIndex)],
);

/** Every DM sent to an approver for a step, so that all copies can be updated after a decision. */
export const approverMessages = sqliteTable(
  'approver_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    stepId: integer('step_id')
      .notNull()
      .references(() => approvalSteps.id),
    approverSlackId: text('approver_slack_id').notNull(),
    channel: text('channel'),
    ts: text('ts'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('approver_messages_step_approver_uq').on(t.stepId, t.approverSlackId)],
);

export const grants = sqliteTable(
  'grants',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestId: integer('request_id')
      .notNull()
      .references(() => requests.id),
    userSlackId: text('user_slack_id').notNull(),
    appId: text('app_id').notNull(),
    roleId: text('role_id').notNull(),
    provider: text('provider').notNull(),
    idpUserId: text('idp_user_id'),
    groups: text('groups', { mode: 'json' }).$type<string[]>().notNull(),
    status: text('status').notNull(),
    startsAt: integer('starts_at').notNull(),
    endsAt: integer('ends_at'),
    /** When the "ends soon" DM was queued; set once, so it is sent once even across restarts. */
    warnedAt: integer('warned_at'),
    endedAt: integer('ended_at'),
    endReason: text('end_reason'),
    /**
     * Why an `ending` grant is being removed (`expired`, `revoked`, `relinquished`, `rolled_back`), kept on
     * the row so that whoever finishes the removal (the job, a retry, an admin by hand) ends it the same way.
     */
    endingReason: text('ending_reason'),
    /** When the removal started: group rows gone since then belong to this removal (a retried grant has older ones). */
    endingSince: integer('ending_since'),
    /** Words that say more than `endingReason`, shown wherever the end is told: `revoked in review Q1 CRM`. */
    endingNote: text('ending_note'),
  },
  (t) => [
    uniqueIndex('grants_request_uq').on(t.requestId),
    index('grants_due_idx').on(t.status, t.endsAt),
    index('grants_user_idx').on(t.userSlackId, t.status),
  ],
);

/**
 * Each provider group a grant holds, one row per group, written in the transaction right after the
 * provider confirmed the add, so a crash or a failure half-way knows exactly what Keycard put in place.
 * A row stays `held` until its removal is confirmed (or recorded by hand); it then becomes `gone` with how
 * (`outcome`), when and by whom. `grants.groups` stays the role's plan; this table is what is held.
 */
export const grantGroups = sqliteTable(
  'grant_groups',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    grantId: integer('grant_id')
      .notNull()
      .references(() => grants.id),
    groupId: text('group_id').notNull(),
    /** `held` or `gone`. */
    status: text('status').notNull(),
    addedAt: integer('added_at').notNull(),
    /** How it left: `removed`, `not_member`, `no_group` (the provider said so), `kept` (another grant needs it), `by_hand`. */
    outcome: text('outcome'),
    goneAt: integer('gone_at'),
    /** The actor that recorded it gone (as the audit log writes actors). */
    goneBy: text('gone_by'),
    /** Why: an admin's reason, or which grant still needs a kept group. */
    note: text('note'),
    /** The last failed removal of a group still held, and when: what an admin must look at. */
    lastError: text('last_error'),
    lastErrorAt: integer('last_error_at'),
  },
  (t) => [index('grant_groups_grant_idx').on(t.grantId, t.status)],
);

export const jobs = sqliteTable(
  'jobs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind').notNull(),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** Jobs with the same key run one at a time, in id order (null: no ordering). */
    orderKey: text('order_key'),
    /** Also waits for every earlier job of this key (a Jira transition waits for the issue's creation). */
    afterKey: text('after_key'),
    requestId: integer('request_id'),
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    runAt: integer('run_at').notNull(),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('jobs_due_idx').on(t.status, t.runAt),
    index('jobs_order_idx').on(t.orderKey, t.status),
    index('jobs_request_idx').on(t.requestId),
  ],
);

/** Append-only, hash-chained audit log. */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    requestId: integer('request_id'),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    data: text('data', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    /**
     * The key that sealed this event (HMAC-SHA256): a fingerprint, never the key. Null: plain SHA-256
     * (events written before a key was configured, or while none is).
     */
    keyId: text('key_id'),
  },
  (t) => [index('audit_request_idx').on(t.requestId)],
);

/** A task for a person: carry out (`grant`) or undo (`revoke`) access to a manual app, confirmed in Slack. */
export const fulfilmentTasks = sqliteTable(
  'fulfilment_tasks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestId: integer('request_id')
      .notNull()
      .references(() => requests.id),
    grantId: integer('grant_id'),
    kind: text('kind').notNull(),
    /** For `revoke`: why the access ends (expired, relinquished, revoked). */
    reason: text('reason'),
    status: text('status').notNull(),
    /** Slack ids who may confirm, besides the admins (resolved from the catalog's fulfillers). */
    fulfillers: text('fulfillers', { mode: 'json' }).$type<string[]>().notNull(),
    channel: text('channel'),
    ts: text('ts'),
    decidedBy: text('decided_by'),
    decidedAt: integer('decided_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('fulfilment_tasks_request_idx').on(t.requestId)],
);

/**
 * The single row (id 1) naming the process that owns this database file (src/store/owner-lease.ts).
 * Times are real wall-clock milliseconds, not Keycard's injected clock: they are about processes.
 */
export const ownerLease = sqliteTable('owner_lease', {
  id: integer('id').primaryKey(),
  ownerId: text('owner_id').notNull(),
  pid: integer('pid').notNull(),
  host: text('host').notNull(),
  acquiredAt: integer('acquired_at').notNull(),
  heartbeatAt: integer('heartbeat_at').notNull(),
});

/**
 * An access review campaign (src/workflows/review/): the apps in scope, who reviews, the due date and what
 * happens to items nobody decided (`keep`: kept and flagged; `revoke`). `status`: `building` while the
 * identity providers are read, `open`, `closed`; `failed` when building failed for good (`failure` says why).
 */
export const reviewCampaigns = sqliteTable('review_campaigns', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  /** Catalog app ids in scope (JSON array). */
  apps: text('apps', { mode: 'json' }).$type<string[]>().notNull(),
  /** `owner`, `manager` or `group:<approver group>`. */
  reviewer: text('reviewer').notNull(),
  dueAt: integer('due_at').notNull(),
  /** `keep` (kept and flagged) or `revoke`: what closing does to undecided items. */
  unreviewed: text('unreviewed').notNull(),
  status: text('status').notNull(),
  failure: text('failure'),
  jiraKey: text('jira_key'),
  jiraUrl: text('jira_url'),
  createdBy: text('created_by').notNull(),
  createdAt: integer('created_at').notNull(),
  /** When reviewers with open items were last reminded. */
  remindedAt: integer('reminded_at'),
  closedAt: integer('closed_at'),
  closedBy: text('closed_by'),
});

/**
 * One person's access to one role of one app, as the identity provider listed it when the campaign was
 * built (a member of several groups of the role is one item). `decision` is the reviewer's (`keep` or
 * `revoke`, changeable until enforced); `enforcement` follows a revoke: `pending` (queued), `removing`,
 * `confirmed` (the provider confirmed every group gone, at `enforcedAt`), `failed` (retried; `enforcementError`).
 */
export const reviewItems = sqliteTable(
  'review_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id')
      .notNull()
      .references(() => reviewCampaigns.id),
    appId: text('app_id').notNull(),
    roleId: text('role_id').notNull(),
    provider: text('provider').notNull(),
    /** The role's groups this person is a member of (JSON array). */
    groups: text('groups', { mode: 'json' }).$type<string[]>().notNull(),
    idpUserId: text('idp_user_id').notNull(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    title: text('title'),
    department: text('department'),
    /** `active`, `suspended` or `deactivated`, as the provider said. */
    accountStatus: text('account_status').notNull(),
    /** The person's Slack id when one matches the email; null otherwise. */
    slackId: text('slack_id'),
    lastSignInAt: integer('last_sign_in_at'),
    /** `app`, `overall`, or `none` (the provider could not tell). */
    lastSignInScope: text('last_sign_in_scope').notNull(),
    /** The Keycard grant this access came from, and its request (null: not granted through Keycard). */
    grantId: integer('grant_id'),
    requestId: integer('request_id'),
    jiraKey: text('jira_key'),
    recommendation: text('recommendation').notNull(),
    recommendationReason: text('recommendation_reason').notNull(),
    reviewerSlackId: text('reviewer_slack_id'),
    /** Why the item went to this reviewer rather than the usual one (e.g. the reviewer's own access). */
    reviewerNote: text('reviewer_note'),
    decision: text('decision'),
    /** `no_longer_needed`, `changed_role`, `left_team`, `inactive`, `other`, `unreviewed`. */
    decisionReason: text('decision_reason'),
    decisionNote: text('decision_note'),
    decidedBy: text('decided_by'),
    decidedAt: integer('decided_at'),
    /** True when closing kept an undecided item under the `keep` policy. */
    flagged: integer('flagged', { mode: 'boolean' }).notNull().default(false),
    enforcement: text('enforcement'),
    enforcedAt: integer('enforced_at'),
    enforcementError: text('enforcement_error'),
    /** Groups confirmed gone so far by a revoke of access not granted through Keycard (JSON map group → outcome). */
    removed: text('removed', { mode: 'json' }).$type<Record<string, string>>().notNull().default(sql`'{}'`),
  },
  (t) => [
    index('review_items_campaign_idx').on(t.campaignId, t.reviewerSlackId),
    index('review_items_grant_idx').on(t.grantId),
  ],
);

/** A file made for someone (a CSV export), uploaded to Slack and Jira by jobs that name it by id. */
export const exportFiles = sqliteTable('export_files', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  mimeType: text('mime_type').notNull(),
  content: text('content').notNull(),
  createdAt: integer('created_at').notNull(),
});

/**
 * An offboarding (src/workflows/lifecycle/): everything Keycard manages for one person ended (grants
 * removed through the one removal path, what waits cancelled) and, with `suspend`, their accounts
 * suspended. `status`: `running` until every step is settled, then `done`; `refused` for a Jira issue
 * Keycard could not act on (`refusal` says why; a later delivery of the issue is looked at again).
 * `source`: `slack` (`/access-admin offboard`, reported on its own Jira issue labelled
 * `keycard-offboard-<id>`) or `jira` (an offboarding issue, `sourceKey`, reported on that issue).
 */
export const offboardings = sqliteTable(
  'offboardings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    personSlackId: text('person_slack_id'),
    email: text('email').notNull(),
    name: text('name').notNull(),
    suspend: integer('suspend', { mode: 'boolean' }).notNull().default(false),
    source: text('source').notNull(),
    sourceKey: text('source_key'),
    /** The admin who started it (for Jira: the reporter, matched to an admin by email); gets the summary DM. */
    requestedBy: text('requested_by'),
    status: text('status').notNull(),
    refusal: text('refusal'),
    createdAt: integer('created_at').notNull(),
    finishedAt: integer('finished_at'),
  },
  (t) => [uniqueIndex('offboardings_source_key_uq').on(t.sourceKey), index('offboardings_person_idx').on(t.personSlackId, t.status), index('offboardings_email_idx').on(t.email, t.status)],
);

/**
 * One thing an offboarding does: `access` (a request of the person: its grant removed, or the request
 * cancelled while it waits) or `suspend` (one identity-provider account). `status`: `pending` (under way,
 * or waiting: a grant still being provisioned), `failing` (the last attempt failed; retried), `done`.
 * `result` says what happened (or the error while failing); `reported` is what the Jira issue last said.
 */
export const offboardingSteps = sqliteTable(
  'offboarding_steps',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    offboardingId: integer('offboarding_id')
      .notNull()
      .references(() => offboardings.id),
    kind: text('kind').notNull(),
    requestId: integer('request_id'),
    provider: text('provider'),
    idpUserId: text('idp_user_id'),
    what: text('what').notNull(),
    status: text('status').notNull(),
    result: text('result'),
    reported: text('reported'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('offboarding_steps_offboarding_idx').on(t.offboardingId), index('offboarding_steps_request_idx').on(t.requestId)],
);

/**
 * An onboarding: the birthright bundles filed for a person (`/access-admin onboard`, or an onboarding issue
 * in Jira, `sourceKey`). `status`: `filed`, or `refused` (`refusal` says why; a Jira issue is looked at again
 * on its next delivery).
 */
export const onboardings = sqliteTable(
  'onboardings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    personSlackId: text('person_slack_id'),
    email: text('email').notNull(),
    bundles: text('bundles', { mode: 'json' }).$type<string[]>().notNull(),
    source: text('source').notNull(),
    sourceKey: text('source_key'),
    requestedBy: text('requested_by'),
    status: text('status').notNull(),
    refusal: text('refusal'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('onboardings_source_key_uq').on(t.sourceKey)],
);

/** A request filed because of a bundle (onboarding, or an offer after a move): access held "through a bundle". */
export const bundleRequests = sqliteTable(
  'bundle_requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestId: integer('request_id')
      .notNull()
      .references(() => requests.id),
    bundleId: text('bundle_id').notNull(),
    personSlackId: text('person_slack_id').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('bundle_requests_request_uq').on(t.requestId), index('bundle_requests_person_idx').on(t.personSlackId)],
);

/**
 * The last profile Keycard saw of a person in the identity provider (onboarding, the profile sync): a
 * department or manager different from this is a move.
 */
export const personProfiles = sqliteTable('person_profiles', {
  slackId: text('slack_id').primaryKey(),
  email: text('email').notNull(),
  provider: text('provider').notNull(),
  idpUserId: text('idp_user_id').notNull(),
  department: text('department'),
  title: text('title'),
  managerEmail: text('manager_email'),
  seenAt: integer('seen_at').notNull(),
});

/** A move the profile sync noticed: department or manager before and after, and the mover review it opened. */
export const profileMoves = sqliteTable('profile_moves', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  slackId: text('slack_id').notNull(),
  fromDepartment: text('from_department'),
  toDepartment: text('to_department'),
  fromManager: text('from_manager'),
  toManager: text('to_manager'),
  campaignId: integer('campaign_id'),
  detectedAt: integer('detected_at').notNull(),
});

/**
 * A bundle offered to a person after a move (it matches their new profile): a DM to them and their manager
 * with a button that files it. `status`: `open`, then `filed` (by whom, when).
 */
export const bundleOffers = sqliteTable(
  'bundle_offers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    moveId: integer('move_id'),
    personSlackId: text('person_slack_id').notNull(),
    bundleId: text('bundle_id').notNull(),
    /** Who may file it besides the person and the admins: the manager it was offered to (Slack ids). */
    offeredTo: text('offered_to', { mode: 'json' }).$type<string[]>().notNull(),
    status: text('status').notNull(),
    filedBy: text('filed_by'),
    filedAt: integer('filed_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('bundle_offers_person_idx').on(t.personSlackId, t.status)],
);

/**
 * What Keycard did about a change made in Jira (an issue moved to Approved, a revoke label added), one row
 * per changelog entry it acted on: the unique entry id is the claim, taken in the transaction of the
 * decision, so a webhook delivered twice (or a re-read of the same changelog) has no second effect.
 */
export const jiraEvents = sqliteTable(
  'jira_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The Jira changelog entry's id (unique across the site). */
    changelogId: text('changelog_id').notNull(),
    issueKey: text('issue_key').notNull(),
    /** Which handler acted (`request`, …; see src/workflows/inbound/dispatch.ts). */
    handler: text('handler').notNull(),
    /** What the entry asked for (`approve`, `deny`, `revoke`) and what came of it (`decided`, `refused`, …). */
    action: text('action').notNull(),
    outcome: text('outcome').notNull(),
    /** The Jira account that made the change, and the email Keycard matched it by (null: hidden). */
    actorAccountId: text('actor_account_id'),
    actorEmail: text('actor_email'),
    requestId: integer('request_id'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('jira_events_changelog_uq').on(t.changelogId), index('jira_events_issue_idx').on(t.issueKey)],
);

/**
 * One drift check (src/workflows/drift/): the catalog, the identity providers and Keycard's records
 * compared. The newest row is what the next check compares with, so an alert names only new drift.
 * `trigger`: `schedule` (KEYCARD_SCHEDULE_SYNC) or `admin` (`/access-admin sync`, by `requestedBy`).
 */
export const driftRuns = sqliteTable(
  'drift_runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    trigger: text('trigger').notNull(),
    requestedBy: text('requested_by'),
    /** The job that ran the check: a job run again after its check committed finds its row and does nothing. */
    jobId: integer('job_id'),
    report: text('report', { mode: 'json' }).$type<DriftReport>().notNull(),
    /** Findings in all, and those the check before did not have. */
    findings: integer('findings').notNull(),
    newFindings: integer('new_findings').notNull(),
    /** The label of the Jira issue it was filed as (`--to-jira`), if any. */
    jiraLabel: text('jira_label'),
  },
  (t) => [uniqueIndex('drift_runs_job_uq').on(t.jobId)],
);

/**
 * An approver away hands their approval stages to a delegate until `endsAt` (`/access-admin delegate`).
 * Live while `endedAt` is null and now is before `endsAt`; `endReason`: `ended` (by an admin) or `expired`.
 */
export const delegations = sqliteTable(
  'delegations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    approverSlackId: text('approver_slack_id').notNull(),
    delegateSlackId: text('delegate_slack_id').notNull(),
    startsAt: integer('starts_at').notNull(),
    endsAt: integer('ends_at').notNull(),
    createdBy: text('created_by').notNull(),
    endedAt: integer('ended_at'),
    endedBy: text('ended_by'),
    endReason: text('end_reason'),
  },
  (t) => [index('delegations_approver_idx').on(t.approverSlackId, t.endedAt), index('delegations_due_idx').on(t.endedAt, t.endsAt)],
);

/**
 * A delegate asked on an approval step for an away approver (`forSlackId`). `added`: the delegate was put on
 * the step for them (false: already an approver of it in their own right). `endedAt`: the delegation ended
 * while the step was open, and the stage went back to the approver.
 */
export const stepDelegates = sqliteTable(
  'step_delegates',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    stepId: integer('step_id')
      .notNull()
      .references(() => approvalSteps.id),
    delegationId: integer('delegation_id')
      .notNull()
      .references(() => delegations.id),
    forSlackId: text('for_slack_id').notNull(),
    delegateSlackId: text('delegate_slack_id').notNull(),
    added: integer('added', { mode: 'boolean' }).notNull(),
    createdAt: integer('created_at').notNull(),
    endedAt: integer('ended_at'),
  },
  (t) => [index('step_delegates_step_idx').on(t.stepId), index('step_delegates_delegation_idx').on(t.delegationId, t.endedAt)],
);

/**
 * One scan of one app by auto reclaim (src/workflows/reclaim/): run by the `KEYCARD_SCHEDULE_RECLAIM`
 * schedule or `/access-admin reclaim run`. `status`: `queued`, `scanning`, `done`, `failed` (`error` says
 * why). The people it warned are its cases; its Jira issue carries the label `keycard-reclaim-<id>`.
 */
export const reclaimRuns = sqliteTable(
  'reclaim_runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    appId: text('app_id').notNull(),
    /** `schedule` or `admin`. */
    trigger: text('trigger').notNull(),
    /** The admin who ran it (Slack id); null for the schedule. */
    requestedBy: text('requested_by'),
    status: text('status').notNull(),
    /** Members read (one per person and role), people warned, and members whose sign-ins could not be judged. */
    members: integer('members'),
    warned: integer('warned'),
    noTelemetry: integer('no_telemetry'),
    error: text('error'),
    /** True once the Jira issue got its closing summary (every case of the run settled). */
    summarized: integer('summarized', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    finishedAt: integer('finished_at'),
  },
  (t) => [index('reclaim_runs_app_idx').on(t.appId, t.status)],
);

/**
 * One person's inactive access to one role, from the warning to its end. `status`: `warned` (DM sent,
 * removal due at `removeAt`), `kept` (the person said Keep it: the clock restarts at `keptAt`), `removing`
 * (grace over or Remove now: the removal or downgrade is under way), `reclaimed`, `downgraded`, `restored`
 * (Ask for it back), `cancelled` (nothing left to do: `result` says why). At most one case per access is open
 * (`warned` or `removing`): the unique index keeps a second warning out, whatever restarts in between.
 */
export const reclaimCases = sqliteTable(
  'reclaim_cases',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: integer('run_id')
      .notNull()
      .references(() => reclaimRuns.id),
    appId: text('app_id').notNull(),
    roleId: text('role_id').notNull(),
    provider: text('provider').notNull(),
    idpUserId: text('idp_user_id').notNull(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    slackId: text('slack_id').notNull(),
    /** The role's groups the person was a member of at the scan (JSON array). */
    groups: text('groups', { mode: 'json' }).$type<string[]>().notNull(),
    lastSignInAt: integer('last_sign_in_at'),
    /** `app` or `overall`: what the last sign-in is of. */
    lastSignInScope: text('last_sign_in_scope').notNull(),
    /** The Keycard grant behind the access, and its request (null: not granted through Keycard). */
    grantId: integer('grant_id'),
    requestId: integer('request_id'),
    /** `revoke` or `downgrade:<role id>`, as the catalog said at the warning. */
    action: text('action').notNull(),
    /** What one seat costs a month, as the catalog said at the warning (null: not given). */
    seatCost: real('seat_cost'),
    status: text('status').notNull(),
    warnedAt: integer('warned_at').notNull(),
    removeAt: integer('remove_at').notNull(),
    keptAt: integer('kept_at'),
    keptReason: text('kept_reason'),
    /** Who moved it on: the person (Keep it, Remove now, Ask for it back) or `system`. */
    decidedBy: text('decided_by'),
    removingSince: integer('removing_since'),
    /** Groups removed outside a Keycard grant, each with its outcome (JSON map group → outcome). */
    removed: text('removed', { mode: 'json' }).$type<Record<string, string>>().notNull().default(sql`'{}'`),
    /** The lower role's request of a downgrade, and the restore's request. */
    downgradeRequestId: integer('downgrade_request_id'),
    restoreRequestId: integer('restore_request_id'),
    /** How it ended, in words (`removed`, `kept: …`, `nothing to do: …`); the last failure while removing. */
    result: text('result'),
    error: text('error'),
    closedAt: integer('closed_at'),
    /** Until when Ask for it back restores without approval. */
    restoreUntil: integer('restore_until'),
    /** Where the warning DM and the reclaimed DM are, so their buttons can change with the case. */
    warningChannel: text('warning_channel'),
    warningTs: text('warning_ts'),
    resultChannel: text('result_channel'),
    resultTs: text('result_ts'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('reclaim_cases_open_uq')
      .on(t.appId, t.roleId, t.provider, t.idpUserId)
      .where(sql`${t.status} in ('warned', 'removing')`),
    index('reclaim_cases_app_idx').on(t.appId, t.status),
    index('reclaim_cases_run_idx').on(t.runId),
    index('reclaim_cases_grant_idx').on(t.grantId),
  ],
);

/** A person an admin excluded from reclaim for one app (`/access-admin reclaim exclude`). */
export const reclaimExclusions = sqliteTable(
  'reclaim_exclusions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    appId: text('app_id').notNull(),
    /** The person as the admin named them: a Slack id, an email, or both once known. */
    slackId: text('slack_id'),
    email: text('email'),
    reason: text('reason'),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('reclaim_exclusions_app_idx').on(t.appId)],
);

/**
 * A membership removed outside any Keycard grant (an access review's revoke, a reclaim), one row per account
 * and group while it is being removed. Whoever comes second finds the row and records that there was nothing
 * left to do, so one membership is removed once. `status`: `removing`, `done` (`outcome` as the provider
 * said), `failed` (`error`; the next one to come takes it over).
 */
export const groupRemovals = sqliteTable(
  'group_removals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    provider: text('provider').notNull(),
    idpUserId: text('idp_user_id').notNull(),
    groupId: text('group_id').notNull(),
    status: text('status').notNull(),
    outcome: text('outcome'),
    /** Who removes it, in words: `review #3 item 12`, `reclaim case 4`. */
    by: text('by').notNull(),
    error: text('error'),
    startedAt: integer('started_at').notNull(),
    finishedAt: integer('finished_at'),
  },
  (t) => [
    uniqueIndex('group_removals_open_uq')
      .on(t.provider, t.idpUserId, t.groupId)
      .where(sql`${t.status} in ('removing', 'failed')`),
    index('group_removals_account_idx').on(t.provider, t.idpUserId, t.groupId, t.finishedAt),
  ],
);
