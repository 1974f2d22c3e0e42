/**
 * The one rule for turning an email into an identity-provider account, shared by every adapter: exactly
 * one active account is a match; none at all is "no user" (null); several active ones, or only inactive
 * ones, is an `IdentityMatchError` naming them all. Adapters only say which accounts matched and which
 * are active, in their vendor's terms.
 */
import { IdentityMatchError, type MatchedAccount } from '../domain/errors.js';

export interface AccountCandidate<T> {
  readonly account: MatchedAccount;
  readonly active: boolean;
  /** What the adapter returns when this candidate is the match. */
  readonly value: T;
}

export function chooseAccount<T>(provider: string, email: string, candidates: readonly AccountCandidate<T>[]): T | null {
  // A search by login OR email can return one account twice; the same account is not a second match.
  const unique = candidates.filter((c, i) => candidates.findIndex((d) => d.account.id === c.account.id) === i);
  if (unique.length === 0) return null;
  const active = unique.filter((c) => c.active);
  const accounts = unique.map((c) => c.account);
  const [only] = active;
  if (active.length === 1 && only) return only.value;
  throw new IdentityMatchError(active.length === 0 ? 'inactive' : 'ambiguous', provider, email, accounts);
}
