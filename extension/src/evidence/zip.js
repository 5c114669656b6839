// @ts-check
/**
 * A minimal zip writer (store method, no compression, no dependency): evidence files are PNG and
 * small text, and an uncompressed archive can be checked by `patrol verify` without an inflater.
 * File names are UTF-8 (general purpose flag bit 11), so Japanese names survive.
 */

/** @type {Uint32Array|null} */
let table = null;

/** CRC-32 (IEEE, reflected) as zip uses it. @param {Uint8Array} data */
export function crc32(data) {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * MS-DOS date and time of a wall-clock time (zip stores local time without a zone; JST is written).
 * @param {Date} jstWallClock a Date whose UTC fields hold the JST wall-clock time
 */
function dosTime(jstWallClock) {
  const d = jstWallClock;
  const time = (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1);
  const date = ((Math.max(1980, d.getUTCFullYear()) - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate();
  return { time, date };
}

/**
 * Builds a zip archive.
 * @param {{name: string, bytes: Uint8Array<ArrayBuffer>}[]} files
 * @param {Date} when the files' modification time (UTC instant; written as JST wall-clock time)
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function zip(files, when) {
  const enc = new TextEncoder();
  const { time, date } = dosTime(new Date(when.getTime() + 9 * 3600 * 1000));
  /** @type {Uint8Array[]} */
  const chunks = [];
  /** @type {Uint8Array[]} */
  const central = [];
  let offset = 0;
  const seen = new Set();
  for (const f of files) {
    if (!f.name || f.name.startsWith('/') || f.name.split('/').includes('..')) throw new Error(`patrol: bad file name in archive: ${f.name}`);
    if (seen.has(f.name)) throw new Error(`patrol: ${f.name} twice in one archive`);
    seen.add(f.name);
    const name = enc.encode(f.name);
    const crc = crc32(f.bytes);
    const size = f.bytes.length;
    if (size >= 0xffffffff || offset >= 0xffffffff) throw new Error('patrol: archive too large for zip without zip64');
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true); // version needed 2.0
    local.setUint16(6, 0x0800, true); // UTF-8 names
    local.setUint16(8, 0, true); // stored
    local.setUint16(10, time, true);
    local.setUint16(12, date, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, size, true);
    local.setUint32(22, size, true);
    local.setUint16(26, name.length, true);
    local.setUint16(28, 0, true);
    chunks.push(new Uint8Array(local.buffer), name, f.bytes);
    const c = new DataView(new ArrayBuffer(46));
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 0x031e, true); // made by: Unix, 3.0
    c.setUint16(6, 20, true);
    c.setUint16(8, 0x0800, true);
    c.setUint16(10, 0, true);
    c.setUint16(12, time, true);
    c.setUint16(14, date, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, size, true);
    c.setUint32(24, size, true);
    c.setUint16(28, name.length, true);
    c.setUint32(38, (0o100444 << 16) >>> 0, true); // a read-only regular file
    c.setUint32(42, offset, true);
    central.push(new Uint8Array(c.buffer), name);
    offset += 30 + name.length + size;
  }
  const cdSize = central.reduce((n, p) => n + p.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, files.length, true);
  end.setUint16(10, files.length, true);
  end.setUint32(12, cdSize, true);
  end.setUint32(16, offset, true);
  const all = [...chunks, ...central, new Uint8Array(end.buffer)];
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of all) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
