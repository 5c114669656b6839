// @ts-check
/**
 * One case as one archive an investigator can file: a store-method zip holding
 * - `log.jsonl` — the case log (docs/evidence.md §3), closed by an `export` entry;
 * - `record.json` — the evidence record as its canonical JSON, so `sha256sum record.json` prints the
 *   `sha256` of the log's `record` entry;
 * - `screenshots/…png`, `forms/…html` — every file the log references, under the name it gives;
 * - `README.txt` — in Japanese: what is in the archive and how to check it with `patrol verify`.
 * The export is itself an event of the case: the `export` entry is appended to the live log first.
 *
 * @typedef {import('./store.js').EvidenceStore} EvidenceStore
 * @typedef {import('./wasm.js').LogEntry} LogEntry
 */

import { zip } from './zip.js';

/**
 * @param {{caseId: string, head: LogEntry, entries: number, exportedJst: string, files: string[], record: LogEntry|undefined}} c
 */
export function readme({ caseId, head, entries, exportedJst, files, record }) {
  return [
    'パトロール証拠アーカイブ（案件単位）',
    '',
    `案件番号: ${caseId}`,
    `出力日時: ${exportedJst}`,
    `ログ件数: ${entries}（末尾 seq ${head.seq}）`,
    `末尾エントリのハッシュ (SHA-256): ${head.hash}`,
    record ? `記録 (record.json) のハッシュ (SHA-256): ${record.sha256}` : '記録 (record.json): なし',
    '',
    '■ 収録ファイル',
    '  log.jsonl      証拠ログ。1行が1エントリで、各エントリは直前のエントリのハッシュを含む（ハッシュチェーン）。',
    '  record.json    投稿の記録（URL、投稿者、本文、取得日時（UTC・日本時間）、判定結果、取得者）。RFC 8785 正規化JSON。',
    ...files.map((f) => `  ${f}`),
    '  README.txt     この説明（検証の対象外）。',
    '',
    '■ 検証方法',
    '  1. patrol コマンドで、このアーカイブをそのまま検証する:',
    '       patrol verify このファイル.zip',
    '     展開したフォルダでも検証できる:  patrol verify 展開したフォルダ',
    '     「検証成功 / verified」と表示され終了コード 0 なら、ログの連結、各エントリのハッシュ、',
    '     すべての画像・書類ファイルのハッシュが一致している。',
    '     改ざん・削除・順序入替え・挿入・末尾欠落があれば、最初に問題のあるエントリの行番号と理由を表示し、終了コード 1。',
    '  2. 本部の受領記録（受領番号・seq・ハッシュ）がある場合は、それとの一致も確認する:',
    '       patrol verify このファイル.zip --anchor seq:ハッシュ',
    '  3. patrol がない環境では、sha256sum で record.json と各ファイルのハッシュを log.jsonl の "sha256" と照合できる。',
    '     正規化とハッシュの規則は docs/evidence.md（RFC 8785 JSON 正規化 + SHA-256）に記載。',
    '',
    '■ 取扱い',
    '  本アーカイブには捜査資料が含まれる。必要な者以外に渡さず、保存期間を過ぎたら削除すること。',
    '  画像中の児童の画像等は、閲覧画面ではぼかして表示される（screenshot の "regions" が範囲）。',
    '',
  ].join('\r\n');
}

/**
 * Appends the `export` entry and builds the archive. The case stays in the store (it is purged only
 * when the endpoint acknowledges it).
 * @param {EvidenceStore} store @param {string} caseId
 * @returns {Promise<{bytes: Uint8Array<ArrayBuffer>, filename: string, head: LogEntry, entries: number}>}
 */
export async function exportCase(store, caseId) {
  const before = await store.log(caseId);
  const t = store.times();
  await store.append(caseId, { kind: 'export', record: { entries: before.length + 1, exported_at: t.utc } });
  const log = await store.log(caseId);
  const check = store.wasm.verifyChain(log, { requireSeal: true });
  if (!check.ok) throw new Error(`patrol: the case log does not verify; not exported: ${check.problem.message}`);
  const head = log[log.length - 1];
  const enc = new TextEncoder();
  /** @type {{name: string, bytes: Uint8Array<ArrayBuffer>}[]} */
  const files = [{ name: 'log.jsonl', bytes: enc.encode(store.wasm.chainToJsonl(log)) }];
  const record = log.find((e) => e.kind === 'record');
  if (record?.record) files.push({ name: 'record.json', bytes: enc.encode(store.wasm.canonicalJson(record.record)) });
  const refs = log.filter((e) => e.ref).map((e) => /** @type {import('./wasm.js').ArtefactRef} */ (e.ref).name);
  for (const name of refs) files.push({ name, bytes: await store.artefact(caseId, name) });
  files.push({
    name: 'README.txt',
    bytes: enc.encode(readme({ caseId, head, entries: log.length, exportedJst: t.jst, files: refs, record })),
  });
  const stamp = t.jst.slice(0, 19).replaceAll(/[-:]/g, '').replace('T', '-');
  return { bytes: zip(files, new Date(t.utc)), filename: `patrol-${caseId}-${stamp}.zip`, head, entries: log.length };
}
