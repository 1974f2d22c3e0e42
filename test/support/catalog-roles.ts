/**
 * The hand-built Salesforce app of the domain unit tests: its auto-approved Viewer role and a System Admin
 * role whose approval and durations each test file chooses.
 */
import type { ApprovalPolicy, CatalogApp, CatalogRole } from '../../src/domain/types.js';

export const viewerRole: CatalogRole = {
  id: 'viewer',
  name: 'Viewer',
  description: 'Read-only reports',
  groups: ['00g1viewer'],
  approval: { kind: 'auto' },
};

export function adminRole(approval: ApprovalPolicy, durations: Pick<CatalogRole, 'durationsMs' | 'maxDurationMs'>): CatalogRole {
  return {
    id: 'admin',
    name: 'System Admin',
    description: 'Full administration',
    groups: ['00g1admin'],
    approval,
    ...durations,
  };
}

export function salesforceApp(roles: readonly CatalogRole[]): CatalogApp {
  return {
    id: 'salesforce',
    name: 'Salesforce',
    description: 'CRM',
    owner: 'revops-lead@acme.com',
    provider: 'okta',
    roles,
  };
}
