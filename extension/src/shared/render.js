// @ts-check
/**
 * Rendering of one analysis for people: the side panel's detail and the demo page share it, so the
 * officer in training sees exactly what the officer on patrol sees. DOM construction only: page text
 * goes in through textContent / text nodes, never through HTML parsing.
 *
 * Span offsets count code points (docs/architecture.md): the text is split with Array.from.
 */
import { SUICIDE_CATEGORIES, URGENCY_NAMES } from './categories.js';

/** @typedef {import('./messages.js').Analysis} Analysis */
/** @typedef {import('./messages.js').Span} Span */

/**
 * @param {string} tag
 * @param {string} [className]
 * @param {string} [text]
 */
export function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * The spans of `source` ("text" or "profile") to highlight, each with a kind (CSS class) and a label.
 * @param {Analysis} a
 * @param {string} source
 * @returns {{start: number, end: number, kind: string, label: string}[]}
 */
export function highlightSpans(a, source) {
  /** @type {{start: number, end: number, kind: string, label: string}[]} */
  const out = [];
  /** @param {Span[]|undefined} spans @param {string} kind */
  const add = (spans, kind) => {
    for (const s of spans ?? []) {
      if (s.source === source && s.end > s.start) out.push({ start: s.start, end: s.end, kind, label: s.label ?? s.signal ?? kind });
    }
  };
  for (const f of a.flags ?? []) {
    if ((a.categories ?? []).includes(f.category)) add(f.evidence, 'evidence');
  }
  add(a.child?.signals, 'child');
  add(a.urgency?.timing, 'urgency');
  add(a.urgency?.specific, 'urgency');
  add(a.urgency?.explicit, 'urgency');
  add(a.urgency?.doubt, 'doubt');
  for (const p of a.places ?? []) {
    if (p.source === source) out.push({ start: p.start, end: p.end, kind: 'place', label: `地名: ${p.name}（${p.inside ? '管轄内' : '管轄外'}）` });
  }
  return out;
}

/**
 * The text with its spans marked: a fragment of text nodes and <mark> elements. Overlapping spans are
 * cut at every boundary so each piece carries all the kinds and labels that cover it.
 * @param {string} text
 * @param {{start: number, end: number, kind: string, label: string}[]} spans
 */
export function highlightedText(text, spans) {
  const cps = Array.from(text);
  const n = cps.length;
  const cuts = new Set([0, n]);
  const clipped = spans
    .map((s) => ({ ...s, start: Math.max(0, Math.min(n, s.start)), end: Math.max(0, Math.min(n, s.end)) }))
    .filter((s) => s.end > s.start);
  for (const s of clipped) {
    cuts.add(s.start);
    cuts.add(s.end);
  }
  const points = [...cuts].sort((x, y) => x - y);
  const frag = document.createDocumentFragment();
  for (let i = 0; i + 1 < points.length; i++) {
    const [from, to] = [points[i], points[i + 1]];
    const piece = cps.slice(from, to).join('');
    const covering = clipped.filter((s) => s.start <= from && s.end >= to);
    if (covering.length === 0) {
      frag.append(document.createTextNode(piece));
      continue;
    }
    const mark = el('mark', [...new Set(covering.map((s) => `hl-${s.kind}`))].join(' '), piece);
    mark.title = [...new Set(covering.map((s) => s.label))].join(' / ');
    mark.dataset.start = String(from);
    mark.dataset.end = String(to);
    frag.append(mark);
  }
  return frag;
}

/**
 * The 003 §4(1) checklist for suicide posts: (ア) imminent, (イ) specific, (ウ) explicit, (エ) no doubt.
 * @param {Analysis} a
 */
