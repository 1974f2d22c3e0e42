/**
 * `/access-admin reclaim preview [app]`: what a scan would do now, read live from the providers and written
 * nowhere: who would be warned, who is warned and due for removal, who is being removed, who is left alone and
 * why (apps without usable sign-ins say "no telemetry"), the monthly cost that would be freed per app and in
 * total; then the seats reclaimed so far and the cost they save, month by month.
 */
import { escapeMrkdwn } from '../../domain/format.js';
import { NOT_FLAGGED_WORDS, formatCost, monthOf, shortDate } from '../../domain/reclaim.js';
import type { CatalogApp } from '../../domain/types.js';
import type { SideEffectDeps, WorkflowDeps } from '../shared/deps.js';
import { evaluateApp, type AppEvaluation, type Bucket, type Judged } from './evaluate.js';
import { reclaimAppNamed, reclaimApps } from './scan.js';
import { describePolicy } from './words.js';

const NAMES_SHOWN = 8;
/** Slack shows a message of up to 40,000 characters; keep well inside it. */
const MAX_TEXT = 12_000;

function names(list: readonly Judged[], detail: (j: Judged) => string): string {
  const shown = list.slice(0, NAMES_SHOWN).map((j) => `${escapeMrkdwn(j.member.displayName || j.member.email)} (${detail(j)})`);
  return list.length > NAMES_SHOWN ? `${shown.join(', ')} and ${list.length - NAMES_SHOWN} more` : shown.join(', ');
}

function signInWords(e: AppEvaluation): string {
  if (e.signIns.kind === 'app') return "this app's own sign-ins";
  if (e.signIns.kind === 'overall') return 'the last sign-in anywhere (useOverallSignIn)';
  return 'none';
}

function lastSeen(j: Judged, now: Date): string {
  if (!j.verdict.flagged) return j.verdict.detail;
  const at = j.verdict.lastSeen;
  return at ? `last sign-in ${shortDate(at, now)}` : 'no sign-in on record';
}

function appSection(deps: WorkflowDeps, e: AppEvaluation, now: Date): { lines: string[]; seats: number; cost: number } {
  // A removal's last error: the case's own (groups outside Keycard), or its grant's (a group still held).
  const failing = (j: Judged): string | null => {
    if (j.openCase?.error) return j.openCase.error;
    const held = j.openCase?.grantId ? deps.store.grants.held(j.openCase.grantId).find((r) => r.lastError) : undefined;
    return held ? `${held.groupId}: ${held.lastError ?? ''}` : null;
  };
  const { app, policy } = e;
  const by = (bucket: Bucket) => e.judged.filter((j) => j.bucket === bucket);
  const warn = by('warn');
  const warned = by('warned');
  const removing = by('removing');
  const seats = warn.length + warned.length + removing.length;
  const cost = seats * (policy.seatCost ?? 0);
  const lower = e.lowerRole?.name ?? null;
  const lines = [`*${escapeMrkdwn(app.name)}* (\`${app.id}\`): ${describePolicy(policy, lower)}. Judged by ${signInWords(e)}; ${e.judged.length} member${e.judged.length === 1 ? '' : 's'} read.`];
  const none = by('no_telemetry');
  const judgeable = e.judged.filter((j) => j.bucket !== 'account_inactive');
  if (judgeable.length > 0 && none.length === judgeable.length) {
    const why = none[0]?.verdict.flagged === false ? none[0].verdict.detail : 'no usable sign-in data';
    lines.push(`:no_entry_sign: *No telemetry*: ${escapeMrkdwn(why)}. Nothing is reclaimed automatically here.`);
  }
  lines.push(`• Would be warned now: ${warn.length}${warn.length > 0 ? `: ${names(warn, (j) => lastSeen(j, now))}` : ''}`);
  const action = lower ? `downgrade to ${escapeMrkdwn(lower)}` : 'removal';
  lines.push(`• Warned, ${action} due: ${warned.length}${warned.length > 0 ? `: ${names(warned, (j) => shortDate(new Date(j.openCase?.removeAt ?? 0), now))}` : ''}`);
  if (removing.length > 0) lines.push(`• Being removed now: ${removing.length}: ${names(removing, (j) => (failing(j) ? `failing: ${escapeMrkdwn(failing(j) ?? '')}` : 'in progress'))}`);
  const left = (Object.keys(NOT_FLAGGED_WORDS) as Array<keyof typeof NOT_FLAGGED_WORDS>).filter((r) => r !== 'no_telemetry' || none.length !== judgeable.length).flatMap((r) => {
    const n = by(r).length;
    return n > 0 ? [`${n} ${NOT_FLAGGED_WORDS[r]}`] : [];
  });
  const notInSlack = by('not_in_slack').length;
  if (notInSlack > 0) left.push(`${notInSlack} inactive but not in Slack (cannot be warned, so nothing automatic)`);
  const ending = by('being_removed').length;
  if (ending > 0) left.push(`${ending} already being removed by Keycard`);
  if (left.length > 0) lines.push(`• Left alone: ${left.join('; ')}`);
  const offboarding = by('account_inactive');
  if (offboarding.length > 0) lines.push(`• Suspended or deactivated, left to offboarding: ${names(offboarding, (j) => j.member.status)}`);
  if (none.length > 0 && none.length !== judgeable.length) lines.push(`• No telemetry for ${none.length}: ${escapeMrkdwn(none[0]?.verdict.flagged === false ? none[0].verdict.detail : '')}`);
  lines.push(policy.seatCost !== undefined ? `• Monthly cost freed: ${formatCost(cost)} (${seats} seat${seats === 1 ? '' : 's'} × ${formatCost(policy.seatCost)})` : `• Monthly cost freed: not known (no seatCost in the catalog); ${seats} seat${seats === 1 ? '' : 's'}`);
  return { lines, seats, cost };
}

