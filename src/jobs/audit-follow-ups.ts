/**
 * What follows every audited change, inside its transaction: the time-to-access metric, the requester's
 * receipt losing its Cancel button, the App Home refreshes of everyone the change concerns, and the
 * progress of an offboarding that follows the request. A failure
 * here must not undo the change itself (a Home is re-rendered when opened), so each is logged and skipped.
 */
import type { Logger } from 'pino';
import type { AuditEvent } from '../store/audit.repo.js';
import type { Store } from '../store/store.js';
import { offboardingFollowUp } from '../workflows/lifecycle/index.js';
import { refreshHomes } from '../workflows/notify/index.js';
import { refreshReceipt } from '../workflows/request/index.js';
import type { KeycardMetrics } from './metrics.js';

export function auditFollowUps(store: Store, options: { metrics: KeycardMetrics | null; homeViewers: ReadonlySet<string>; logger: Logger }): (event: AuditEvent) => void {
  const { metrics, homeViewers, logger } = options;
  const attempt = (what: string, event: AuditEvent, fn: () => void) => {
    try {
      fn();
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error), action: event.action, requestId: event.requestId }, `${what} not queued`);
    }
  };
  return (event) => {
    if (metrics && event.toStatus === 'active' && event.fromStatus !== 'active' && event.requestId !== null) {
      const request = store.requests.get(event.requestId);
      if (request?.kind === 'access') metrics.observeTimeToAccess((event.at - request.createdAt) / 1000);
    }
    attempt('receipt update', event, () => refreshReceipt(store, event));
    attempt('App Home refresh', event, () => refreshHomes(store, homeViewers, event));
    attempt('offboarding progress', event, () => offboardingFollowUp(store, event));
  };
}
