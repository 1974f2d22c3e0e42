/**
 * The cast of the scenario tests, known to the Slack and Okta fakes (and the Graph and Google fakes when a
 * scenario starts them), and the catalog they use.
 */

export interface Person {
  readonly slackId: string;
  readonly oktaId: string;
  readonly name: string;
  readonly login: string;
  readonly email: string;
  readonly title: string;
  readonly department: string;
  readonly managerOktaId?: string;
  /** Object id in the Graph fake (Entra scenarios). */
  readonly entraId: string;
  /** Unique id in the Google Directory fake (Google scenarios). */
  readonly googleId: string;
}

export const PEOPLE = {
  priya: { slackId: 'UPRIYA', oktaId: '00uPRIYA', name: 'Priya Shah', login: 'priya', email: 'priya@acme.com', title: 'Data Engineer', department: 'Data', managerOktaId: '00uMARCO', entraId: 'e100000-0000-4000-8000-priya0000000', googleId: '100000000000000000001' },
  marco: { slackId: 'UMARCO', oktaId: '00uMARCO', name: 'Marco Rossi', login: 'marco', email: 'marco@acme.com', title: 'Engineering Manager', department: 'Data', entraId: 'e200000-0000-4000-8000-marco0000000', googleId: '100000000000000000002' },
  owen: { slackId: 'UOWEN', oktaId: '00uOWEN', name: 'Owen Park', login: 'owen', email: 'owen@acme.com', title: 'RevOps Lead', department: 'Sales', entraId: 'e300000-0000-4000-8000-owen00000000', googleId: '100000000000000000003' },
  sara: { slackId: 'USARA', oktaId: '00uSARA', name: 'Sara Lind', login: 'sara', email: 'sara@acme.com', title: 'Security Lead', department: 'Security', entraId: 'e400000-0000-4000-8000-sara00000000', googleId: '100000000000000000004' },
  sam: { slackId: 'USAM', oktaId: '00uSAM', name: 'Sam Okafor', login: 'sam', email: 'sam@acme.com', title: 'Security Engineer', department: 'Security', entraId: 'e500000-0000-4000-8000-sam000000000', googleId: '100000000000000000005' },
  ada: { slackId: 'UADA', oktaId: '00uADA', name: 'Ada Admin', login: 'ada', email: 'ada@acme.com', title: 'IT Admin', department: 'IT', entraId: 'e600000-0000-4000-8000-ada000000000', googleId: '100000000000000000006' },
  eve: { slackId: 'UEVE', oktaId: '00uEVE', name: 'Eve Stone', login: 'eve', email: 'eve@acme.com', title: 'Account Executive', department: 'Sales', managerOktaId: '00uOWEN', entraId: 'e700000-0000-4000-8000-eve000000000', googleId: '100000000000000000007' },
} as const satisfies Record<string, Person>;

export type PersonKey = keyof typeof PEOPLE;

export const TEST_CATALOG = `version: 1
approverGroups:
  security: [sara@acme.com, sam@acme.com]
  self-review: [priya@acme.com]
apps:
  - id: salesforce
    name: Salesforce
    description: CRM
    category: Sales
    owner: owen@acme.com
    provider: okta
    roles:
      - id: viewer
        name: Viewer
        description: Read-only reports
        groups: [00g1viewer]
        approval: auto
      - id: admin
        name: System Admin
        description: Full administration
        groups: [00g1admin, 00g1audit]
        approval: [manager, owner]
        durations: [1h, 6h, 24h]
        maxDuration: 7d
  - id: github
    name: GitHub
    description: Source code
    category: Engineering
    owner: sara@acme.com
    provider: okta
    roles:
      - id: write
        name: Write
        description: Push to repositories
        groups: [00g2write]
        approval: [group:security]
  - id: warehouse
    name: Data Warehouse
    description: Analytics warehouse
    category: Data
    owner: marco@acme.com
    provider: okta
    roles:
      - id: analyst
        name: Analyst
        description: Query production data
        groups: [00g3analyst]
        approval: [group:self-review]
`;

/**
 * Figma as a manual app (no SSO groups; Sam confirms its grants and removals), to append to TEST_CATALOG:
 * one Editor role with this `approval` and, when given, these `durations` (both as catalog YAML).
 */
export function figmaManualApp(approval: string, durations?: string): string {
  return `  - id: figma
    name: Figma
    description: Design files
    owner: owen@acme.com
    provider: manual
    fulfillers: [sam@acme.com]
    roles:
      - id: editor
        name: Editor
        description: Edit design files
        approval: ${approval}
${durations ? `        durations: ${durations}\n` : ''}`;
}
