/**
 * Auto reclaim's inactivity rules (src/domain/reclaim.ts): who is flagged and, for everyone else, why not;
 * what sign-in evidence a policy accepts; who an exclusion covers.
 */
import { describe, expect, it } from 'vitest';
import { excludedBy, judge, shortDate, sinceWords, telemetryOf, type ReclaimCandidate, type SignInAnswer, type Verdict } from '../../src/domain/reclaim.js';

const DAY = 24 * 3600_000;
const NOW = new Date('2026-01-06T14:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const POLICY = { inactiveAfterMs: 30 * DAY };

const BASE: ReclaimCandidate = { accountStatus: 'active', keycardGrant: null, excluded: null, telemetry: { kind: 'app', at: ago(45) }, keptAt: null };

function reason(verdict: Verdict): string {
  return verdict.flagged ? `flagged (${verdict.basis})` : verdict.reason;
}

describe('reclaim inactivity rules', () => {
  it.each<[string, Partial<ReclaimCandidate>, string]>([
    ['inactive by its own sign-ins', {}, 'flagged (app)'],
    ['no sign-in on record at all', { telemetry: { kind: 'app', at: null } }, 'flagged (app)'],
    ['signed in to the app recently', { telemetry: { kind: 'app', at: ago(3) } }, 'active'],
    ['exactly inactiveAfter ago', { telemetry: { kind: 'app', at: ago(30) } }, 'flagged (app)'],
    ['recent Keycard grant, never signed in', { keycardGrant: { startedAt: ago(10), endsAt: null }, telemetry: { kind: 'app', at: null } }, 'recent_grant'],
    ['old Keycard grant, inactive', { keycardGrant: { startedAt: ago(200), endsAt: null } }, 'flagged (app)'],
    ['time-bound Keycard grant', { keycardGrant: { startedAt: ago(60), endsAt: new Date(NOW.getTime() + DAY) } }, 'time_bound'],
    ['excluded person', { excluded: { kind: 'person', label: 'ceo@acme.com' } }, 'excluded_person'],
    ['excluded group', { excluded: { kind: 'group', label: 'group:execs' } }, 'excluded_group'],
    ['no telemetry', { telemetry: { kind: 'none', why: 'needs Entra ID P1 and AuditLog.Read.All' } }, 'no_telemetry'],
    ['overall sign-in allowed and old', { telemetry: { kind: 'overall', at: ago(90) } }, 'flagged (overall)'],
    ['overall sign-in allowed and recent', { telemetry: { kind: 'overall', at: ago(1) } }, 'active'],
    ['suspended account, also inactive', { accountStatus: 'suspended', telemetry: { kind: 'app', at: null } }, 'account_inactive'],
    ['deactivated account', { accountStatus: 'deactivated' }, 'account_inactive'],
    ['kept 10 days ago: the clock restarted', { keptAt: ago(10) }, 'active'],
    ['kept 40 days ago, still unused', { keptAt: ago(40) }, 'flagged (app)'],
    ['suspended beats a recent grant', { accountStatus: 'suspended', keycardGrant: { startedAt: ago(1), endsAt: null } }, 'account_inactive'],
    ['a recent grant beats an exclusion', { keycardGrant: { startedAt: ago(1), endsAt: null }, excluded: { kind: 'group', label: 'group:execs' } }, 'recent_grant'],
  ])('%s', (_case, change, expected) => {
    expect(reason(judge({ ...BASE, ...change }, POLICY, NOW))).toBe(expected);
  });

  it('says why someone is not flagged', () => {
    expect(judge({ ...BASE, keycardGrant: { startedAt: ago(10), endsAt: null } }, POLICY, NOW)).toEqual({ flagged: false, reason: 'recent_grant', detail: 'granted through Keycard 10 days ago' });
    expect(judge({ ...BASE, telemetry: { kind: 'app', at: ago(3) } }, POLICY, NOW)).toEqual({ flagged: false, reason: 'active', detail: 'signed in 3 days ago' });
    expect(judge({ ...BASE, keptAt: ago(4) }, POLICY, NOW)).toEqual({ flagged: false, reason: 'active', detail: 'kept 4 days ago' });
  });

  it.each<[string, SignInAnswer | undefined, boolean, string]>([
    ['per-app sign-in', { at: ago(5), scope: 'app' }, false, 'app'],
    ['per-app, none in the log', { at: null, scope: 'app' }, false, 'app'],
    ['per-app, not readable (licence)', { at: null, scope: 'app', unsupported: 'needs Entra ID P1 and AuditLog.Read.All' }, true, 'none: needs Entra ID P1 and AuditLog.Read.All'],
    ['overall only, not allowed', { at: ago(5), scope: 'overall' }, false, 'none: only the last sign-in anywhere is known, and the catalog does not allow judging by it (useOverallSignIn)'],
    ['overall only, allowed', { at: ago(5), scope: 'overall' }, true, 'overall'],
    ["the app's own refused, overall known, allowed", { at: ago(5), scope: 'overall', unsupported: 'Reports refused' }, true, 'overall'],
    ["the app's own refused, overall known, not allowed", { at: ago(5), scope: 'overall', unsupported: 'Reports refused' }, false, "none: only the last sign-in anywhere is known (the app's own: Reports refused), and the catalog does not allow judging by it (useOverallSignIn)"],
    ['nothing known anywhere', { at: null, scope: 'overall', unsupported: 'no Okta user 00u1' }, true, 'none: no Okta user 00u1'],
    ['not asked', undefined, true, 'none: the provider was not asked for sign-ins'],
  ])('telemetry: %s', (_case, answer, useOverallSignIn, expected) => {
    const t = telemetryOf(answer, { useOverallSignIn });

    expect(t.kind === 'none' ? `none: ${t.why}` : t.kind).toBe(expected);
  });

  it('matches exclusions by email or Slack id, a person before a group', () => {
    const exclusions = { people: [{ keys: new Set(['ceo@acme.com']), label: 'ceo@acme.com' }], groups: [{ name: 'execs', keys: new Set(['ceo@acme.com', 'ucfo', 'cfo@acme.com']) }] };

    expect(excludedBy({ email: 'CEO@acme.com', slackId: null }, exclusions)).toEqual({ kind: 'person', label: 'ceo@acme.com' });
    expect(excludedBy({ email: 'someone@acme.com', slackId: 'UCFO' }, exclusions)).toEqual({ kind: 'group', label: 'group:execs' });
    expect(excludedBy({ email: 'priya@acme.com', slackId: 'UPRIYA' }, exclusions)).toBeNull();
  });

  it('writes dates as the DM does', () => {
    expect(shortDate(new Date('2026-08-03T10:00:00Z'), NOW)).toBe('Aug 3');
    expect(shortDate(new Date('2025-08-03T10:00:00Z'), NOW)).toBe('Aug 3, 2025');
    expect(sinceWords(null, null, NOW)).toBe('in the records the provider keeps');
    expect(sinceWords(ago(40), ago(35), NOW)).toBe('since Dec 2, 2025');
  });
});
