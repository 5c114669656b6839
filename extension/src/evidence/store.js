// @ts-check
/**
 * The extension's evidence store: IndexedDB, every log entry and artefact encrypted at rest with
 * AES-GCM under a non-extractable key that only this extension's origin can use, kept only until the
 * endpoint acknowledges the case, then purged (002: screenshots are kept temporarily and deleted when
 * no longer needed). A storage cap refuses new captures with a clear Japanese error instead of
 * evicting anything: evidence is never dropped silently.
 *
 * Layout (database `patrol-evidence`, version 1):
 * - `keys`:  `'aes-gcm'` → the CryptoKey (non-extractable; IndexedDB keeps CryptoKeys by structured clone).
 * - `cases`: `case_id` → `{case_id, created_at, entries, bytes, acknowledged, receipt}` — no post content.
 * - `blobs`: `[case_id, name]` → `{case_id, name, iv, data}`; `data` is AES-GCM ciphertext of the log entry
 *   (`log/000003`, canonical JSON) or the artefact file (`screenshots/post.png`, `forms/…html`), with
 *   `case_id/name` as additional data so a ciphertext moved to another place fails to decrypt.
 *
 * @typedef {import('./wasm.js').EvidenceWasm} EvidenceWasm
 * @typedef {import('./wasm.js').LogEntry} LogEntry
 * @typedef {import('./wasm.js').ArtefactRef} ArtefactRef
 * @typedef {{id: string, role: string, unit: string}} User
 * @typedef {{case_id: string, created_at: string, entries: number, bytes: number, acknowledged: boolean,
 *   receipt: Record<string, unknown>|null}} CaseMeta
 * @typedef {{receipt_id: string, received_at: string, head_seq: number, head_hash: string, endpoint?: string,
 *   [more: string]: unknown}} Receipt
 */

export const DB_NAME = 'patrol-evidence';
/** 100 MB: a few hundred cases with two screenshots each; the officer is warned from 80 %. */
export const DEFAULT_CAP_BYTES = 100 * 1024 * 1024;
export const WARN_RATIO = 0.8;
const KEY_ID = 'aes-gcm';

/** A failure the officer must see; `code` lets callers react (`full`, `not_acknowledged`, `key`, …). */
export class EvidenceError extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.name = 'EvidenceError';
    this.code = code;
  }
}

