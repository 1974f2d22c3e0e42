import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { businessElapsedMs, isValidTimeZone, parseBusinessHours, type BusinessHours } from '../../src/domain/business-hours.js';
import { BASE_ENV as BASE, configProblems as problems } from '../support/config-env.js';

const HOUR = 60 * 60_000;

function hours(text: string): BusinessHours {
  const result = parseBusinessHours(text);
  if (!result.ok) throw new Error(result.message);
  return result.hours;
}

function at(iso: string): number {
  return new Date(iso).getTime();
}

describe('parseBusinessHours', () => {
  it.each([
    ['Mon-Fri 09:00-17:00', [1, 2, 3, 4, 5], 9 * 60, 17 * 60],
    ['mon-fri 9:00-17:30', [1, 2, 3, 4, 5], 9 * 60, 17 * 60 + 30],
    ['Sun-Thu 08:30-16:30', [0, 1, 2, 3, 4], 8 * 60 + 30, 16 * 60 + 30],
    ['Mon,Wed,Fri 10:00-12:00', [1, 3, 5], 10 * 60, 12 * 60],
    ['Fri-Mon 00:00-24:00', [0, 1, 5, 6], 0, 24 * 60],
    ['  Sat   10:00-14:00 ', [6], 10 * 60, 14 * 60],
  ])('reads %j', (text, days, startMinute, endMinute) => {
    const result = parseBusinessHours(text);

    expect(result.ok && { days: [...result.hours.days].sort(), startMinute: result.hours.startMinute, endMinute: result.hours.endMinute }).toEqual({
      days,
      startMinute,
      endMinute,
    });
  });

  it.each([
    ['', 'expected days, a space, then hours'],
    ['Mon-Fri', 'expected days, a space, then hours'],
    ['Mon-Fry 09:00-17:00', "'Mon-Fry' is not a day or a range of days"],
    ['Mon-Wed-Fri 09:00-17:00', "'Mon-Wed-Fri' is not a day or a range of days"],
    ['Mon-Fri 17:00-09:00', 'the day must start before it ends (17:00-09:00)'],
    ['Mon-Fri 09:00-09:00', 'the day must start before it ends'],
    ['Mon-Fri 09:00-25:00', "'09:00-25:00' is not a time range"],
    ['Mon-Fri 24:00-24:00', "'24:00-24:00' is not a time range"],
    ['Mon-Fri 9am-5pm', "'9am-5pm' is not a time range"],
  ])('refuses %j, saying why and the allowed form', (text, why) => {
    const result = parseBusinessHours(text);

    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toContain(why);
    expect(result.ok ? '' : result.message).toContain("like 'Mon-Fri 09:00-17:00'");
  });
});

