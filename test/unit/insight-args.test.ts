import { describe, expect, it } from 'vitest';
import { parseDay, parseExportArgs, parseStatsArgs, percentile, takePage } from '../../src/domain/insight.js';

const NOW = Date.parse('2026-01-06T14:00:00Z');
const DAY = 24 * 3600_000;

describe('evidence command arguments', () => {
  it.each([
    [[], { from: NOW - 30 * DAY, until: NOW, appId: null }],
    [['2026-01-01'], { from: Date.parse('2026-01-01T00:00:00Z'), until: NOW, appId: null }],
    [['2026-01-01', '2026-01-31'], { from: Date.parse('2026-01-01T00:00:00Z'), until: Date.parse('2026-02-01T00:00:00Z'), appId: null }],
    [['app=Salesforce', '2026-01-01', '2026-01-01'], { from: Date.parse('2026-01-01T00:00:00Z'), until: Date.parse('2026-01-02T00:00:00Z'), appId: 'salesforce' }],
  ])('export %j', (words, range) => {
    expect(parseExportArgs(words, NOW)).toEqual({ ok: true, range });
  });

  it.each([[['2026-1-1']], [['2026-02-29']], [['app=']], [['app=a', 'app=b']], [['2026-01-02', '2026-01-01']], [['2026-01-01', '2026-01-02', '2026-01-03']], [['2026-02-01']]])('refuses export %j', (words) => {
    expect(parseExportArgs(words, NOW).ok).toBe(false);
  });

  it('reads only real calendar days', () => {
    expect(parseDay('2024-02-29')).toBe(Date.parse('2024-02-29T00:00:00Z'));
    expect(parseDay('2025-02-29')).toBeNull();
  });

  it.each([
    [[], 30 * DAY],
    [['7d'], 7 * DAY],
    [['12h'], 12 * 3600_000],
  ])('stats %j', (words, periodMs) => {
    expect(parseStatsArgs(words)).toEqual({ ok: true, periodMs });
  });

  it.each([[['forever']], [['367d']], [['7d', '1h']]])('refuses stats %j', (words) => {
    expect(parseStatsArgs(words).ok).toBe(false);
  });

  it.each([
    [['salesforce'], { words: ['salesforce'], page: 1 }],
    [['salesforce', 'page=3'], { words: ['salesforce'], page: 3 }],
    [['page=0'], { words: [], page: null }],
    [['page=two'], { words: [], page: null }],
  ])('page of %j', (words, expected) => {
    expect(takePage(words)).toEqual(expected);
  });

  it('takes the nearest-rank percentile', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5], 90)).toBe(5);
    expect(percentile([40, 10, 30, 20], 50)).toBe(20);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90)).toBe(10);
  });
});