/** @param {number} bytes */
function mb(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Japanese message shown when a capture is refused because the store is full. */
export function fullMessage(/** @type {number} */ used, /** @type {number} */ cap, /** @type {number} */ needed) {
  return `証拠の保存容量の上限（${mb(cap)}）に達するため、この証拠は保存していません（使用中 ${mb(used)}、必要 ${mb(needed)}）。` +
    '保存済みの証拠は一件も削除していません。送信済みの案件が受領されると自動的に削除されます。' +
    '未送信の案件を送信するか、エクスポートして提出してから、もう一度取得してください。';
}

/** Japanese warning from 80 % of the cap on. */
export function nearlyFullMessage(/** @type {number} */ used, /** @type {number} */ cap) {
  return `証拠の保存容量の ${Math.floor((used / cap) * 100)}%（${mb(used)} / ${mb(cap)}）を使用しています。` +
    '上限に達すると新しい証拠を保存できません。未送信の案件を早めに送信してください。';
}

/** @template T @param {IDBRequest<T>} req @returns {Promise<T>} */
function done(req) {
  return new Promise((ok, fail) => {
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
}

/** @param {IDBTransaction} tx @returns {Promise<void>} */
function committed(tx) {
  return new Promise((ok, fail) => {
    tx.oncomplete = () => ok();
    tx.onerror = () => fail(tx.error);
    tx.onabort = () => fail(tx.error ?? new EvidenceError('conflict', 'patrol: evidence write aborted'));
  });
}

/** @param {string} name */
export function openDatabase(name = DB_NAME) {
  const req = indexedDB.open(name, 1);
  req.onupgradeneeded = () => {
    const db = req.result;
    db.createObjectStore('keys');
    db.createObjectStore('cases', { keyPath: 'case_id' });
    db.createObjectStore('blobs', { keyPath: ['case_id', 'name'] });
  };
  return done(req);
}

/** @param {number} seq */
function logName(seq) {
  return `log/${String(seq).padStart(6, '0')}`;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

export class EvidenceStore {
  /**
   * @param {IDBDatabase} db @param {CryptoKey} key @param {EvidenceWasm} wasm @param {number} cap
   * @param {() => number} now
   */
  constructor(db, key, wasm, cap, now) {
    this.db = db;
    this.key = key;
    this.wasm = wasm;
    this.cap = cap;
    this.now = now;
  }

  /**
   * Opens (and on first use creates) the store and its key.
   * @param {{wasm: EvidenceWasm, name?: string, capBytes?: number, now?: () => number}} opts
   */
  static async open({ wasm, name = DB_NAME, capBytes = DEFAULT_CAP_BYTES, now = Date.now }) {
    const db = await openDatabase(name);
    let key = await done(db.transaction('keys').objectStore('keys').get(KEY_ID));
    if (!key) {
      const fresh = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      const tx = db.transaction('keys', 'readwrite');
      // add, not put: if another context created the key meanwhile, keep theirs.
      tx.objectStore('keys').add(fresh, KEY_ID);
      try {
        await committed(tx);
        key = fresh;
      } catch {
        key = await done(db.transaction('keys').objectStore('keys').get(KEY_ID));
      }
    }
    return new EvidenceStore(db, /** @type {CryptoKey} */ (key), wasm, capBytes, now);
  }

  close() {
    this.db.close();
  }

  /** @param {string} caseId @param {string} name @param {Uint8Array<ArrayBuffer>} plain */
  async encrypt(caseId, name, plain) {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: utf8.encode(`${caseId}/${name}`) }, this.key, plain);
    return { case_id: caseId, name, iv, data };
  }

  /** @param {{case_id: string, name: string, iv: Uint8Array<ArrayBuffer>, data: ArrayBuffer}} blob */
  async decrypt(blob) {
    try {
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: blob.iv, additionalData: utf8.encode(`${blob.case_id}/${blob.name}`) }, this.key, blob.data);
      return new Uint8Array(plain);
    } catch {
      throw new EvidenceError('key', `patrol: 証拠 ${blob.case_id}/${blob.name} を復号できません（鍵が違うか、データが改変されています） / cannot decrypt: wrong key or altered data`);
    }
  }

  /** Bytes used by all cases and what that means for the officer. */
  async usage() {
    const cases = /** @type {CaseMeta[]} */ (await done(this.db.transaction('cases').objectStore('cases').getAll()));
    const used = cases.reduce((n, c) => n + c.bytes, 0);
    const warning = used >= this.cap * WARN_RATIO ? nearlyFullMessage(used, this.cap) : null;
    return { used, cap: this.cap, cases: cases.length, pending: cases.filter((c) => !c.acknowledged).length, warning };
  }

  /**
   * Refuses (code `full`) when `bytes` more would pass the cap: called before a capture writes
   * anything, so a refused capture leaves no half case behind.
   * @param {number} bytes
   */
  async ensureRoom(bytes) {
    const { used } = await this.usage();
    if (used + bytes > this.cap) throw new EvidenceError('full', fullMessage(used, this.cap, bytes));
  }

  /** @returns {Promise<CaseMeta[]>} */
  async cases() {
    return /** @type {CaseMeta[]} */ (await done(this.db.transaction('cases').objectStore('cases').getAll()));
  }

  /** @param {string} caseId @returns {Promise<CaseMeta>} */
  async meta(caseId) {
    const m = await done(this.db.transaction('cases').objectStore('cases').get(caseId));
    if (!m) throw new EvidenceError('no_case', `patrol: 案件 ${caseId} は保存されていません / no such case`);
    return m;
  }

  /** The capture time strings for now, from the same Rust code that checks them. */
  times() {
    return this.wasm.captureTimes(this.now());
  }

  /**
   * Starts a case: its genesis entry. Returns the case id.
   * @param {{user: User, caseId?: string}} opts
   */
  async createCase({ user, caseId }) {
    const t = this.times();
    const id = caseId ?? `case-${t.jst.slice(0, 10).replaceAll('-', '')}-${[...crypto.getRandomValues(new Uint8Array(6))]
      .map((b) => b.toString(16).padStart(2, '0')).join('')}`;
    const entry = this.wasm.chainAppend([], {
      kind: 'genesis', time: t.utc,
      record: { schema: 'patrol.evidence.case/1', case_id: id, created_at_utc: t.utc, user },
    });
    const blob = await this.encrypt(id, logName(0), utf8.encode(this.wasm.canonicalJson(entry)));
    const size = blob.data.byteLength;
    const { used } = await this.usage();
    if (used + size > this.cap) throw new EvidenceError('full', fullMessage(used, this.cap, size));
    const tx = this.db.transaction(['cases', 'blobs'], 'readwrite');
    tx.objectStore('cases').add({ case_id: id, created_at: t.utc, entries: 1, bytes: size, acknowledged: false, receipt: null });
    tx.objectStore('blobs').add(blob);
    await committed(tx);
    return id;
  }

  /** The case's log, decrypted, in order. @param {string} caseId @returns {Promise<LogEntry[]>} */
  async log(caseId) {
    const meta = await this.meta(caseId);
    if (meta.acknowledged && meta.entries === 0) {
      throw new EvidenceError('purged', `patrol: 案件 ${caseId} は受領済みのため端末から削除されています / acknowledged and purged`);
    }
    const range = IDBKeyRange.bound([caseId, 'log/'], [caseId, 'log/\uffff']);
    const blobs = await done(this.db.transaction('blobs').objectStore('blobs').getAll(range));
    if (blobs.length !== meta.entries) {
      throw new EvidenceError('damaged', `patrol: 案件 ${caseId} のログが ${meta.entries} 件のはずが ${blobs.length} 件です / log entries missing`);
    }
    const out = [];
    for (const b of blobs) out.push(JSON.parse(fromUtf8.decode(await this.decrypt(b))));
    return out;
  }

  /** An artefact's bytes. @param {string} caseId @param {string} name */
  async artefact(caseId, name) {
    const b = await done(this.db.transaction('blobs').objectStore('blobs').get([caseId, name]));
    if (!b) throw new EvidenceError('no_artefact', `patrol: ${caseId}/${name} は保存されていません / no such artefact`);
    return this.decrypt(b);
  }

  /**
   * Appends one entry (and the file it references) to a case, refusing if the cap would be passed.
   * The entry is computed by the Rust chain code from the decrypted log, then both are written in one
   * transaction that re-checks the log length, so two contexts appending at once cannot fork the chain.
   * @param {string} caseId
   * @param {{kind: string, record?: Record<string, unknown>, file?: {ref: ArtefactRef, bytes: Uint8Array<ArrayBuffer>}}} what
   * @returns {Promise<LogEntry>}
   */
  async append(caseId, what) {
    for (let attempt = 0; attempt < 5; attempt++) {
      const meta = await this.meta(caseId);
      if (meta.acknowledged) {
        throw new EvidenceError('closed', `patrol: 案件 ${caseId} は受領済みのため追記できません / case already acknowledged`);
      }
      const log = await this.log(caseId);
      const time = this.times().utc;
      const entry = what.file
        ? this.wasm.chainAppend(log, { kind: what.kind, time, ref: what.file.ref, sha256: this.wasm.sha256Hex(what.file.bytes) })
        : this.wasm.chainAppend(log, { kind: what.kind, time, record: what.record });
      const blobs = [await this.encrypt(caseId, logName(entry.seq), utf8.encode(this.wasm.canonicalJson(entry)))];
      if (what.file) blobs.push(await this.encrypt(caseId, what.file.ref.name, what.file.bytes));
      const size = blobs.reduce((n, b) => n + b.data.byteLength, 0);
      const { used } = await this.usage();
      if (used + size > this.cap) throw new EvidenceError('full', fullMessage(used, this.cap, size));
      const tx = this.db.transaction(['cases', 'blobs'], 'readwrite');
      const cases = tx.objectStore('cases');
      const current = /** @type {CaseMeta} */ (await done(cases.get(caseId)));
      if (current.entries !== log.length || current.acknowledged) {
        tx.abort();
        await committed(tx).catch(() => {});
        continue; // someone else appended meanwhile: recompute on the new head
      }
      for (const b of blobs) tx.objectStore('blobs').add(b); // add: an artefact name is never overwritten
      cases.put({ ...current, entries: current.entries + 1, bytes: current.bytes + size });
      await committed(tx);
      return entry;
    }
    throw new EvidenceError('conflict', 'patrol: 証拠ログへの追記が競合しました。もう一度お試しください / append conflict');
  }

  /** The evidence record (kind `record`); checked by the Rust validator first. @param {string} caseId @param {Record<string, unknown>} record */
  async addRecord(caseId, record) {
    this.wasm.recordSha256(record); // throws a clear Error for an incomplete record
    return this.append(caseId, { kind: 'record', record });
  }

  /**
   * A file: a screenshot (`screenshot_tab`, `screenshot_post`) or a form's final HTML (`form_final`).
   * @param {string} caseId @param {string} kind @param {ArtefactRef} ref @param {Uint8Array<ArrayBuffer>} bytes
   */
  async addArtefact(caseId, kind, ref, bytes) {
    return this.append(caseId, { kind, file: { ref: { ...ref, bytes: bytes.byteLength }, bytes } });
  }

  /** A fact the officer states (e.g. a form was faxed). @param {string} caseId @param {Record<string, unknown>} record */
  async addNote(caseId, record) {
    return this.append(caseId, { kind: 'note', record });
  }

  /**
   * Takes the endpoint's receipt and purges the case: the only way evidence leaves the store.
   * The receipt must acknowledge this log's current head (entry `head_seq` with hash `head_hash`), so
   * nothing captured after the upload is lost. The endpoint keeps the receipt (and appends it to its
   * copy of the log as an `ack` entry); the store keeps only the case id and the receipt.
   * @param {string} caseId @param {Receipt} receipt
   */
  async acknowledge(caseId, receipt) {
    const log = await this.log(caseId);
    const at = log[receipt.head_seq];
    if (!at || at.hash !== receipt.head_hash) {
      throw new EvidenceError('receipt', `patrol: 受領記録（seq ${receipt.head_seq}）がこの案件のログと一致しません。削除しません / the receipt does not match this log; nothing purged`);
    }
    if (receipt.head_seq !== log.length - 1) {
      throw new EvidenceError('receipt', `patrol: 受領記録は seq ${receipt.head_seq} までですが、ログは seq ${log.length - 1} まであります。未送信の証拠があるため削除しません / entries after the receipt were not sent; nothing purged`);
    }
    const meta = await this.meta(caseId);
    const tx = this.db.transaction('cases', 'readwrite');
    tx.objectStore('cases').put({ ...meta, acknowledged: true, receipt: { ...receipt } });
    await committed(tx);
    await this.purge(caseId);
  }

  /** Receipts of purged cases (what was sent, for the officer's list), by case id. */
  async receipts() {
    const tx = this.db.transaction('cases');
    return /** @type {CaseMeta[]} */ (await done(tx.objectStore('cases').getAll())).filter((c) => c.acknowledged);
  }

  /** Deletes an acknowledged case; refuses anything else. @param {string} caseId */
  async purge(caseId) {
    const meta = await this.meta(caseId);
    if (!meta.acknowledged) {
      throw new EvidenceError('not_acknowledged', `patrol: 案件 ${caseId} はまだ受領されていないため削除できません / not acknowledged: not purged`);
    }
    const tx = this.db.transaction(['cases', 'blobs'], 'readwrite');
    tx.objectStore('blobs').delete(IDBKeyRange.bound([caseId, ''], [caseId, '\uffff']));
    // A tombstone without content: the officer's list still shows that the case was sent and received.
    tx.objectStore('cases').put({ ...meta, entries: 0, bytes: 0 });
    await committed(tx);
  }

  /** Verifies a case's log with the Rust verifier. @param {string} caseId */
  async verify(caseId) {
    return this.wasm.verifyChain(await this.log(caseId), { requireSeal: false });
  }
}
