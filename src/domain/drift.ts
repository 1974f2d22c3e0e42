/**
 * Drift between the catalog, the identity providers and Keycard's records, as one check found it, and
 * what is new since the check before. Pure: the check itself (src/workflows/drift/) reads the providers.
 */
import type { ProviderKind } from './types.js';

/** A catalog role names a group its provider does not have. */
export interface MissingGroupDrift {
  readonly appId: string;
  readonly roleId: string;
  readonly provider: ProviderKind;
  readonly groupId: string;
  /** Where the catalog names it: `catalog.yaml:14 apps[0].roles[1].groups`. */
  readonly where: string;
}

/** A provider group named like a catalog app (its id or name starts the group's name) that no role maps. */
export interface UnmappedGroupDrift {
  readonly provider: ProviderKind;
  readonly groupId: string;
  readonly name: string;
  /** The catalog app whose id or name it looks like. */
  readonly appId: string;
}

/** Someone in a catalog group whose membership Keycard did not grant (added by hand in the provider). */
export interface HandAddedMember {
  readonly idpUserId: string;
  readonly email: string;
  readonly name: string;
  /** `active`, `suspended` or `deactivated`, as the provider said. */
  readonly status: string;
  /** The app's roles whose groups they are in, and those groups. */
  readonly roles: readonly string[];
  readonly groups: readonly string[];
}

export interface AppDrift {
  readonly appId: string;
  readonly appName: string;
  readonly provider: ProviderKind;
  readonly handAdded: readonly HandAddedMember[];
}

/**
 * An account the provider lists as suspended or deactivated that is still in a catalog group, with the live
 * Keycard grants of that account (what the lifecycle work ends).
 */
export interface InactiveAccount {
  readonly provider: ProviderKind;
  readonly idpUserId: string;
  readonly email: string;
  readonly name: string;
  readonly status: 'suspended' | 'deactivated';
  readonly groups: readonly string[];
  readonly grants: ReadonlyArray<{ readonly grantId: number; readonly requestId: number; readonly appId: string; readonly roleId: string; readonly userSlackId: string }>;
}

export interface DriftReport {
  /** When the providers were read (epoch ms). */
  readonly at: number;
  readonly missingGroups: readonly MissingGroupDrift[];
  readonly unmappedGroups: readonly UnmappedGroupDrift[];
  /** One entry per app that has hand-added members, in catalog order. */
  readonly apps: readonly AppDrift[];
  readonly inactive: readonly InactiveAccount[];
}

export interface DriftCounts {
  readonly missingGroups: number;
  readonly unmappedGroups: number;
  /** People added by hand, counted once per app. */
  readonly handAdded: number;
  readonly inactive: number;
}

export function driftCounts(report: DriftReport): DriftCounts {
  return {
    missingGroups: report.missingGroups.length,
    unmappedGroups: report.unmappedGroups.length,
    handAdded: report.apps.reduce((n, app) => n + app.handAdded.length, 0),
    inactive: report.inactive.length,
  };
}

/** True when the check found nothing to act on. */
export function isClean(report: DriftReport): boolean {
  const c = driftCounts(report);
  return c.missingGroups + c.unmappedGroups + c.handAdded + c.inactive === 0;
}

/** A stable key per finding, so two checks can be compared. */
export function driftKeys(report: DriftReport): Set<string> {
  const keys = new Set<string>();
  for (const m of report.missingGroups) keys.add(`missing:${m.provider}:${m.groupId}`);
  for (const u of report.unmappedGroups) keys.add(`unmapped:${u.provider}:${u.groupId}`);
  for (const app of report.apps) for (const member of app.handAdded) for (const group of member.groups) keys.add(`hand:${app.provider}:${group}:${member.idpUserId}`);
  for (const a of report.inactive) keys.add(`inactive:${a.provider}:${a.idpUserId}:${a.status}`);
  return keys;
}

/**
 * What `next` found that `previous` did not (all of it when there was no check before), as a report of
 * the same shape: an alert names only this, so the same drift is not alerted on every run.
 */
export function newDrift(previous: DriftReport | null, next: DriftReport): DriftReport {
  if (!previous) return next;
  const seen = driftKeys(previous);
  return {
    at: next.at,
    missingGroups: next.missingGroups.filter((m) => !seen.has(`missing:${m.provider}:${m.groupId}`)),
    unmappedGroups: next.unmappedGroups.filter((u) => !seen.has(`unmapped:${u.provider}:${u.groupId}`)),
    apps: next.apps
      .map((app) => ({ ...app, handAdded: app.handAdded.filter((m) => m.groups.some((g) => !seen.has(`hand:${app.provider}:${g}:${m.idpUserId}`))) }))
      .filter((app) => app.handAdded.length > 0),
    inactive: next.inactive.filter((a) => !seen.has(`inactive:${a.provider}:${a.idpUserId}:${a.status}`)),
  };
}
