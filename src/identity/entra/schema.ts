/**
 * Only the Microsoft Graph fields Keycard reads, and the one mapping from a Graph user to Keycard's.
 */
import { z } from 'zod';
import type { IdentityUser } from '../types.js';

/** `$select` for a user lookup: exactly the fields below, nothing more. */
export const USER_FIELDS = ['id', 'mail', 'userPrincipalName', 'displayName', 'jobTitle', 'department', 'accountEnabled', 'userType'] as const;

export const graphUserSchema = z.object({
  id: z.string(),
  mail: z.string().nullish(),
  userPrincipalName: z.string().nullish(),
  displayName: z.string().nullish(),
  jobTitle: z.string().nullish(),
  department: z.string().nullish(),
  accountEnabled: z.boolean().nullish(),
  /** `Member` or `Guest` (B2B invitees, whose `mail` is their outside address). */
  userType: z.string().nullish(),
});
export type GraphUser = z.infer<typeof graphUserSchema>;

/** `/users/{id}/manager` answers a directoryObject; only a user has a mail or UPN. */
export const graphManagerSchema = z.object({
  id: z.string(),
  mail: z.string().nullish(),
  userPrincipalName: z.string().nullish(),
});

/**
 * A user read with `$select=id&$expand=manager($select=mail,userPrincipalName)`: `manager` is absent when the
 * user has none. The manager is a directoryObject (a user, or an org contact with only a mail).
 */
export const graphUserWithManagerSchema = z.object({
  id: z.string(),
  manager: z.object({ mail: z.string().nullish(), userPrincipalName: z.string().nullish() }).nullish(),
});

export const graphSignInSchema = z.object({
  id: z.string(),
  signInActivity: z
    .object({
      lastSignInDateTime: z.string().nullish(),
      lastSuccessfulSignInDateTime: z.string().nullish(),
    })
    .nullish(),
});

export const graphGroupSchema = z.object({ id: z.string(), displayName: z.string().nullish() });

export const graphMemberSchema = z.object({ id: z.string(), '@odata.type': z.string().optional() });

/** A group member listed with USER_FIELDS: a user, or another directory object (only its type is read). */
export const graphMemberProfileSchema = graphUserSchema.extend({ '@odata.type': z.string().optional() });

/** A collection page: `value` plus `@odata.nextLink` when more remain. */
export function pageSchema<T extends z.ZodTypeAny>(item: T) {
  return z.object({ value: z.array(item), '@odata.nextLink': z.string().optional() });
}

export const checkMemberGroupsSchema = z.object({ value: z.array(z.string()) });

/** A Graph user to Keycard's: `mail` when set (cloud-only accounts may have only a UPN). */
export function toIdentityUser(user: GraphUser, managerEmail: string | null): IdentityUser {
  const email = user.mail || user.userPrincipalName || user.id;
  return {
    id: user.id,
    email,
    displayName: user.displayName || email,
    title: user.jobTitle ?? null,
    department: user.department ?? null,
    managerEmail,
  };
}
