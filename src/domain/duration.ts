/**
 * Durations as the catalog and the /request command write them (`90m`, `6h`, `7d`), and compact
 * human forms for messages. Everything is milliseconds inside.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const UNIT_MS = { s: SECOND, m: MINUTE, h: HOUR, d: DAY } satisfies Record<string, number>;
type Unit = keyof typeof UNIT_MS;

/** Largest first, the order both formatters walk. */
const UNITS_DESC: readonly Unit[] = ['d', 'h', 'm', 's'];

const DURATION_RE = /^(\d+)([smhd])$/i;

function isUnit(text: string): text is Unit {
  return Object.hasOwn(UNIT_MS, text);
}

/**
 * Parses `Ns`, `Nm`, `Nh` or `Nd` (N a positive integer, no spaces, unit in any case) into
 * milliseconds. Returns null for anything else, including zero and values too large to be exact.
 */
export function parseDuration(text: string): number | null {
  const match = DURATION_RE.exec(text);
  if (!match) return null;
  const [, digits = '', unitText = ''] = match;
  const unit = unitText.toLowerCase();
  if (!isUnit(unit)) return null;
  const amount = Number(digits);
  const ms = amount * UNIT_MS[unit];
  if (amount <= 0 || !Number.isSafeInteger(ms)) return null;
  return ms;
}

/**
 * Compact human form for messages: the two largest non-zero units, floored
 * (`45s`, `15m`, `2h 14m`, `1d 6h`). Anything under a second, or negative, reads `0s`.
 */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.floor(ms));
  const parts: string[] = [];
  for (const unit of UNITS_DESC) {
    const amount = Math.floor(rest / UNIT_MS[unit]);
    rest -= amount * UNIT_MS[unit];
    if (amount > 0) parts.push(`${amount}${unit}`);
  }
  return parts.length === 0 ? '0s' : parts.slice(0, 2).join(' ');
}

/**
 * The catalog form of a duration (`90m`, `6h`, `7d`) when it is a whole number of one unit, so the
 * result parses back with {@link parseDuration}; otherwise the {@link formatDuration} form.
 * Exactly one day reads `24h`, because choice lists such as `1h, 6h, 24h` are how catalogs write it.
 */
export function formatDurationSpec(ms: number): string {
  if (ms === DAY) return '24h';
  if (ms > 0) {
    for (const unit of UNITS_DESC) {
      if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
    }
  }
  return formatDuration(ms);
}
