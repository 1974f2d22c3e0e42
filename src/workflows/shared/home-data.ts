/**
 * What one person's App Home shows, as data: gathered by src/workflows/notify/home.ts, rendered by
 * src/slack/blocks/home.ts. Types only, so the Slack port can name them without importing the workflow.
 */
export const HOME_SECTIONS = ['grants', 'requests', 'approvals'] as const;
export type HomeSection = (typeof HOME_SECTIONS)[number];
/** Where each section's page starts. */
export type HomeOffsets = Readonly<Record<HomeSection, number>>;

/** Items per section and page: keeps the whole Home well inside Slack's 100 blocks (see blocks/home.ts). */
export const HOME_PAGE_SIZE = 10;

export interface HomePage<T> {
  readonly items: readonly T[];
  /** Index of the first item shown, within `total`. */
  readonly offset: number;
  readonly total: number;
  readonly pageSize: number;
}

export interface HomeGrant {
  readonly grantId: number;
  readonly appName: string;
  readonly roleName: string;
  /** Null for standing access. */
  readonly endsAt: Date | null;
}

export interface HomeRequest {
  readonly requestId: number;
  readonly appName: string;
  readonly roleName: string;
  readonly extension: boolean;
  readonly jiraKey: string | null;
  /** The stage it waits on; null while its approvers are being found. */
  readonly stage: { readonly number: number; readonly count: number; readonly who: string; readonly approvers: readonly string[] } | null;
}

export interface HomeApproval {
  readonly stepId: number;
  readonly requestId: number;
  readonly requesterSlackId: string;
  readonly appName: string;
  readonly roleName: string;
  readonly durationText: string | null;
  readonly stageNumber: number;
  readonly stageCount: number;
  readonly justification: string;
}

export interface HomeAdminStatus {
  readonly pendingRequests: number;
  /** Active time-bound grants. */
  readonly activeElevatedGrants: number;
  /** Jobs that used their last attempt and wait for `/access-admin retry`. */
  readonly deadJobs: number;
}

/** An open access review with items for this person (src/workflows/review/view.ts). */
export interface HomeReview {
  readonly campaignId: number;
  readonly name: string;
  /** Their items still undecided, and all their items in it. */
  readonly left: number;
  readonly total: number;
  readonly dueAt: Date;
}

/** Everything one person's Home shows; `buildHomeView` (src/slack/blocks/home.ts) renders it. */
export interface HomeData {
  readonly userId: string;
  readonly now: Date;
  readonly offsets: HomeOffsets;
  readonly grants: HomePage<HomeGrant>;
  readonly requests: HomePage<HomeRequest>;
  readonly approvals: HomePage<HomeApproval>;
  /** Present for admins only. */
  readonly admin: HomeAdminStatus | null;
  /** Open access reviews with items for them, soonest due first (absent: none). */
  readonly reviews?: readonly HomeReview[];
  /** A `/request` line that works with the catalog in force, for the empty state. */
  readonly example: string | null;
}

