/**
 * Ports the workflows use to reach Slack. The Slack adapter (src/slack/notifier.ts) renders Block Kit.
 */
import type { HomeData } from './home-data.js';

export interface MessageRef {
  readonly channel: string;
  readonly ts: string;
}

export interface SlackProfile {
  readonly id: string;
  readonly email: string | null;
  readonly name: string;
  readonly tz: string | null;
}

/** Everything an approver needs to decide, read fresh from the store at send time. */
export interface ApprovalCard {
  readonly requestId: number;
  readonly stepId: number;
  readonly requesterSlackId: string;
  readonly requesterName: string;
  readonly requesterTitle: string | null;
  readonly requesterDepartment: string | null;
  readonly appName: string;
  readonly roleName: string;
  readonly roleDescription: string;
  readonly groups: readonly string[];
  readonly durationText: string | null;
  readonly justification: string;
  readonly jiraKey: string | null;
  readonly jiraUrl: string | null;
  readonly stageText: string;
  /** Who a `user:` stage names, as a Slack id: the card mentions them after `stageText` (mrkdwn-escaped, so it cannot carry a mention itself). */
  readonly stagePersonSlackId?: string;
  readonly escalationReason: string | null;
  /** Who this copy's reader is on a stage that went elsewhere: a Keycard admin or a fallback approver. */
  readonly askedAs?: 'admin' | 'fallback';
  /** Why this approver is asked now, when the stage was escalated to them (shown on their card only). */
  readonly note?: string | null;
  /** This copy's reader decides for an approver who is away (a delegation), until when. */
  readonly onBehalfOf?: { readonly slackId: string; readonly until: Date };
  /** Present once the step is decided: the card then shows the outcome and no buttons. */
  readonly outcome:
    | null
    | { readonly kind: 'approved' | 'denied'; readonly by: string; readonly at: Date; readonly reason: string | null; readonly for?: string }
    | { readonly kind: 'closed'; readonly text: string };
}

/** The "your access ends soon" DM, with Extend (when the limit allows) and I'm done. */
export interface GrantNotice {
  readonly grantId: number;
  readonly appName: string;
  readonly roleName: string;
  readonly endsAt: Date;
  readonly canExtend: boolean;
  /** Why Extend is not offered (the role's limit is reached), shown instead of the button. */
  readonly extendNote: string | null;
}

/** The requester's "filed as ACCESS-1" DM, with Cancel while the request waits for approval. */
export interface RequestReceipt {
  readonly requestId: number;
  readonly appName: string;
  readonly roleName: string;
  readonly jiraKey: string;
  readonly jiraUrl: string;
  /** `Your manager, then the Salesforce owner`, or the auto-approval sentence. */
  readonly chainText: string;
  /** True while the request waits for approval: the DM then has a Cancel button. */
  readonly cancellable: boolean;
  /** Shown instead of the button once the request is closed, e.g. `Cancelled by you at 14:05 UTC.` */
  readonly closedNote?: string | null;
}

/** A manual app's to-do for IT in the alert channel: grant or remove access by hand, then confirm. */
export interface TaskCard {
  readonly taskId: number;
  readonly kind: 'grant' | 'revoke';
  readonly requestId: number;
  readonly userSlackId: string;
  readonly userEmail: string | null;
  readonly appName: string;
  readonly roleName: string;
  readonly durationText: string | null;
  readonly jiraKey: string | null;
  readonly jiraUrl: string | null;
  readonly fulfillers: readonly string[];
  /** Present once someone confirmed: the card then shows it and no buttons. */
  readonly outcome: null | { readonly status: 'done' | 'failed'; readonly by: string; readonly at: Date };
}

/** A reviewer's invitation (or reminder) to an access review, with **Open review**. */
export interface ReviewInvite {
  readonly campaignId: number;
  readonly text: string;
}

/** A bundle offered to a person after a move, with a button that files it. */
export interface BundleOfferCard {
  readonly offerId: number;
  readonly text: string;
}

/**
 * An auto reclaim DM: the warning (Keep it, Remove now) or the result (Ask for it back), drawn from the
 * case as it is when sent; buttons only while they can still do something.
 */
export interface ReclaimNotice {
  readonly caseId: number;
  readonly text: string;
  readonly buttons: ReadonlyArray<'keep' | 'remove_now' | 'ask_back'>;
}

export interface Notifier {
  /** Posts a task card to the alert channel; null when no alert channel is configured. */
  sendTask(card: TaskCard): Promise<MessageRef | null>;
  updateTask(ref: MessageRef, card: TaskCard): Promise<void>;
  sendGrantNotice(userSlackId: string, notice: GrantNotice): Promise<MessageRef>;
  /** The requester's receipt for a filed request, with Cancel while it is pending. */
  sendRequestReceipt(userSlackId: string, receipt: RequestReceipt): Promise<MessageRef>;
  /** Re-renders a sent receipt (the Cancel button goes once the request no longer waits). */
  updateRequestReceipt(ref: MessageRef, receipt: RequestReceipt): Promise<void>;
  sendApprovalCard(approverSlackId: string, card: ApprovalCard): Promise<MessageRef>;
  updateApprovalCard(ref: MessageRef, card: ApprovalCard): Promise<void>;
  /** The reviewer's DM for an access review, with an **Open review** button. */
  sendReviewInvite(userSlackId: string, invite: ReviewInvite): Promise<MessageRef>;
  /** The DM offering a bundle after a move, with **File these requests**. */
  sendBundleOffer(userSlackId: string, offer: BundleOfferCard): Promise<MessageRef>;
  /** An auto reclaim DM (src/workflows/reclaim/), and the same message redrawn when its case moves on. */
  sendReclaimNotice(userSlackId: string, notice: ReclaimNotice): Promise<MessageRef>;
  updateReclaimNotice(ref: MessageRef, notice: ReclaimNotice): Promise<void>;
  /** A direct message in mrkdwn. */
  sendDm(userSlackId: string, text: string): Promise<MessageRef>;
  /**
   * DMs a text file (sent as UTF-8) to the person, with `comment` as the message that introduces it;
   * `name` is the file name (its extension tells Slack the type), `title` what Slack shows.
   */
  uploadFile(userSlackId: string, file: { readonly name: string; readonly title: string; readonly content: string; readonly comment: string }): Promise<void>;
  /** A message to the alert channel; a no-op (logged) when none is configured. */
  sendAlert(text: string): Promise<void>;
  /** Publishes (replaces) the person's App Home. */
  publishHome(userSlackId: string, home: HomeData): Promise<void>;
}

export interface SlackDirectory {
  userIdByEmail(email: string): Promise<string | null>;
  /**
   * Many emails at once (an access review's members): the Slack id of each email Slack knows. Past a
   * handful, one paged read of the workspace's members instead of a look-up per email.
   */
  userIdsByEmail(emails: readonly string[]): Promise<Map<string, string>>;
  profile(slackId: string): Promise<SlackProfile | null>;
}
