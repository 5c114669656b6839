// @ts-check
/**
 * Posts longer than the analyzer accepts (MAX_TEXT_CHARS = 100,000 code points in src/analyze.rs) are
 * analysed in overlapping windows and the results merged, so a suicide notice at the end of a 1 MB
 * copy-paste is still found: refusing the post would lose exactly what a patrol must not miss.
 * Offsets stay code points of the whole text.
 */

/** @typedef {import('../shared/messages.js').Analysis} Analysis */

/** The analyzer's limit (src/analyze.rs MAX_TEXT_CHARS). */
export const MAX_CHARS = 100_000;
/** Window length and overlap: a sentence cut at one window's edge is whole in the next. */
export const WINDOW = 90_000;
export const OVERLAP = 2_000;

const LEVELS = ['watch', 'elevated', 'high'];

/**
 * @template {{start: number, end: number, source?: string}} S
 * @param {S[]|undefined} spans @param {number} shift
 * @returns {S[]}
 */
function shifted(spans, shift) {
  return (spans ?? []).map((s) => (s.source === 'profile' ? s : { ...s, start: s.start + shift, end: s.end + shift }));
}

/**
 * @template {{start: number, end: number, source?: string}} S
 * @param {S[]} spans
 */
function unique(spans) {
  const seen = new Set();
  return spans.filter((s) => {
    const k = JSON.stringify(s);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Analyses `text` whole when it fits, else window by window, merging the results.
 * @param {(text: string, profile: string) => Analysis} analyze
 * @param {string} text
 * @param {string} profile
 * @returns {Analysis}
 */
export function analyzeAnyLength(analyze, text, profile) {
  const prof = profile.length > MAX_CHARS ? Array.from(profile).slice(0, MAX_CHARS).join('') : profile;
  if (text.length <= MAX_CHARS) return analyze(text, prof); // UTF-16 length ≥ code points
  const cps = Array.from(text);
  if (cps.length <= MAX_CHARS) return analyze(text, prof);
  /** @type {Analysis|null} */
  let merged = null;
  for (let start = 0; start < cps.length; start += WINDOW - OVERLAP) {
    const a = analyze(cps.slice(start, start + WINDOW).join(''), prof);
    if (!merged) {
      merged = a;
    } else {
      const m = merged;
      m.categories = [...new Set([...m.categories, ...a.categories])];
      m.minor ||= a.minor;
      m.region = m.region === 'in' || a.region === 'in' ? 'in' : m.region === 'out' || a.region === 'out' ? 'out' : 'unknown';
      m.inquiry ||= a.inquiry;
      for (const f of a.flags) {
        const same = m.flags.find((g) => g.category === f.category && g.rule === f.rule);
        const ev = shifted(f.evidence, start);
        if (same) same.evidence = unique([...same.evidence, ...ev]);
        else m.flags.push({ ...f, evidence: ev });
      }
      m.child.minor ||= a.child.minor;
      m.child.signals = unique([...m.child.signals, ...shifted(a.child.signals, start)]);
      m.child.adult_signals = unique([...m.child.adult_signals, ...shifted(a.child.adult_signals, start)]);
      m.places = unique([...m.places, ...shifted(a.places, start)]);
      if (a.urgency) {
        const u = a.urgency;
        if (!m.urgency) {
          m.urgency = { ...u, timing: shifted(u.timing, start), specific: shifted(u.specific, start), explicit: shifted(u.explicit, start), doubt: shifted(u.doubt, start) };
        } else {
          const mu = m.urgency;
          for (const k of /** @type {const} */ (['timing', 'specific', 'explicit', 'doubt'])) {
            mu[k] = unique([...mu[k], ...shifted(u[k], start)]);
          }
          mu.inquiry ||= u.inquiry;
          if (LEVELS.indexOf(u.level) > LEVELS.indexOf(mu.level)) mu.level = u.level;
        }
      }
    }
    if (start + WINDOW >= cps.length) break;
  }
  return /** @type {Analysis} */ (merged);
}
