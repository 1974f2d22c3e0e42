/**
 * "Used since granted": one live question to the identity provider, the person's last sign-in to the app
 * (the catalog's `signInApp`) or, where the provider cannot tell per app, anywhere. Bounded by a timeout: an
 * audit answers without it rather than wait on a slow provider.
 */
import { findApp } from '../../domain/catalog.js';
import type { ProviderKind } from '../../domain/types.js';
import type { LastSignIn } from '../../identity/types.js';
import type { SideEffectDeps, WorkflowDeps } from '../shared/deps.js';
import type { RequestChain } from './chain.js';
import { at } from './chain-words.js';
import type { Line } from './text.js';

/** How long an audit waits for the provider's answer. */
export const LAST_USE_TIMEOUT_MS = 5000;

export type LastUseDeps = WorkflowDeps & Pick<SideEffectDeps, 'providers'>;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** The words of an answer, relative to when the access was granted (and ended). */
export function lastUseWords(answer: LastSignIn, provider: string, appName: string, grantedAt: number, endedAt: number | null): string {
  if (answer.unsupported) return `Used since granted: ${provider} cannot tell (${answer.unsupported})`;
  const where = answer.scope === 'app' ? `to ${appName}` : `anywhere (${provider} tells only the last sign-in overall, not ${appName}'s)`;
  if (answer.at === null) return `Used since granted: no sign-in ${where} on record in ${provider}`;
  const when = answer.at.getTime();
  if (when < grantedAt) return `Used since granted: no; last sign-in ${where} at ${at(when)}, before the access was granted`;
  const after = endedAt !== null && when > endedAt ? ', after the access ended' : '';
  return `Used since granted: last sign-in ${where} at ${at(when)}${after}`;
}

/** The line, or null when there is no access to ask about (never granted, or a manual app). */
export async function lastUseLine(deps: LastUseDeps, chain: RequestChain, timeoutMs = LAST_USE_TIMEOUT_MS): Promise<Line | null> {
  const { grant, grantedAt, request } = chain;
  if (!grant || grantedAt === null) return null;
  const appName = request.snapshot.appName;
  if (grant.provider === 'manual') return [`Used since granted: cannot tell (${appName} is a manual app, with no sign-in record in an identity provider)`];
  if (!grant.idpUserId) return null;
  const provider = deps.providers[grant.provider as ProviderKind];
  if (!provider) return [`Used since granted: cannot tell (${grant.provider} is not configured)`];
  const signInApp = findApp(deps.catalog(), grant.appId)?.signInApp;
  try {
    const answer = await withTimeout(provider.lastSignIn(grant.idpUserId, signInApp), timeoutMs);
    if (answer === 'timeout') return [`Used since granted: cannot tell (${grant.provider} did not answer within ${timeoutMs / 1000} s)`];
    return [lastUseWords(answer, grant.provider, appName, grantedAt, grant.endedAt)];
  } catch (error) {
    deps.logger.warn({ requestId: request.id, provider: grant.provider, err: error instanceof Error ? error.message : String(error) }, 'last sign-in lookup for an audit failed');
    return [`Used since granted: cannot tell (${grant.provider} answered with an error: ${error instanceof Error ? error.message : String(error)})`];
  }
}
