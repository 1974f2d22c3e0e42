/**
 * `/access-admin audit verify`: recomputes the chain (with the keys that sealed it) and compares the
 * database with every checkpoint read back from Jira, naming the first missing or altered event. Reading
 * Jira can take longer than Slack's 3 seconds, so the command queues this and the admin gets a DM.
 * Also the start-up check of the audit key settings.
 */
import { KeycardError } from '../../domain/errors.js';
import type { AuditRepo, ChainReport } from '../../store/audit.repo.js';
import { KEYED_ALGORITHM, PLAIN_ALGORITHM } from '../../store/audit-keys.js';
import type { JobOf } from '../../store/jobs.repo.js';
import type { SideEffectDeps, WorkflowDeps } from '../shared/deps.js';
import { checkpointIssue, describeCheckpoint, parseCheckpoints, type AuditCheckpoint } from './audit-checkpoint.js';

/** What the database says about one checkpoint: null when it matches. */
function checkpointProblem(audit: AuditRepo, c: AuditCheckpoint, now: Date): string | null {
  const head = audit.get(c.headId);
  const through = audit.countThrough(c.headId);
  const total = audit.head()?.count ?? 0;
  const recorded = describeCheckpoint(c, now);
  if (!head) {
    const from = audit.lastIdThrough(c.headId) + 1;
    const range = from === c.headId ? `event ${from} is missing` : `events ${from}–${c.headId} are missing`;
    return `${recorded}; the database has ${total}: ${range}`;
  }
  if (head.hash !== c.headHash) {
    return `${recorded}; the database's event ${c.headId} has head ${head.hash.slice(0, 12)}…: the log up to event ${c.headId} was altered or rewritten`;
  }
  if (through !== c.count) {
    return `${recorded}; the database has ${through} events up to event ${c.headId}: ${c.count - through} are missing`;
  }
  return null;
}

function keyLine(report: ChainReport, audit: AuditRepo): string {
  if (report.keyedFrom === null) {
    return audit.keys.currentId === null
      ? `Plain ${PLAIN_ALGORITHM} chain: no KEYCARD_AUDIT_KEY is set, so anyone who can write the database could recompute it; only the checkpoints protect it.`
      : `Plain ${PLAIN_ALGORITHM} chain so far; new events are sealed with key ${audit.keys.currentId}.`;
  }
  const keys = report.keyIds.join(', then ');
  const before = report.keyedFrom > 1 ? `; events 1–${report.keyedFrom - 1} are plain ${PLAIN_ALGORITHM} (written before a key was set)` : '';
  return `Keyed (${KEYED_ALGORITHM}, key ${keys}) from event ${report.keyedFrom}${before}.`;
}

/** The verdict as the admin reads it. */
async function verifyAuditLog(deps: SideEffectDeps): Promise<string> {
  const { audit } = deps.store;
  const now = deps.clock.now();
  const report = audit.verifyChain();
  const lines: string[] = [];
  let ok = report.broken === null;
  lines.push(
    report.broken
      ? `:rotating_light: Audit log broken at event ${report.broken.at}: ${report.broken.problem}.`
      : `:white_check_mark: Hash chain intact: ${report.count} events.`,
  );
  lines.push(keyLine(report, audit));

  let checkpoints: AuditCheckpoint[] = [];
  let issueKey: string | null = null;
  let readFailed = false;
  try {
    issueKey = await checkpointIssue(deps, false);
    checkpoints = issueKey ? parseCheckpoints(await deps.ticketing.listComments(issueKey)) : [];
  } catch (error) {
    ok = false;
    readFailed = true;
    lines.push(`:warning: Could not read the checkpoints from Jira (${error instanceof Error ? error.message : String(error)}): the newest events are not checked against them.`);
  }
  const sorted = [...checkpoints].sort((a, b) => a.headId - b.headId || a.at.getTime() - b.at.getTime());
  const failing = sorted.map((c) => ({ c, problem: checkpointProblem(audit, c, now) })).find((x) => x.problem !== null);
  const latest = checkpoints[checkpoints.length - 1];
  if (failing?.problem) {
    ok = false;
    lines.push(`:rotating_light: Jira ${issueKey}: ${failing.problem}.`);
  } else if (latest) {
    const since = (report.head?.count ?? 0) - latest.count;
    lines.push(`Matches all ${checkpoints.length} checkpoint(s) in Jira ${issueKey}; the latest: ${describeCheckpoint(latest, now)}${since > 0 ? ` (${since} newer event(s) are covered by the chain only)` : ''}.`);
  } else if (!readFailed) {
    lines.push('No checkpoint in Jira yet: deleting the newest events would not be noticed until one is posted (KEYCARD_SCHEDULE_AUDIT_CHECKPOINT).');
  }
  lines.unshift(ok ? '*Audit log verified*' : '*Audit log verification FAILED*');
  return lines.join('\n');
}

/** Queues a verification for an admin; returns the acknowledgement. */
export function requestAuditVerify(deps: WorkflowDeps, userId: string): string {
  deps.store.jobs.enqueue({ kind: 'audit.verify', payload: { userId } }, deps.clock.now());
  return ':hourglass_flowing_sand: Verifying the audit log against the checkpoints in Jira; the result comes to you as a DM in a moment.';
}

export async function auditVerifyJob(deps: SideEffectDeps, job: JobOf<'audit.verify'>): Promise<void> {
  const { userId } = job.payload;
  await deps.notifier.sendDm(userId, await verifyAuditLog(deps));
}

/**
 * Start-up: warnings to log, or a refusal when the log is already keyed but no key is set (Keycard would
 * append events anyone could forge, and verify would flag them).
 */
export function auditKeyWarnings(audit: AuditRepo): string[] {
  const last = audit.lastKeyId();
  if (audit.keys.currentId === null) {
    if (last !== null) {
      throw new KeycardError('config', `Keycard cannot start: the audit log is sealed with key ${last} but KEYCARD_AUDIT_KEY is not set. Set it (see README, "Audit log").`);
    }
    return ['KEYCARD_AUDIT_KEY is not set: the audit log is a plain SHA-256 chain that anyone who can write the database could recompute; set a key of 32+ random bytes (see README, "Audit log")'];
  }
  if (last !== null && !audit.keys.has(last)) {
    return [`the newest audit event is sealed with key ${last}, which is not configured: keep retired keys in KEYCARD_AUDIT_KEYS_PREVIOUS or verify will fail`];
  }
  return [];
}
