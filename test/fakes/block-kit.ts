/**
 * Block Kit validation as Slack applies it, for the Slack fake, plus small readers that tests and the
 * driver use to find elements and text in blocks.
 *
 * Problems are worded like Slack's own `response_metadata.messages`, e.g.
 * `[ERROR] must be less than 25 characters [json-pointer:/view/title/text]`, so a failing test reads
 * like the log line the app would print in production.
 *
 * Limits follow ../shared/SDK-NOTES.md (Slack section) and the Block Kit reference on docs.slack.dev
 * (blocks, block elements, composition objects, views). Lengths are counted in UTF-16 code units
 * (`String.length`): stricter than Slack for astral characters such as emoji, never looser.
 */

export type Surface = 'message' | 'modal' | 'home';
export type JsonObject = Record<string, unknown>;

export const BLOCK_KIT_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  messageText: 40_000,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  id: 255,
  actionsElements: 25,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  selectOptions: 100,
  selectOptionGroups: 100,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  optionGroupLabel: 75,
  radioOrCheckboxOptions: 10,
  overflowOptions: 5,
  placeholder: 150,
  inputLabel: 2000,
  inputHint: 2000,
  plainTextInputLength: 3000,
  imageAltText: 2000,
  markdownBlockText: 12_000,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
} as const;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const BLOCK_TYPES = new Set([
  'section',
  'header',
  'divider',
  'actions',
  'context',
  'input',
  'image',
  'rich_text',
  'markdown',
  'video',
  'file',
  'table',
  'context_actions',
]);

/** Blocks that Slack accepts only in messages. */
const MESSAGE_ONLY_BLOCKS = new Set(['file', 'markdown', 'table', 'context_actions']);

const SELECTS = [
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
];
const ACTIONS_ELEMENTS = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'overflow',
  'radio_buttons',
  'timepicker',
  'workflow_button',
  'rich_text_input',
  ...SELECTS,
]);
const ACCESSORY_ELEMENTS = new Set([...ACTIONS_ELEMENTS, 'image']);
const INPUT_ELEMENTS = new Set([
  'plain_text_input',
  'email_text_input',
  'url_text_input',
  'number_input',
  'rich_text_input',
  'file_input',
  'checkboxes',
  'radio_buttons',
  'datepicker',
  'timepicker',
  'datetimepicker',
  ...SELECTS,
]);

interface Walk {
  readonly problems: string[];
  readonly surface: Surface;
}

function at(pointer: string, message: string): string {
  return `[ERROR] ${message} [json-pointer:${pointer}]`;
}

function checkLength(walk: Walk, value: unknown, max: number, pointer: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string') {
    walk.problems.push(at(pointer, 'must be a string'));
    return;
  }
  if (value.length > max) walk.problems.push(at(pointer, `must be less than ${max + 1} characters`));
}

function checkItems(walk: Walk, value: unknown, min: number, max: number, pointer: string): value is unknown[] {
  if (!Array.isArray(value)) {
    walk.problems.push(at(pointer, 'must be an array'));
    return false;
  }
  if (value.length < min) walk.problems.push(at(pointer, `must provide at least ${min} items`));
  if (value.length > max) walk.problems.push(at(pointer, `must be less than ${max + 1} items`));
  return true;
}

interface TextRule {
  max?: number;
  plainOnly?: boolean;
  required?: boolean;
}

/** A composition text object: `{ type: 'plain_text' | 'mrkdwn', text }` with non-empty text. */
function checkText(walk: Walk, value: unknown, pointer: string, rule: TextRule = {}): void {
  if (value === undefined) {
    if (rule.required ?? true) walk.problems.push(at(pointer, 'missing required field: text object'));
    return;
  }
  if (!isObject(value)) {
    walk.problems.push(at(pointer, 'must be a text object'));
    return;
  }
  const type = value['type'];
  if (type !== 'plain_text' && type !== 'mrkdwn') {
    walk.problems.push(at(`${pointer}/type`, 'must be plain_text or mrkdwn'));
  } else if (rule.plainOnly && type !== 'plain_text') {
    walk.problems.push(at(`${pointer}/type`, 'must be plain_text'));
  }
  const text = value['text'];
  if (typeof text !== 'string' || text.length === 0) {
    walk.problems.push(at(`${pointer}/text`, 'must be more than 0 characters'));
    return;
  }
  if (rule.max !== undefined) checkLength(walk, text, rule.max, `${pointer}/text`);
}

