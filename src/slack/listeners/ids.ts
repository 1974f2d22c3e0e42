/**
 * Buttons and modals carry only an id; the workflows re-read the row it names and check the clicker.
 * These read the id and never trust anything else in the value: a malformed one becomes -1 (no such row).
 */

/** A positive integer from a button value, else -1. */
export function idFromValue(value: string | undefined): number {
  const id = Number.parseInt(value ?? '', 10);
  return Number.isSafeInteger(id) && id > 0 ? id : -1;
}

/** A positive integer field of a modal's private_metadata (JSON), else -1. */
export function idFromMetadata(metadata: string, field: string): number {
  try {
    const parsed: unknown = JSON.parse(metadata);
    return typeof parsed === 'object' && parsed !== null ? idFromValue(String((parsed as Record<string, unknown>)[field])) : -1;
  } catch {
    return -1;
  }
}