/** Seats taken back and what they save a month, per month of the last six (cases reclaimed or downgraded; given back counted apart). */
export function reclaimedByMonth(deps: WorkflowDeps): string[] {
  const now = deps.clock.now();
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 5, 1));
  const months = new Map<string, { seats: number; downgraded: number; givenBack: number; saved: number }>();
  for (const c of deps.store.reclaim.closedSince(from)) {
    const month = monthOf(new Date(c.closedAt ?? 0));
    const m = months.get(month) ?? { seats: 0, downgraded: 0, givenBack: 0, saved: 0 };
    if (c.status === 'restored') m.givenBack += 1;
    else {
      m.seats += 1;
      if (c.status === 'downgraded') m.downgraded += 1;
      m.saved += c.seatCost ?? 0;
    }
    months.set(month, m);
  }
  if (months.size === 0) return ['*Reclaimed so far* (last 6 months): nothing yet.'];
  return [
    '*Reclaimed so far* (last 6 months, by the month the seat was taken back):',
    ...[...months.entries()]
      .sort(([a], [b]) => b.localeCompare(a))
      .map(([month, m]) => `• ${month}: ${m.seats} seat${m.seats === 1 ? '' : 's'} reclaimed${m.downgraded > 0 ? ` (${m.downgraded} downgraded)` : ''}, saving ${formatCost(m.saved)} a month${m.givenBack > 0 ? `; ${m.givenBack} given back on request` : ''}`),
  ];
}

export async function reclaimPreviewText(deps: SideEffectDeps, appId: string | null): Promise<string> {
  let apps: CatalogApp[];
  if (appId !== null) {
    const named = reclaimAppNamed(deps, appId);
    if (named.kind === 'refused') return `:no_entry: ${named.message}`;
    apps = [named.app];
  } else apps = reclaimApps(deps);
  if (apps.length === 0) return 'No app in the catalog has a reclaim policy: add `reclaim:` to an app (see the README\'s catalog section).';
  const now = deps.clock.now();
  const lines = [`*Reclaim preview* at ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC: what a scan would do now (nothing is changed).`];
  let total = 0;
  let seats = 0;
  const costs: string[] = [];
  // One app after another: each app's reads are bounded already, and a preview is not in a hurry.
  for (const app of apps) {
    const policy = app.reclaim;
    if (!policy) continue;
    const section = appSection(deps, await evaluateApp(deps, app, policy, now), now);
    lines.push('', ...section.lines);
    total += section.cost;
    seats += section.seats;
    if (policy.seatCost !== undefined) costs.push(`${app.name} ${formatCost(section.cost)}`);
  }
  lines.push('', `*Total monthly cost freed*: ${formatCost(total)} (${seats} seat${seats === 1 ? '' : 's'}${costs.length > 0 ? `: ${escapeMrkdwn(costs.join(', '))}` : ''}).`);
  lines.push('', ...reclaimedByMonth(deps));
  const text = lines.join('\n');
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}\n… (cut: ask for one app with \`/access-admin reclaim preview <app>\`)` : text;
}

