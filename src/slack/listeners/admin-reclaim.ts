/**
 * `/access-admin reclaim …`: preview (reads the providers, so it answers later through respond; see
 * registerAdminListeners), run and exclude. The caller has already admitted the admin.
 */
import { PERSON_ARG_RULE, parsePersonArg } from '../../domain/admin-args.js';
import type { WorkflowDeps } from '../../workflows/shared/deps.js';
import { excludeFromReclaim, startReclaimRuns } from '../../workflows/reclaim/index.js';

/** Reads the providers and words the preview (built by the composition root, which holds the providers). */
export type ReclaimPreviewer = (appId: string | null) => Promise<string>;

const RECLAIM_USAGE = [
  '`/access-admin reclaim preview [app]`: who would be warned and who removed, apps without sign-in data, the monthly cost freed per app and in total, and the seats reclaimed so far.',
  '`/access-admin reclaim run [app]`: scan now (every app with a reclaim policy, or one).',
  '`/access-admin reclaim exclude <person> <app> [reason]`: never flag this person on this app (a person as @mention, Slack id or email).',
].join('\n');

/** `reclaim preview` reads every provider: it is answered after the acknowledgement (registerAdminListeners). */
export function isReclaimPreview(text: string): boolean {
  return /^\s*reclaim\s+preview(\s|$)/i.test(text);
}

export async function reclaimPreviewCommand(preview: ReclaimPreviewer, text: string): Promise<string> {
  const [, , app, extra] = text.trim().split(/\s+/);
  if (extra !== undefined) return 'Usage: `/access-admin reclaim preview [app]`, e.g. `/access-admin reclaim preview figma`.';
  return preview(app ?? null);
}

/** `reclaim run|exclude` (and the usage for anything else). */
export function reclaimCommand(deps: WorkflowDeps, userId: string, rest: readonly string[]): string {
  const [sub = '', ...args] = rest;
  switch (sub.toLowerCase()) {
    case 'preview':
      // Answered by the listener after the acknowledgement (it reads every provider): see registerAdminListeners.
      return 'Reading the identity providers for the reclaim preview...';
    case 'run': {
      if (args.length > 1) return 'Usage: `/access-admin reclaim run [app]`, e.g. `/access-admin reclaim run figma`.';
      const result = startReclaimRuns(deps, { appId: args[0] ?? null, trigger: 'admin', by: userId });
      if (result.kind === 'refused') return `:no_entry: ${result.message}`;
      const apps = result.runs.map((r) => `${r.app.name} (run #${r.runId})`).join(', ');
      return `:broom: Scanning ${apps}: reading members and sign-ins from the identity providers. I'll DM you what each scan found.`;
    }
    case 'exclude': {
      const [who = '', app = '', ...why] = args;
      const person = parsePersonArg(who);
      if (!person || !app) return `Usage: \`/access-admin reclaim exclude <person> <app> [reason]\`, e.g. \`/access-admin reclaim exclude @priya figma on leave until March\` (${PERSON_ARG_RULE}).`;
      const reason = why.join(' ').trim();
      return excludeFromReclaim(deps, userId, person, app, reason === '' ? null : reason).text;
    }
    default:
      return RECLAIM_USAGE;
  }
}
