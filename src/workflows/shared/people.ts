/**
 * People named in the catalog (approvers, fulfillers, owners) are emails or Slack user ids; Slack is asked
 * for the id behind an email.
 */
import type { SideEffectDeps } from './deps.js';

const SLACK_ID = /^[UW][A-Z0-9]{2,}$/;

/** A catalog person (email or Slack id) as a Slack user id; null when Slack has nobody with that email. */
export async function resolveRef(deps: SideEffectDeps, ref: string): Promise<string | null> {
  if (SLACK_ID.test(ref)) return ref;
  return deps.directory.userIdByEmail(ref);
}

/** Each person as a Slack id, in order and once each, with the refs Slack did not know. */
export async function resolveRefs(deps: SideEffectDeps, refs: readonly string[]): Promise<{ resolved: string[]; unresolved: string[] }> {
  const resolved: string[] = [];
  const unresolved: string[] = [];
  for (const ref of refs) {
    const id = await resolveRef(deps, ref);
    if (id === null) unresolved.push(ref);
    else if (!resolved.includes(id)) resolved.push(id);
  }
  return { resolved, unresolved };
}
