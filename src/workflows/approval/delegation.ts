/**
 * Who decides for an approver who is away (`/access-admin delegate`), and what a delegate may not do.
 * Routing and escalation ask the delegate instead of the away approver; separation of duties still holds:
 * a delegate never decides their own request, and nobody decides two stages of one request, counting a
 * decision a delegate made for someone as that person's too (so neither the delegate nor the person they
 * stood in for decides a later stage).
 */
import type { DelegationRow, StepDelegateRow } from '../../store/delegations.repo.js';
import type { RequestRow, StepRow } from '../../store/requests.repo.js';
import type { WorkflowDeps } from '../shared/deps.js';

/** Delegations followed at most this deep (A away to B, B away to C…); a loop stops where it would repeat. */
const CHAIN_MAX = 5;

/**
 * Who decides for `approver` at `atMs`: their delegate, or the delegate's own delegate when that one is
 * away too. Null when the approver is not away. `delegation` is the approver's own delegation (its end gives
 * their stages back).
 */
export function standInFor(deps: WorkflowDeps, approver: string, atMs: number): { readonly delegate: string; readonly delegation: DelegationRow } | null {
  const first = deps.store.delegations.activeOf(approver, atMs);
  if (!first) return null;
  const seen = new Set([approver]);
  let delegate = first.delegateSlackId;
  for (let hop = 1; hop < CHAIN_MAX && !seen.has(delegate); hop += 1) {
    seen.add(delegate);
    const next = deps.store.delegations.activeOf(delegate, atMs);
    if (!next || seen.has(next.delegateSlackId)) break;
    delegate = next.delegateSlackId;
  }
  return { delegate, delegation: first };
}

/** Someone who decided an earlier stage, in person or through their delegate. */
export interface EarlierDecision {
  readonly slackId: string;
  readonly stageIndex: number;
  /** Set when `slackId` is the away approver a delegate decided for. */
  readonly through?: string;
}

/**
 * Everyone who counts as having decided a stage of `request` before `stageIndex`: the decider, and the
 * approver they decided for when they were a delegate. Empty when the role opted out of separation of duties.
 */
export function earlierDecisions(deps: WorkflowDeps, request: RequestRow, stageIndex: number): EarlierDecision[] {
  if (request.snapshot.distinctApprovers === false) return [];
  const found: EarlierDecision[] = [];
  for (const step of deps.store.requests.steps(request.id)) {
    if (step.stageIndex >= stageIndex || !step.decidedBy) continue;
    found.push({ slackId: step.decidedBy, stageIndex: step.stageIndex });
    for (const d of deps.store.delegations.forStep(step.id)) {
      if (d.delegateSlackId === step.decidedBy && d.createdAt <= (step.decidedAt ?? Number.POSITIVE_INFINITY) && (d.endedAt === null || d.endedAt >= (step.decidedAt ?? 0))) {
        found.push({ slackId: d.forSlackId, stageIndex: step.stageIndex, through: d.delegateSlackId });
      }
    }
  }
  return found;
}

/** The away approver `delegate` stands in for on `step` now, if any. */
export function actingFor(deps: WorkflowDeps, stepId: number, delegate: string): StepDelegateRow | undefined {
  return deps.store.delegations.forStep(stepId).find((d) => d.delegateSlackId === delegate && d.endedAt === null);
}

/** A stand-in to record on the step once it exists. */
export interface StandIn {
  readonly forSlackId: string;
  readonly delegateSlackId: string;
  readonly delegation: DelegationRow;
  /** False when the delegate is an approver of the step in their own right already. */
  readonly added: boolean;
}

/** An away approver whose delegate may not decide this request: they stay asked themselves. */
export interface StandInRefused {
  readonly forSlackId: string;
  readonly delegateSlackId: string;
  readonly why: 'requester' | 'earlier_decider';
}

/**
 * A stage's approvers with each away approver's delegate in their place (in the same position), unless the
 * delegate may not decide this request (it is theirs, or they decided an earlier stage of it): then the
 * approver stays. `keep` are approvers already on the step whose place is not taken (escalation adds to them).
 */
export function withStandIns(deps: WorkflowDeps, request: RequestRow, stageIndex: number, approvers: readonly string[], keep: readonly string[] = []): { approvers: string[]; standIns: StandIn[]; refused: StandInRefused[] } {
  const now = deps.clock.now().getTime();
  const earlier = new Set(earlierDecisions(deps, request, stageIndex).map((d) => d.slackId));
  const result: string[] = [];
  const standIns: StandIn[] = [];
  const refused: StandInRefused[] = [];
  for (const approver of approvers) {
    const stand = standInFor(deps, approver, now);
    if (!stand) {
      if (!result.includes(approver)) result.push(approver);
      continue;
    }
    const { delegate, delegation } = stand;
    const why = delegate === request.requesterSlackId ? 'requester' : earlier.has(delegate) ? 'earlier_decider' : null;
    if (why) {
      refused.push({ forSlackId: approver, delegateSlackId: delegate, why });
      if (!result.includes(approver)) result.push(approver);
      continue;
    }
    // Already asked in their own right: nothing is added for them, but the card still says whom they stand in for.
    standIns.push({ forSlackId: approver, delegateSlackId: delegate, delegation, added: !keep.includes(delegate) && !approvers.includes(delegate) });
    if (!result.includes(delegate) && !keep.includes(delegate)) result.push(delegate);
  }
  return { approvers: result, standIns, refused };
}

/** Records the stand-ins on a step that now exists; call inside the transaction that wrote its approvers. */
export function recordStandIns(deps: WorkflowDeps, step: Pick<StepRow, 'id' | 'requestId' | 'stage'>, standIns: readonly StandIn[], actor: { kind: 'system'; reason: string } | { kind: 'user'; slackId: string }, now: Date): void {
  for (const s of standIns) {
    deps.store.delegations.addStepDelegate({ stepId: step.id, delegationId: s.delegation.id, forSlackId: s.forSlackId, delegateSlackId: s.delegateSlackId, added: s.added }, now);
    deps.store.audit.append({
      at: now,
      actor,
      action: 'approval.delegated',
      requestId: step.requestId,
      data: { stepId: step.id, stage: step.stage, for: s.forSlackId, delegate: s.delegateSlackId, delegationId: s.delegation.id, until: s.delegation.endsAt },
    });
  }
}

/**
 * The step as routing chose it, for wording: a delegate put on the step for an away approver stands in their
 * place, so a `user:` stage still names its own person (its first approver) rather than the delegate.
 */
export function stepAsRouted<T extends Pick<StepRow, 'id' | 'approvers'>>(deps: WorkflowDeps, step: T): T {
  const standIns = deps.store.delegations.forStep(step.id).filter((d) => d.added);
  if (standIns.length === 0) return step;
  return { ...step, approvers: step.approvers.map((id) => standIns.find((d) => d.delegateSlackId === id)?.forSlackId ?? id) };
}
