import { describe, expect, it } from 'vitest';
import { filterItems, pageOf, parseReviewStart, recommend, type RecommendationInput } from '../../src/domain/review.js';
import { csvField } from '../../src/workflows/shared/csv.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 24 * 3600_000);

const base: RecommendationInput = {
  accountStatus: 'active',
  lastSignInAt: daysAgo(3),
  lastSignInScope: 'app',
  grantedThroughKeycard: true,
  department: 'Data Engineering',
  departmentPeople: 14,
  departmentHolders: 9,
};

describe('review recommendations', () => {
  it.each<[string, Partial<RecommendationInput>, 'keep' | 'revoke', string]>([
    ['active, granted through Keycard, recent sign-in', {}, 'keep', 'granted through Keycard, signed in to this app 3 days ago'],
    ['suspended account', { accountStatus: 'suspended' }, 'revoke', 'the account is suspended'],
    ['deactivated account', { accountStatus: 'deactivated', grantedThroughKeycard: false }, 'revoke', 'the account is deactivated'],
    ['granted outside Keycard', { grantedThroughKeycard: false }, 'revoke', 'not granted through Keycard: no record of who approved it'],
    ['inactive 90 days in the app', { lastSignInAt: daysAgo(90) }, 'revoke', 'inactive: last sign-in to this app 90 days ago'],
    ['inactive 120 days overall', { lastSignInAt: daysAgo(120), lastSignInScope: 'overall' }, 'revoke', 'inactive: last sign-in anywhere 120 days ago'],
    ['89 days is still active', { lastSignInAt: daysAgo(89) }, 'keep', 'granted through Keycard, signed in to this app 89 days ago'],
    ['never signed in to the app', { lastSignInAt: null }, 'revoke', "never signed in to this app (in the provider's records)"],
    ['no telemetry is not inactivity', { lastSignInAt: null, lastSignInScope: 'none' }, 'keep', 'granted through Keycard, sign-ins unknown'],
    ['few peers have it', { departmentHolders: 1 }, 'revoke', 'few peers have it: 1 of 14 in Data Engineering has this'],
    ['a small department says too little', { departmentPeople: 5, departmentHolders: 1 }, 'keep', 'granted through Keycard, signed in to this app 3 days ago'],
    ['no department', { department: null, departmentHolders: 1 }, 'keep', 'granted through Keycard, signed in to this app 3 days ago'],
  ])('%s', (_name, change, recommendation, reason) => {
    expect(recommend({ ...base, ...change }, NOW)).toEqual({ recommendation, reason });
  });
});

describe('review start in one line', () => {
  it('reads every field', () => {
    expect(parseReviewStart('"Q1 CRM" apps=crm,Vault reviewer=group:security due=14d unreviewed=revoke')).toEqual({
      ok: true,
      spec: { name: 'Q1 CRM', apps: ['crm', 'vault'], reviewer: { kind: 'group', name: 'security' }, dueInMs: 14 * 24 * 3600_000, unreviewed: 'revoke' },
    });
  });

  it('takes an unquoted name and defaults the rest', () => {
    expect(parseReviewStart('Quarterly apps=crm')).toEqual({
      ok: true,
      spec: { name: 'Quarterly', apps: ['crm'], reviewer: { kind: 'owner' }, dueInMs: 14 * 24 * 3600_000, unreviewed: 'keep' },
    });
  });

  it('names every problem with its field and what is allowed', () => {
    const result = parseReviewStart('apps= reviewer=boss due=2 weeks unreviewed=maybe color=red');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      'name: give the campaign a name, in quotes when it has spaces ("Q1 CRM")',
      '\'weeks\' is not a field; write field=value (apps, reviewer, due, unreviewed)',
      'color: unknown field; allowed: apps, reviewer, due, unreviewed',
      'apps: name at least one catalog app id, comma-separated (apps=crm,vault)',
      "reviewer: 'boss' is not allowed; use owner, manager or group:<approver group>",
      "due: '2' is not a duration; use e.g. 14d or 48h",
      "unreviewed: 'maybe' is not allowed; use keep (kept and flagged) or revoke",
    ]);
  });

  it('refuses a due date beyond 120 days', () => {
    const result = parseReviewStart('"Long" apps=crm due=121d');
    expect(result.ok ? [] : result.problems).toEqual(['due: at most 120d (a review that runs longer is not a review)']);
  });
});

describe('reviewer lists', () => {
  const items = [
    { id: 1, appId: 'crm', recommendation: 'keep', decision: null },
    { id: 2, appId: 'vault', recommendation: 'revoke', decision: null },
    { id: 3, appId: 'crm', recommendation: 'revoke', decision: 'keep' },
    { id: 4, appId: 'crm', recommendation: 'revoke', decision: null },
  ];
  it('puts undecided first, and recommended revokes first when asked', () => {
    expect(filterItems(items, 'all').map((i) => i.id)).toEqual([1, 2, 4, 3]);
    expect(filterItems(items, 'revoke_first').map((i) => i.id)).toEqual([2, 4, 1, 3]);
    expect(filterItems(items, 'app:crm').map((i) => i.id)).toEqual([1, 4, 3]);
  });
  it('pages and clamps', () => {
    const many = Array.from({ length: 301 }, (_, i) => i);
    expect(pageOf(many, 0, 20)).toMatchObject({ page: 0, pages: 16 });
    expect(pageOf(many, 99, 20)).toMatchObject({ page: 15, items: [300] });
  });
});

describe('CSV fields', () => {
  it.each([
    ['plain', 'plain'],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['-1', "'-1"],
    ['@sum', "'@sum"],
  ])('%j', (value, out) => {
    expect(csvField(value)).toBe(out);
  });
  it('leaves null empty and numbers as they are', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(42)).toBe('42');
  });
});
