import { describe, expect, it } from 'vitest';
import { formatDuration, formatDurationSpec, parseDuration } from '../../src/domain/duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('parseDuration', () => {
  it.each([
    ['45s', 45 * S],
    ['15m', 15 * M],
    ['90m', 90 * M],
    ['6h', 6 * H],
    ['24h', 24 * H],
    ['7d', 7 * D],
    ['6H', 6 * H],
    ['7D', 7 * D],
    ['010m', 10 * M],
  ])('reads %s as %d ms', (text, expected) => {
    const ms = parseDuration(text);

    expect(ms).toEqual(expected);
  });

  it.each([
    [''],
    ['6'],
    ['h'],
    ['0h'],
    ['-1h'],
    ['1.5h'],
    ['6 h'],
    [' 6h'],
    ['6h '],
    ['6x'],
    ['1w'],
    ['6hours'],
    ['1h30m'],
    ['99999999999999999d'],
  ])('rejects %j', (text) => {
    const ms = parseDuration(text);

    expect(ms).toBeNull();
  });
});

describe('formatDuration', () => {
  it.each([
    [45 * S, '45s'],
    [15 * M, '15m'],
    [H, '1h'],
    [2 * H + 14 * M, '2h 14m'],
    [2 * H + 14 * M + 59 * S, '2h 14m'],
    [7 * D, '7d'],
    [D + 6 * H, '1d 6h'],
    [D + 6 * H + 30 * M, '1d 6h'],
    [D + 5 * M, '1d 5m'],
    [90 * M, '1h 30m'],
    [1500, '1s'],
    [999, '0s'],
    [0, '0s'],
    [-5 * M, '0s'],
  ])('formats %d ms as %s', (ms, expected) => {
    const text = formatDuration(ms);

    expect(text).toEqual(expected);
  });
});

describe('formatDurationSpec', () => {
  it.each([
    [6 * H, '6h'],
    [7 * D, '7d'],
    [90 * M, '90m'],
    [45 * S, '45s'],
    [D, '24h'],
    [2 * D, '2d'],
    [36 * H, '36h'],
    [H, '1h'],
  ])('gives the catalog form of %d ms: %s', (ms, expected) => {
    const text = formatDurationSpec(ms);

    expect(text).toEqual(expected);
    expect(parseDuration(text)).toEqual(ms);
  });

  it('falls back to the human form when no single unit is exact', () => {
    const text = formatDurationSpec(1500);

    expect(text).toEqual('1s');
  });
});
