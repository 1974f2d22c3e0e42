/**
 * What the steering commands of `/access-admin` share: naming people (a mention or Slack id at once, an
 * email through Slack), app/role arguments, and answers that come at once or after a look-up.
 */
import type { PersonArg } from '../../domain/admin-args.js';
import type { CatalogValidator } from '../../workflows/admin/index.js';
import type { AccessRef } from '../../workflows/grant/index.js';
import type { SlackDirectory } from '../../workflows/shared/ports.js';

/** What these commands need besides the workflows: the catalog check and Slack's people. */
export interface SteerTools {
  readonly validateCatalog: CatalogValidator;
  readonly directory: Pick<SlackDirectory, 'userIdByEmail' | 'profile'>;
}

/** Answered at once (`text`), or acknowledged (`ack`, null: nothing shown) and answered later. */
export type SteerAnswer = { readonly text: string } | { readonly ack: string | null; readonly later: () => Promise<string> };

/** `salesforce` or `salesforce/admin`; null when it is neither. */
export function parseAccessRef(word: string | undefined): AccessRef | null {
  const m = /^([a-z0-9][a-z0-9_-]*)(?:\/([a-z0-9][a-z0-9_-]*))?$/i.exec(word ?? '');
  return m?.[1] ? { appId: m[1].toLowerCase(), roleId: m[2]?.toLowerCase() ?? null } : null;
}

/** A person as a Slack id: at once for a mention or id, through Slack for an email. Null: nobody in Slack. */
async function slackIdOf(person: PersonArg, tools: SteerTools): Promise<string | null> {
  return person.kind === 'slack' ? person.slackId : tools.directory.userIdByEmail(person.email);
}

/** Runs `act` with the people as Slack ids: at once when none is an email, else after asking Slack. */
export function withPeople(people: readonly PersonArg[], tools: SteerTools, act: (ids: string[]) => string): SteerAnswer {
  if (people.every((p) => p.kind === 'slack')) return { text: act(people.map((p) => (p.kind === 'slack' ? p.slackId : ''))) };
  return {
    ack: null,
    later: async () => {
      const ids: string[] = [];
      for (const person of people) {
        let id: string | null;
        try {
          id = await slackIdOf(person, tools);
        } catch (error) {
          return `:warning: Could not look ${person.kind === 'email' ? person.email : 'them'} up in Slack (${error instanceof Error ? error.message : String(error)}); nothing was done. Try again, or name them as @mention.`;
        }
        if (!id) return `:no_entry: No Slack user has the email ${person.kind === 'email' ? person.email : ''}; nothing was done. Name them as @mention or Slack id.`;
        ids.push(id);
      }
      return act(ids);
    },
  };
}