function checkConfirm(walk: Walk, value: unknown, pointer: string): void {
  if (value === undefined) return;
  if (!isObject(value)) {
    walk.problems.push(at(pointer, 'must be a confirmation dialog object'));
    return;
  }
  const L = BLOCK_KIT_LIMITS;
  checkText(walk, value['title'], `${pointer}/title`, { max: L.confirmTitle, plainOnly: true });
  checkText(walk, value['text'], `${pointer}/text`, { max: L.confirmText });
  checkText(walk, value['confirm'], `${pointer}/confirm`, { max: L.confirmButton, plainOnly: true });
  checkText(walk, value['deny'], `${pointer}/deny`, { max: L.confirmButton, plainOnly: true });
}

function checkOption(walk: Walk, value: unknown, pointer: string, plainOnly: boolean): void {
  if (!isObject(value)) {
    walk.problems.push(at(pointer, 'must be an option object'));
    return;
  }
  const L = BLOCK_KIT_LIMITS;
  checkText(walk, value['text'], `${pointer}/text`, { max: L.optionText, plainOnly });
  if (typeof value['value'] !== 'string') walk.problems.push(at(`${pointer}/value`, 'missing required field: value'));
  else checkLength(walk, value['value'], L.optionValue, `${pointer}/value`);
  if (value['description'] !== undefined) {
    checkText(walk, value['description'], `${pointer}/description`, { max: L.optionDescription, plainOnly: true });
  }
  checkLength(walk, value['url'], L.url, `${pointer}/url`);
}

function checkOptions(walk: Walk, value: unknown, max: number, pointer: string, plainOnly: boolean): void {
  if (!checkItems(walk, value, 1, max, pointer)) return;
  value.forEach((option, i) => checkOption(walk, option, `${pointer}/${i}`, plainOnly));
}

/** Every option of a select or choice element, flattening `option_groups`. */
export function optionsOf(element: JsonObject): JsonObject[] {
  const direct = Array.isArray(element['options']) ? element['options'] : [];
  const grouped = Array.isArray(element['option_groups'])
    ? element['option_groups'].flatMap((g) => (isObject(g) && Array.isArray(g['options']) ? g['options'] : []))
    : [];
  return [...direct, ...grouped].filter(isObject);
}

function sameOption(a: unknown, b: JsonObject): boolean {
  if (!isObject(a) || a['value'] !== b['value']) return false;
  const textA = isObject(a['text']) ? a['text']['text'] : undefined;
  const textB = isObject(b['text']) ? b['text']['text'] : undefined;
  return textA === textB;
}

function checkSelect(walk: Walk, element: JsonObject, pointer: string): void {
  const L = BLOCK_KIT_LIMITS;
  const type = String(element['type']);
  if (element['placeholder'] !== undefined) {
    checkText(walk, element['placeholder'], `${pointer}/placeholder`, { max: L.placeholder, plainOnly: true });
  }
  if (type !== 'static_select' && type !== 'multi_static_select') {
    if (element['initial_option'] !== undefined) checkOption(walk, element['initial_option'], `${pointer}/initial_option`, true);
    return;
  }
  const hasOptions = element['options'] !== undefined;
  const hasGroups = element['option_groups'] !== undefined;
  if (hasOptions === hasGroups) {
    walk.problems.push(at(pointer, 'must provide exactly one of options or option_groups'));
    return;
  }
  if (hasOptions) checkOptions(walk, element['options'], L.selectOptions, `${pointer}/options`, true);
  const groups = element['option_groups'];
  if (hasGroups && checkItems(walk, groups, 1, L.selectOptionGroups, `${pointer}/option_groups`)) {
    groups.forEach((group, g) => {
      const gp = `${pointer}/option_groups/${g}`;
      if (!isObject(group)) {
        walk.problems.push(at(gp, 'must be an option group object'));
        return;
      }
      checkText(walk, group['label'], `${gp}/label`, { max: L.optionGroupLabel, plainOnly: true });
      checkOptions(walk, group['options'], L.selectOptions, `${gp}/options`, true);
    });
  }
  // Slack refuses an initial option that is not one of the options, text and value alike.
  const initial = element['initial_option'];
  if (initial !== undefined && !optionsOf(element).some((o) => sameOption(initial, o))) {
    walk.problems.push(at(`${pointer}/initial_option`, 'must match one of the provided options'));
  }
  const initials = element['initial_options'];
  if (Array.isArray(initials) && initials.some((i) => !optionsOf(element).some((o) => sameOption(i, o)))) {
    walk.problems.push(at(`${pointer}/initial_options`, 'must match the provided options'));
  }
}

