/**
 * The extraction engine of the content script: interprets the site profiles (profiles/*.json,
 * schema in profiles/README.md) over the live DOM. Pure functions over a document: no chrome.*
 * calls, no page content ever evaluated or inserted, text read node by node like textContent.
 *
 * It is the same algorithm as crates/patrol-sites (the native `patrol scan`); the fixtures in
 * tests/fixtures/sites hold both to identical output (tests/browser/extract.test.mjs).
 */

import { sha256Hex } from './extract/sha256.js';

/** Fields in evaluation order: a template may only refer to earlier ones. */
export const FIELD_ORDER = ['post_no', 'board', 'thread', 'author_handle', 'author_name', 'author_id', 'posted_at', 'permalink', 'post_id', 'media'];

const SKIP_TAGS = new Set(['script', 'style', 'template', 'noscript', 'iframe', 'object', 'embed', 'svg', 'math', 'textarea', 'select']);
const BLOCK_TAGS = new Set(['address', 'article', 'aside', 'blockquote', 'dd', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'ul', 'table', 'tr']);

/** @param {string} c */
const isSpace = (c) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';

/** Collapses runs of ASCII white space to one space. @param {string} s */
export function collapse(s) {
  return s.replace(/[ \t\n\r\f]+/g, ' ');
}

/** Trims ASCII white space only (String.prototype.trim also trims U+3000, U+FEFF…). @param {string} s */
export function trimAscii(s) {
  let a = 0;
  let b = s.length;
  while (a < b && isSpace(s[a])) a++;
  while (b > a && isSpace(s[b - 1])) b--;
  return s.slice(a, b);
}

