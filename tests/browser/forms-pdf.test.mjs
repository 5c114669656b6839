// The forms as an officer prints them: every golden document of tests/forms/ rendered by headless
// Chromium (page.setContent + page.pdf A4), its text extracted with pdftotext, and checked for the
// form's key wording, the pre-filled values of the record, the designed number of A4 pages
// (the document's data-pages), and that nothing meant for the screen only (guidance, 「要記入」
// labels) reaches paper. Keeps the text of the suicide case's inquiry as
// tests/forms/suicide_notice_full/provider_inquiry.pdf.txt (quoted in the closing note).
//
//   node --test tests/browser/forms-pdf.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const FORMS_DIR = join(ROOT, 'tests/forms');

/** Wording each printed form must carry (from the seeds' forms and clauses). */
const KEY_WORDING = {
  url_report: ['報告書', '下記の書き込みを把握したので報告します', '該当する類型'],
  takedown_request: ['削除依頼書', '御中', '情報の所在（URL）'],
  provider_inquiry: ['発信者に関する情報照会書', '下記の事案に関し、人命保護のため緊急に発信者を特定する必要がありますので協力願います。',
    '1事案の概要', '2端緒', '3書き込み（電子メール）等の場所及び内容', '4緊急性及び必要性に関する判断及び理由', '5照会内容',
    '契約者の氏名、住所、連絡先及びIPアドレスの開示', '6問合せ先', '別紙', '緊急性に関する判断及び理由', '必要性に関する判断及び理由',
    'この照会により開示を受けた情報は、人命保護の目的で利用するものであり、それ以外の目的で利用することはありません。'],
  action_record: ['インターネット上の自殺予告に係る措置結果記録書', '受理内容', '照会先1', '照会先2', '照会先3', '措置結果', '措置終了日時',
    '相談窓口', 'いのちの電話', 'よりそいホットライン', 'こころの健康相談統一ダイヤル', '24時間子供SOSダイヤル'],
  warning_reply: ['注意喚起・警告', '返信文', '実施記録'],
  discovery_report: ['児童の性被害に関する書き込み発見報告書', '児童と思料される根拠', '低年齢児童（13歳未満）'],
  ihc_report: ['インターネット・ホットラインセンター', '情報の種別（IHCの区分）'],
  emergency_disclosure: ['緊急開示要請書', 'EmergencyDisclosureRequest', '開示を求める情報'],
};

/** Every (case, form) pair with a golden document. */
function documents() {
  const out = [];
  for (const c of readdirSync(FORMS_DIR).sort()) {
    const list = join(FORMS_DIR, c, 'forms.txt');
    if (!existsSync(list)) continue;
    const input = JSON.parse(readFileSync(join(FORMS_DIR, c, 'input.json'), 'utf8'));
    for (const form of readFileSync(list, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean)) {
      out.push({ c, form, input, html: readFileSync(join(FORMS_DIR, c, `${form}.html`), 'utf8') });
    }
  }
  return out;
}

/** pdftotext without layout, all white space removed: values compared regardless of line wrapping. */
const squash = (s) => s.replace(/\s+/g, '');

let browser;
let page;
let dir;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'patrol-forms-pdf-'));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  page = await browser.newPage();
  // The documents must not fetch anything: fail the test on any request beyond the page itself.
  page.on('request', (r) => { if (!r.url().startsWith('about:') && !r.url().startsWith('data:')) requests.push(r.url()); });
});
after(async () => { await browser?.close(); if (dir) rmSync(dir, { recursive: true, force: true }); });
const requests = [];

async function render(doc) {
  await page.setContent(doc.html, { waitUntil: 'load' });
  const pdf = join(dir, `${doc.c}__${doc.form}.pdf`);
  await page.pdf({ path: pdf, format: 'A4', printBackground: true, preferCSSPageSize: true });
  const pages = Number(execFileSync('pdfinfo', [pdf]).toString().match(/Pages:\s+(\d+)/)[1]);
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-']).toString();
  const layout = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', pdf, '-']).toString();
  return { pages, text, layout };
}

const measured = [];
for (const doc of documents()) {
  test(`${doc.c}/${doc.form}: printed A4 text and page count`, async () => {
    const { pages, text, layout } = await render(doc);
    const flat = squash(text);
    const designed = Number(doc.html.match(/data-pages="(\d+)"/)[1]);
    measured.push(`${doc.c}/${doc.form}: ${pages} page(s), designed ${designed}`);
    if (doc.c === 'hostile_markup') {
      // Long hostile values in every field may flow onto more pages; never fewer.
      assert.ok(pages >= designed, `${pages} < ${designed}`);
      // The markup is printed as text, proving it was never parsed as HTML.
      assert.ok(flat.includes(squash('<script>alert(1)</script>')), 'hostile markup not printed as text');
      assert.ok(flat.includes('〔U+202E〕'), 'RTL override not shown as a marker');
    } else {
      assert.equal(pages, designed, `A4 pages: got ${pages}, designed ${designed}`);
      for (const w of KEY_WORDING[doc.form]) assert.ok(flat.includes(squash(w)), `missing wording: ${w}`);
      // Pre-filled values of the record.
      if (doc.input.url) assert.ok(flat.includes(doc.input.url), `URL ${doc.input.url} not printed`);
      if (doc.form !== 'ihc_report' || doc.input.author) {
        assert.ok(flat.includes(squash(doc.input.author.split(' ')[0])), 'author not printed');
      }
      assert.ok(flat.includes(squash(doc.input.text).slice(0, 20)), 'post text not printed');
    }
    // Screen-only guidance and the 「要記入」 labels stay off paper.
    assert.ok(!flat.includes('（下書き）'), 'screen-only guidance printed');
    assert.ok(!flat.includes('要記入'), '「要記入」 label printed');
    if (doc.c === 'suicide_notice_full' && doc.form === 'provider_inquiry') {
      // Fax cover + 照会書 + 別紙 (003 §4(2)); (ア)(イ)(ウ) quoted from the post.
      assert.equal(pages, 3);
      for (const w of ['ファックス送信票', '(ア)自殺を図る時期が切迫している：「今夜」', '「大甲橋」', '(ウ)自殺を意味する表現により意思が表示されている：「飛び降ります」',
        '(エ)疑義が生じる特段の事情は認められない', '令和8年11月20日付けで、自殺を予告する内容の書き込みがあったもの']) {
        assert.ok(flat.includes(squash(w)), `missing: ${w}`);
      }
      writeFileSync(join(FORMS_DIR, doc.c, 'provider_inquiry.pdf.txt'), layout);
    }
    if (doc.c === 'suicide_with_extras') {
      const values = doc.form === 'provider_inquiry'
        ? ['肥後太郎', '巡査部長', '熊本県熊本中央警察署', '生活安全課少年係', '第熊中生第1234号', '096-000-0111', '令和8年11月20日22時48分']
        : ['熊本県熊本中央警察署', 'X Corp.（緊急開示要請）', '令和8年11月20日23時35分', '株式会社〇〇モバイル', '安否確認済み・保護者に引継ぎ',
          '令和8年11月21日2時10分'];
      for (const w of values) {
        assert.ok(flat.includes(squash(w)), `extras value missing: ${w}`);
      }
    }
  });
}

test('no document fetched anything', () => {
  assert.deepEqual(requests, []);
  console.log(measured.join('\n'));
});
