/**
 * KEYCARD_SCHEDULE_RECLAIM: daily at 06:00 UTC unless set, `off` turns the automatic scans off, and a bad
 * expression is refused with the variable named.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { BASE_ENV, configProblems } from '../support/config-env.js';

describe('KEYCARD_SCHEDULE_RECLAIM', () => {
  it.each([
    [undefined, '0 0 6 * * *'],
    ['', '0 0 6 * * *'],
    ['0 30 5 * * 1-5', '0 30 5 * * 1-5'],
    ['off', null],
    ['OFF', null],
  ])('%s reads as %s', (value, expected) => {
    const config = loadConfig({ ...BASE_ENV, ...(value === undefined ? {} : { KEYCARD_SCHEDULE_RECLAIM: value }) });

    expect(config.schedules.reclaim).toBe(expected);
  });

  it('refuses an expression that is not cron, naming the variable', () => {
    expect(configProblems({ KEYCARD_SCHEDULE_RECLAIM: 'daily' })).toEqual(['KEYCARD_SCHEDULE_RECLAIM is not a valid cron expression (5 or 6 fields, e.g. "0 0 6 * * *" for 06:00 UTC every day), or off']);
  });
});
