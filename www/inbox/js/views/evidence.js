// Evidence in the detail view. Screenshots may show a child's image (000: viewing is itself a harm),
// so the media regions the extension listed (`ref.regions` of screenshot entries) are drawn blurred
// until the supervisor clicks to reveal them; when no regions are listed the whole screenshot is
// blurred. The chain status is what the endpoint verified on receipt (a broken chain is refused).
import { h, replace, jst, literal } from '../dom.js';

const SCREENSHOT_KINDS = new Set(['screenshot_tab', 'screenshot_post']);
const KIND_NAMES = {
  genesis: '開始', record: '証拠記録', screenshot_tab: '画面のスクリーンショット', screenshot_post: '投稿のスクリーンショット',
  form_final: '書類', note: 'メモ', ack: '受信確認', export: '書き出し',
};

/** Only same-origin API paths may become image sources. */
const sameOrigin = (u) => typeof u === 'string' && u.startsWith('/') && !u.startsWith('//');

/** Regions in image pixels: `ref.regions` [{x, y, width, height}] scaled by image/ref width, or the whole image. */
export function regionsOf(ref, naturalWidth, naturalHeight) {
  const scale = ref?.width > 0 ? naturalWidth / ref.width : 1;
  const valid = (ref?.regions || [])
    .map((r) => ({ x: +r.x * scale, y: +r.y * scale, w: +r.width * scale, h: +r.height * scale }))
    .filter((r) => [r.x, r.y, r.w, r.h].every(Number.isFinite) && r.w > 0 && r.h > 0);
  return valid.length ? valid : [{ x: 0, y: 0, w: naturalWidth, h: naturalHeight }];
}

/**
 * A screenshot drawn on a canvas with its media regions blurred; the button toggles. Drawing on a
 * canvas (not a CSS filter on an <img>) keeps the unblurred pixels off the screen until revealed.
 */
function screenshot(ref, src) {
  const canvas = h('canvas', { class: 'shot-canvas', 'data-name': ref.name, 'data-state': 'loading', 'aria-label': '証拠のスクリーンショット' });
  const caption = h('figcaption', {}, '画像部分はぼかして表示しています。');
  const reveal = h('button', { type: 'button', class: 'reveal secondary', 'aria-pressed': 'false' }, '画像を表示');
  const img = new Image();
  let revealed = false;
  const draw = () => {
    const ctx = canvas.getContext('2d');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    ctx.filter = 'none';
    ctx.drawImage(img, 0, 0);
    if (revealed) return;
    const radius = Math.max(4, Math.round(Math.max(img.naturalWidth, img.naturalHeight) / 40));
    for (const r of regionsOf(ref, img.naturalWidth, img.naturalHeight)) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(r.x, r.y, r.w, r.h);
      ctx.clip();
      // A blur alone can leave a small image recognisable: grey it and cover it with a mosaic too.
      ctx.filter = `blur(${radius}px) grayscale(1)`;
      ctx.drawImage(img, 0, 0);
      ctx.filter = 'none';
      ctx.fillStyle = 'rgba(120,120,120,0.55)';
      ctx.fillRect(r.x, r.y, r.w, r.h);
      ctx.restore();
    }
  };
  img.addEventListener('load', () => {
    draw();
    canvas.dataset.state = revealed ? 'revealed' : 'blurred';
  });
  img.addEventListener('error', () => {
    canvas.dataset.state = 'error';
    replace(caption, '画像を読み込めませんでした（保存期間を過ぎて削除された可能性があります）。');
  });
  reveal.addEventListener('click', () => {
    revealed = !revealed;
    reveal.textContent = revealed ? 'ぼかしに戻す' : '画像を表示';
    reveal.setAttribute('aria-pressed', String(revealed));
    caption.textContent = revealed ? '画像を表示しています。確認後はぼかしに戻してください。' : '画像部分はぼかして表示しています。';
    if (img.complete && img.naturalWidth) {
      draw();
      canvas.dataset.state = revealed ? 'revealed' : 'blurred';
    }
  });
  img.src = src;
  return h('figure', { class: 'shot' }, h('div', { class: 'frame' }, canvas), h('div', { class: 'row no-print' }, reveal), caption);
}

/** What the endpoint verified on receipt: {entries, head_seq, head_hash, artefacts_checked, kinds}. */
function verification(sub) {
  const v = sub.verification;
  if (!v) {
    return h('p', { class: 'muted chain', 'data-chain': 'none' }, sub.evidence === null
      ? '証拠ログは保存期間を過ぎて削除されました。' : 'この報告には証拠ログがありません。');
  }
  return h('p', { class: 'chain chain-ok', 'data-chain': 'verified' },
    `ハッシュチェーン: 受信時に検証済み（${v.entries ?? '—'}件、照合したファイル ${v.artefacts_checked ?? 0}件）`,
    v.head_hash ? h('span', { class: 'url muted', title: '先頭のハッシュ' }, ` 先頭 #${v.head_seq ?? ''} `, literal(String(v.head_hash))) : null);
}

function submissionEvidence(sub) {
  const log = Array.isArray(sub.evidence) ? sub.evidence : [];
  const artefacts = new Map((sub.artefacts || []).map((a) => [a.name, a]));
  const shots = log.filter((e) => SCREENSHOT_KINDS.has(e.kind) && e.ref?.name);
  return h('div', { class: 'submission-evidence', 'data-submission-id': sub.id },
    h('h4', {}, '報告 #', String(sub.id), '（', literal(sub.reporter?.name || ''), ' ', jst(sub.received_at), '）'),
    verification(sub),
    shots.map((e) => {
      const a = artefacts.get(e.ref.name);
      return h('div', { class: 'shot-entry' },
        h('div', {}, h('b', {}, KIND_NAMES[e.kind] || literal(e.kind)), ' ', jst(e.time), ' ',
          h('span', { class: 'url muted', title: 'SHA-256' }, literal(e.sha256 || ''))),
        a && sameOrigin(a.url) ? screenshot(e.ref, a.url) : h('p', { class: 'muted' }, '画像は保存されていません。'));
    }),
    log.length ? h('details', {}, h('summary', {}, `証拠ログ（${log.length}件）`),
      h('table', {}, h('thead', {}, h('tr', {}, ['#', '種別', '時刻', 'SHA-256'].map((t) => h('th', {}, t)))),
        h('tbody', {}, log.map((e) => h('tr', {},
          h('td', { class: 'num' }, String(e.seq ?? '')), h('td', {}, KIND_NAMES[e.kind] || literal(e.kind || '')),
          h('td', {}, jst(e.time)), h('td', { class: 'url' }, literal(e.sha256 || ''))))))) : null);
}

/** The evidence of the fully fetched reports of a case. */
export function evidenceSection(submissions) {
  const withEvidence = submissions.filter((s) => s.verification || (Array.isArray(s.evidence) && s.evidence.length));
  return h('div', { class: 'card', id: 'evidence' },
    h('h3', {}, '証拠'),
    withEvidence.length
      ? withEvidence.map(submissionEvidence)
      : h('p', { class: 'muted', id: 'no-evidence' }, '証拠ログの付いた報告はありません。'));
}
