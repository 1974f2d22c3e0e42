import { describe, expect, it } from 'vitest';
import { blocksText, findElement, validateBlocks, validateView, type JsonObject } from './block-kit.js';

function plain(text: string): JsonObject {
  return { type: 'plain_text', text };
}

function section(text: string, blockId?: string): JsonObject {
  return { type: 'section', ...(blockId ? { block_id: blockId } : {}), text: { type: 'mrkdwn', text } };
}

function button(actionId: string, text = 'Approve', value = 'v'): JsonObject {
  return { type: 'button', action_id: actionId, text: plain(text), value };
}

function option(value: string, text = value): JsonObject {
  return { text: plain(text), value };
}

function select(options: unknown[], extra: JsonObject = {}): JsonObject {
  return { type: 'static_select', action_id: 'pick', options, ...extra };
}

function modal(extra: JsonObject = {}): JsonObject {
  return {
    type: 'modal',
    callback_id: 'request',
    title: plain('Request access'),
    submit: plain('Submit'),
    close: plain('Cancel'),
    blocks: [{ type: 'input', block_id: 'reason', label: plain('Reason'), element: { type: 'plain_text_input', action_id: 'reason' } }],
    ...extra,
  };
}

const many = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));

describe('validateBlocks', () => {
  it('accepts a typical approval message', () => {
    const blocks = [
      { type: 'header', text: plain('Access request') },
      section('*Ada* asks for *GitHub admins*', 'summary'),
      { type: 'section', fields: [{ type: 'mrkdwn', text: '*Until*\n2024-01-01' }] },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'KEY-1' }] },
      { type: 'divider' },
      { type: 'actions', block_id: 'decide', elements: [button('approve'), { ...button('deny', 'Deny'), style: 'danger' }] },
    ];

    expect(validateBlocks(blocks, 'message')).toEqual([]);
  });

  it.each([
    ['51 blocks in a message', many(51, (i) => section(`s${i}`)), 'message', 'must be less than 51 items [json-pointer:/blocks]'],
    ['section text over 3000', [section('x'.repeat(3001))], 'message', 'must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
    ['11 section fields', [{ type: 'section', fields: many(11, () => plain('f')) }], 'message', 'must be less than 11 items [json-pointer:/blocks/0/fields]'],
    ['section field over 2000', [{ type: 'section', fields: [plain('f'.repeat(2001))] }], 'message', '[json-pointer:/blocks/0/fields/0/text]'],
    ['section without text or fields', [{ type: 'section' }], 'message', 'must provide text or fields'],
    ['header over 150', [{ type: 'header', text: plain('h'.repeat(151)) }], 'message', 'must be less than 151 characters'],
    ['mrkdwn header', [{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }], 'message', 'must be plain_text [json-pointer:/blocks/0/text/type]'],
    ['empty text', [section('')], 'message', 'must be more than 0 characters [json-pointer:/blocks/0/text/text]'],
    ['unknown text type', [{ type: 'section', text: { type: 'markdown', text: 'x' } }], 'message', 'must be plain_text or mrkdwn'],
    ['block_id over 255', [section('x', 'b'.repeat(256))], 'message', '[json-pointer:/blocks/0/block_id]'],
    ['duplicate block_id', [section('a', 'same'), section('b', 'same')], 'message', 'duplicate block_id same [json-pointer:/blocks/1/block_id]'],
    ['duplicate action_id in a block', [{ type: 'actions', elements: [button('a'), button('a')] }], 'message', 'duplicate action_id a'],
    ['action_id over 255', [{ type: 'actions', elements: [button('a'.repeat(256))] }], 'message', '[json-pointer:/blocks/0/elements/0/action_id]'],
    ['26 elements in actions', [{ type: 'actions', elements: many(26, (i) => button(`b${i}`)) }], 'message', 'must be less than 26 items [json-pointer:/blocks/0/elements]'],
    ['empty actions', [{ type: 'actions', elements: [] }], 'message', 'must provide at least 1 items'],
    ['button text over 75', [{ type: 'actions', elements: [button('a', 't'.repeat(76))] }], 'message', 'must be less than 76 characters'],
    ['button value over 2000', [{ type: 'actions', elements: [button('a', 'ok', 'v'.repeat(2001))] }], 'message', '[json-pointer:/blocks/0/elements/0/value]'],
    ['button style', [{ type: 'actions', elements: [{ ...button('a'), style: 'green' }] }], 'message', 'must be primary or danger'],
    ['101 select options', [{ type: 'actions', elements: [select(many(101, (i) => option(`o${i}`)))] }], 'message', 'must be less than 101 items'],
    ['option text over 75', [{ type: 'actions', elements: [select([option('v', 't'.repeat(76))])] }], 'message', '[json-pointer:/blocks/0/elements/0/options/0/text/text]'],
    ['option value over 150', [{ type: 'actions', elements: [select([option('v'.repeat(151), 't')])] }], 'message', '[json-pointer:/blocks/0/elements/0/options/0/value]'],
    ['option description over 75', [{ type: 'actions', elements: [select([{ ...option('v'), description: plain('d'.repeat(76)) }])] }], 'message', '/options/0/description/text]'],
    ['options and option_groups', [{ type: 'actions', elements: [select([option('v')], { option_groups: [] })] }], 'message', 'exactly one of options or option_groups'],
    ['101 option groups', [{ type: 'actions', elements: [{ type: 'static_select', action_id: 's', option_groups: many(101, (i) => ({ label: plain(`g${i}`), options: [option(`v${i}`)] })) }] }], 'message', '[json-pointer:/blocks/0/elements/0/option_groups]'],
    ['initial_option not among options', [{ type: 'actions', elements: [select([option('a')], { initial_option: option('b') })] }], 'message', 'must match one of the provided options'],
    ['11 context elements', [{ type: 'context', elements: many(11, () => plain('c')) }], 'message', 'must be less than 11 items'],
    ['input without element', [{ type: 'input', label: plain('L') }], 'modal', 'missing required field: element'],
    ['input without label', [{ type: 'input', element: { type: 'plain_text_input', action_id: 'x' } }], 'modal', '[json-pointer:/blocks/0/label]'],
    ['plain_text_input max_length over 3000', [{ type: 'input', label: plain('L'), element: { type: 'plain_text_input', action_id: 'x', max_length: 3001 } }], 'modal', '/element/max_length]'],
    ['initial_value longer than max_length', [{ type: 'input', label: plain('L'), element: { type: 'plain_text_input', action_id: 'x', max_length: 10, initial_value: 'v'.repeat(11) } }], 'modal', 'must be less than 11 characters [json-pointer:/blocks/0/element/initial_value]'],
    ['button in an input block', [{ type: 'input', label: plain('L'), element: button('x') }], 'modal', 'element type button is not allowed here'],
    ['unknown block type', [{ type: 'carousel' }], 'message', 'unsupported block type carousel'],
    ['101 blocks in a modal', many(101, (i) => section(`s${i}`)), 'modal', 'must be less than 101 items'],
    ['file block in a modal', [{ type: 'file', external_id: 'x', source: 'remote' }], 'modal', 'only allowed in messages'],
  ] as const)('rejects %s', (_name, blocks, surface, expected) => {
    const problems = validateBlocks(blocks, surface);

    expect(problems.join('\n')).toContain(expected);
    expect(problems.every((p) => p.startsWith('[ERROR] '))).toBe(true);
  });

  it('accepts 100 blocks in a modal and on a Home tab', () => {
    const blocks = many(100, (i) => section(`s${i}`));

    expect(validateBlocks(blocks, 'modal')).toEqual([]);
    expect(validateBlocks(blocks, 'home')).toEqual([]);
  });

  it('allows the same action_id in different blocks', () => {
    const blocks = [
      { type: 'actions', elements: [button('approve')] },
      { type: 'actions', elements: [button('approve')] },
    ];

    expect(validateBlocks(blocks, 'message')).toEqual([]);
  });
});

