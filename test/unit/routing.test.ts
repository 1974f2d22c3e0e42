import { describe, expect, it } from 'vitest';
import {
  autoApprovalNote,
  describeApprovalChain,
  describeStage,
  isPersonRef,
  parseStage,
  pickStageApprovers,
  stageCandidateRefs,
  stageToString,
} from '../../src/domain/routing.js';
import type { ApprovalStage, Catalog, CatalogRole } from '../../src/domain/types.js';
import { adminRole, salesforceApp, viewerRole as viewer } from '../support/catalog-roles.js';

const admin = adminRole(
  { kind: 'stages', stages: [{ kind: 'manager' }, { kind: 'owner' }, { kind: 'group', name: 'security' }] },
  { durationsMs: [3_600_000], maxDurationMs: 3_600_000 },
);
const salesforce = salesforceApp([viewer, admin]);
const catalog: Catalog = {
  version: 1,
  approverGroups: { security: ['sec-lead@acme.com', 'U0SECOPS'] },
  apps: [salesforce],
};

describe('parseStage and stageToString', () => {
  it.each<[string, ApprovalStage]>([
    ['manager', { kind: 'manager' }],
    ['owner', { kind: 'owner' }],
    ['group:security', { kind: 'group', name: 'security' }],
    ['user:sec-lead@acme.com', { kind: 'user', ref: 'sec-lead@acme.com' }],
    ['user:U012ABC', { kind: 'user', ref: 'U012ABC' }],
  ])('%s round-trips', (text, stage) => {
    const parsed = parseStage(text);

    expect(parsed).toEqual(stage);
    expect(stageToString(stage)).toEqual(text);
  });

  it.each([['Manager'], ['boss'], ['group:'], ['user:'], ['group'], ['team:x'], ['user:a b'], [''], ['auto']])(
    'rejects %j',
    (text) => {
      const parsed = parseStage(text);

      expect(parsed).toBeNull();
    },
  );
});

describe('isPersonRef', () => {
  it.each([
    ['sec-lead@acme.com', true],
    ['U012ABC', true],
    ['W012ABC', true],
    ['bob', false],
    ['u012abc', false],
    ['C012ABC', false],
    ['bob@acme', false],
  ])('%s -> %s', (text, expected) => {
    expect(isPersonRef(text)).toBe(expected);
  });
});

describe('describeStage', () => {
  it.each<[ApprovalStage, string]>([
    [{ kind: 'manager' }, 'your manager'],
    [{ kind: 'owner' }, 'the Salesforce owner'],
    [{ kind: 'group', name: 'security' }, 'the security approvers'],
    [{ kind: 'user', ref: 'sec-lead@acme.com' }, 'sec-lead@acme.com'],
  ])('%j -> %s', (stage, expected) => {
    const text = describeStage(stage, salesforce);

    expect(text).toEqual(expected);
  });
});

describe('describeApprovalChain', () => {
  it('joins the stages in order', () => {
    const text = describeApprovalChain(admin, salesforce);

    expect(text).toEqual('Your manager, then the Salesforce owner, then the security approvers');
  });

  it('capitalises a single stage', () => {
    const role: CatalogRole = { ...admin, approval: { kind: 'stages', stages: [{ kind: 'owner' }] } };

    const text = describeApprovalChain(role, salesforce);

    expect(text).toEqual('The Salesforce owner');
  });

  it('names the policy for auto-approval', () => {
    const text = describeApprovalChain(viewer, salesforce);

    expect(text).toEqual('Approved automatically by catalog policy salesforce/viewer');
  });
});

describe('autoApprovalNote', () => {
  it('names app and role', () => {
    const note = autoApprovalNote(salesforce, viewer);

    expect(note).toEqual('auto-approved by catalog policy salesforce/viewer');
  });
});

describe('stageCandidateRefs', () => {
  it.each<[string, ApprovalStage, string | null, string[]]>([
    ['manager on file', { kind: 'manager' }, 'boss@acme.com', ['boss@acme.com']],
    ['no manager on file', { kind: 'manager' }, null, []],
    ['owner', { kind: 'owner' }, null, ['revops-lead@acme.com']],
    ['group', { kind: 'group', name: 'security' }, null, ['sec-lead@acme.com', 'U0SECOPS']],
    ['undefined group', { kind: 'group', name: 'nobody' }, null, []],
    ['user', { kind: 'user', ref: 'U012ABC' }, null, ['U012ABC']],
  ])('%s', (_name, stage, managerEmail, expected) => {
    const refs = stageCandidateRefs(stage, { app: salesforce, catalog, managerEmail });

    expect(refs).toEqual(expected);
  });

  it('returns a copy the caller may change', () => {
    const refs = stageCandidateRefs({ kind: 'group', name: 'security' }, { app: salesforce, catalog, managerEmail: null });

    refs.push('extra@acme.com');

    expect(catalog.approverGroups.security).toEqual(['sec-lead@acme.com', 'U0SECOPS']);
  });
});

