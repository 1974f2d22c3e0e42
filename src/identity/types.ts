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

/** An account's state as the provider tells it: only `active` accounts can sign in. */
export type AccountStatus = 'active' | 'suspended' | 'deactivated';

/** A group member as an access review reads it: the profile and the account's state. */
export interface GroupMember extends IdentityUser {
  readonly status: AccountStatus;
}

export interface IdentityGroup {
  readonly id: string;
  readonly name: string;
  /** Other ways a catalog may name the group, where the provider has them (Google: its email and aliases). */
  readonly aliases?: readonly string[];
}

/** When a user last signed in; `at` null with `unsupported` when the provider cannot tell (licence, API). */
export interface LastSignIn {
  readonly at: Date | null;
  /** `app` when the answer is for the app asked about, `overall` when only the last sign-in anywhere is known. */
  readonly scope: 'overall' | 'app';
  readonly unsupported?: string;
}

/** What removing a user from a group found (see `IdentityProvider.removeFromGroup`). */
export type RemovalOutcome = 'removed' | 'not_member' | 'no_group';

/** What suspending an account found (see `IdentityProvider.suspendUser`). */
export type SuspendOutcome = 'suspended' | 'already_inactive';

export interface IdentityProvider {
  readonly kind: ProviderKind;
  /**
   * The one active account whose login or email is `email`; null when no account has it. Several active
   * accounts, or only inactive ones (suspended, deprovisioned, disabled, archived), throw an
   * `IdentityMatchError` (a PermanentError) with code `ambiguous` or `inactive` naming every account:
   * granting to one of them would be a guess.
   */
  findUserByEmail(email: string): Promise<IdentityUser | null>;
  /** Idempotent: a user already in the group is a success. */
  addToGroup(userId: string, groupId: string): Promise<void>;
  /**
   * Idempotent, and says what happened: `removed`; `not_member` (the user was not in the group, where the
   * provider tells); `no_group` (the group does not exist, so it grants nothing). Each is a success for
   * the removal, and Keycard records which. Okta answers 204 to a member and a non-member alike, so it
   * reports `removed` for both.
   */
  removeFromGroup(userId: string, groupId: string): Promise<RemovalOutcome>;
  isMember(userId: string, groupId: string): Promise<boolean>;
  /** User ids of every member (all pages). An unknown group is a PermanentError. */
  listGroupMembers(groupId: string): Promise<string[]>;
  /**
   * Every direct member of the group that is a user, with profile and account state (all pages), in as few
   * calls as the API allows (the member listing itself where it carries the profile); nested groups,
   * devices and service principals are skipped. `managerEmail` is filled in where the provider can tell
   * without a call per member, else null (Entra ID's listing: reviews ask `managersOf`). Each adapter
   * documents its state mapping and call count, and which of its reads it reuses for a moment (see
   * `recent.ts`): the member listing itself is always read afresh. An unknown group is a PermanentError.
   */
  listGroupMemberProfiles(groupId: string): Promise<GroupMember[]>;
  /**
   * The ids in `groupIds` that name no group, in the order given. One listing of the directory's groups
   * (paged), never one call per id, so a catalog of any size costs the same few calls.
   */
  findMissingGroups(groupIds: readonly string[]): Promise<string[]>;
  /** Groups whose name starts with `query` (for catalog authors), at most `limit`. */
  searchGroups(query: string, limit?: number): Promise<IdentityGroup[]>;
  /** Last sign-in overall, or for one app (the provider's app id) where the provider can tell. */
  lastSignIn(userId: string, appId?: string): Promise<LastSignIn>;
  /**
   * `lastSignIn` for many users at once, keyed by user id (every id in `userIds` has an answer), in as few
   * calls as the API allows: one search of the sign-in log for the app rather than one per user. Unlike
   * `lastSignIn`, an id the provider does not know is an answer, not an error: `at` null with `unsupported`
   * saying so (overall; per-app answers come from the log and do not check the user). Where the provider
   * cannot read sign-ins (licence, scope), every user gets the answer `lastSignIn` would give; a user the
   * provider knows always gets the answer `lastSignIn` gives.
   */
  lastSignIns(userIds: readonly string[], appId?: string): Promise<Map<string, LastSignIn>>;
  /**
   * Blocks the account from signing in and keeps it, groups and all, so it can be turned back on in the
   * provider's console: Okta's lifecycle suspend, Entra ID `accountEnabled: false`, Google `suspended: true`.
   * Idempotent: an account that cannot sign in already (suspended, disabled, deactivated, archived) is
   * `already_inactive` and is left as it is. An unknown user is a PermanentError, and so is an account the
   * provider will not suspend as it stands (Okta suspends only ACTIVE users: a locked-out one is named). A
   * refusal for want of permission names the permission.
   */
  suspendUser(userId: string): Promise<SuspendOutcome>;
  /**
   * The manager's email of each user in `userIds`, keyed by user id (every id has an answer): null when the
   * user has no manager the provider can name, or is no user of the provider (an answer, not an error). In as
   * few calls as the API allows, never a call per user: each adapter documents its cost. Reads the provider made
   * a moment ago (a group's listing) may serve it, as `listGroupMemberProfiles` documents per adapter.
   */
  managersOf(userIds: readonly string[]): Promise<Map<string, string | null>>;
  /** Fails with a message naming the missing setting or permission. */
  checkHealth(): Promise<void>;
}

export type IdentityProviders = Partial<Record<ProviderKind, IdentityProvider>>;