describe('businessElapsedMs', () => {
  // 2026-01-05 is a Monday; Europe/Berlin moves to summer time on Sunday 2026-03-29 and back on
  // 2026-10-25; America/New_York on 2026-03-08 and 2026-11-01.
  it.each([
    ['within one day', 'Mon-Fri 09:00-17:00', 'UTC', '2026-01-06T10:00:00Z', '2026-01-06T14:00:00Z', 4 * HOUR],
    ['before opening counts from opening', 'Mon-Fri 09:00-17:00', 'UTC', '2026-01-06T07:00:00Z', '2026-01-06T10:00:00Z', 1 * HOUR],
    ['overnight counts the evening and the morning', 'Mon-Fri 09:00-17:00', 'UTC', '2026-01-06T16:00:00Z', '2026-01-07T10:00:00Z', 2 * HOUR],
    ['a weekend counts nothing', 'Mon-Fri 09:00-17:00', 'UTC', '2026-01-09T16:00:00Z', '2026-01-12T11:00:00Z', 3 * HOUR],
    ['inside a weekend is zero', 'Mon-Fri 09:00-17:00', 'UTC', '2026-01-10T10:00:00Z', '2026-01-11T18:00:00Z', 0],
    ['a whole week', 'Mon-Fri 09:00-17:00', 'UTC', '2026-01-05T00:00:00Z', '2026-01-12T00:00:00Z', 40 * HOUR],
    ['an end before the start is zero', 'Mon-Fri 09:00-17:00', 'UTC', '2026-01-06T14:00:00Z', '2026-01-06T10:00:00Z', 0],
    ['the zone moves the window (Berlin is UTC+1 in winter)', 'Mon-Fri 09:00-18:00', 'Europe/Berlin', '2026-01-09T15:00:00Z', '2026-01-12T10:00:00Z', 4 * HOUR],
    ['Friday to Monday across the spring change (Berlin)', 'Mon-Fri 09:00-17:00', 'Europe/Berlin', '2026-03-27T15:00:00Z', '2026-03-30T08:00:00Z', 2 * HOUR],
    ['Friday to Monday across the spring change (New York)', 'Mon-Fri 09:00-17:00', 'America/New_York', '2026-03-06T21:00:00Z', '2026-03-09T14:00:00Z', 2 * HOUR],
    ['the spring-forward day has 23 hours', 'Mon-Sun 00:00-24:00', 'Europe/Berlin', '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z', 23 * HOUR],
    ['the fall-back day has 25 hours', 'Mon-Sun 00:00-24:00', 'America/New_York', '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z', 25 * HOUR],
    ['a working day after the autumn change keeps its 8 hours', 'Mon-Fri 09:00-17:00', 'Europe/Berlin', '2026-10-26T07:00:00Z', '2026-10-26T17:00:00Z', 8 * HOUR],
    ['a window that wraps the weekend (Fri-Mon)', 'Fri-Mon 10:00-12:00', 'UTC', '2026-01-06T00:00:00Z', '2026-01-13T00:00:00Z', 8 * HOUR],
  ])('%s', (_name, text, timezone, from, to, expected) => {
    expect(businessElapsedMs(at(from), at(to), hours(text), timezone)).toBe(expected);
  });

  it('counts partial minutes and seconds exactly', () => {
    const elapsed = businessElapsedMs(at('2026-01-06T16:59:30.250Z'), at('2026-01-07T09:00:15Z'), hours('Mon-Fri 09:00-17:00'), 'UTC');

    expect(elapsed).toBe(29_750 + 15_000);
  });
});

describe('KEYCARD_BUSINESS_HOURS and KEYCARD_TIMEZONE', () => {
  it('accepts business hours in a named zone and defaults to none in UTC', () => {
    expect(loadConfig({ ...BASE, KEYCARD_BUSINESS_HOURS: 'Mon-Fri 09:00-17:00', KEYCARD_TIMEZONE: 'Europe/Berlin' }).timing).toMatchObject({
      businessHours: 'Mon-Fri 09:00-17:00',
      timezone: 'Europe/Berlin',
    });
    expect(loadConfig(BASE).timing).toMatchObject({ businessHours: null, timezone: 'UTC' });
  });

  it.each([
    [{ KEYCARD_BUSINESS_HOURS: 'weekdays 9-5' }, "KEYCARD_BUSINESS_HOURS: 'weekdays 9-5' is not valid business hours"],
    [{ KEYCARD_BUSINESS_HOURS: 'Mon-Fri 17:00-09:00' }, "like 'Mon-Fri 09:00-17:00'"],
    [{ KEYCARD_TIMEZONE: 'Europe/Atlantis' }, "KEYCARD_TIMEZONE: 'Europe/Atlantis' is not an IANA time zone; use a name like UTC, Europe/Berlin"],
    [{ KEYCARD_TIMEZONE: 'CEST+2' }, 'KEYCARD_TIMEZONE'],
  ])('refuses to start with %j', (env, message) => {
    expect(problems(env)).toEqual([expect.stringContaining(message)]);
  });

  it.each(['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'])('knows the zone %s', (zone) => {
    expect(isValidTimeZone(zone)).toBe(true);
  });
});
