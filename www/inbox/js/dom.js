// DOM helpers. Every server field and every piece of page text is hostile, so nothing here ever
// assigns markup: text goes in as text nodes, attributes through setAttribute on an allow-list.

/** Bidirectional and invisible formatting characters that could disguise a URL or a name. */
const CONTROL_RE = /[\u061C\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/u;

/** Attributes that may carry data; event handlers and `style` are never set from here. */
const SAFE_ATTRS = new Set([
  'id', 'class', 'href', 'type', 'name', 'value', 'placeholder', 'title', 'for', 'role', 'colspan',
  'rowspan', 'download', 'target', 'rel', 'min', 'max', 'step', 'required', 'disabled', 'checked',
  'selected', 'readonly', 'autocomplete', 'aria-label', 'aria-live', 'aria-pressed', 'aria-expanded',
  'aria-current', 'aria-hidden', 'sandbox', 'src', 'alt', 'lang', 'dir', 'tabindex', 'multiple',
  'rows', 'cols', 'maxlength', 'scope', 'datetime', 'hidden', 'open', 'referrerpolicy',
]);

/**
 * Builds an element. `attrs` keys starting with `data-` or in SAFE_ATTRS become attributes,
 * `on*` keys with function values become listeners; children are nodes or strings (as text).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any>} [attrs]
 * @param {...any} children nodes, strings (as text), arrays of them; null/undefined/false skipped
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key.startsWith('data-') || SAFE_ATTRS.has(key)) {
      if (key === 'href' || key === 'src') {
        el.setAttribute(key, safeUrl(String(value)));
      } else {
        el.setAttribute(key, value === true ? '' : String(value));
      }
    } else {
      throw new Error(`h(): attribute ${key} is not allowed`);
    }
  }
  append(el, children);
  return el;
}

/** Appends children (strings as text nodes), flattening arrays and skipping empty values. */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Removes every child of `el`. */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/**
 * Only http(s), same-page fragments, relative API paths and blob: URLs may become links or
 * image sources; anything else (javascript:, data:text/html, …) becomes an inert '#'.
 */
export function safeUrl(url) {
  if (url.startsWith('#') || url.startsWith('/')) return url.startsWith('//') ? '#' : url;
  try {
    const u = new URL(url, location.href);
    if (u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'blob:') return u.href;
  } catch {
    // fall through: not a URL
  }
  return '#';
}

/**
 * Text as nodes, with bidi overrides and zero-width characters made visible as ⟨U+202E⟩ so that a
 * reversed or disguised name or URL shows what it really contains (page text is hostile).
 * @param {string} text
 * @returns {DocumentFragment}
 */
export function literal(text) {
  const frag = document.createDocumentFragment();
  let run = '';
  for (const ch of Array.from(String(text ?? ''))) {
    if (CONTROL_RE.test(ch)) {
      if (run) frag.append(document.createTextNode(run));
      run = '';
      const code = ch.codePointAt(0).toString(16).toUpperCase().padStart(4, '0');
      const mark = document.createElement('span');
      mark.className = 'ctl';
      mark.title = '書式制御文字（表示を偽装するおそれ）';
      mark.textContent = `⟨U+${code}⟩`;
      frag.append(mark);
    } else {
      run += ch;
    }
  }
  if (run) frag.append(document.createTextNode(run));
  return frag;
}

/** Whether the text holds a formatting character that `literal` would reveal. */
export function hasControls(text) {
  return CONTROL_RE.test(String(text ?? ''));
}

/**
 * The text with evidence spans marked. Offsets count code points (architecture.md), so the text is
 * split with Array.from; overlapping spans are merged and their labels joined in the title.
 * @param {string} text
 * @param {Array<{start:number,end:number,label?:string,kind?:string}>} spans
 * @returns {DocumentFragment}
 */
export function highlight(text, spans) {
  const chars = Array.from(String(text ?? ''));
  const valid = (spans || [])
    .filter((s) => Number.isInteger(s.start) && Number.isInteger(s.end) && s.start < s.end)
    .map((s) => ({ ...s, start: Math.max(0, s.start), end: Math.min(chars.length, s.end) }))
    .filter((s) => s.start < s.end)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const merged = [];
  for (const s of valid) {
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) {
      last.end = Math.max(last.end, s.end);
      if (s.label && !last.labels.includes(s.label)) last.labels.push(s.label);
      if (s.kind && !last.kinds.includes(s.kind)) last.kinds.push(s.kind);
    } else {
      merged.push({ start: s.start, end: s.end, labels: s.label ? [s.label] : [], kinds: s.kind ? [s.kind] : [] });
    }
  }
  const frag = document.createDocumentFragment();
  let pos = 0;
  for (const m of merged) {
    if (m.start > pos) frag.append(literal(chars.slice(pos, m.start).join('')));
    const mark = document.createElement('mark');
    mark.className = ['span', ...m.kinds.map((k) => `span-${k.replace(/[^a-z_]/g, '')}`)].join(' ');
    mark.title = m.labels.join(' / ');
    mark.append(literal(chars.slice(m.start, m.end).join('')));
    frag.append(mark);
    pos = m.end;
  }
  if (pos < chars.length) frag.append(literal(chars.slice(pos).join('')));
  return frag;
}

/** JST date-time for display (police work in Japan time whatever the desk's locale). */
export function jst(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat('ja-JP', {
    timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit',
  }).format(d);
}

/** A status line for the page: errors in Japanese, announced to screen readers. */
export function notice(kind, text) {
  return h('p', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/** Replaces the children of `el` (strings as text, empty values skipped, unlike replaceChildren). */
export function replace(el, ...children) {
  return append(clear(el), children);
}
