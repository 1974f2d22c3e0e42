/**
 * Who a lifecycle command is about: a person named as a mention, a Slack id or an email
 * (src/domain/admin-args.ts), with their email and name from Slack, and their account in each identity
 * provider, matched by email to exactly one active account or refused with why.
 */
import type { PersonArg } from '../../domain/admin-args.js';
import { IdentityMatchError } from '../../domain/errors.js';
import type { ProviderKind } from '../../domain/types.js';
import { providerFor, type SideEffectDeps } from '../shared/deps.js';

export interface Person {
  /** Null when Slack has nobody with the email (a leaver whose Slack account is gone, say). */
  readonly slackId: string | null;
  readonly email: string;
  readonly name: string;
}

export type PersonResult = { readonly ok: true; readonly person: Person } | { readonly ok: false; readonly why: string };

export async function resolvePerson(deps: SideEffectDeps, arg: PersonArg): Promise<PersonResult> {
  if (arg.kind === 'slack') {
    const profile = await deps.directory.profile(arg.slackId);
    if (!profile) return { ok: false, why: `Slack has no user ${arg.slackId}` };
    if (!profile.email) return { ok: false, why: `Slack shows no email for <@${arg.slackId}>: name them by email instead` };
    return { ok: true, person: { slackId: arg.slackId, email: profile.email.toLowerCase(), name: profile.name || profile.email } };
  }
  const slackId = await deps.directory.userIdByEmail(arg.email);
  const profile = slackId ? await deps.directory.profile(slackId) : null;
  return { ok: true, person: { slackId, email: arg.email.toLowerCase(), name: profile?.name || arg.email } };
}

/** The person's account in one provider: the one active account, an inactive one (already suspended), or none. */
export type AccountMatch =
  | { readonly provider: ProviderKind; readonly kind: 'active'; readonly id: string; readonly login: string }
  | { readonly provider: ProviderKind; readonly kind: 'inactive'; readonly accounts: ReadonlyArray<{ readonly id: string; readonly login: string; readonly status: string }> }
  | { readonly provider: ProviderKind; readonly kind: 'none' };

/**
 * Matches the email in each provider. Several active accounts, or a provider that cannot be read, refuse
 * the whole thing with the provider's words: acting on a guess is what Keycard never does.
 */
export async function matchAccounts(deps: SideEffectDeps, email: string, providers: readonly ProviderKind[]): Promise<{ ok: true; matches: AccountMatch[] } | { ok: false; why: string }> {
  const matches: AccountMatch[] = [];
  for (const provider of providers) {
    try {
      const user = await providerFor(deps, provider).findUserByEmail(email);
      matches.push(user ? { provider, kind: 'active', id: user.id, login: user.email } : { provider, kind: 'none' });
    } catch (error) {
      if (error instanceof IdentityMatchError && error.code === 'inactive') {
        matches.push({ provider, kind: 'inactive', accounts: error.accounts });
        continue;
      }
      const why = error instanceof Error ? error.message : String(error);
      return { ok: false, why: error instanceof IdentityMatchError ? why : `${provider} could not be read (${why}): nothing was changed; try again` };
    }
  }
  return { ok: true, matches };
}