describe('pickStageApprovers', () => {
  it.each([
    {
      name: 'keeps candidates in order without duplicates',
      input: { candidates: ['U2', 'U3', 'U2'], requester: 'U1', admins: ['UADMIN'] },
      expected: { approvers: ['U2', 'U3'], escalatedToAdmins: false },
    },
    {
      name: 'never includes the requester',
      input: { candidates: ['U1', 'U2'], requester: 'U1', admins: ['UADMIN'] },
      expected: { approvers: ['U2'], escalatedToAdmins: false },
    },
    {
      name: 'escalates when the requester is the only approver',
      input: { candidates: ['U1', 'U1'], requester: 'U1', admins: ['UADMIN', 'U1', 'UADMIN2'] },
      expected: {
        approvers: ['UADMIN', 'UADMIN2'],
        escalatedToAdmins: true,
        reason: 'the requester is the only approver of this stage',
      },
    },
    {
      name: 'escalates when nobody could be resolved',
      input: { candidates: [], requester: 'U1', admins: ['UADMIN', 'UADMIN'] },
      expected: { approvers: ['UADMIN'], escalatedToAdmins: true, reason: 'no approver could be resolved' },
    },
    {
      name: 'ignores empty ids from failed resolution',
      input: { candidates: [''], requester: 'U1', admins: ['UADMIN'] },
      expected: { approvers: ['UADMIN'], escalatedToAdmins: true, reason: 'no approver could be resolved' },
    },
    {
      name: 'returns nobody when the only admin is the requester',
      input: { candidates: ['U1'], requester: 'U1', admins: ['U1'] },
      expected: {
        approvers: [],
        escalatedToAdmins: true,
        reason: 'the requester is the only approver of this stage, and no admin other than the requester can approve',
      },
    },
  ])('$name', ({ input, expected }) => {
    const picked = pickStageApprovers(input);

    expect(picked).toEqual(expected);
  });
});

describe('pickStageApprovers with separation of duties', () => {
  const owen = { slackId: 'UOWEN', name: 'Owen Park', stageIndex: 0 };
  const reason = 'Owen Park decided stage 1 and may not decide stage 2 too (separation of duties)';

  it.each([
    {
      name: 'leaves an earlier decider out and keeps the others',
      input: { candidates: ['UOWEN', 'U3'], requester: 'U1', admins: ['UADMIN'], earlierDeciders: [owen], stageIndex: 1 },
      expected: { approvers: ['U3'], escalatedToAdmins: false },
    },
    {
      name: 'sends the stage to the fallback group when the earlier decider was its only approver',
      input: { candidates: ['UOWEN'], requester: 'U1', admins: ['UADMIN'], earlierDeciders: [owen], stageIndex: 1, fallback: ['UOWEN', 'U1', 'USEC'] },
      expected: { approvers: ['USEC'], escalatedToAdmins: false, reason, separated: { deciders: ['UOWEN'], to: 'fallback' } },
    },
    {
      name: 'sends it to the admins, never the earlier decider, without a fallback',
      input: { candidates: ['UOWEN', 'U1'], requester: 'U1', admins: ['UOWEN', 'UADMIN'], earlierDeciders: [owen], stageIndex: 1 },
      expected: { approvers: ['UADMIN'], escalatedToAdmins: true, reason, separated: { deciders: ['UOWEN'], to: 'admins' } },
    },
    {
      name: 'returns nobody when the only admin decided the earlier stage',
      input: { candidates: ['UOWEN'], requester: 'U1', admins: ['UOWEN'], earlierDeciders: [owen], stageIndex: 1 },
      expected: {
        approvers: [],
        escalatedToAdmins: true,
        reason: `${reason}, and no admin other than the requester or an earlier approver can decide it`,
        separated: { deciders: ['UOWEN'], to: 'admins' },
      },
    },
    {
      name: 'names each earlier decider when a later stage lists them all',
      input: {
        candidates: ['UMARCO', 'UOWEN'],
        requester: 'U1',
        admins: ['UADMIN'],
        earlierDeciders: [{ slackId: 'UMARCO', name: 'Marco Rossi', stageIndex: 0 }, { ...owen, stageIndex: 1 }],
        stageIndex: 2,
      },
      expected: {
        approvers: ['UADMIN'],
        escalatedToAdmins: true,
        reason: 'Marco Rossi decided stage 1 and Owen Park decided stage 2; neither may decide stage 3 too (separation of duties)',
        separated: { deciders: ['UMARCO', 'UOWEN'], to: 'admins' },
      },
    },
  ])('$name', ({ input, expected }) => {
    expect(pickStageApprovers(input)).toEqual(expected);
  });
});