function checkElement(
  walk: Walk,
  element: unknown,
  pointer: string,
  allowed: ReadonlySet<string>,
  actionIds: Set<string>,
): void {
  const L = BLOCK_KIT_LIMITS;
  if (!isObject(element)) {
    walk.problems.push(at(pointer, 'must be an element object'));
    return;
  }
  const type = element['type'];
  if (typeof type !== 'string') {
    walk.problems.push(at(`${pointer}/type`, 'missing required field: type'));
    return;
  }
  if (!allowed.has(type)) {
    walk.problems.push(at(`${pointer}/type`, `element type ${type} is not allowed here`));
    return;
  }
  const actionId = element['action_id'];
  if (actionId !== undefined) {
    if (typeof actionId !== 'string' || actionId.length === 0) {
      walk.problems.push(at(`${pointer}/action_id`, 'must be a non-empty string'));
    } else {
      checkLength(walk, actionId, L.id, `${pointer}/action_id`);
      if (actionIds.has(actionId)) walk.problems.push(at(`${pointer}/action_id`, `duplicate action_id ${actionId}`));
      actionIds.add(actionId);
    }
  }
  checkConfirm(walk, element['confirm'], `${pointer}/confirm`);
  switch (type) {
    case 'button':
      checkText(walk, element['text'], `${pointer}/text`, { max: L.buttonText, plainOnly: true });
      checkLength(walk, element['value'], L.buttonValue, `${pointer}/value`);
      checkLength(walk, element['url'], L.url, `${pointer}/url`);
      if (element['style'] !== undefined && element['style'] !== 'primary' && element['style'] !== 'danger') {
        walk.problems.push(at(`${pointer}/style`, 'must be primary or danger'));
      }
      return;
    case 'overflow':
      checkOptions(walk, element['options'], L.overflowOptions, `${pointer}/options`, true);
      return;
    case 'radio_buttons':
    case 'checkboxes':
      checkOptions(walk, element['options'], L.radioOrCheckboxOptions, `${pointer}/options`, false);
      return;
    case 'plain_text_input': {
      const max = element['max_length'];
      const min = element['min_length'];
      if (max !== undefined && (typeof max !== 'number' || max < 1 || max > L.plainTextInputLength)) {
        walk.problems.push(at(`${pointer}/max_length`, `must be between 1 and ${L.plainTextInputLength}`));
      }
      if (min !== undefined && (typeof min !== 'number' || min < 0 || min > L.plainTextInputLength)) {
        walk.problems.push(at(`${pointer}/min_length`, `must be between 0 and ${L.plainTextInputLength}`));
      }
      if (typeof max === 'number' && typeof min === 'number' && min > max) {
        walk.problems.push(at(`${pointer}/min_length`, 'must not be greater than max_length'));
      }
      const initial = element['initial_value'];
      if (typeof max === 'number') checkLength(walk, initial, max, `${pointer}/initial_value`);
      if (element['placeholder'] !== undefined) {
        checkText(walk, element['placeholder'], `${pointer}/placeholder`, { max: L.placeholder, plainOnly: true });
      }
      return;
    }
    case 'datepicker': {
      const initial = element['initial_date'];
      if (initial !== undefined && (typeof initial !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(initial))) {
        walk.problems.push(at(`${pointer}/initial_date`, 'must be in the format YYYY-MM-DD'));
      }
      return;
    }
    case 'image':
      if (element['image_url'] === undefined && element['slack_file'] === undefined) {
        walk.problems.push(at(pointer, 'missing required field: image_url'));
      }
      checkLength(walk, element['image_url'], L.url, `${pointer}/image_url`);
      if (typeof element['alt_text'] !== 'string') walk.problems.push(at(`${pointer}/alt_text`, 'missing required field: alt_text'));
      else checkLength(walk, element['alt_text'], L.imageAltText, `${pointer}/alt_text`);
      return;
    default:
      if (SELECTS.includes(type)) checkSelect(walk, element, pointer);
  }
}

