/**
 * Business hours (`Mon-Fri 09:00-17:00` in an IANA time zone) and how much of a span of time falls
 * inside them, so reminders and escalation do not fire over a weekend. Pure: times are passed in, and
 * the zone's rules come from `Intl.DateTimeFormat` (daylight saving included).
 */

/** Weekdays as `Date.getUTCDay()` numbers them: 0 is Sunday. */
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;

/** The form `KEYCARD_BUSINESS_HOURS` takes, for error messages. */
export const BUSINESS_HOURS_RULE = "days and hours like 'Mon-Fri 09:00-17:00' (days Mon..Sun, ranges or commas such as 'Mon,Wed,Fri'; 24-hour times, start before end)";

export interface BusinessHours {
  /** The open days, 0 (Sunday) to 6 (Saturday). */
  readonly days: ReadonlySet<number>;
  /** Opening and closing time in minutes after local midnight; `end` may be 1440 (24:00). */
  readonly startMinute: number;
  readonly endMinute: number;
}

export type BusinessHoursResult = { readonly ok: true; readonly hours: BusinessHours } | { readonly ok: false; readonly message: string };

function dayNumber(text: string): number | null {
  const index = DAY_NAMES.findIndex((name) => name === text.toLowerCase());
  return index < 0 ? null : index;
}

/** `09:00` → 540; `24:00` only when `allowEnd`. */
function minuteOfDay(text: string, allowEnd: boolean): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59) return null;
  if (hours === 24 && minutes === 0 && allowEnd) return DAY_MINUTES;
  return hours > 23 ? null : hours * 60 + minutes;
}

/** `Mon-Fri`, `Sat`, `Mon,Wed,Fri` or `Fri-Mon` (a range may wrap past Sunday). */
function parseDays(text: string): Set<number> | string {
  const days = new Set<number>();
  for (const part of text.split(',')) {
    const [fromText = '', toText, extra] = part.split('-');
    const from = dayNumber(fromText);
    const to = toText === undefined ? from : dayNumber(toText);
    if (from === null || to === null || extra !== undefined) return `'${part}' is not a day or a range of days`;
    for (let day = from; ; day = (day + 1) % 7) {
      days.add(day);
      if (day === to) break;
    }
  }
  return days;
}

/**
 * Reads `Mon-Fri 09:00-17:00`. Returns the hours, or a message that says what is wrong and the allowed
 * form (the caller adds the setting's name).
 */
export function parseBusinessHours(text: string): BusinessHoursResult {
  const fail = (why: string): BusinessHoursResult => ({ ok: false, message: `'${text}' is not valid business hours: ${why}; use ${BUSINESS_HOURS_RULE}` });
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 2) return fail('expected days, a space, then hours');
  const [daysText = '', hoursText = ''] = parts;
  const days = parseDays(daysText);
  if (typeof days === 'string') return fail(days);
  const [startText = '', endText = '', extra] = hoursText.split('-');
  const startMinute = minuteOfDay(startText, false);
  const endMinute = minuteOfDay(endText, true);
  if (startMinute === null || endMinute === null || extra !== undefined) return fail(`'${hoursText}' is not a time range`);
  if (startMinute >= endMinute) return fail(`the day must start before it ends (${hoursText})`);
  return { ok: true, hours: { days, startMinute, endMinute } };
}

/** True when `timezone` is an IANA zone name this runtime knows (`UTC`, `Europe/Berlin`). */
export function isValidTimeZone(timezone: string): boolean {
  if (timezone.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

// Building a DateTimeFormat is slow; one per zone is enough (they hold no state between calls).
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, formatter);
  }
  return formatter;
}

/** The wall-clock time in `timezone` at instant `ms`, written as if it were UTC (so it can be compared and added to). */
function wallClock(ms: number, timezone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timezone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const second = Math.floor(ms / 1000) * 1000;
  const wall = Date.UTC(parts['year'] ?? 1970, (parts['month'] ?? 1) - 1, parts['day'] ?? 1, parts['hour'] ?? 0, parts['minute'] ?? 0, parts['second'] ?? 0);
  return wall + (ms - second);
}

/**
 * The instant at which the clocks in `timezone` show `wall` (a wall-clock time written as UTC). A time
 * that a spring-forward gap skips is read with the offset after the gap (02:30 becomes 03:30).
 */
function instantOf(wall: number, timezone: string): number {
  const first = wall - (wallClock(wall, timezone) - wall);
  const second = wall - (wallClock(first, timezone) - first);
  if (first === second) return first;
  // Two offsets: the time is in a gap or an overlap. Prefer the candidate whose clock shows `wall`.
  const candidates = [Math.min(first, second), Math.max(first, second)];
  const exact = candidates.find((at) => wallClock(at, timezone) === wall);
  return exact ?? Math.max(first, second);
}

/**
 * How many milliseconds between `fromMs` and `toMs` fall inside business hours in `timezone`.
 * Zero when `toMs` is not after `fromMs`.
 */
export function businessElapsedMs(fromMs: number, toMs: number, hours: BusinessHours, timezone: string): number {
  if (!(toMs > fromMs)) return 0;
  const DAY_MS = DAY_MINUTES * MINUTE;
  const firstDay = Math.floor(wallClock(fromMs, timezone) / DAY_MS) * DAY_MS;
  const lastDay = Math.floor(wallClock(toMs, timezone) / DAY_MS) * DAY_MS;
  let total = 0;
  for (let day = firstDay; day <= lastDay; day += DAY_MS) {
    if (!hours.days.has(new Date(day).getUTCDay())) continue;
    const opens = instantOf(day + hours.startMinute * MINUTE, timezone);
    const closes = instantOf(day + hours.endMinute * MINUTE, timezone);
    const overlap = Math.min(closes, toMs) - Math.max(opens, fromMs);
    if (overlap > 0) total += overlap;
  }
  return total;
}
