// @ts-check
/**
 * The queue's IndexedDB database. IndexedDB rather than chrome.storage because it outlives both the
 * service worker (stopped after ~30 s idle) and the browser, holds large bodies without a quota
 * per item, and gives transactions: an acknowledgement and the purge list it creates are written together.
 */

export const DB_NAME = 'patrol-sync';
export const DB_VERSION = 1;
export const ITEMS = 'items';
export const META = 'meta';

/** @type {Promise<IDBDatabase>|null} */
let opening = null;

/** @returns {Promise<IDBDatabase>} */
export function openDb() {
  if (opening) return opening;
  opening = new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(ITEMS)) {
        const items = db.createObjectStore(ITEMS, { keyPath: 'id' });
        items.createIndex('seq', 'seq', { unique: true });
      }
      if (!db.objectStoreNames.contains(META)) db.createObjectStore(META, { keyPath: 'k' });
    };
    req.onsuccess = () => {
      const db = req.result;
      // Another context upgrading the schema: let it, and reopen on next use.
      db.onversionchange = () => {
        db.close();
        opening = null;
      };
      resolve(db);
    };
    req.onerror = () => {
      opening = null;
      reject(new Error(`patrol: 送信キューのデータベースを開けません: ${req.error?.message ?? ''}`));
    };
  });
  return opening;
}

/**
 * @template T
 * @param {IDBRequest<T>} req
 * @returns {Promise<T>}
 */
export function done(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/**
 * Runs `body` in one transaction over `stores` and resolves with its result once the transaction has
 * committed (not merely when the last request succeeded), so a caller never acts on an unwritten change.
 * @template T
 * @param {string[]} stores
 * @param {IDBTransactionMode} mode
 * @param {(tx: IDBTransaction) => Promise<T>|T} body
 * @returns {Promise<T>}
 */
export async function transact(stores, mode, body) {
  const db = await openDb();
  const tx = db.transaction(stores, mode, { durability: 'strict' });
  const committed = new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve(undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('patrol: 送信キューの書き込みが中断されました'));
  });
  /** @type {T} */
  let result;
  try {
    result = await body(tx);
  } catch (e) {
    try {
      tx.abort();
    } catch {
      // already finished
    }
    await committed.catch(() => {});
    throw e;
  }
  await committed;
  return result;
}
