// @ts-check
/**
 * The in-place badge of a flagged post: a host <span> inserted as the post element's first child, with
 * everything inside an open shadow root so the site's styles cannot reach it and ours cannot break the
 * site's layout. Every piece of text is set with textContent (labels come from the analysis, never from
 * the page, but nothing here is ever parsed as HTML).
 */
import { SUICIDE_CATEGORIES, URGENCY_NAMES } from '../shared/categories.js';

/** @typedef {import('../shared/messages.js').Analysis} Analysis */

export const BADGE_ATTR = 'data-patrol-badge';

/**
 * Colours by urgency (`urgency.level`, present for suicide categories); child-harm posts, which carry
 * no urgency, get their own colour. Suicide badges also get a heavy outline.
 */
const COLOURS = /** @type {Record<string, [string, string]>} */ ({
  high: ['#b71c1c', '#ffffff'],
  elevated: ['#e65100', '#ffffff'],
  watch: ['#f9a825', '#1a1a1a'],
  none: ['#6a1b9a', '#ffffff'],
});

const STYLE = `
:host { all: initial; display: block; margin: 2px 0; font: 12px/1.4 system-ui, "Noto Sans CJK JP", sans-serif; }
button { all: unset; cursor: pointer; display: inline-flex; flex-wrap: wrap; gap: 4px; align-items: center;
  padding: 2px 8px; border-radius: 10px; background: var(--bg); color: var(--fg); max-width: 100%; box-sizing: border-box; }
button:focus-visible { outline: 2px solid #1565c0; outline-offset: 1px; }
button.suicide { border: 3px double #ffffff; box-shadow: 0 0 0 2px var(--bg); font-weight: bold; font-size: 13px; }
.mark { font-weight: bold; }
.label { white-space: nowrap; }
.level { opacity: .9; white-space: nowrap; }
`;

/** One parsed style sheet shared by every badge (a <style> per badge costs a parse and a recalc each). */
const SHEET = (() => {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
    return sheet;
  } catch {
    return null; // no constructable style sheets: a <style> element per badge instead
  }
})();

/**
 * The Japanese labels to show: one per flagged category still active, in the analysis' order.
 * @param {Analysis} analysis
 */
export function badgeLabels(analysis) {
  const active = new Set(analysis.categories);
  /** @type {string[]} */
  const labels = [];
  for (const f of analysis.flags) {
    if (active.has(f.category) && !labels.includes(f.label)) labels.push(f.label);
  }
  return labels;
}

/**
 * Declarations on the host's own style attribute, all `!important`: the shadow root keeps the page's
 * CSS off the badge's inside, but the host element itself is in the page, and a page that styles
 * `[data-patrol-badge] { display: none !important }`, `all: unset` or `pointer-events: none` would win
 * over `:host`. An inline important declaration beats every style sheet of the page (hostile gallery,
 * css_hides_badge_x). No z-index: a badge above the site's own sticky bars would cover them while scrolling; a page that
 * overlays the post hides it, and a page script can remove it — the side panel lists the post regardless.
 */
const HOST_STYLE = /** @type {[string, string][]} */ ([
  ['display', 'block'], ['visibility', 'visible'], ['opacity', '1'], ['pointer-events', 'auto'],
  ['position', 'static'], ['transform', 'none'],
  ['filter', 'none'], ['clip-path', 'none'], ['mask', 'none'], ['width', 'auto'], ['height', 'auto'],
  ['max-width', 'none'], ['max-height', 'none'], ['min-width', '0'], ['min-height', '0'], ['overflow', 'visible'],
  ['content-visibility', 'visible'], ['font-size', '12px'], ['margin', '2px 0'], ['float', 'none'],
]);

/**
 * Puts (or updates) the badge on `element`.
 * @param {Element} element the post element of the site profile
 * @param {Analysis} analysis
 * @param {() => void} onOpen called on click / Enter: opens the side panel on this post
 */
export function mountBadge(element, analysis, onOpen) {
  let host = /** @type {HTMLElement|null} */ (element.querySelector(`:scope > [${BADGE_ATTR}]`));
  if (!host) {
    host = document.createElement('span');
    host.setAttribute(BADGE_ATTR, '');
    for (const [name, value] of HOST_STYLE) host.style.setProperty(name, value, 'important');
    host.attachShadow({ mode: 'open' });
    // The site (e.g. X) opens a post on any click inside it: keep our clicks to ourselves.
    for (const type of ['click', 'mousedown', 'mouseup', 'pointerdown', 'pointerup', 'keydown']) {
      host.addEventListener(type, (e) => e.stopPropagation());
    }
    element.prepend(host);
  }
  const root = /** @type {ShadowRoot} */ (host.shadowRoot);
  const level = analysis.urgency?.level ?? 'none';
  const [bg, fg] = COLOURS[level] ?? COLOURS.none;
  const suicide = analysis.categories.some((c) => SUICIDE_CATEGORIES.has(c));
  const button = document.createElement('button');
  button.type = 'button';
  button.className = suicide ? 'suicide' : 'child';
  button.style.setProperty('--bg', bg);
  button.style.setProperty('--fg', fg);
  button.dataset.level = level;
  button.dataset.categories = analysis.categories.join(' ');
  const mark = document.createElement('span');
  mark.className = 'mark';
  mark.textContent = suicide ? (analysis.inquiry ? '⚠ 至急' : '⚠') : '●';
  button.append(mark);
  for (const label of badgeLabels(analysis)) {
    const span = document.createElement('span');
    span.className = 'label';
    span.textContent = label;
    button.append(span);
  }
  if (URGENCY_NAMES[level]) {
    const lv = document.createElement('span');
    lv.className = 'level';
    lv.textContent = `（${URGENCY_NAMES[level]}）`;
    button.append(lv);
  }
  button.title = 'patrol: クリックでサイドパネルに詳細を表示';
  button.addEventListener('click', (e) => {
    e.preventDefault();
    onOpen();
  });
  if (SHEET) {
    if (root.adoptedStyleSheets[0] !== SHEET) root.adoptedStyleSheets = [SHEET];
    root.replaceChildren(button);
  } else {
    const style = document.createElement('style');
    style.textContent = STYLE;
    root.replaceChildren(style, button);
  }
}

/** @param {Element} element */
export function removeBadge(element) {
  element.querySelector(`:scope > [${BADGE_ATTR}]`)?.remove();
}
