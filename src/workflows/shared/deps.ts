/**
 * What workflows are given by the composition root. Nothing here is created at import time.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock.js';
import type { TimingPolicy } from '../../domain/policy.js';
import type { Catalog, ProviderKind } from '../../domain/types.js';
import type { IdentityProvider, IdentityProviders } from '../../identity/types.js';
import type { Ticketing } from '../../jira/types.js';
import type { Store } from '../../store/store.js';
import type { Notifier, SlackDirectory } from './ports.js';
import { PermanentError } from '../../domain/errors.js';

/** Names of Jira workflow transitions to apply at each point; null skips it. */
export interface JiraTransitions {
  readonly onApproved: string | null;
  /** When standing access is granted (time-bound access keeps its issue open until it ends). */
  readonly onActive: string | null;
  readonly onDenied: string | null;
  /** When access ends: expired, relinquished or revoked. */
  readonly onEnded: string | null;
}

/** Jira custom field ids for the start and end of access; null when the project has none. */
export interface JiraAccessFields {
  readonly accessStart: string | null;
  readonly accessEnd: string | null;
}

/**
 * Jira issues that start an offboarding or an onboarding (src/workflows/lifecycle/): their issue types (null:
 * off) and the custom field naming the person (null: the email is read from the summary).
 */
export interface JiraLifecycleSettings {
  readonly projectKey: string;
  readonly offboardingIssueType: string | null;
  readonly offboardingEmailField: string | null;
  readonly onboardingIssueType: string | null;
  readonly onboardingEmailField: string | null;
}

export interface WorkflowDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The catalog in force (it can be reloaded while running). */
  readonly catalog: () => Catalog;
  /** Slack user ids of the admins: they run /access-admin and take stages nobody else can. */
  readonly admins: readonly string[];
  readonly timing: TimingPolicy;
  readonly jiraFields: JiraAccessFields;
  /** Offboarding and onboarding from Jira issues; absent: off. */
  readonly jiraLifecycle?: JiraLifecycleSettings;
}

export interface SideEffectDeps extends WorkflowDeps {
  readonly providers: IdentityProviders;
  readonly ticketing: Ticketing;
  readonly notifier: Notifier;
  readonly directory: SlackDirectory;
  readonly jiraTransitions: JiraTransitions;
  /** Holds calls back to stay under each provider's rate limit: throws ThrottledError when it must wait. */
  readonly throttle: (provider: string, calls: number, ticket: string) => void;
  /** The provider that answers profile and manager questions for apps on `manual` (first configured). */
  readonly profileProvider: ProviderKind | null;
}

export function providerFor(deps: SideEffectDeps, kind: string): IdentityProvider {
  const provider = deps.providers[kind as ProviderKind];
  if (!provider) throw new PermanentError(`identity provider '${kind}' is not configured`);
  return provider;
}