export function inquiryChecklist(a) {
  const u = a.urgency ?? { timing: [], specific: [], explicit: [], doubt: [], inquiry: false, level: 'none' };
  /** @param {Span[]} s */
  const words = (s) => [...new Set(s.map((x) => x.text ?? ''))].filter(Boolean).join('、');
  return [
    { item: '(ア)', name: '時期の切迫性', met: u.timing.length > 0, detail: words(u.timing) },
    { item: '(イ)', name: '場所・動機・方法の具体性', met: u.specific.length > 0, detail: words(u.specific) },
    { item: '(ウ)', name: '明示的な自殺の表現', met: u.explicit.length > 0, detail: words(u.explicit) },
    { item: '(エ)', name: '疑わしい事情がない', met: u.doubt.length === 0, detail: u.doubt.length ? `疑わしい点: ${words(u.doubt)}` : '' },
  ];
}

const REGION_NAMES = /** @type {Record<string, string>} */ ({ in: '管轄内', out: '管轄外のみ', unknown: '不明' });

/**
 * The analysis of one post as a block: categories with clauses, the text with its spans, the signals
 * (child, region, urgency) and, for suicide categories, the 003 §4(1) checklist.
 * @param {{text: string, profile?: string, analysis: Analysis}} p
 * @returns {HTMLElement}
 */
export function renderAnalysis({ text, profile = '', analysis: a }) {
  const box = el('div', 'analysis');
  const cats = el('ul', 'categories');
  const active = new Set(a.categories);
  for (const f of a.flags ?? []) {
    if (!active.has(f.category)) continue;
    const li = el('li', SUICIDE_CATEGORIES.has(f.category) ? 'cat suicide' : 'cat child');
    li.dataset.category = f.category;
    li.append(el('span', 'cat-label', f.label), el('span', 'clause', f.clause));
    cats.append(li);
  }
  if (a.categories.length === 0) cats.append(el('li', 'cat none', '該当なし'));
  box.append(el('h3', '', '分類と根拠条項'), cats);

  box.append(el('h3', '', '本文'));
  const body = el('p', 'post-text');
  body.append(highlightedText(text, highlightSpans(a, 'text')));
  box.append(body);
  if (profile) {
    box.append(el('h3', '', 'プロフィール'));
    const prof = el('p', 'post-text profile-text');
    prof.append(highlightedText(profile, highlightSpans(a, 'profile')));
    box.append(prof);
  }

  const signals = el('dl', 'signals');
  /** @param {string} name @param {string} value @param {string} key */
  const row = (name, value, key) => {
    const dt = el('dt', '', name);
    const dd = el('dd', '', value);
    dd.dataset.signal = key;
    signals.append(dt, dd);
  };
  const childWords = [...new Set((a.child?.signals ?? []).map((s) => `${s.text ?? ''}${s.label ? `（${s.label}）` : ''}`))];
  row('児童', a.minor ? `児童と判断${childWords.length ? `: ${childWords.join('、')}` : ''}` : '児童の兆候なし', 'child');
  const places = (a.places ?? []).map((p) => `${p.name}（${p.inside ? '管轄内' : '管轄外'}）`);
  row('地域', `${REGION_NAMES[a.region] ?? a.region}（管轄: ${a.jurisdiction}）${places.length ? ` ${places.join('、')}` : ''}`, 'region');
  if (a.urgency) row('緊急度', URGENCY_NAMES[a.urgency.level] || a.urgency.level, 'urgency');
  box.append(el('h3', '', '判断材料'), signals);

  if (a.categories.some((c) => SUICIDE_CATEGORIES.has(c))) {
    const list = el('ul', 'checklist');
    for (const c of inquiryChecklist(a)) {
      const li = el('li', c.met ? 'met' : 'unmet');
      li.dataset.item = c.item;
      li.append(el('span', 'check', c.met ? '✔' : '✘'), el('span', '', `${c.item} ${c.name}`));
      if (c.detail) li.append(el('span', 'detail', ` — ${c.detail}`));
      list.append(li);
    }
    const verdict = el('p', a.inquiry ? 'verdict inquiry' : 'verdict', a.inquiry
      ? 'プロバイダへの照会の要件を満たしています（003 §4(1)）。'
      : '照会の要件をすべては満たしていません。継続して確認してください。');
    box.append(el('h3', '', '照会要件の確認（003 §4(1)）'), list, verdict);
  }
  const rs = el('p', 'ruleset', `ルールセット ${a.ruleset}`);
  box.append(rs);
  return box;
}
