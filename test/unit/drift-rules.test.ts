/**
 * Drift reports: what counts as new since the check before (so an alert names only that), and how a large
 * report is worded within Slack's and Jira's limits. Delegation dates: what `until` accepts.
 */
import { describe, expect, it } from 'vitest';
import { parseDelegateUntil } from '../../src/domain/delegation.js';
import { driftCounts, isClean, newDrift, type DriftReport, type HandAddedMember } from '../../src/domain/drift.js';
import { driftWords } from '../../src/workflows/drift/words.js';

function member(i: number, groups = ['00g1viewer']): HandAddedMember {
  return { idpUserId: `00u${i}`, email: `person${i}@acme.com`, name: `Person ${i}`, status: 'active', roles: ['viewer'], groups };
}

function report(handAdded: HandAddedMember[], extra: Partial<DriftReport> = {}): DriftReport {
  return {
    at: Date.parse('2026-01-06T14:00:00Z'),
    missingGroups: [],
    unmappedGroups: [],
    apps: handAdded.length > 0 ? [{ appId: 'salesforce', appName: 'Salesforce', provider: 'okta', handAdded }] : [],
    inactive: [],
    ...extra,
  };
}

describe('drift reports', () => {
  it('names as new only what the check before did not find, member by group', () => {
    const before = report([member(1), member(2)], { unmappedGroups: [{ provider: 'okta', groupId: '00gX', name: 'salesforce-x', appId: 'salesforce' }] });
    const after = report([member(1), member(2, ['00g1viewer', '00g1admin']), member(3)], { unmappedGroups: before.unmappedGroups });

    const fresh = newDrift(before, after);

    expect(fresh.apps[0]?.handAdded.map((m) => m.idpUserId)).toEqual(['00u2', '00u3']);
    expect(fresh.unmappedGroups).toEqual([]);
    expect(newDrift(after, after)).toMatchObject({ apps: [], unmappedGroups: [], missingGroups: [], inactive: [] });
    expect(isClean(newDrift(after, after))).toBe(true);
    expect(newDrift(null, after)).toBe(after);
    expect(driftCounts(after)).toEqual({ missingGroups: 0, unmappedGroups: 1, handAdded: 3, inactive: 0 });
  });

  it('words 5,000 hand-added members within what Slack shows, and every one of them in Jira comments Jira accepts', () => {
    const big = report(Array.from({ length: 5000 }, (_, i) => member(i)));

    const dm = driftWords.report(big, 7, false);
    const comments = driftWords.comments(big);

    expect(dm.length).toBeLessThanOrEqual(4000);
    expect(dm).toContain('Salesforce (salesforce, okta): 5000 people: Person 0 (person0@acme.com) viewer in `00g1viewer`;');
    expect(dm).toContain('; and 4985 more');
    for (const lines of comments) expect(lines.join('\n').length).toBeLessThan(32_767);
    const all = comments.flat();
    expect(all.filter((l) => l.startsWith('  – Person '))).toHaveLength(5000);
    expect(all).toContain('  – Person 4999 (person4999@acme.com) viewer in 00g1viewer');
  });

  it('says so when there is no drift', () => {
    expect(driftWords.report(report([]), 2, false)).toContain('*Drift check #2* (2026-01-06 14:00 UTC): no drift.');
  });
});

describe('delegate until', () => {
  const now = new Date('2026-01-06T14:00:00Z');

  it.each([
    ['2026-01-16', '2026-01-16T23:59:00.000Z'],
    ['2026-01-06T18:30', '2026-01-06T18:30:00.000Z'],
    ['2026-01-06T18:30Z', '2026-01-06T18:30:00.000Z'],
    ['2026-04-05', '2026-04-05T23:59:00.000Z'],
  ])('%s ends at %s', (text, iso) => {
    expect(parseDelegateUntil(text, now)).toEqual({ ok: true, endsAt: new Date(iso) });
  });

  it.each([
    ['tomorrow', 'is not a date like 2026-01-16'],
    ['2026-02-30', 'is not a real date and time'],
    ['2026-01-06T13:00', 'has passed'],
    ['2026-04-07', 'is more than 90 days ahead'],
  ])('refuses %s', (text, message) => {
    const result = parseDelegateUntil(text, now);
    expect(result.ok ? '' : result.message).toContain(message);
  });
});
