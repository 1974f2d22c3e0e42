/**
 * The `manual` provider: apps without SSO groups. A person fulfils the access and confirms it in Slack;
 * Keycard records who and when. There is no directory behind it, so it answers no directory questions
 * and refuses group changes (the workflows never ask it for them).
 */
import { PermanentError } from '../domain/errors.js';
import type { GroupMember, IdentityGroup, IdentityProvider, IdentityUser, LastSignIn, RemovalOutcome, SuspendOutcome } from './types.js';

export class ManualProvider implements IdentityProvider {
  readonly kind = 'manual' as const;

  async findUserByEmail(_email: string): Promise<IdentityUser | null> {
    return null;
  }

  async addToGroup(): Promise<void> {
    throw new PermanentError('manual apps are fulfilled by a person, not through group membership');
  }

  async removeFromGroup(): Promise<RemovalOutcome> {
    throw new PermanentError('manual apps are fulfilled by a person, not through group membership');
  }

  async isMember(): Promise<boolean> {
    return false;
  }

  async listGroupMembers(): Promise<string[]> {
    return [];
  }

  async listGroupMemberProfiles(): Promise<GroupMember[]> {
    return [];
  }

  /** Manual apps name no directory groups, so none can be missing. */
  async findMissingGroups(): Promise<string[]> {
    return [];
  }

  async searchGroups(): Promise<IdentityGroup[]> {
    return [];
  }

  async lastSignIn(): Promise<LastSignIn> {
    return { at: null, scope: 'overall', unsupported: 'manual apps have no sign-in record in Keycard' };
  }

  async lastSignIns(userIds: readonly string[]): Promise<Map<string, LastSignIn>> {
    return new Map(userIds.map((id) => [id, { at: null, scope: 'overall', unsupported: 'manual apps have no sign-in record in Keycard' }]));
  }

  async suspendUser(): Promise<SuspendOutcome> {
    throw new PermanentError('manual apps have no directory account for Keycard to suspend');
  }

  /** No directory, so no manager on record for anyone. */
  async managersOf(userIds: readonly string[]): Promise<Map<string, string | null>> {
    return new Map(userIds.map((id) => [id, null]));
  }

  async checkHealth(): Promise<void> {}
}