/** @param {string} s */
function codePoints(s) {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

// ---------------------------------------------------------------- compiling profiles

/** @type {WeakMap<object, any>} */
const compiled = new WeakMap();

/** @param {string|undefined|null} s @param {string} where */
function rx(s, where) {
  if (s == null) return null;
  try {
    return new RegExp(s, 'u');
  } catch (e) {
    throw new Error(`${where}: invalid regex ${JSON.stringify(s)}: ${/** @type {Error} */ (e).message}`);
  }
}

/** @param {any} ex @param {string} where @returns {any} */
function compileExtractor(ex, where) {
  return {
    from: ex.from ?? 'post',
    field: ex.field ?? null,
    sibling: ex.sibling ?? null,
    selector: ex.selector ?? null,
    outside: ex.outside ?? null,
    closest: ex.closest ?? null,
    attr: ex.attr ?? null,
    regex: rx(ex.regex, `${where}.regex`),
    template: ex.template ?? null,
    absolute: !!ex.absolute,
    date: ex.date ? { regex: rx(ex.date.regex, `${where}.date.regex`), tz: ex.date.tz } : null,
    all: !!ex.all,
    imgAlt: !!ex.img_alt,
    or: ex.or ? compileExtractor(ex.or, `${where}.or`) : null,
  };
}

/** @param {any} t @param {string} where */
function compileText(t, where) {
  return {
    from: t.from ?? 'post',
    sibling: t.sibling ?? null,
    selector: t.selector ?? null,
    outside: t.outside ?? null,
    orSelf: !!t.or_self,
    pre: t.whitespace === 'pre',
    exclude: t.exclude ?? [],
    reply: t.reply ? { selector: t.reply.selector, regex: rx(t.reply.regex, `${where}.reply.regex`) } : null,
    imgAlt: !!t.img_alt,
  };
}

/**
 * The profile's regular expressions compiled once (cached per profile object).
 * Throws an Error naming the site and field when the profile is broken.
 * @param {any} p
 */
export function compileProfile(p) {
  let c = compiled.get(p);
  if (c) return c;
  const where = `profile ${p && p.site}`;
  if (!p || typeof p.site !== 'string' || typeof p.version !== 'string' || !p.match || !p.posts || !p.text) {
    throw new Error(`${where}: not a site profile (site, version, match, posts, text are required)`);
  }
  const g = p.posts.generic;
  c = {
    site: p.site,
    version: p.version,
    fallback: !!p.fallback,
    hosts: p.match.hosts ?? [],
    paths: (p.match.paths ?? []).map((/** @type {string} */ s, /** @type {number} */ i) => rx(s, `${where}: match.paths[${i}]`)),
    presence: p.match.presence ?? null,
    postSelector: p.posts.selector ?? null,
    generic: g ? {
      blockTags: new Set(g.block_tags.map((/** @type {string} */ t) => t.toLowerCase())),
      minBlocks: g.min_blocks,
      minFraction: g.min_fraction,
      number: rx(g.number, `${where}: posts.generic.number`),
      date: rx(g.date, `${where}: posts.generic.date`),
      prefixChars: g.prefix_chars,
    } : null,
    fields: FIELD_ORDER.filter((f) => p.fields && p.fields[f]).map((f) => [f, compileExtractor(p.fields[f], `${where}: fields.${f}`)]),
    text: compileText(p.text, `${where}: text`),
    authorProfiles: (p.author_profiles ?? []).map((/** @type {any} */ a, /** @type {number} */ i) => ({
      container: a.container,
      text: compileText(a.text, `${where}: author_profiles[${i}].text`),
      handle: compileExtractor(a.handle, `${where}: author_profiles[${i}].handle`),
    })),
  };
  compiled.set(p, c);
  return c;
}

// ---------------------------------------------------------------- text

/**
 * Walks the subtree under (and including) root: text nodes, <br> as line breaks, blocks on
 * their own lines, scripts and styles skipped, reply anchors taken out into replyTo.
 * Iterative, so deeply nested hostile markup cannot overflow the stack.
 * @param {Element} root
 * @param {{pre?: boolean, exclude?: string[], reply?: {selector: string, regex: RegExp}|null, imgAlt?: boolean, charLimit?: number, nodeLimit?: number}} o
 */
export function walk(root, o) {
  let buf = '';
  let chars = 0;
  let nodes = 0;
  /** @type {string[]} */
  const replyTo = [];
  const exclude = o.exclude ?? [];
  const charLimit = o.charLimit ?? 0;
  const nodeLimit = o.nodeLimit ?? 0;
  const pushBreak = () => {
    if (buf !== '' && !buf.endsWith('\n')) buf += '\n';
  };
  /** @type {(Node|null)[]} null = leave a block */
  const stack = [root];
  while (stack.length) {
    const node = stack.pop();
    if (charLimit > 0 && chars >= charLimit) break;
    nodes++;
    if (nodeLimit > 0 && nodes > nodeLimit) break;
    if (node === null || node === undefined) {
      pushBreak();
      continue;
    }
    if (node.nodeType === 3) {
      // A page's script can put U+0000 into a text node (the HTML parser never does, so the native engine
      // never sees one): read it as U+FFFD, the parser's own replacement, or the endpoint refuses the whole
      // submission of a flagged post (PostgreSQL cannot store NUL in text).
      const data = /** @type {Text} */ (node).data.replace(/\u0000/g, '\uFFFD');
      const piece = o.pre ? data.replace(/\r\n/g, '\n').replace(/\r/g, '\n') : collapse(data);
      chars += codePoints(piece);
      buf += piece;
      continue;
    }
    if (node.nodeType !== 1) continue;
    const el = /** @type {Element} */ (node);
    const tag = el.localName.toLowerCase();
    if (SKIP_TAGS.has(tag)) continue;
    const isRoot = el === root;
    if (!isRoot && exclude.some((s) => el.matches(s))) continue;
    if (o.reply && !isRoot && el.matches(o.reply.selector)) {
      const m = o.reply.regex.exec(plainText(el));
      if (m) {
        const g = m[1] ?? m[0];
        if (g !== undefined) replyTo.push(g);
        continue;
      }
    }
    if (tag === 'br') {
      buf += '\n';
      chars += 1;
      continue;
    }
    if (tag === 'img') {
      if (o.imgAlt) {
        const alt = el.getAttribute('alt');
        if (alt !== null) {
          chars += codePoints(alt);
          buf += alt;
        }
      }
      continue;
    }
    if (BLOCK_TAGS.has(tag)) {
      pushBreak();
      stack.push(null);
    }
    const kids = el.childNodes;
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  return { text: finishLines(buf, !!o.pre), replyTo };
}

/** @param {string} buf @param {boolean} pre */
function finishLines(buf, pre) {
  const lines = buf.split('\n').map((l) => {
    let a = 0;
    let b = l.length;
    const trim = (/** @type {string} */ c) => c === ' ' || c === '\t' || c === '\r' || c === '\f';
    while (a < b && trim(l[a])) a++;
    while (b > a && trim(l[b - 1])) b--;
    const t = l.slice(a, b);
    return pre ? t : collapse(t);
  });
  let first = 0;
  while (first < lines.length && lines[first] === '') first++;
  let last = lines.length - 1;
  while (last >= first && lines[last] === '') last--;
  return first > last ? '' : lines.slice(first, last + 1).join('\n');
}

/** One-line text of an element (a name, a date); imgAlt reads emoji drawn as images. @param {Element} el @param {boolean} [imgAlt] */
export function plainText(el, imgAlt = false) {
  return trimAscii(collapse(walk(el, { imgAlt }).text.replace(/\n/g, ' ')));
}

/** The first `n` code points of an element's one-line text, visiting a bounded number of nodes. @param {Element} el @param {number} n */
export function prefixText(el, n) {
  const w = walk(el, { charLimit: n * 2, nodeLimit: n * 4 + 64 });
  return Array.from(trimAscii(collapse(w.text.replace(/\n/g, ' ')))).slice(0, n).join('');
}

// ---------------------------------------------------------------- matching

/** @param {string} pattern @param {string} host */
function hostMatches(pattern, host) {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(2);
    return host.length > suffix.length + 1 && host.endsWith('.' + suffix);
  }
  return host === pattern;
}

/** @param {Location|URL|string} loc */
function hrefOf(loc) {
  return typeof loc === 'string' ? loc : loc.href;
}

/**
 * The profile for a page: specific sites by host, path and presence selector, in order; a
 * fallback profile only when its heuristics find posts. Broken profiles are skipped.
 * @param {any[]} profiles raw profile JSON objects
 * @param {Location|URL|string} location
 * @param {Document} document
 * @returns {any|null} the raw profile object
 */
export function matchProfile(profiles, location, document) {
  let url;
  try {
    url = new URL(hrefOf(location));
  } catch {
    return null;
  }
  const host = url.hostname.toLowerCase();
  const path = url.pathname;
  const ordered = [...profiles.filter((p) => !p.fallback), ...profiles.filter((p) => p.fallback)];
  for (const p of ordered) {
    let c;
    try {
      c = compileProfile(p);
    } catch {
      continue;
    }
    if (!c.hosts.some((/** @type {string} */ h) => hostMatches(h, host))) continue;
    if (c.paths.length && !c.paths.some((/** @type {RegExp} */ r) => r.test(path))) continue;
    try {
      if (c.presence && !document.querySelector(c.presence)) continue;
      if (c.generic && genericPosts(document.documentElement, c.generic).length === 0) continue;
    } catch {
      continue;
    }
    return p;
  }
  return null;
}

/** @param {Element} el */
function signature(el) {
  return el.localName.toLowerCase() + '|' + trimAscii(collapse(el.getAttribute('class') ?? '')).replace(/^ +| +$/g, '');
}

/**
 * Unknown boards: the largest run of sibling blocks of one kind whose text starts with
 * increasing numbers and carries dates (see crates/patrol-sites/src/generic.rs).
 * @param {Element} root @param {any} g
 */
export function genericPosts(root, g) {
  /** @type {Element[]} */
  let best = [];
  const parents = [root, ...root.querySelectorAll('*')];
  for (const parent of parents) {
    /** @type {Map<string, Element[]>} */
    const groups = new Map();
    for (const child of parent.children) {
      if (!g.blockTags.has(child.localName.toLowerCase())) continue;
      const sig = signature(child);
      const list = groups.get(sig);
      if (list) list.push(child);
      else groups.set(sig, [child]);
    }
    for (const blocks of groups.values()) {
      if (blocks.length < g.minBlocks || blocks.length <= best.length) continue;
      /** @type {Element[]} */
      const numbered = [];
      let dated = 0;
      let last = -1;
      let increasing = true;
      for (const b of blocks) {
        const pre = prefixText(b, g.prefixChars);
        const m = g.number.exec(pre);
        if (m && m[1] !== undefined) {
          const n = Number(m[1]);
          if (last >= 0 && n <= last) increasing = false;
          last = n;
          numbered.push(b);
        }
        if (g.date.test(pre)) dated++;
      }
      const need = g.minFraction * blocks.length;
      if (increasing && numbered.length >= g.minBlocks && numbered.length >= need && dated >= need && numbered.length > best.length) {
        best = numbered;
      }
    }
  }
  return best;
}

// ---------------------------------------------------------------- extraction

/**
 * querySelectorAll semantics (descendants of base matching the selector against the whole
 * document), but linear in base's subtree: Chromium answers element.querySelector with a
 * descendant combinator by scanning far beyond the element (measured: 0.4 ms per call on a
 * 10,000-post page, quadratic overall), so such selectors are matched element by element.
 * With `outside`, matches inside such an element below base are skipped (X's quoted tweet).
 * @param {Element} base @param {string} sel @param {boolean} firstOnly @param {string|null} [outside]
 * @returns {Element[]}
 */
function select(base, sel, firstOnly, outside) {
  if (outside) {
    /** @type {Element[]} */
    const kept = [];
    for (const e of select(base, sel, false, null)) {
      let inQuote = false;
      for (let a = e.parentElement; a && a !== base; a = a.parentElement) {
        if (a.matches(outside)) {
          inQuote = true;
          break;
        }
      }
      if (!inQuote) {
        kept.push(e);
        if (firstOnly) break;
      }
    }
    return kept;
  }
  if (base === base.ownerDocument.documentElement || !/[\s>+~]/.test(sel.trim())) {
    if (firstOnly) {
      const e = base.querySelector(sel);
      return e ? [e] : [];
    }
    return [...base.querySelectorAll(sel)];
  }
  // Candidates by the rightmost compound (a fast, single-compound query), each then tested
  // against the whole selector: exactly querySelectorAll's result, in document order.
  const last = rightmostCompound(sel);
  /** @type {Element[]} */
  const out = [];
  for (const e of last ? base.querySelectorAll(last) : base.getElementsByTagName('*')) {
    if (e.matches(sel)) {
      out.push(e);
      if (firstOnly) break;
    }
  }
  return out;
}

/** @type {Map<string, string|null>} */
const rightmostCache = new Map();

/**
 * The last compound of a single complex selector (`div[data-testid="User-Name"] a[href]` →
 * `a[href]`), or null for selector lists and anything not parsed with confidence.
 * @param {string} sel
 */
function rightmostCompound(sel) {
  const cached = rightmostCache.get(sel);
  if (cached !== undefined) return cached;
  let depth = 0;
  /** @type {string|null} */
  let quote = null;
  let start = 0;
  let result = /** @type {string|null} */ (null);
  const t = sel.trim();
  for (let i = 0; i < t.length; i++) {
    const ch = t[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '(') depth++;
    else if (ch === ']' || ch === ')') depth--;
    else if (depth === 0 && ch === ',') {
      rightmostCache.set(sel, null);
      return null;
    } else if (depth === 0 && (ch === ' ' || ch === '>' || ch === '+' || ch === '~')) start = i + 1;
  }
  if (!quote && depth === 0) {
    const r = t.slice(start).trim();
    result = r && !/^[>+~]/.test(r) ? r : null;
  }
  rightmostCache.set(sel, result);
  return result;
}

/** @param {Element} el @param {boolean} next @param {string} must */
function sibling(el, next, must) {
  const s = next ? el.nextElementSibling : el.previousElementSibling;
  return s && s.matches(must) ? s : null;
}

/** @param {string} from @param {string|null} sib @param {Element} post @param {Document} doc */
function base(from, sib, post, doc) {
  if (from === 'post') return post;
  if (from === 'page') return doc.documentElement;
  if (from === 'prev' && sib) return sibling(post, false, sib);
  if (from === 'next' && sib) return sibling(post, true, sib);
  return null;
}

/** @param {Element} el @param {string} sel */
function closest(el, sel) {
  return el.closest(sel);
}

/** @param {{regex: RegExp, tz: string}} spec @param {string} v */
function toIso(spec, v) {
  const m = spec.regex.exec(v);
  if (!m || !m.groups) return null;
  const num = (/** @type {string} */ k) => {
    const s = m.groups?.[k];
    return s === undefined || !/^[0-9]+$/.test(s) ? null : Number(s);
  };
  const y = num('y'), mo = num('m'), d = num('d'), h = num('H'), mi = num('M');
  if (y === null || mo === null || d === null || h === null || mi === null) return null;
  let s = 0;
  if (m.groups.S !== undefined) {
    const v2 = num('S');
    if (v2 === null) return null;
    s = v2;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59 || y > 9999) return null;
  const p2 = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${String(y).padStart(4, '0')}-${p2(mo)}-${p2(d)}T${p2(h)}:${p2(mi)}:${p2(s)}${spec.tz}`;
}

/** @param {Map<string, any>} fields @param {string} name */
function fieldStr(fields, name) {
  const v = fields.get(name);
  return typeof v === 'string' ? v.replace(/\u0000/g, '\uFFFD') : null;
}

/** @param {any} ex @param {string} raw @param {Map<string, any>} fields @param {string} pageUrl */
function finishValue(ex, raw, fields, pageUrl) {
  /** @type {(string|undefined)[]} */
  let groups = [raw];
  let value = raw;
  if (ex.regex) {
    const m = ex.regex.exec(raw);
    if (!m) return null;
    groups = [...m];
    value = m[1] ?? m[0];
    if (value === undefined) return null;
  }
  if (ex.template) {
    let out = '';
    let rest = ex.template;
    for (;;) {
      const i = rest.indexOf('{');
      if (i < 0) break;
      out += rest.slice(0, i);
      const after = rest.slice(i + 1);
      const j = after.indexOf('}');
      if (j < 0) return null;
      const name = after.slice(0, j);
      if (name.length === 1 && name >= '0' && name <= '9') {
        out += groups[Number(name)] ?? '';
      } else {
        const f = fieldStr(fields, name);
        if (f === null) return null;
        out += f;
      }
      rest = after.slice(j + 1);
    }
    value = out + rest;
  }
  if (ex.date) {
    const iso = toIso(ex.date, value);
    if (iso === null) return null;
    value = iso;
  }
  if (ex.absolute) {
    try {
      value = new URL(value, pageUrl).href;
    } catch {
      return null;
    }
  }
  return value === '' ? null : value;
}

/**
 * @param {any} ex compiled extractor
 * @param {Element} post
 * @param {Document} doc
 * @param {string} pageUrl
 * @param {Map<string, any>} fields
 * @returns {string|string[]|null}
 */
function evalExtractor(ex, post, doc, pageUrl, fields) {
  /** @type {string[]} */
  let raws = [];
  if (ex.from === 'url') raws = [pageUrl];
  else if (ex.from === 'field') {
    const f = ex.field ? fieldStr(fields, ex.field) : null;
    raws = f === null ? [] : [f];
  } else {
    const b = base(ex.from, ex.sibling, post, doc);
    /** @type {Element[]} */
    let els = [];
    if (b) {
      els = ex.selector ? select(b, ex.selector, !ex.all, ex.outside) : [b];
    }
    for (const e0 of els) {
      const e = ex.closest ? closest(e0, ex.closest) : e0;
      if (!e) continue;
      if (ex.attr) {
        const a = e.getAttribute(ex.attr);
        if (a !== null) raws.push(a);
      } else raws.push(plainText(e, ex.imgAlt));
    }
  }
  /** @type {string[]} */
  const values = [];
  for (const r of raws) {
    const v = finishValue(ex, r, fields, pageUrl);
    if (v !== null && !values.includes(v)) values.push(v);
    if (!ex.all && values.length) break;
  }
  if (!values.length && ex.or) return evalExtractor(ex.or, post, doc, pageUrl, fields);
  if (ex.all) return values;
  return values.length ? values[0] : null;
}

/** @param {any} spec compiled text spec @param {Element} el @param {Document} doc */
function evalText(spec, el, doc) {
  const b = base(spec.from, spec.sibling, el, doc);
  let target = null;
  if (b) target = spec.selector ? select(b, spec.selector, true, spec.outside)[0] ?? (spec.orSelf ? b : null) : b;
  if (!target) return { text: '', replyTo: [] };
  return walk(target, { pre: spec.pre, exclude: spec.exclude, reply: spec.reply, imgAlt: spec.imgAlt });
}

/** @param {Node} root */
function docOf(root) {
  return root.nodeType === 9 ? /** @type {Document} */ (root) : /** @type {Document} */ (root.ownerDocument);
}

/**
 * Every author profile text the page shows (profile page header, hover cards), first per handle.
 * @param {any} profile raw profile
 * @param {Document} document
 * @param {string} [pageUrl] defaults to document.location.href
 * @returns {{handle: string, text: string}[]}
 */
export function authorProfiles(profile, document, pageUrl) {
  const c = compileProfile(profile);
  const url = pageUrl ?? document.location?.href ?? '';
  /** @type {{handle: string, text: string}[]} */
  const out = [];
  for (const ap of c.authorProfiles) {
    for (const container of document.querySelectorAll(ap.container)) {
      const h = evalExtractor(ap.handle, container, document, url, new Map());
      if (typeof h !== 'string') continue;
      const t = evalText(ap.text, container, document).text;
      if (t !== '' && !out.some((o) => o.handle.toLowerCase() === h.toLowerCase())) out.push({ handle: h, text: t });
    }
  }
  return out;
}

/**
 * With a handle: that author's profile text on the page, or "". Without: the first
 * {handle, text} the page shows, or null.
 * @param {any} profile raw profile
 * @param {Document} document
 * @param {string} [handle]
 * @param {string} [pageUrl]
 */
export function authorProfileText(profile, document, handle, pageUrl) {
  const all = authorProfiles(profile, document, pageUrl);
  if (handle === undefined) return all[0] ?? null;
  const h = handle.toLowerCase();
  return all.find((a) => a.handle.toLowerCase() === h)?.text ?? '';
}

/** @type {WeakMap<Document, {generic: any, count: number, posts: Element[]}>} */
const genericCache = new WeakMap();

/**
 * The generic heuristics scan the whole document; the content script asks once per changed
 * subtree, so the answer is reused while the document's element count is unchanged.
 * @param {Document} doc @param {any} g
 */
function cachedGenericPosts(doc, g) {
  const count = doc.getElementsByTagName('*').length;
  const hit = genericCache.get(doc);
  if (hit && hit.generic === g && hit.count === count && hit.posts.every((e) => e.isConnected)) return hit.posts;
  const posts = genericPosts(doc.documentElement, g);
  genericCache.set(doc, { generic: g, count, posts });
  return posts;
}

/**
 * The elements the profile calls posts, inside root (root itself included), in document order.
 * @param {any} profile raw profile
 * @param {Element|Document} root
 * @returns {Element[]}
 */
export function postElements(profile, root) {
  const c = compileProfile(profile);
  const doc = docOf(root);
  if (c.generic) {
    const all = cachedGenericPosts(doc, c.generic);
    return root.nodeType === 9 ? all : all.filter((e) => root.contains(e));
  }
  const found = [...root.querySelectorAll(c.postSelector)];
  if (root.nodeType === 1 && /** @type {Element} */ (root).matches(c.postSelector)) found.unshift(/** @type {Element} */ (root));
  return found;
}

/**
 * Extracts the posts inside root: [{element, post}] with post = the "Extracted post" of
 * docs/architecture.md (plus reply_to, thread, author_id).
 * @param {any} profile raw profile
 * @param {Element|Document} root
 * @param {{url?: string}} [opts] the page address (defaults to the document's)
 */
export function extractPosts(profile, root, opts = {}) {
  const c = compileProfile(profile);
  const doc = docOf(root);
  const pageUrl = opts.url ?? doc.location?.href ?? '';
  const elements = postElements(profile, root);
  if (!elements.length) return [];
  const known = authorProfiles(profile, doc, pageUrl);
  /** @type {Map<string, any>} */
  const constants = new Map();
  for (const [name, ex] of c.fields) {
    if (pageConstant(ex)) constants.set(name, evalExtractor(ex, doc.documentElement, doc, pageUrl, new Map()));
  }
  return elements.map((element) => {
    /** @type {Map<string, any>} */
    const fields = new Map();
    for (const [name, ex] of c.fields) {
      fields.set(name, constants.has(name) ? constants.get(name) : evalExtractor(ex, element, doc, pageUrl, fields));
    }
    const walked = evalText(c.text, element, doc);
    const permalink = fieldStr(fields, 'permalink');
    const handle = fieldStr(fields, 'author_handle');
    const post = {
      site: c.site,
      profile_version: c.version,
      key: permalink ?? contentKey(c.site, fieldStr(fields, 'board'), fieldStr(fields, 'post_no'), walked.text),
      url: permalink ?? pageUrl,
      post_id: fieldStr(fields, 'post_id'),
      post_no: fieldStr(fields, 'post_no'),
      board: fieldStr(fields, 'board'),
      thread: fieldStr(fields, 'thread'),
      author_handle: handle,
      author_name: fieldStr(fields, 'author_name'),
      author_id: fieldStr(fields, 'author_id'),
      posted_at: fieldStr(fields, 'posted_at'),
      text: walked.text,
      reply_to: walked.replyTo,
      media: Array.isArray(fields.get('media')) ? fields.get('media') : [],
      profile: handle ? known.find((k) => k.handle.toLowerCase() === handle.toLowerCase())?.text ?? '' : '',
    };
    return { element, post };
  });
}

/** @param {any} ex @returns {boolean} */
function pageConstant(ex) {
  if (ex.from !== 'page' && ex.from !== 'url') return false;
  if (ex.template && /\{[^0-9}][^}]*\}|\{[0-9][^}]+\}/.test(ex.template)) return false;
  return ex.or ? pageConstant(ex.or) : true;
}

/**
 * sha256 (hex) of site, board, post number and text, NUL-separated: the key of posts without a permalink.
 * @param {string} site @param {string|null} board @param {string|null} postNo @param {string} text
 */
export function contentKey(site, board, postNo, text) {
  return sha256Hex([site, board ?? '', postNo ?? '', text].join('\u0000'));
}
