/**
 * The keys of the audit chain. Each event records the id of the key it was sealed with: a short
 * fingerprint (first 8 hex of SHA-256 of the key), so verification picks the right key after a rotation
 * and old rows written before any key (id null) keep verifying as plain SHA-256. The keys themselves are
 * never stored in the database and never printed (inspect and JSON show only the ids).
 */
import { createHash, createHmac } from 'node:crypto';
import { decodeAuditKey } from '../domain/audit-key.js';

export const PLAIN_ALGORITHM = 'sha256';
export const KEYED_ALGORITHM = 'hmac-sha256';

export function keyFingerprint(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export class AuditKeyring {
  readonly #keys = new Map<string, Buffer>();
  /** The key new events are sealed with; null: no key configured, events get the plain chain. */
  readonly currentId: string | null;

  constructor(current: Buffer | null, previous: readonly Buffer[] = []) {
    for (const key of previous) this.#keys.set(keyFingerprint(key), key);
    this.currentId = current ? keyFingerprint(current) : null;
    if (current && this.currentId) this.#keys.set(this.currentId, current);
  }

  static none(): AuditKeyring {
    return new AuditKeyring(null);
  }

  has(id: string): boolean {
    return this.#keys.has(id);
  }

  ids(): string[] {
    return [...this.#keys.keys()];
  }

  /** The seal of `canonical`: HMAC-SHA256 under key `id`, or plain SHA-256 when `id` is null. */
  seal(id: string | null, canonical: string): string {
    if (id === null) return createHash('sha256').update(canonical).digest('hex');
    const key = this.#keys.get(id);
    if (!key) throw new Error(`audit key ${id} is not configured`);
    return createHmac('sha256', key).update(canonical).digest('hex');
  }

  toJSON(): string {
    return `[AuditKeyring ${this.ids().join(',') || 'none'}]`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toJSON();
  }
}

/** The keyring from the settings (already validated by loadConfig; an invalid key here is a bug). */
export function keyringFromSettings(settings: { readonly key: { reveal(): string } | null; readonly previousKeys: readonly { reveal(): string }[] }): AuditKeyring {
  const decode = (secret: { reveal(): string }): Buffer => {
    const decoded = decodeAuditKey(secret.reveal());
    if (!decoded.ok) throw new Error(`invalid audit key: ${decoded.message}`);
    return decoded.bytes;
  };
  return new AuditKeyring(settings.key ? decode(settings.key) : null, settings.previousKeys.map(decode));
}
