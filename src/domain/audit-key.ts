/**
 * The audit log's HMAC key as operators write it (KEYCARD_AUDIT_KEY): 32 bytes or more, hex or base64.
 * Pure decoding and validation; the messages never include the value.
 */
export const AUDIT_KEY_MIN_BYTES = 32;

export type DecodedAuditKey = { readonly ok: true; readonly bytes: Buffer } | { readonly ok: false; readonly message: string };

export function decodeAuditKey(text: string): DecodedAuditKey {
  const value = text.trim();
  let bytes: Buffer | null = null;
  if (/^[0-9a-f]+$/i.test(value) && value.length % 2 === 0) {
    bytes = Buffer.from(value, 'hex');
  } else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  }
  if (!bytes) return { ok: false, message: 'must be hex or base64 (generate one with `openssl rand -base64 32`)' };
  if (bytes.length < AUDIT_KEY_MIN_BYTES) {
    return { ok: false, message: `must be at least ${AUDIT_KEY_MIN_BYTES} bytes (got ${bytes.length}); generate one with \`openssl rand -base64 32\`` };
  }
  return { ok: true, bytes };
}
