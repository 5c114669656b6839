// @ts-check
/**
 * The side panel's view of the evidence kept on this device for one post (officers only): each case
 * with its post screenshot drawn with the media regions blurred (capture.js viewImage) unless the
 * officer reveals them, the forms finalised into it, a button to finalise a form into the log and one
 * to export the case archive (saved as a file through a blob link of the extension's origin).
 * Every text is set with textContent.
 */
import { viewImage } from './capture.js';
import { evidenceExport, evidenceFinaliseForm, evidenceList } from './messages.js';
import { FORMS, formsFor } from '../shared/offers.js';

/** @typedef {import('../shared/messages.js').SessionEntry} SessionEntry */

/** @param {string} tag @param {string} [cls] @param {string} [text] */
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** @param {string} b64 */
function bytesOf(b64) {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * @param {HTMLImageElement} img @param {{png: string, regions: any[], blur_all?: boolean}} shot @param {boolean} reveal
 */
async function draw(img, shot, reveal) {
  const blob = await viewImage(bytesOf(shot.png), shot.blur_all ? null : shot.regions, { reveal });
  const old = img.src;
  img.src = URL.createObjectURL(blob);
  img.dataset.blurred = String(!reveal && (shot.blur_all === true || shot.regions.length > 0));
  if (old.startsWith('blob:')) URL.revokeObjectURL(old);
}

/**
 * Fills `box` with the evidence of `entry`'s post; returns a function that refreshes it (after a capture).
 * @param {HTMLElement} box @param {SessionEntry} entry @param {string} role
 * @param {(m: any) => Promise<any>} send
 */
export function mountEvidence(box, entry, role, send) {
  // Outlives a refresh, so the outcome of a button stays readable after the list is redrawn.
  const result = el('p', 'evidence-result');
  result.setAttribute('role', 'status');
  const refresh = async () => {
    if (role === 'volunteer') {
      box.replaceChildren();
      return;
    }
    /** @type {{cases: any[], usage: any}} */
    let reply;
    try {
      reply = await send(evidenceList(entry.post.key));
    } catch (e) {
      box.replaceChildren(el('p', 'evidence-error', `証拠の一覧を読めません: ${e instanceof Error ? e.message : String(e)}`));
      return;
    }
    const title = el('h3', '', `保存した証拠（${reply.cases.length} 件）`);
    const items = [title];
    if (reply.usage?.warning) items.push(el('p', 'evidence-warning', reply.usage.warning));
    if (reply.cases.length === 0) items.push(el('p', 'evidence-none', 'この投稿の証拠はまだ保存されていません（送信済みのものは受領後に端末から削除されます）。'));
    for (const c of reply.cases) {
      const card = el('div', 'evidence-case');
      card.dataset.caseId = c.case_id;
      card.append(el('p', 'evidence-meta', `案件 ${c.case_id}　取得 ${c.captured_at_jst ?? c.created_at}　ログ ${c.entries} 件`));
      if (c.shot) {
        const img = /** @type {HTMLImageElement} */ (el('img', 'evidence-shot'));
        img.alt = '保存した投稿の画像';
        img.width = Math.min(c.shot.width, 360);
        img.style.display = 'block';
        const reveal = /** @type {HTMLButtonElement} */ (el('button', 'evidence-reveal', '画像・動画のぼかしを外して表示'));
        reveal.type = 'button';
        reveal.hidden = !c.shot.blur_all && c.shot.regions.length === 0;
        let shown = false;
        reveal.addEventListener('click', async () => {
          shown = !shown;
          reveal.textContent = shown ? 'ぼかして表示' : '画像・動画のぼかしを外して表示';
          await draw(img, c.shot, shown);
        });
        const row = el('div', 'evidence-row');
        row.append(reveal);
        card.append(img, row);
        draw(img, c.shot, false).catch(() => {});
      }
      for (const f of c.forms) card.append(el('p', 'evidence-form', `確定した書類: ${FORMS[f.form] ?? f.form}（SHA-256 ${f.sha256}）`));
      const exp = /** @type {HTMLButtonElement} */ (el('button', 'evidence-export', '案件を書き出す（検証用アーカイブ）'));
      exp.type = 'button';
      exp.dataset.action = 'evidence-export';
      exp.addEventListener('click', async () => {
        exp.disabled = true;
        try {
          const r = await send(evidenceExport(c.case_id));
          const url = URL.createObjectURL(new Blob([bytesOf(r.zip_base64)], { type: 'application/zip' }));
          const a = /** @type {HTMLAnchorElement} */ (el('a'));
          a.href = url;
          a.download = r.filename;
          a.click();
          setTimeout(() => URL.revokeObjectURL(url), 60_000);
          result.textContent = r.message;
        } catch (e) {
          result.textContent = `書き出しに失敗しました: ${e instanceof Error ? e.message : String(e)}`;
        } finally {
          exp.disabled = false;
        }
      });
      const tools = el('div', 'evidence-row');
      tools.append(exp);
      card.append(tools);
      const forms = formsFor(role, entry.categories, entry.post.site, entry.analysis.inquiry).filter((f) => f !== 'ihc_report');
      if (forms.length > 0) {
        const select = /** @type {HTMLSelectElement} */ (el('select', 'evidence-form-select'));
        for (const f of forms) {
          const o = /** @type {HTMLOptionElement} */ (el('option', '', FORMS[f] ?? f));
          o.value = f;
          select.append(o);
        }
        const fin = /** @type {HTMLButtonElement} */ (el('button', 'evidence-finalise', '書類を確定して証拠に記録'));
        fin.type = 'button';
        fin.dataset.action = 'evidence-finalise-form';
        fin.addEventListener('click', async () => {
          fin.disabled = true;
          try {
            const r = await send(evidenceFinaliseForm(entry.post.key, select.value));
            result.textContent = r.message;
            await refresh();
          } catch (e) {
            result.textContent = `記録に失敗しました: ${e instanceof Error ? e.message : String(e)}`;
          } finally {
            fin.disabled = false;
          }
        });
        const finalise = el('div', 'evidence-row');
        finalise.append(select, fin);
        card.append(finalise);
      }
      items.push(card);
    }
    box.replaceChildren(...items, result);
  };
  refresh();
  return refresh;
}
