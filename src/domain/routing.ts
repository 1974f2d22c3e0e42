/**
 * Approval routing: what the catalog's stage strings mean, how to say them to people, and who is
 * asked at each stage once refs have been resolved to Slack users.
 */
import type { ApprovalStage, Catalog, CatalogApp, CatalogRole } from './types.js';

/**
 * Parses a catalog stage string: `manager`, `owner`, `group:<name>` or `user:<ref>`.
 * Syntax only: whether the group exists or the ref is an email is the catalog validator's call,
 * so it can say precisely what is wrong.
 */
export function parseStage(text: string): ApprovalStage | null {
  if (text === 'manager') return { kind: 'manager' };
  if (text === 'owner') return { kind: 'owner' };
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  const prefix = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (rest === '' || /\s/.test(rest)) return null;
  if (prefix === 'group') return { kind: 'group', name: rest };
  if (prefix === 'user') return { kind: 'user', ref: rest };
  return null;
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SLACK_USER_RE = /^[UW][A-Z0-9]{2,}$/;

/** True for an email address or a Slack user id: the two ways a catalog names a person. */
export function isPersonRef(text: string): boolean {
  return EMAIL_RE.test(text) || SLACK_USER_RE.test(text);
}

/** The catalog string for a stage; `parseStage(stageToString(s))` gives `s` back. */
export function stageToString(stage: ApprovalStage): string {
  switch (stage.kind) {
    case 'manager':
    case 'owner':
      return stage.kind;
    case 'group':
      return `group:${stage.name}`;
    case 'user':
      return `user:${stage.ref}`;
  }
}

/**
 * Who a stage asks, in words for the requester: `your manager`, `the Salesforce owner`, `the security approvers`.
 * A `user:` stage names the person as Slack shows them, `<@U…>`, when their Slack id is known (the catalog
 * gave one, or the caller resolved the email); the domain looks nobody up, so otherwise it is the email as written.
 */
export function describeStage(stage: ApprovalStage, app: CatalogApp, personSlackId?: string): string {
  switch (stage.kind) {
    case 'manager':
      return 'your manager';
    case 'owner':
      return `the ${app.name} owner`;
    case 'group':
      return `the ${stage.name} approvers`;
    case 'user': {
      const slackId = stagePersonSlackIdOf(stage, personSlackId);
      return slackId ? `<@${slackId}>` : stage.ref;
    }
  }
}

/** The Slack id of the person a `user:` stage names: the one the caller resolved, else the catalog's own when it gave an id. */
export function stagePersonSlackIdOf(stage: ApprovalStage, resolved?: string): string | undefined {
  if (stage.kind !== 'user') return undefined;
  return resolved ?? (SLACK_USER_RE.test(stage.ref) ? stage.ref : undefined);
}

/**
 * A stage as one clause of a sentence: like `describeStage`, but an email stays an email behind
 * "the approver", so capitalising the sentence's first letter never turns it into "Rita.reviewer@…".
 */
export function describeStageInSentence(stage: ApprovalStage, app: CatalogApp, personSlackId?: string): string {
  const words = describeStage(stage, app, personSlackId);
  return stage.kind === 'user' && words === stage.ref ? `the approver ${stage.ref}` : words;
}

/** `Your manager, then the Salesforce owner, then ...`, or the auto-approval policy sentence. */
export function describeApprovalChain(role: CatalogRole, app: CatalogApp): string {
  if (role.approval.kind === 'auto') {
    return `Approved automatically by catalog policy ${policyRef(app, role)}`;
  }
  const text = role.approval.stages.map((stage) => describeStageInSentence(stage, app)).join(', then ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The note recorded (audit, Jira) when a request is approved by policy rather than by a person. */
export function autoApprovalNote(app: CatalogApp, role: CatalogRole): string {
  return `auto-approved by catalog policy ${policyRef(app, role)}`;
}

function policyRef(app: CatalogApp, role: CatalogRole): string {
  return `${app.id}/${role.id}`;
}

export interface StageContext {
  readonly app: CatalogApp;
  readonly catalog: Catalog;
  /** The requester's manager from the IdP profile; null when the profile has none. */
  readonly managerEmail: string | null;
}

/**
 * The raw refs (emails or Slack user ids) a stage names, before anyone resolves them to Slack
 * users. Empty when the stage names nobody (no manager on file, a group that is not defined).
 */
export function stageCandidateRefs(stage: ApprovalStage, ctx: StageContext): string[] {
  switch (stage.kind) {
    case 'manager':
      return ctx.managerEmail ? [ctx.managerEmail] : [];
    case 'owner':
      return [ctx.app.owner];
    case 'group':
      return [...(ctx.catalog.approverGroups[stage.name] ?? [])];
    case 'user':
      return [stage.ref];
  }
}

/** Someone who decided an earlier stage of the same request. */
export interface EarlierDecider {
  readonly slackId: string;
  /** Their name as people read it (`Owen Park`), for the reason the stage went elsewhere. */
  readonly name: string;
  /** 0-based index of the stage they decided. */
  readonly stageIndex: number;
}

export interface StageApproversInput {
  /** Resolved Slack user ids, in the stage's order. */
  readonly candidates: readonly string[];
  /** The requester's Slack user id. */
  readonly requester: string;
  /** Slack user ids of Keycard admins (`KEYCARD_ADMINS`). */
  readonly admins: readonly string[];
  /**
   * Separation of duties: people who decided an earlier stage of this request, never asked again (empty
   * when the role opts out with `distinctApprovers: false`).
   */
  readonly earlierDeciders?: readonly EarlierDecider[];
  /** 0-based index of the stage being routed (for the separation-of-duties reason). */
  readonly stageIndex?: number;
  /** The stage's fallback approvers (the catalog `fallback` group, resolved): asked before the admins when separation of duties leaves nobody. */
  readonly fallback?: readonly string[];
}

export interface StageApprovers {
  readonly approvers: string[];
  /** True when the stage's own approvers could not be used and admins were asked instead. */
  readonly escalatedToAdmins: boolean;
  /** Why the stage was escalated; set whenever `escalatedToAdmins` or `separated` is. */
  readonly reason?: string;
  /**
   * Set when the stage's own approvers were all earlier deciders of this request (separation of duties):
   * who was left out, and whether the stage went to its fallback group or to the admins.
   */
  readonly separated?: { readonly deciders: readonly string[]; readonly to: 'fallback' | 'admins' };
}

/**
 * Who approves one stage: the candidates deduplicated in order, never the requester (nobody approves
 * their own access) and never someone who decided an earlier stage of the request (a two-person chain
 * stays two people). When only the requester was named, the admins other than the requester are asked
 * instead; when earlier deciders were named, the stage's fallback group, else the admins, never the
 * requester or an earlier decider. If that is also nobody, `approvers` is empty and the caller must alert.
 */
export function pickStageApprovers(input: StageApproversInput): StageApprovers {
  const deciders = input.earlierDeciders ?? [];
  const excluded = new Set([input.requester, ...deciders.map((d) => d.slackId)]);
  const approvers = uniqueExcept(input.candidates, excluded);
  if (approvers.length > 0) return { approvers, escalatedToAdmins: false };

  const separatedOut = deciders.filter((d) => input.candidates.includes(d.slackId));
  if (separatedOut.length > 0) {
    const reason = separationReason(separatedOut, input.stageIndex ?? 0);
    const deciderIds = [...new Set(separatedOut.map((d) => d.slackId))];
    const fallback = uniqueExcept(input.fallback ?? [], excluded);
    if (fallback.length > 0) return { approvers: fallback, escalatedToAdmins: false, reason, separated: { deciders: deciderIds, to: 'fallback' } };
    const admins = uniqueExcept(input.admins, excluded);
    if (admins.length > 0) return { approvers: admins, escalatedToAdmins: true, reason, separated: { deciders: deciderIds, to: 'admins' } };
    return {
      approvers: [],
      escalatedToAdmins: true,
      reason: `${reason}, and no admin other than the requester or an earlier approver can decide it`,
      separated: { deciders: deciderIds, to: 'admins' },
    };
  }

  const reason = input.candidates.includes(input.requester)
    ? 'the requester is the only approver of this stage'
    : 'no approver could be resolved';
  const admins = uniqueExcept(input.admins, new Set([input.requester]));
  if (admins.length > 0) return { approvers: admins, escalatedToAdmins: true, reason };
  return {
    approvers: [],
    escalatedToAdmins: true,
    reason: `${reason}, and no admin other than the requester can approve`,
  };
}

/** `Owen Park decided stage 1 and may not decide stage 2 too (separation of duties)`. */
export function separationReason(deciders: readonly EarlierDecider[], stageIndex: number): string {
  const who = deciders.map((d) => `${d.name} decided stage ${d.stageIndex + 1}`);
  const may = deciders.length === 1 ? ' and may not' : '; neither may';
  return `${who.join(' and ')}${may} decide stage ${stageIndex + 1} too (separation of duties)`;
}

function uniqueExcept(ids: readonly string[], excluded: ReadonlySet<string>): string[] {
  // An empty id is a resolution that failed upstream; it must not count as an approver.
  return [...new Set(ids)].filter((id) => id !== '' && !excluded.has(id));
}
