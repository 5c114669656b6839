// @ts-check
/**
 * What the evidence library needs from patrol's wasm module (`pkg/patrol_wasm.js` in the extension,
 * `build/wasm/web/patrol_wasm.js` elsewhere): the Rust code that computes every evidence hash, so the
 * extension, `patrol verify` and the endpoint can never disagree. The caller initialises the module
 * (`await init()`) and passes its namespace; the library never loads wasm itself, so it works the same
 * in the service worker, the offscreen document, extension pages and test pages.
 *
 * @typedef {{
 *   canonicalJson(value: unknown): string,
 *   sha256Hex(data: string|Uint8Array|ArrayBuffer): string,
 *   recordSha256(record: unknown): string,
 *   captureTimes(unixMillis: number): {utc: string, jst: string},
 *   chainAppend(log: LogEntry[], entry: NewEntry): LogEntry,
 *   verifyChain(log: LogEntry[], options?: VerifyOptions): VerifyResult,
 *   verifyJsonl(text: string, options?: VerifyOptions): VerifyResult,
 *   chainToJsonl(log: LogEntry[]): string,
 * }} EvidenceWasm
 */

/**
 * One entry of a case log (docs/evidence.md §3).
 * @typedef {{seq: number, prev: string, kind: string, time: string, sha256: string,
 *   record?: Record<string, unknown>, ref?: ArtefactRef, hash: string}} LogEntry
 */

/**
 * @typedef {{name: string, media_type: string, bytes: number, [more: string]: unknown}} ArtefactRef
 * @typedef {{kind: string, time: string, record?: Record<string, unknown>, ref?: ArtefactRef, sha256?: string}} NewEntry
 * @typedef {{requireSeal?: boolean, anchor?: {seq: number, hash: string}}} VerifyOptions
 * @typedef {{ok: true, entries: number, case_id: string, head_seq: number, head_hash: string, sealed: boolean,
 *   kinds: Record<string, number>, artefacts_checked: number}
 *   | {ok: false, problem: {kind: string, index: number, seq: number|null, detail: string, message: string}}} VerifyResult
 */

export {};
