// The claims check of SECURITY.md: every claim names the test(s) that would fail if it stopped being true,
// and every named test exists and is run by the one test command.
//
// A claim is a top-level bullet ("- " at column 0, with its indented continuation lines, blank lines
// between them allowed) in any "## "
// section of SECURITY.md except those whose title starts with one of NON_CLAIM_SECTIONS (threats out of
// scope, known gaps, how to read the file): those describe what is NOT claimed. Any other text in a claim
// section (an unindented line that is not a bullet) is reported: every statement there must be a claim.
//
// References, anywhere in the claim:
//   [test: path/to/file.rs::test_name]            a Rust test: `fn test_name` under #[test]/#[tokio::test],
//   [test: path/to/file.rs::module::test_name]    or a scenario run by `both!(test_name)`, or a `mod` of tests
//   [test: path/to/file.test.mjs "test name"]      a node:test test: test('test name', …) in that file
// A JS test file must also be named (or matched by a glob) in a scripts/*.sh that scripts/test.sh runs, or
// in a script the check is told about (extraScripts) — a test nobody runs backs nothing. Rust tests under
// tests/, server/tests/, crates/*/tests/ and src/ run with `cargo test --workspace`.
import fs from 'node:fs';
import path from 'node:path';

export const NON_CLAIM_SECTIONS = ['Threats out of scope', 'Out of scope', 'Known gaps', 'How to read'];

const REF = /\[test:\s*([^\]]+?)\s*\]/g;

/**
 * Splits SECURITY.md into claims.
 * @param {string} md
 * @returns {{section: string, line: number, text: string, prose?: boolean}[]}
 */
export function claimsOf(md) {
  const lines = md.split('\n');
  const out = [];
  let section = '';
  let inFence = false;
  /** @type {{section: string, line: number, text: string, prose?: boolean}|null} */
  let cur = null;
  const flush = () => {
    if (cur) out.push(cur);
    cur = null;
  };
  lines.forEach((l, i) => {
    if (l.startsWith('```')) {
      inFence = !inFence;
      flush();
      return;
    }
    if (inFence) return;
    if (l.startsWith('#')) {
      flush();
      if (l.startsWith('## ')) section = l.slice(3).trim().replace(/^\d+\.\s*/, '');
      return;
    }
    const claimSection = section !== '' && !NON_CLAIM_SECTIONS.some((s) => section.startsWith(s));
    if (l.startsWith('- ')) {
      flush();
      if (claimSection) cur = { section, line: i + 1, text: l.slice(2) };
      return;
    }
    if (cur && /^\s{2,}\S/.test(l)) {
      cur.text += ` ${l.trim()}`;
      return;
    }
    // A blank line inside a claim (e.g. before an indented paragraph of it) does not end it; an
    // unindented line does. Prose outside a bullet in a claim section would be a statement no test backs.
    if (l.trim() === '') return;
    flush();
    if (claimSection) out.push({ section, line: i + 1, text: l, prose: true });
  });
  flush();
  return out;
}

/**
 * @param {string} raw the inside of [test: …]
 * @returns {{kind: 'rust', file: string, name: string}|{kind: 'js', file: string, name: string}|{kind: 'bad', raw: string}}
 */
