import { describe, expect, it } from 'vitest';
import { canTransition, describeStatus, isTerminal, TRANSITIONS } from '../../src/domain/request-state.js';
import type { RequestStatus } from '../../src/domain/types.js';

const ALL_STATUSES: readonly RequestStatus[] = [
  'submitted',
  'pending_approval',
  'approved',
  'provisioning',
  'awaiting_fulfilment',
  'active',
  'failed',
  'denied',
  'cancelled',
  'expired',
  'revoked',
  'relinquished',
];

describe('TRANSITIONS', () => {
  it('covers every status', () => {
    const statuses = Object.keys(TRANSITIONS).sort();

    expect(statuses).toEqual([...ALL_STATUSES].sort());
  });

  it('only leads to known statuses', () => {
    const targets = ALL_STATUSES.flatMap((status) => TRANSITIONS[status]);

    expect(targets.filter((target) => !ALL_STATUSES.includes(target))).toEqual([]);
  });
});

describe('canTransition', () => {
  it.each<[RequestStatus, RequestStatus]>([
    ['submitted', 'pending_approval'],
    ['submitted', 'approved'],
    ['submitted', 'cancelled'],
    ['submitted', 'failed'],
    ['pending_approval', 'approved'],
    ['pending_approval', 'denied'],
    ['pending_approval', 'cancelled'],
    ['approved', 'provisioning'],
    ['approved', 'awaiting_fulfilment'],
    ['approved', 'failed'],
    ['provisioning', 'active'],
    ['provisioning', 'failed'],
    ['awaiting_fulfilment', 'active'],
    ['awaiting_fulfilment', 'failed'],
    ['awaiting_fulfilment', 'cancelled'],
    ['failed', 'provisioning'],
    ['failed', 'approved'],
    ['failed', 'cancelled'],
    ['active', 'expired'],
    ['active', 'revoked'],
    ['active', 'relinquished'],
  ])('allows %s -> %s', (from, to) => {
    const allowed = canTransition(from, to);

    expect(allowed).toBe(true);
  });

  it.each<[RequestStatus, RequestStatus]>([
    ['submitted', 'active'],
    ['pending_approval', 'expired'],
    ['pending_approval', 'provisioning'],
    ['pending_approval', 'pending_approval'],
    ['approved', 'denied'],
    ['approved', 'active'],
    ['provisioning', 'cancelled'],
    ['active', 'cancelled'],
    ['active', 'pending_approval'],
    ['denied', 'approved'],
    ['cancelled', 'pending_approval'],
    ['expired', 'active'],
    ['revoked', 'active'],
    ['relinquished', 'active'],
  ])('refuses %s -> %s', (from, to) => {
    const allowed = canTransition(from, to);

    expect(allowed).toBe(false);
  });
});

describe('isTerminal', () => {
  it.each<[RequestStatus, boolean]>([
    ['denied', true],
    ['cancelled', true],
    ['expired', true],
    ['revoked', true],
    ['relinquished', true],
    ['submitted', false],
    ['pending_approval', false],
    ['approved', false],
    ['provisioning', false],
    ['awaiting_fulfilment', false],
    ['active', false],
    ['failed', false],
  ])('%s -> %s', (status, expected) => {
    const terminal = isTerminal(status);

    expect(terminal).toBe(expected);
  });
});

describe('describeStatus', () => {
  it.each<[RequestStatus, string]>([
    ['pending_approval', 'waiting for approval'],
    ['awaiting_fulfilment', 'waiting for IT to grant it'],
    ['provisioning', 'being granted'],
    ['active', 'active'],
    ['relinquished', 'given up by the requester'],
  ])('describes %s as %j', (status, expected) => {
    const text = describeStatus(status);

    expect(text).toEqual(expected);
  });

  it('has words for every status, none showing the raw code', () => {
    const texts = ALL_STATUSES.map(describeStatus);

    expect(texts.filter((text) => text === '' || text.includes('_'))).toEqual([]);
  });
});
