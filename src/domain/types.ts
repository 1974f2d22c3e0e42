/**
 * Core domain types shared by every layer. Pure data: no I/O, no clock reads.
 */

/** A stage of an approval chain, as written in the catalog (`manager`, `owner`, `group:security`, `user:x@acme.com`). */
export type ApprovalStage =
  | { kind: 'manager' }
  | { kind: 'owner' }
  | { kind: 'group'; name: string }
  | { kind: 'user'; ref: string };

/** `auto` skips approvers (still recorded); otherwise stages in order, one approval per stage. */
export type ApprovalPolicy = { kind: 'auto' } | { kind: 'stages'; stages: readonly ApprovalStage[] };

export type ProviderKind = 'okta' | 'entra' | 'google' | 'manual';

export interface CatalogRole {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** Provider group ids (empty for manual apps). */
  readonly groups: readonly string[];
  readonly approval: ApprovalPolicy;
  /** Allowed durations in milliseconds, in catalog order. Present => time-bound. */
  readonly durationsMs?: readonly number[];
  /** Maximum total duration (including extensions) in milliseconds. */
  readonly maxDurationMs?: number;
  /** How an extension of a time-bound grant is decided: `auto` grants it, `approval` re-runs the chain. */
  readonly extend?: 'auto' | 'approval';
  /** The approverGroups entry a stage of this role is offered to when undecided too long; wins over the app's. */
  readonly fallback?: string;
  /**
   * Separation of duties (default true): whoever decided an earlier stage of a request may not decide a
   * later one. `false` lets one person decide several stages (say, a manager who owns the app).
   */
  readonly distinctApprovers?: boolean;
}

export interface CatalogApp {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** Optional grouping for the app picker's option groups (default "Other"). */
  readonly category?: string;
  /** Email or Slack user id of the app owner (the `owner` stage). */
  readonly owner: string;
  readonly provider: ProviderKind;
  /**
   * The provider's own id of the app (Okta app instance id, Entra application id, Google SAML app name or
   * OAuth client id): access reviews read the last sign-in to this app. Never set on a manual app.
   */
  readonly signInApp?: string;
  /** The approverGroups entry a stage is offered to when undecided too long (default: the admins). */
  readonly fallback?: string;
  /** Manual apps: who may confirm grants and removals, besides the admins (emails or Slack ids). */
  readonly fulfillers?: readonly string[];
  readonly roles: readonly CatalogRole[];
  /** Auto reclaim: take back seats nobody uses (src/workflows/reclaim/). Never set on a manual app. */
  readonly reclaim?: ReclaimPolicy;
}

/** Who a reclaim policy never flags: everyone in an approver group, or one person (email or Slack id). */
export type ReclaimExclusion = { readonly kind: 'group'; readonly name: string } | { readonly kind: 'user'; readonly ref: string };

/** What a reclaim does to inactive access: remove it, or move the person down to a lower role of the app. */
export type ReclaimAction = { readonly kind: 'revoke' } | { readonly kind: 'downgrade'; readonly roleId: string };

/** An app's catalog `reclaim:` policy. */
export interface ReclaimPolicy {
  /** No sign-in for this long makes access inactive (and a Keycard grant younger than this is never flagged). */
  readonly inactiveAfterMs: number;
  /** Between the warning and the removal. */
  readonly graceMs: number;
  readonly exclude: readonly ReclaimExclusion[];
  readonly action: ReclaimAction;
  /** What one seat costs a month (any currency): what a reclaim frees. */
  readonly seatCost?: number;
  /** Judge by the last sign-in anywhere where the provider cannot tell it for this app (default false). */
  readonly useOverallSignIn: boolean;
  /** How long "Ask for it back" restores the role without approval (default 14 days). */
  readonly restoreWithinMs: number;
}

/** The profile attributes a bundle's `when` can match (the identity provider's department, title, manager's email). */
export type BundleAttribute = 'department' | 'title' | 'manager';

/**
 * Birthright access: the roles a person gets for who they are (`when` their profile matches), filed for
 * them when they join (`/access-admin onboard`) or move into it. Roles the catalog auto-approves are
 * granted with "birthright: bundle <id>" on record; the others are filed as requests on the person's
 * behalf and go through their approval chain.
 */
export interface CatalogBundle {
  readonly id: string;
  readonly name: string;
  /** Every attribute listed must equal one of its values, ignoring case; none listed matches everyone. */
  readonly when: Readonly<Partial<Record<BundleAttribute, readonly string[]>>>;
  readonly roles: ReadonlyArray<{ readonly app: string; readonly role: string }>;
}

export interface Catalog {
  readonly version: 1;
  /** Named sets of approvers: emails or Slack user ids. */
  readonly approverGroups: Readonly<Record<string, readonly string[]>>;
  readonly apps: readonly CatalogApp[];
  /** Birthright bundles (catalog key `bundles`); absent or empty when the catalog has none. */
  readonly bundles?: readonly CatalogBundle[];
  /** Where a parsed catalog was written; absent for a catalog built in code. */
  readonly source?: CatalogSource;
}

/**
 * The file and lines a catalog was read from, kept for checks made after parsing (a group id that does
 * not exist in its provider must still be reported with its file and line).
 */
export interface CatalogSource {
  readonly file: string;
  /** 1-based line of each group id, keyed by its field path: `apps[0].roles[1].groups[2]`. */
  readonly groupLines: Readonly<Record<string, number>>;
}

/** One problem found in a catalog file. `line` is 1-based; `field` is a dotted path like `apps[2].roles[0].durations`. */
export interface CatalogIssue {
  readonly file: string;
  readonly line: number;
  readonly field: string;
  readonly message: string;
}

export type CatalogResult =
  | { readonly ok: true; readonly catalog: Catalog }
  | { readonly ok: false; readonly issues: readonly CatalogIssue[] };

export type RequestStatus =
  | 'submitted'
  | 'pending_approval'
  | 'approved'
  | 'provisioning'
  | 'active'
  | 'expired'
  | 'revoked'
  | 'relinquished'
  | 'denied'
  | 'cancelled'
  | 'failed'
  | 'awaiting_fulfilment';

/**
 * `provisioning` while its groups are being added (each confirmed add is recorded as held), `active`,
 * `ending` while what it holds is being removed, then why it ended. `rolled_back`: provisioning failed
 * and what had been added was removed again.
 */
export type GrantStatus = 'provisioning' | 'active' | 'ending' | 'expired' | 'revoked' | 'relinquished' | 'rolled_back';

/** Why granted access ended (the request ends the same way). */
export type EndReason = 'expired' | 'revoked' | 'relinquished';

/** Why a grant's groups are being removed: its access ended, or a failed provisioning is undone. */
export type RemovalReason = EndReason | 'rolled_back';

/** Who performed an action. A `user` actor has been authorized by the caller before it is built. */
export type Actor =
  | { readonly kind: 'user'; readonly slackId: string }
  | { readonly kind: 'system'; readonly reason: string };