describe('validateView', () => {
  it('accepts a typical request modal', () => {
    expect(validateView(modal(), 'modal')).toEqual([]);
  });

  it.each([
    ['title over 24 characters', modal({ title: plain('x'.repeat(25)) }), 'must be less than 25 characters [json-pointer:/view/title/text]'],
    ['submit over 24 characters', modal({ submit: plain('x'.repeat(25)) }), '[json-pointer:/view/submit/text]'],
    ['close over 24 characters', modal({ close: plain('x'.repeat(25)) }), '[json-pointer:/view/close/text]'],
    ['mrkdwn title', modal({ title: { type: 'mrkdwn', text: 'T' } }), 'must be plain_text [json-pointer:/view/title/type]'],
    ['no title', modal({ title: undefined }), 'missing required field: title'],
    ['no type', modal({ type: undefined }), 'missing required field: type'],
    ['input blocks without submit', modal({ submit: undefined }), 'submit is required'],
    ['private_metadata over 3000', modal({ private_metadata: 'm'.repeat(3001) }), '[json-pointer:/view/private_metadata]'],
    ['callback_id over 255', modal({ callback_id: 'c'.repeat(256) }), '[json-pointer:/view/callback_id]'],
    ['a bad block', modal({ blocks: [section('')] }), '[json-pointer:/view/blocks/0/text/text]'],
  ] as const)('rejects a modal with %s', (_name, view, expected) => {
    expect(validateView(view, 'modal').join('\n')).toContain(expected);
  });

  it('accepts a Home view without title and refuses a modal published as Home', () => {
    expect(validateView({ type: 'home', blocks: [section('hi')] }, 'home')).toEqual([]);
    expect(validateView(modal(), 'home').join('\n')).toContain('must be home');
  });
});

describe('block readers', () => {
  it('finds elements by block_id and action_id and collects text', () => {
    const blocks = [section('Hello *Ada*', 'intro'), { type: 'actions', block_id: 'decide', elements: [button('approve', 'Approve', 'KEY-1')] }];

    expect(findElement(blocks, 'decide', 'approve')?.element['value']).toBe('KEY-1');
    expect(findElement(blocks, 'decide', 'nope')).toBeUndefined();
    expect(blocksText(blocks)).toBe('Hello *Ada*\nApprove');
  });
});
