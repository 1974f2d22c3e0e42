/**
 * The audit tail: a keyed chain (HMAC with KEYCARD_AUDIT_KEY) and checkpoints posted to Jira and the alert
 * channel, read back by `/access-admin audit verify`. Attacks are done as someone who can write the SQLite
 * file but does not hold the key: delete the newest rows, or edit a row and recompute the plain chain.
 */
import { createHash, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { keyFingerprint } from '../../src/store/audit-keys.js';
import { CHECKPOINT_LABEL, enqueueAuditCheckpoint } from '../../src/workflows/evidence/audit-checkpoint.js';
import { Harness, harnessEnv, startFakes, stopFakes } from '../support/harness.js';
import { PEOPLE } from '../support/people.js';

const { priya, sara, ada } = PEOPLE;
const KEY_A = randomBytes(32);
const KEY_B = randomBytes(32);

interface Row {
  id: number;
  at: number;
  actor: string;
  action: string;
  request_id: number | null;
  from_status: string | null;
  to_status: string | null;
  data: string;
  prev_hash: string;
  hash: string;
  key_id: string | null;
}

/** What an attacker without the key can do: recompute the published plain SHA-256 chain from `fromId` on. */
function recomputePlainChain(h: Harness, fromId: number, stripKey: boolean): void {
  const sqlite = h.store.handle.sqlite;
  const rows = sqlite.prepare('SELECT * FROM audit_events ORDER BY id').all() as Row[];
  let prev = rows.find((r) => r.id === fromId - 1)?.hash ?? '0'.repeat(64);
  for (const row of rows.filter((r) => r.id >= fromId)) {
    const keyId = stripKey ? null : row.key_id;
    const fields: unknown[] = [prev, row.at, row.actor, row.action, row.request_id, row.from_status, row.to_status, JSON.parse(row.data)];
    const hash = createHash('sha256').update(JSON.stringify(fields)).digest('hex');
    sqlite.prepare('UPDATE audit_events SET prev_hash = ?, hash = ?, key_id = ? WHERE id = ?').run(prev, hash, keyId, row.id);
    prev = hash;
  }
}

async function verify(h: Harness): Promise<string> {
  const before = h.slack.dms(ada.slackId).length;
  const answer = await h.driver.command(ada.slackId, '/access-admin', 'audit verify');
  expect(answer.body).toContain('result comes to you as a DM');
  await h.settle();
  const dms = h.slack.dms(ada.slackId);
  expect(dms.length).toBe(before + 1);
  return dms[dms.length - 1]?.text ?? '';
}

async function request(h: Harness, who: { readonly slackId: string }): Promise<void> {
  await h.driver.command(who.slackId, '/request', 'salesforce viewer');
  await h.settle();
}

async function checkpoint(h: Harness): Promise<void> {
  expect(enqueueAuditCheckpoint(h.keycard.deps)).toBe(true);
  await h.settle();
}

describe('audit tail', () => {
  let h: Harness | undefined;
  const cleanups: Array<() => void> = [];

  afterEach(async () => {
    await h?.stop();
    h = undefined;
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it('posts a checkpoint to Jira and the alert channel, and verify names the newest events deleted after it', async () => {
    h = await Harness.start({ env: { KEYCARD_AUDIT_KEY: KEY_A.toString('base64') } });
    await request(h, priya);
    await request(h, sara);
    await checkpoint(h);
    const total = h.store.audit.head()?.count ?? 0;
    const issue = h.jira.issueByLabel(CHECKPOINT_LABEL);
    expect(h.jira.comments(issue?.key ?? '').join('\n')).toContain(`count=${total} head=${total}`);
    expect(h.slack.messages('CALERTS').some((m) => m.text.includes(`count=${total}`))).toBe(true);
    expect(enqueueAuditCheckpoint(h.keycard.deps)).toBe(false); // nothing new since

    h.store.handle.sqlite.prepare('DELETE FROM audit_events WHERE id > ?').run(total - 3);
    const text = await verify(h);

    expect(text).toContain('FAILED');
    expect(text).toContain(`checkpoint at 14:00 UTC recorded ${total} events`);
    // The admin's own `/access-admin audit verify` is audited too, so the database holds one event more than the 7 left.
    expect(text).toContain(`the database has ${total - 2}: events ${total - 2}–${total} are missing`);
  });

  it.each([
    { how: 'marked as written before the key', stripKey: true, problem: 'it is not sealed with a key although the log is keyed from event 1' },
    { how: 'keeping the key id', stripKey: false, problem: 'content does not match its hash (the event was edited)' },
  ])('names an event edited with the plain chain recomputed after it ($how)', async ({ stripKey, problem }) => {
    h = await Harness.start({ env: { KEYCARD_AUDIT_KEY: KEY_A.toString('hex') } });
    await request(h, priya);
    await request(h, sara);
    h.store.handle.sqlite.prepare(`UPDATE audit_events SET actor = 'user:UNOBODY' WHERE id = 3`).run();

    recomputePlainChain(h, 3, stripKey);
    const text = await verify(h);

    expect(text).toContain(`Audit log broken at event 3: ${problem}`);
  });

  it('keeps verifying a database from before the key, saying from which event the key applies; rotation works', async () => {
    const fakes = await startFakes();
    h = await Harness.start({ fakes });
    const databasePath = h.databasePath;
    cleanups.push(() => rmSync(dirname(databasePath), { recursive: true, force: true }));
    await request(h, priya);
    const plain = h.store.audit.head()?.count ?? 0;
    await h.stop({ keepFakes: true, keepDatabase: true });

    h = await Harness.start({ fakes, databasePath, clock: h.clock, env: { KEYCARD_AUDIT_KEY: KEY_A.toString('base64') } });
    await request(h, sara);
    const keyedA = h.store.audit.head()?.count ?? 0;
    const first = await verify(h);
    expect(first).toContain('Audit log verified');
    expect(first).toContain(`Keyed (hmac-sha256, key ${keyFingerprint(KEY_A)}) from event ${plain + 1}; events 1–${plain} are plain sha256 (written before a key was set)`);
    await h.stop({ keepFakes: true, keepDatabase: true });

    h = await Harness.start({ fakes, databasePath, clock: h.clock, env: { KEYCARD_AUDIT_KEY: KEY_B.toString('base64'), KEYCARD_AUDIT_KEYS_PREVIOUS: KEY_A.toString('base64') } });
    await request(h, ada);
    const rotated = await verify(h);
    expect(rotated).toContain('Audit log verified');
    expect(rotated).toContain(`key ${keyFingerprint(KEY_A)}, then ${keyFingerprint(KEY_B)}) from event ${plain + 1}`);
    await h.stop({ keepFakes: true, keepDatabase: true });

    h = await Harness.start({ fakes, databasePath, clock: h.clock, env: { KEYCARD_AUDIT_KEY: KEY_B.toString('base64') } });
    const forgotten = await verify(h);
    expect(forgotten).toContain(`Audit log broken at event ${plain + 1}: it is sealed with key ${keyFingerprint(KEY_A)}, which is not configured`);
    expect(keyedA).toBeGreaterThan(plain);
    await h.stop({ keepFakes: true, keepDatabase: true });

    await expect(Harness.start({ fakes, databasePath, clock: h.clock })).rejects.toThrow(`the audit log is sealed with key ${keyFingerprint(KEY_B)} but KEYCARD_AUDIT_KEY is not set`);
    h = await Harness.start({ fakes, databasePath, clock: h.clock, env: { KEYCARD_AUDIT_KEY: KEY_B.toString('base64'), KEYCARD_AUDIT_KEYS_PREVIOUS: KEY_A.toString('hex') } });
    expect(await verify(h)).toContain('Audit log verified');
  });

  it('refuses a short or malformed key, naming the setting and never the value', async () => {
    const fakes = await startFakes();
    try {
      const env = harnessEnv(fakes, ':memory:', { KEYCARD_AUDIT_KEY: 'c2hvcnQta2V5', KEYCARD_AUDIT_KEYS_PREVIOUS: `${KEY_A.toString('hex')},not-a-key!` });

      expect(() => loadConfig(env)).toThrow(/KEYCARD_AUDIT_KEY must be at least 32 bytes \(got 9\)/);
      expect(() => loadConfig(env)).toThrow(/KEYCARD_AUDIT_KEYS_PREVIOUS \(key 2\) must be hex or base64/);
      expect(() => loadConfig(env)).not.toThrow(/c2hvcnQta2V5/);
      expect(String(loadConfig({ ...env, KEYCARD_AUDIT_KEY: KEY_A.toString('hex'), KEYCARD_AUDIT_KEYS_PREVIOUS: '' }).audit.key)).toBe('[redacted]');
    } finally {
      await stopFakes(fakes);
    }
  });
});
