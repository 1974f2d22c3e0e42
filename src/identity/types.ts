/**
 * The identity-provider port. Every adapter (okta, entra, google, manual) implements it identically;
 * the contract suite in test/contract/ holds them to it.
 *
 * Errors: a user or group that does not exist is a `PermanentError`; throttling, 5xx and network
 * failures are `RetryableError` carrying the provider's back-off signal when it gave one.
 */
import type { ProviderKind } from '../domain/types.js';

export interface IdentityUser {
  /** The provider's own user id (Okta `00u...`, Entra object id, Google user id). */
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly title: string | null;
  readonly department: string | null;
  /** The manager's email, when the provider knows it. */
  readonly managerEmail: string | null;
}

export interface IdentityProvider {
  readonly kind: ProviderKind;
  /** The user whose login or primary email is `email`, or null if there is none. */
  findUserByEmail(email: string): Promise<IdentityUser | null>;
  /** Idempotent: a user already in the group is a success. */
  addToGroup(userId: string, groupId: string): Promise<void>;
  /** Idempotent: a user not in the group is a success. */
  removeFromGroup(userId: string, groupId: string): Promise<void>;
  isMember(userId: string, groupId: string): Promise<boolean>;
  /** Fails with a message naming the missing setting or permission. */
  checkHealth(): Promise<void>;
}

export type IdentityProviders = Partial<Record<ProviderKind, IdentityProvider>>;
