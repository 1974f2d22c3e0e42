/**
 * CSV as the evidence exports write it (an access review's items, `/access-admin export`'s requests): RFC 4180
 * quoting, CRLF line ends, and no field a spreadsheet would run as a formula.
 */

/**
 * One CSV field: quoted when it holds a comma, quote or line break; a leading `=`, `+`, `-` or `@` (or a tab
 * or carriage return, which some spreadsheets skip before reading a formula) is prefixed with `'` so a
 * spreadsheet shows it as text instead of running it as a formula.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (no line end) from its fields. */
export function csvRow(fields: ReadonlyArray<string | number | null | undefined>): string {
  return fields.map(csvField).join(',');
}

/** `ms` as an ISO-8601 UTC time, or an empty field. */
export function csvTime(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '' : new Date(ms).toISOString();
}
