/**
 * The one way to move a request or a grant. Each move is checked against the state machine
 * (src/domain/request-state.ts), applied by compare-and-set, and recorded as exactly one audit event, all
 * in one transaction (a savepoint inside the caller's). A move the state machine does not allow is a
 * programming error and throws; a move from a status the row is no longer in (someone else acted first)
 * changes nothing and returns null.
 */
import { KeycardError } from '../../domain/errors.js';
import { canTransition, canTransitionGrant } from '../../domain/request-state.js';
import type { Actor, GrantStatus, RemovalReason, RequestStatus } from '../../domain/types.js';
import type { GrantMoveField, GrantRow } from '../../store/grants.repo.js';
import type { NewRequest, RequestRow } from '../../store/requests.repo.js';
import type { Store } from '../../store/store.js';

export interface RequestMove {
  readonly from: RequestStatus | readonly RequestStatus[];
  readonly to: RequestStatus;
  readonly actor: Actor;
  /** The audit action; `request.<to>` by default. */
  readonly action?: string;
  readonly data?: Record<string, unknown>;
  /** Columns written with the move. */
  readonly set?: Partial<Pick<RequestRow, 'failureReason'>>;
}

function listOf<T>(value: T | readonly T[]): readonly T[] {
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

function refuseIllegal(kind: 'request' | 'grant', from: string, to: string): never {
  throw new KeycardError('invalid_transition', `a ${kind} cannot move from ${from} to ${to}`);
}

/**
 * Moves request `requestId` to `move.to` if it is in one of `move.from`; returns the status it left, or
 * null when it was in none of them.
 */
export function moveRequest(store: Store, requestId: number, move: RequestMove, now: Date): RequestStatus | null {
  const froms = listOf(move.from);
  for (const from of froms) if (!canTransition(from, move.to)) refuseIllegal('request', from, move.to);
  return store.tx(() => {
    const current = store.requests.get(requestId);
    const from = current?.status as RequestStatus | undefined;
    if (!from || !froms.includes(from)) return null;
    if (!store.requests.transition(requestId, [from], move.to, now, move.set ?? {})) return null;
    store.audit.append({ at: now, actor: move.actor, action: move.action ?? `request.${move.to}`, requestId, fromStatus: from, toStatus: move.to, data: move.data ?? {} });
    return from;
  });
}

export interface GrantMove {
  readonly from: GrantStatus;
  readonly to: GrantStatus;
  readonly actor: Actor;
  readonly action: string;
  readonly data?: Record<string, unknown>;
  readonly set?: Partial<Pick<GrantRow, GrantMoveField>>;
  /** The request moves with its grant (an ended grant ends its request): recorded in the same event. */
  readonly request?: { readonly from: RequestStatus; readonly to: RequestStatus };
}

/** Moves grant `grantId` from `move.from` to `move.to`; false when it was no longer in `move.from`. */
export function moveGrant(store: Store, grantId: number, move: GrantMove, now: Date): boolean {
  if (!canTransitionGrant(move.from, move.to)) refuseIllegal('grant', move.from, move.to);
  if (move.request && !canTransition(move.request.from, move.request.to)) refuseIllegal('request', move.request.from, move.request.to);
  return store.tx(() => {
    const grant = store.grants.get(grantId);
    if (!grant || !store.grants.transition(grantId, move.from, move.to, move.set ?? {})) return false;
    const request = move.request;
    const moved = request ? store.requests.transition(grant.requestId, [request.from], request.to, now) : false;
    store.audit.append({
      at: now,
      actor: move.actor,
      action: move.action,
      requestId: grant.requestId,
      ...(request && moved ? { fromStatus: request.from, toStatus: request.to } : {}),
      data: { grantId, ...move.data, grant: { from: move.from, to: move.to } },
    });
    return true;
  });
}

/** Records a new request in `submitted`, the state machine's entry, with its creation event. */
export function createRequest(store: Store, input: Omit<NewRequest, 'status'>, actor: Actor, data: Record<string, unknown>, now: Date, action = 'request.submitted'): RequestRow {
  return store.tx(() => {
    const request = store.requests.insert({ ...input, status: 'submitted' }, now);
    store.audit.append({ at: now, actor, action, requestId: request.id, toStatus: 'submitted', data });
    return request;
  });
}

/**
 * Ends an `ending` grant for `reason`, once; false if it had ended already. Ended access ends its request
 * too; an undone provisioning leaves its request `failed`, where it already is. Call inside a transaction.
 */
export function endGrant(store: Store, grant: GrantRow, reason: RemovalReason, actor: Actor, data: Record<string, unknown>, now: Date): boolean {
  const request = reason === 'rolled_back' ? undefined : { from: 'active', to: reason } satisfies GrantMove['request'];
  return moveGrant(
    store,
    grant.id,
    { from: 'ending', to: reason, actor, action: `grant.${reason}`, data, set: { endedAt: now.getTime(), endReason: reason }, ...(request ? { request } : {}) },
    now,
  );
}

/**
 * Opens the grant of a request whose groups are about to be added (`provisioning`), with one audit event,
 * so every add can be recorded as held the moment the provider confirms it.
 */
export function openGrant(store: Store, input: Omit<GrantRow, 'id' | 'status' | 'endedAt' | 'endReason' | 'warnedAt' | 'endingReason' | 'endingSince' | 'endingNote'>, actor: Actor, now: Date): GrantRow {
  return store.tx(() => {
    const grant = store.grants.insert(input, 'provisioning');
    store.audit.append({ at: now, actor, action: 'grant.provisioning', requestId: input.requestId, data: { grantId: grant.id, groups: input.groups, grant: { from: null, to: 'provisioning' } } });
    return grant;
  });
}
