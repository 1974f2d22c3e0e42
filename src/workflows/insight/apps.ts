/**
 * An app named in an admin command: one in the catalog, or one the records still hold (dropped from the
 * catalog since). Anything else is a typo, answered with the closest catalog ids.
 */
import { closestMatches } from '../../domain/suggest.js';
import type { WorkflowDeps } from '../shared/deps.js';

/** Null when the app is known; otherwise the sentence that says it is not, with suggestions. */
export function unknownApp(deps: WorkflowDeps, appId: string): string | null {
  const ids = deps.catalog().apps.map((a) => a.id);
  if (ids.includes(appId) || deps.store.insight.hasApp(appId)) return null;
  const close = closestMatches(appId, ids);
  return `No app '${appId}' in the catalog or in Keycard's records.${close.length > 0 ? ` Did you mean: ${close.join(', ')}?` : ''}`;
}