function checkBlock(walk: Walk, block: unknown, pointer: string, blockIds: Set<string>): void {
  const L = BLOCK_KIT_LIMITS;
  if (!isObject(block)) {
    walk.problems.push(at(pointer, 'must be a block object'));
    return;
  }
  const type = block['type'];
  if (typeof type !== 'string') {
    walk.problems.push(at(`${pointer}/type`, 'missing required field: type'));
    return;
  }
  if (!BLOCK_TYPES.has(type)) {
    walk.problems.push(at(`${pointer}/type`, `unsupported block type ${type}`));
    return;
  }
  if (walk.surface !== 'message' && MESSAGE_ONLY_BLOCKS.has(type)) {
    walk.problems.push(at(`${pointer}/type`, `block type ${type} is only allowed in messages`));
  }
  const blockId = block['block_id'];
  if (blockId !== undefined) {
    if (typeof blockId !== 'string' || blockId.length === 0) {
      walk.problems.push(at(`${pointer}/block_id`, 'must be a non-empty string'));
    } else {
      checkLength(walk, blockId, L.id, `${pointer}/block_id`);
      if (blockIds.has(blockId)) walk.problems.push(at(`${pointer}/block_id`, `duplicate block_id ${blockId}`));
      blockIds.add(blockId);
    }
  }
  const actionIds = new Set<string>();
  switch (type) {
    case 'section': {
      if (block['text'] === undefined && block['fields'] === undefined) {
        walk.problems.push(at(pointer, 'must provide text or fields'));
      }
      if (block['text'] !== undefined) checkText(walk, block['text'], `${pointer}/text`, { max: L.sectionText });
      const fields = block['fields'];
      if (fields !== undefined && checkItems(walk, fields, 1, L.sectionFields, `${pointer}/fields`)) {
        fields.forEach((field, i) =>
          checkText(walk, field, `${pointer}/fields/${i}`, { max: L.sectionFieldText }),
        );
      }
      if (block['accessory'] !== undefined) {
        checkElement(walk, block['accessory'], `${pointer}/accessory`, ACCESSORY_ELEMENTS, actionIds);
      }
      return;
    }
    case 'header':
      checkText(walk, block['text'], `${pointer}/text`, { max: L.headerText, plainOnly: true });
      return;
    case 'actions': {
      const elements = block['elements'];
      if (checkItems(walk, elements, 1, L.actionsElements, `${pointer}/elements`)) {
        elements.forEach((el, i) =>
          checkElement(walk, el, `${pointer}/elements/${i}`, ACTIONS_ELEMENTS, actionIds),
        );
      }
      return;
    }
    case 'context': {
      const elements = block['elements'];
      if (checkItems(walk, elements, 1, L.contextElements, `${pointer}/elements`)) {
        elements.forEach((el, i) => {
          const ep = `${pointer}/elements/${i}`;
          if (isObject(el) && el['type'] === 'image') checkElement(walk, el, ep, new Set(['image']), actionIds);
          else checkText(walk, el, ep);
        });
      }
      return;
    }
    case 'input':
      checkText(walk, block['label'], `${pointer}/label`, { max: L.inputLabel, plainOnly: true });
      if (block['hint'] !== undefined) checkText(walk, block['hint'], `${pointer}/hint`, { max: L.inputHint, plainOnly: true });
      if (block['element'] === undefined) walk.problems.push(at(pointer, 'missing required field: element'));
      else checkElement(walk, block['element'], `${pointer}/element`, INPUT_ELEMENTS, actionIds);
      return;
    case 'image':
      checkElement(walk, { ...block, type: 'image' }, pointer, new Set(['image']), actionIds);
      if (block['title'] !== undefined) checkText(walk, block['title'], `${pointer}/title`, { max: L.imageAltText, plainOnly: true });
      return;
    case 'markdown':
      if (typeof block['text'] !== 'string' || block['text'].length === 0) {
        walk.problems.push(at(`${pointer}/text`, 'must be more than 0 characters'));
      } else checkLength(walk, block['text'], L.markdownBlockText, `${pointer}/text`);
      return;
    default:
      // divider, rich_text, video, file, table, context_actions: accepted without deeper checks.
      return;
  }
}

/**
 * The problems Slack would report for `blocks` on a surface; empty when Slack would accept them.
 * `pointer` is where the blocks sit in the request (`/blocks` for messages, `/view/blocks` for views).
 */
