/**
 * Draws what a person sees in Slack, for `npm run demo`: Block Kit as readable text for the terminal and as a
 * self-contained HTML page. Demo-only (test/demo, never src): it reads the fakes' stored messages and views,
 * so it shows exactly what Keycard sent, every block of it.
 */

/** A Block Kit value as the fakes store it. */
type Json = Record<string, unknown>;

/** One thing a person saw, in the order it happened. */
export interface Shown {
  readonly step: string;
  /** Whose screen: `Priya Shah`. */
  readonly who: string;
  /** `message`, `only you` (ephemeral), `modal` or `App Home`. */
  readonly kind: 'message' | 'ephemeral' | 'modal' | 'home';
  readonly title?: string;
  readonly text: string;
  /** Block Kit blocks as Keycard built or Slack stored them. */
  readonly blocks: readonly object[];
}

/** Emoji Keycard uses, as Slack draws them; an unknown one is shown as its name in words. */
const EMOJI: Readonly<Record<string, string>> = {
  white_check_mark: '✅',
  x: '❌',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  hourglass_flowing_sand: '⏳',
  hourglass: '⌛',
  alarm_clock: '⏰',
  warning: '⚠️',
  lock: '🔒',
  unlock: '🔓',
  key: '🔑',
  busts_in_silhouette: '👥',
  bust_in_silhouette: '👤',
  information_source: 'ℹ️',
  wave: '👋',
  clock3: '🕒',
  stopwatch: '⏱️',
  memo: '📝',
  ticket: '🎫',
  link: '🔗',
  calendar: '📅',
  rotating_light: '🚨',
  leftwards_arrow_with_hook: '↩️',
  heavy_check_mark: '✔️',
  hammer_and_wrench: '🛠️',
  mag: '🔍',
  inbox_tray: '📥',
  outbox_tray: '📤',
  bell: '🔔',
  door: '🚪',
};

export interface Names {
  /** The name Slack shows for a user id (`Priya Shah`), or undefined for an unknown id. */
  (slackId: string): string | undefined;
}

/** Mrkdwn as plain words: mentions by name, links by label, emoji drawn, escapes undone. Formatting marks stay for `style`. */
function words(mrkdwn: string, names: Names): string {
  return mrkdwn
    .replace(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g, (_, id: string) => `@${names(id) ?? id}`)
    .replace(/<#(C[A-Z0-9]+)(?:\|([^>]*))?>/g, (_, id: string, label?: string) => `#${label ?? id}`)
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<(https?:[^>]+)>/g, '$1')
    .replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? `(${name.replace(/_/g, ' ')})`)
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as Json)['text'] === 'string') return (value as Json)['text'] as string;
  return '';
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isJson) : [];
}

/** `[ Approve ]` for a button, `[ Pick an app ▾ ]` for a select: what a person can press. */
function control(element: Json): string {
  const type = String(element['type'] ?? '');
  if (type === 'button') return `[ ${textOf(element['text'])} ]`;
  if (type === 'overflow') return '[ ⋯ ]';
  if (type.endsWith('select')) {
    const initial = textOf(isJson(element['initial_option']) ? element['initial_option']['text'] : undefined);
    return `[ ${initial || textOf(element['placeholder']) || 'choose'} ▾ ]`;
  }
  if (type === 'plain_text_input') return `[ ${String(element['initial_value'] ?? '') || textOf(element['placeholder']) || '…'} ]`;
  if (type === 'datepicker' || type === 'timepicker') return `[ ${String(element['initial_date'] ?? element['initial_time'] ?? 'pick')} ]`;
  if (type === 'checkboxes' || type === 'radio_buttons') return list(element['options']).map((o) => `( ) ${textOf(o['text'])}`).join('  ');
  return `[ ${type} ]`;
}

/** Terminal styling: only on a TTY, so piped output is plain text. */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
}

export function terminalStyle(tty: boolean): Style {
  return tty
    ? { bold: (t) => `\x1b[1m${t}\x1b[0m`, dim: (t) => `\x1b[2m${t}\x1b[0m` }
    : { bold: (t) => t, dim: (t) => t };
}

