/**
 * Pure rules of the admin's evidence commands (src/workflows/insight/): the arguments of `export`, `stats`
 * and the paged lists, and the percentile the figures use.
 */
import { parseDuration } from './duration.js';

const DAY = 24 * 3600_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const EXPORT_USAGE =
  'Usage: `/access-admin export [from] [to] [app=<app id>]`: dates as YYYY-MM-DD (UTC, both days included; `to` defaults to now, no dates: the last 30 days), e.g. `/access-admin export 2026-01-01 2026-03-31 app=salesforce`.';
export const STATS_USAGE = 'Usage: `/access-admin stats [period]`: a period such as `30d` (the default), `7d` or `12h`, at most 366d.';
/** The most a `stats` period may cover. */
export const STATS_MAX_MS = 366 * DAY;
export const DEFAULT_PERIOD_MS = 30 * DAY;

/** Midnight UTC of a `YYYY-MM-DD` date, or null when it is not a real date. */
export function parseDay(text: string): number | null {
  const m = DATE_RE.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? ms : null;
}

export interface ExportRange {
  /** Requests filed at or after (ms). */
  readonly from: number;
  /** …and before (ms). */
  readonly until: number;
  readonly appId: string | null;
}

/**
 * `[from] [to] [app=<id>]` in any order of the app; dates in order. No dates: the 30 days before `now`;
 * `from` alone: from that day to `now`; `to` includes its whole day.
 */
export function parseExportArgs(words: readonly string[], now: number): { ok: true; range: ExportRange } | { ok: false; problem: string } {
  const dates: number[] = [];
  let appId: string | null = null;
  for (const word of words) {
    const app = /^app=(.*)$/i.exec(word);
    if (app) {
      const id = (app[1] ?? '').trim().toLowerCase();
      if (!id || appId !== null) return { ok: false, problem: `${appId !== null ? 'Name one app' : 'app= needs an app id'}. ${EXPORT_USAGE}` };
      appId = id;
      continue;
    }
    const day = parseDay(word);
    if (day === null) return { ok: false, problem: `'${word}' is not a date (YYYY-MM-DD) or app=<app id>. ${EXPORT_USAGE}` };
    if (dates.length === 2) return { ok: false, problem: `At most two dates (from and to). ${EXPORT_USAGE}` };
    dates.push(day);
  }
  const [fromDay, toDay] = dates;
  const from = fromDay ?? now - DEFAULT_PERIOD_MS;
  const until = toDay !== undefined ? toDay + DAY : now;
  if (from >= until) return { ok: false, problem: `The range is empty: from ${new Date(from).toISOString().slice(0, 10)} is after to. ${EXPORT_USAGE}` };
  return { ok: true, range: { from, until, appId } };
}

/** `stats [period]`: the period in ms (default 30 days). */
export function parseStatsArgs(words: readonly string[]): { ok: true; periodMs: number } | { ok: false; problem: string } {
  if (words.length === 0) return { ok: true, periodMs: DEFAULT_PERIOD_MS };
  const periodMs = words.length === 1 ? parseDuration(words[0] ?? '') : null;
  if (periodMs === null) return { ok: false, problem: `'${words.join(' ')}' is not a period. ${STATS_USAGE}` };
  if (periodMs > STATS_MAX_MS) return { ok: false, problem: `A period of at most 366d. ${STATS_USAGE}` };
  return { ok: true, periodMs };
}

/** A trailing `page=N` (N ≥ 1) taken off the words; `page` is 1 without one, null when it is malformed. */
export function takePage(words: readonly string[]): { words: string[]; page: number | null } {
  const last = words[words.length - 1];
  const m = last !== undefined ? /^page=(.*)$/i.exec(last) : null;
  if (!m) return { words: [...words], page: 1 };
  const page = /^[1-9][0-9]{0,5}$/.test(m[1] ?? '') ? Number(m[1]) : null;
  return { words: words.slice(0, -1), page };
}

/** Nearest-rank percentile (p in 0–100) of `values`; null when there are none. The median is p50. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}