export function validateBlocks(blocks: unknown, surface: Surface, pointer = '/blocks'): string[] {
  const walk: Walk = { problems: [], surface };
  const max = surface === 'message' ? BLOCK_KIT_LIMITS.messageBlocks : BLOCK_KIT_LIMITS.viewBlocks;
  if (!checkItems(walk, blocks, 0, max, pointer)) return walk.problems;
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => checkBlock(walk, block, `${pointer}/${i}`, blockIds));
  return walk.problems;
}

/**
 * The problems Slack would report for a view object passed to views.open / views.update / views.push
 * (`kind: 'modal'`) or views.publish (`kind: 'home'`).
 */
export function validateView(view: unknown, kind: 'modal' | 'home', pointer = '/view'): string[] {
  const L = BLOCK_KIT_LIMITS;
  if (!isObject(view)) return [at(pointer, 'must be a view object')];
  const walk: Walk = { problems: [], surface: kind };
  if (view['type'] === undefined) walk.problems.push(at(pointer, 'missing required field: type'));
  else if (view['type'] !== kind) walk.problems.push(at(`${pointer}/type`, `must be ${kind}`));
  if (kind === 'modal') {
    if (view['title'] === undefined) walk.problems.push(at(pointer, 'missing required field: title'));
    else checkText(walk, view['title'], `${pointer}/title`, { max: L.viewTitle, plainOnly: true });
  }
  for (const button of ['submit', 'close'] as const) {
    if (view[button] !== undefined && view[button] !== null) {
      checkText(walk, view[button], `${pointer}/${button}`, { max: L.viewButton, plainOnly: true });
    }
  }
  checkLength(walk, view['private_metadata'], L.privateMetadata, `${pointer}/private_metadata`);
  checkLength(walk, view['callback_id'], L.id, `${pointer}/callback_id`);
  checkLength(walk, view['external_id'], L.id, `${pointer}/external_id`);
  if (view['blocks'] === undefined) {
    walk.problems.push(at(pointer, 'missing required field: blocks'));
    return walk.problems;
  }
  walk.problems.push(...validateBlocks(view['blocks'], kind, `${pointer}/blocks`));
  const hasInput = Array.isArray(view['blocks']) && view['blocks'].some((b) => isObject(b) && b['type'] === 'input');
  if (kind === 'modal' && hasInput && (view['submit'] === undefined || view['submit'] === null)) {
    walk.problems.push(at(`${pointer}/submit`, 'submit is required when a view has input blocks'));
  }
  return walk.problems;
}

/** Where an element sits: the block that holds it and whether that block is an input block. */
export interface ElementLocation {
  readonly block: JsonObject;
  readonly element: JsonObject;
  readonly blockId: string;
  readonly actionId: string;
  readonly inInput: boolean;
}

/** Every element with an action_id, in the order Slack renders them. */
export function elementsOf(blocks: unknown): ElementLocation[] {
  if (!Array.isArray(blocks)) return [];
  const found: ElementLocation[] = [];
  for (const block of blocks) {
    if (!isObject(block) || typeof block['block_id'] !== 'string') continue;
    const blockId = block['block_id'];
    const candidates: unknown[] = [];
    if (Array.isArray(block['elements']) && block['type'] === 'actions') candidates.push(...block['elements']);
    if (block['accessory'] !== undefined) candidates.push(block['accessory']);
    if (block['element'] !== undefined) candidates.push(block['element']);
    for (const element of candidates) {
      if (!isObject(element) || typeof element['action_id'] !== 'string') continue;
      found.push({ block, element, blockId, actionId: element['action_id'], inInput: block['type'] === 'input' });
    }
  }
  return found;
}

export function findElement(blocks: unknown, blockId: string, actionId: string): ElementLocation | undefined {
  return elementsOf(blocks).find((e) => e.blockId === blockId && e.actionId === actionId);
}

/** All human-readable text in blocks (or any JSON), one string per line: handy for `toContain`. */
export function blocksText(value: unknown): string {
  const lines: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!isObject(node)) return;
    if (typeof node['text'] === 'string') lines.push(node['text']);
    for (const [key, child] of Object.entries(node)) {
      if (key !== 'text' || typeof child !== 'string') visit(child);
    }
  };
  visit(value);
  return lines.join('\n');
}