export function parseRef(raw) {
  const js = /^(\S+\.(?:mjs|js))\s+"(.+)"$/.exec(raw);
  if (js) return { kind: 'js', file: js[1], name: js[2].replace(/\\"/g, '"') };
  const rs = /^(\S+\.rs)::([A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*)$/.exec(raw);
  if (rs) return { kind: 'rust', file: rs[1], name: rs[2] };
  return { kind: 'bad', raw };
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `name` (a::b::c) names a test in the Rust source `src`. */
export function rustTestExists(src, name) {
  const parts = name.split('::');
  const last = parts[parts.length - 1];
  for (const m of parts.slice(0, -1)) {
    if (!new RegExp(`\\bmod\\s+${m}\\s*\\{|\\b\\w*both!\\(\\s*${m}\\s*\\)`).test(src)) return false;
  }
  // A scenario run on SQLite and PostgreSQL by a `both!`-style macro (both!, on_both!, …).
  if (new RegExp(`\\b\\w*both!\\(\\s*${last}\\s*\\)`).test(src)) return true;
  if (new RegExp(`\\bmod\\s+${last}\\s*\\{[\\s\\S]*?#\\[(?:tokio::)?test`).test(src)) return true;
  const lines = src.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!new RegExp(`\\bfn\\s+${last}\\s*\\(`).test(lines[i])) continue;
    // Its attributes: the lines just above, up to the previous item.
    for (let j = i - 1; j >= Math.max(0, i - 4); j--) {
      if (/#\[(?:tokio::)?test\b/.test(lines[j])) return true;
      if (/\bfn\s|[{};]\s*$/.test(lines[j])) break;
    }
  }
  return false;
}

/** Whether `name` is the title of a node:test test in the JS source `src` (as a '…', "…" or `…` literal). */
export function jsTestExists(src, name) {
  const forms = [
    `'${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`,
    `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`,
    `\`${name}\``,
  ];
  return forms.some((lit) => new RegExp(`\\btest\\(\\s*${escapeRe(lit)}`).test(src));
}

/** The JS test files the area scripts run: every tests/… path or glob named in scripts/*.sh. */
export function scriptedJsTests(root, extraScripts = []) {
  const dir = path.join(root, 'scripts');
  const texts = fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((f) => f.endsWith('.sh')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    : [];
  texts.push(...extraScripts);
  const globs = new Set();
  for (const t of texts) {
    for (const l of t.split('\n')) {
      if (l.trim().startsWith('#')) continue;
      for (const m of l.matchAll(/(?:\$ROOT\/|\.\/)?((?:tests|crates|server)\/[A-Za-z0-9_./*{}-]+\.m?js)/g)) globs.add(m[1]);
    }
  }
  return [...globs].map((g) => new RegExp(`^${g.split('*').map(escapeRe).join('[^/]*')}$`));
}

/**
 * Checks SECURITY.md's text against the repository at `root`.
 * @param {string} md
 * @param {string} root
 * @param {{extraScripts?: string[]}} [opts]
 * @returns {{claims: number, refs: number, tests: string[], problems: string[]}}
 */
export function checkClaims(md, root, opts = {}) {
  const problems = [];
  const tests = new Set();
  let refs = 0;
  const run = scriptedJsTests(root, opts.extraScripts);
  const claims = claimsOf(md);
  if (!claims.some((c) => !c.prose)) problems.push('no claims found');
  for (const c of claims) {
    if (c.prose) {
      problems.push(`line ${c.line} (${c.section}): prose outside a claim bullet in a claim section: "${c.text.slice(0, 90)}" (make it a claim with its test, or move it)`);
      continue;
    }
    const found = [...c.text.matchAll(REF)].map((m) => m[1]);
    if (found.length === 0) {
      problems.push(`line ${c.line} (${c.section}): claim without a [test: …] reference: "${c.text.slice(0, 90)}…"`);
      continue;
    }
    for (const raw of found) {
      refs++;
      const r = parseRef(raw);
      if (r.kind === 'bad') {
        problems.push(`line ${c.line}: unreadable reference [test: ${raw}] (use path.rs::name or path.mjs "name")`);
        continue;
      }
      const file = path.join(root, r.file);
      if (!fs.existsSync(file)) {
        problems.push(`line ${c.line}: ${r.file} does not exist`);
        continue;
      }
      const src = fs.readFileSync(file, 'utf8');
      const ok = r.kind === 'rust' ? rustTestExists(src, r.name) : jsTestExists(src, r.name);
      if (!ok) {
        problems.push(`line ${c.line}: no test ${r.kind === 'rust' ? r.name : `"${r.name}"`} in ${r.file}`);
        continue;
      }
      if (r.kind === 'js' && !run.some((re) => re.test(r.file))) {
        problems.push(`line ${c.line}: ${r.file} is not run by any scripts/*.sh`);
        continue;
      }
      tests.add(`${r.file} ${r.name}`);
    }
  }
  return { claims: claims.filter((c) => !c.prose).length, refs, tests: [...tests], problems };
}
