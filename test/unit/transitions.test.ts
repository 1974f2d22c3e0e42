/**
 * The one way to move a request or a grant (src/workflows/shared/transitions.ts), on a real SQLite database
 * with the real migrations: every edge of both state machines moves the row and writes exactly one audit
 * event; every other move is refused and changes nothing; a move from a status the row has left is a no-op.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeycardError } from '../../src/domain/errors.js';
import { GRANT_TRANSITIONS, TRANSITIONS } from '../../src/domain/request-state.js';
import type { GrantStatus, RequestStatus } from '../../src/domain/types.js';
import { Store } from '../../src/store/store.js';
import { createRequest, moveGrant, moveRequest } from '../../src/workflows/shared/transitions.js';
import { memoryStore } from '../support/memory-store.js';

const NOW = new Date('2026-01-06T14:00:00Z');
const ACTOR = { kind: 'system', reason: 'test' } as const;
const REQUEST_STATUSES = Object.keys(TRANSITIONS) as RequestStatus[];
const GRANT_STATUSES = Object.keys(GRANT_TRANSITIONS) as GrantStatus[];
const edges = REQUEST_STATUSES.flatMap((from) => TRANSITIONS[from].map((to) => [from, to] as [RequestStatus, RequestStatus]));
const nonEdges = REQUEST_STATUSES.flatMap((from) => REQUEST_STATUSES.filter((to) => !TRANSITIONS[from].includes(to)).map((to) => [from, to] as [RequestStatus, RequestStatus]));
const grantEdges = GRANT_STATUSES.flatMap((from) => GRANT_TRANSITIONS[from].map((to) => [from, to] as [GrantStatus, GrantStatus]));
const grantNonEdges = GRANT_STATUSES.flatMap((from) => GRANT_STATUSES.filter((to) => !GRANT_TRANSITIONS[from].includes(to)).map((to) => [from, to] as [GrantStatus, GrantStatus]));

let store: Store;

function requestIn(status: RequestStatus): number {
  const request = createRequest(
    store,
    {
      requesterSlackId: 'U1',
      requesterEmail: 'a@acme.com',
      requesterName: 'A',
      appId: 'crm',
      roleId: 'admin',
      snapshot: { appName: 'CRM', roleName: 'Admin', roleDescription: '', provider: 'okta', groups: ['g1'], owner: 'o@acme.com', approval: 'auto', maxDurationMs: null },
      durationMs: null,
      justification: 'x',
    },
    ACTOR,
    {},
    NOW,
  );
  store.handle.sqlite.prepare('UPDATE requests SET status = ? WHERE id = ?').run(status, request.id);
  return request.id;
}

function grantIn(status: GrantStatus): { grantId: number; requestId: number } {
  const requestId = requestIn('active');
  const grant = store.grants.insert({ requestId, userSlackId: 'U1', appId: 'crm', roleId: 'admin', provider: 'okta', idpUserId: 'u1', groups: ['g1'], startsAt: NOW.getTime(), endsAt: null });
  store.handle.sqlite.prepare('UPDATE grants SET status = ? WHERE id = ?').run(status, grant.id);
  return { grantId: grant.id, requestId };
}

function eventsOf(requestId: number) {
  return store.audit.forRequest(requestId).filter((e) => e.action !== 'request.submitted');
}

beforeEach(() => {
  store = memoryStore();
});
afterEach(() => store.handle.close());

describe('moveRequest', () => {
  it('records a new request as submitted, with one creation event', () => {
    const request = createRequest(
      store,
      { requesterSlackId: 'U1', requesterEmail: null, requesterName: null, appId: 'crm', roleId: 'admin', snapshot: { appName: 'CRM', roleName: 'Admin', roleDescription: '', provider: 'okta', groups: [], owner: 'o', approval: 'auto', maxDurationMs: null }, durationMs: null, justification: 'x' },
      ACTOR,
      { app: 'crm' },
      NOW,
    );

    expect(store.requests.get(request.id)?.status).toBe('submitted');
    expect(store.audit.forRequest(request.id).map((e) => [e.action, e.fromStatus, e.toStatus])).toEqual([['request.submitted', null, 'submitted']]);
  });

  it.each(edges)('moves %s -> %s and writes exactly one audit event', (from, to) => {
    const id = requestIn(from);

    const left = moveRequest(store, id, { from, to, actor: ACTOR, data: { why: 'test' } }, NOW);

    expect(left).toBe(from);
    expect(store.requests.get(id)?.status).toBe(to);
    expect(eventsOf(id).map((e) => ({ action: e.action, from: e.fromStatus, to: e.toStatus, data: e.data }))).toEqual([{ action: `request.${to}`, from, to, data: { why: 'test' } }]);
  });

  it.each(nonEdges)('refuses %s -> %s, changing nothing', (from, to) => {
    const id = requestIn(from);

    expect(() => moveRequest(store, id, { from, to, actor: ACTOR }, NOW)).toThrow(KeycardError);
    expect(store.requests.get(id)?.status).toBe(from);
    expect(eventsOf(id)).toEqual([]);
  });

  it('is a no-op that writes nothing when the request has left the expected status (someone acted first)', () => {
    const id = requestIn('denied');

    const left = moveRequest(store, id, { from: 'pending_approval', to: 'approved', actor: ACTOR }, NOW);

    expect(left).toBeNull();
    expect(store.requests.get(id)?.status).toBe('denied');
    expect(eventsOf(id)).toEqual([]);
  });

  it('takes several possible starting statuses and records the one it left', () => {
    const id = requestIn('provisioning');

    const left = moveRequest(store, id, { from: ['approved', 'provisioning'], to: 'failed', actor: ACTOR, set: { failureReason: 'boom' } }, NOW);

    expect(left).toBe('provisioning');
    expect(store.requests.get(id)?.failureReason).toBe('boom');
    expect(eventsOf(id).map((e) => [e.fromStatus, e.toStatus])).toEqual([['provisioning', 'failed']]);
  });
});

describe('moveGrant', () => {
  it.each(grantEdges)('moves a grant %s -> %s and writes exactly one audit event', (from, to) => {
    const { grantId, requestId } = grantIn(from);

    const moved = moveGrant(store, grantId, { from, to, actor: ACTOR, action: `grant.test` }, NOW);

    expect(moved).toBe(true);
    expect(store.grants.get(grantId)?.status).toBe(to);
    expect(eventsOf(requestId).map((e) => [e.action, e.data['grantId'], e.data['grant']])).toEqual([['grant.test', grantId, { from, to }]]);
  });

  it.each(grantNonEdges)('refuses a grant %s -> %s, changing nothing', (from, to) => {
    const { grantId, requestId } = grantIn(from);

    expect(() => moveGrant(store, grantId, { from, to, actor: ACTOR, action: 'grant.test' }, NOW)).toThrow(KeycardError);
    expect(store.grants.get(grantId)?.status).toBe(from);
    expect(eventsOf(requestId)).toEqual([]);
  });

  it('ends the grant and its request in one move with one event', () => {
    const { grantId, requestId } = grantIn('ending');

    const moved = moveGrant(store, grantId, { from: 'ending', to: 'expired', actor: ACTOR, action: 'grant.expired', request: { from: 'active', to: 'expired' } }, NOW);

    expect(moved).toBe(true);
    expect(store.requests.get(requestId)?.status).toBe('expired');
    expect(eventsOf(requestId).map((e) => [e.action, e.fromStatus, e.toStatus])).toEqual([['grant.expired', 'active', 'expired']]);
  });

  it('is a no-op when the grant has already moved on', () => {
    const { grantId, requestId } = grantIn('revoked');

    expect(moveGrant(store, grantId, { from: 'ending', to: 'expired', actor: ACTOR, action: 'grant.expired' }, NOW)).toBe(false);
    expect(eventsOf(requestId)).toEqual([]);
  });
});