function mrkdwnForTerminal(text: string, names: Names, style: Style): string {
  return words(text, names)
    .replace(/(^|[\s(])\*([^*\n]+)\*/g, (_, before: string, inner: string) => `${before}${style.bold(inner)}`)
    .replace(/(^|[\s(])_([^_\n]+)_/g, '$1$2')
    .replace(/```([\s\S]*?)```/g, '$1')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/^>\s?/gm, '❝ ');
}

/** Every block as lines of text, nothing cut. */
export function blocksAsText(given: readonly object[], fallback: string, names: Names, style: Style): string[] {
  const blocks = list(given);
  if (blocks.length === 0) return mrkdwnForTerminal(fallback, names, style).split('\n');
  const lines: string[] = [];
  const md = (value: unknown): string[] => mrkdwnForTerminal(textOf(value), names, style).split('\n');
  for (const block of blocks) {
    const type = String(block['type'] ?? '');
    if (type === 'header') lines.push(style.bold(words(textOf(block['text']), names)));
    else if (type === 'divider') lines.push(style.dim('────────────────────────'));
    else if (type === 'section') {
      if (block['text']) lines.push(...md(block['text']));
      for (const field of list(block['fields'])) lines.push(...md(field).map((l, i) => (i === 0 ? `▸ ${l}` : `  ${l}`)));
      if (isJson(block['accessory'])) lines.push(control(block['accessory']));
    } else if (type === 'context') lines.push(...list(block['elements']).map((e) => style.dim(mrkdwnForTerminal(textOf(e), names, style))));
    else if (type === 'actions') lines.push(list(block['elements']).map(control).join(' '));
    else if (type === 'input') {
      const hint = textOf(block['hint']);
      lines.push(`${style.bold(textOf(block['label']))}${block['optional'] ? ' (optional)' : ''}`, `  ${isJson(block['element']) ? control(block['element']) : ''}`);
      if (hint) lines.push(style.dim(`  ${words(hint, names)}`));
    } else if (type === 'rich_text') lines.push(words(JSON.stringify(block).replace(/.*?"text":"([^"]*)".*?/g, '$1'), names));
    else lines.push(style.dim(`(${type})`));
  }
  return lines;
}

/** One shown thing for the terminal: a heading saying whose screen and what, then every line indented. */
export function shownAsText(shown: Shown, names: Names, style: Style): string {
  const where = { message: 'Slack message', ephemeral: 'only they see it', modal: 'modal', home: 'App Home' }[shown.kind];
  const heading = `${shown.who} sees (${where}${shown.title ? `: ${shown.title}` : ''}):`;
  const body = blocksAsText(shown.blocks, shown.text, names, style)
    .flatMap((l) => l.split('\n'))
    .map((l) => `  │ ${l}`);
  return [heading, ...body].join('\n');
}

// ------------------------------------------------------------------------------------------------ HTML

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Mrkdwn as Slack draws it: bold, italics, code, links, mentions as highlighted names. */
function mrkdwnHtml(mrkdwn: string, names: Names): string {
  const mentions: string[] = [];
  const marked = mrkdwn.replace(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g, (_, id: string) => {
    mentions.push(names(id) ?? id);
    return `\u0000${mentions.length - 1}\u0000`;
  });
  let html = esc(words(marked, names).replace(/ \((https?:[^)]+)\)/g, ' \u0001$1\u0001'));
  html = html
    .replace(/([^\s\u0001]+) \u0001([^\u0001]+)\u0001/g, '<a href="$2">$1</a>')
    .replace(/```([\s\S]*?)```/g, '<pre>$1</pre>')
    .replace(/`([^`\n]+)`/g, '<code>$1</code>')
    .replace(/(^|[\s(>])\*([^*\n]+)\*/g, '$1<b>$2</b>')
    .replace(/(^|[\s(>])_([^_\n]+)_/g, '$1<i>$2</i>')
    .replace(/(^|[\s(>])~([^~\n]+)~/g, '$1<s>$2</s>')
    .replace(/\u0000(\d+)\u0000/g, (_, i: string) => `<span class="mention">@${esc(mentions[Number(i)] ?? '')}</span>`)
    .replace(/\n/g, '<br>')
    .replace(/(^|<br>)&gt;\s?(.*?)(?=<br>|$)/g, '$1<span class="quote">$2</span>');
  return html;
}

function richText(value: unknown, names: Names): string {
  if (!isJson(value)) return '';
  const text = textOf(value);
  return value['type'] === 'mrkdwn' ? mrkdwnHtml(text, names) : esc(words(text, names)).replace(/\n/g, '<br>');
}

function controlHtml(element: Json): string {
  const type = String(element['type'] ?? '');
  if (type === 'button') {
    const style = element['style'] === 'primary' ? ' primary' : element['style'] === 'danger' ? ' danger' : '';
    return `<button class="btn${style}">${esc(textOf(element['text']))}</button>`;
  }
  return `<span class="control">${esc(control(element).replace(/^\[ | \]$/g, ''))}</span>`;
}

function blocksHtml(given: readonly object[], fallback: string, names: Names): string {
  const blocks = list(given);
  if (blocks.length === 0) return `<div class="section">${mrkdwnHtml(fallback, names)}</div>`;
  return blocks
    .map((block) => {
      const type = String(block['type'] ?? '');
      if (type === 'header') return `<div class="header">${esc(words(textOf(block['text']), names))}</div>`;
      if (type === 'divider') return '<hr>';
      if (type === 'section') {
        const fields = list(block['fields']);
        const accessory = isJson(block['accessory']) ? `<div class="accessory">${controlHtml(block['accessory'])}</div>` : '';
        return (
          `<div class="section">${accessory}${block['text'] ? `<div>${richText(block['text'], names)}</div>` : ''}` +
          (fields.length ? `<div class="fields">${fields.map((f) => `<div>${richText(f, names)}</div>`).join('')}</div>` : '') +
          '</div>'
        );
      }
      if (type === 'context') return `<div class="context">${list(block['elements']).map((e) => `<span>${richText(e, names)}</span>`).join('')}</div>`;
      if (type === 'actions') return `<div class="actions">${list(block['elements']).map(controlHtml).join('')}</div>`;
      if (type === 'input') {
        const element = isJson(block['element']) ? block['element'] : {};
        const multiline = element['multiline'] === true;
        const value = esc(String(element['initial_value'] ?? ''));
        const placeholder = esc(textOf(element['placeholder']));
        const field = element['type'] === 'plain_text_input'
          ? multiline ? `<textarea placeholder="${placeholder}">${value}</textarea>` : `<input value="${value}" placeholder="${placeholder}">`
          : `<span class="control wide">${esc(control(element).replace(/^\[ | \]$/g, ''))}</span>`;
        const hint = textOf(block['hint']);
        return `<label class="input"><span class="label">${esc(textOf(block['label']))}${block['optional'] ? ' <i>(optional)</i>' : ''}</span>${field}${hint ? `<span class="hint">${esc(hint)}</span>` : ''}</label>`;
      }
      return `<div class="context">(${esc(type)})</div>`;
    })
    .join('\n');
}

const CSS = `
body{font:15px/1.46 -apple-system,"Segoe UI",Lato,Helvetica,Arial,sans-serif;color:#1d1c1d;background:#f4f4f6;margin:0;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:32px 0 8px;color:#4a154b}
.intro{color:#616061;margin-bottom:16px}
.shown{background:#fff;border:1px solid #dddddd;border-radius:8px;max-width:720px;margin:12px 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.shown.modal{border-color:#4a154b;max-width:560px}.shown.home{max-width:820px}
.bar{display:flex;gap:8px;align-items:center;padding:8px 14px;border-bottom:1px solid #eee;font-size:13px;color:#616061}
.bar b{color:#1d1c1d}.tag{background:#eef;border-radius:4px;padding:0 6px}
.title{font-weight:700;font-size:18px;padding:12px 16px 0}
.msg{display:flex;gap:10px;padding:12px 16px}
.avatar{width:36px;height:36px;border-radius:6px;background:#1d3557;color:#fff;font-weight:700;display:flex;align-items:center;justify-content:center;flex:none}
.body{flex:1;min-width:0}.app{font-weight:900}.app small{font-weight:400;color:#616061;background:#e8e8e8;border-radius:3px;padding:0 4px;margin-left:4px;font-size:11px}
.header{font-size:18px;font-weight:900;margin:6px 0}
.section{margin:6px 0;overflow:hidden}.fields{display:grid;grid-template-columns:1fr 1fr;gap:8px 16px;margin-top:6px}
.accessory{float:right;margin-left:8px}
.context{font-size:12px;color:#616061;margin:6px 0;display:flex;flex-wrap:wrap;gap:8px}
.actions{display:flex;flex-wrap:wrap;gap:8px;margin:10px 0}
.btn{font:inherit;font-weight:700;font-size:14px;border:1px solid #bbb;background:#fff;border-radius:4px;padding:4px 12px}
.btn.primary{background:#007a5a;border-color:#007a5a;color:#fff}.btn.danger{color:#e01e5a;border-color:#e01e5a}
.control{display:inline-block;border:1px solid #bbb;border-radius:4px;padding:4px 10px;font-size:14px}.control.wide{display:block}

hr{border:0;border-top:1px solid #ddd;margin:10px 0}
.mention{background:#e8f5fa;color:#1264a3;border-radius:3px;padding:0 2px}
code{font:12px Monaco,Menlo,monospace;background:#f6f6f6;border:1px solid #ddd;border-radius:3px;padding:1px 3px;color:#e01e5a}
pre{font:12px Monaco,Menlo,monospace;background:#f6f6f6;border:1px solid #ddd;border-radius:4px;padding:8px;white-space:pre-wrap}
a{color:#1264a3}
.quote{display:block;border-left:4px solid #ddd;padding-left:10px;color:#1d1c1d}
.input{display:block;margin:10px 0}.label{display:block;font-weight:700;margin-bottom:4px}
.input input,.input textarea{box-sizing:border-box;width:100%;font:inherit;border:1px solid #bbb;border-radius:4px;padding:6px}
.input textarea{min-height:70px}.hint{display:block;font-size:12px;color:#616061;margin-top:2px}
.footer{display:flex;justify-content:flex-end;gap:8px;padding:10px 16px;border-top:1px solid #eee}
pre.log{max-width:900px;background:#fff}
`;

function initials(name: string): string {
  return name
    .split(/\s+/)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
}

function shownHtml(shown: Shown, names: Names): string {
  const where = { message: 'direct message from Keycard', ephemeral: 'only visible to you', modal: 'modal', home: 'Keycard · Home tab' }[shown.kind];
  const bar = `<div class="bar"><b>${esc(shown.who)}</b> sees <span class="tag">${esc(where)}</span></div>`;
  const content = blocksHtml(shown.blocks, shown.text, names);
  if (shown.kind === 'modal') {
    return `<div class="shown modal">${bar}<div class="title">${esc(shown.title ?? 'Keycard')}</div><div class="msg"><div class="body">${content}</div></div><div class="footer"><button class="btn">Cancel</button><button class="btn primary">Submit</button></div></div>`;
  }
  if (shown.kind === 'home') return `<div class="shown home">${bar}<div class="msg"><div class="body">${content}</div></div></div>`;
  return `<div class="shown ${shown.kind}">${bar}<div class="msg"><div class="avatar">${initials('Key Card')}</div><div class="body"><div class="app">Keycard<small>APP</small></div>${content}</div></div></div>`;
}

/** The whole journey as one page with its own styles: no script, no outside file. */
export function journeyHtml(title: string, intro: string, shown: readonly Shown[], trailers: ReadonlyArray<{ heading: string; lines: readonly string[] }>, names: Names): string {
  const parts: string[] = [];
  let step = '';
  for (const item of shown) {
    if (item.step !== step) {
      step = item.step;
      parts.push(`<h2>${esc(step)}</h2>`);
    }
    parts.push(shownHtml(item, names));
  }
  for (const trailer of trailers) parts.push(`<h2>${esc(trailer.heading)}</h2><pre class="log">${esc(trailer.lines.join('\n'))}</pre>`);
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${CSS}</style></head>\n<body><h1>${esc(title)}</h1><div class="intro">${esc(intro)}</div>\n${parts.join('\n')}\n</body></html>\n`;
}
