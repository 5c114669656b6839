//! Low-level building blocks shared by the encoder and the decoder: LEB128
//! varints, a bounds-checked reader, the one-byte kana character code and
//! CRC-32.

use crate::error::DictError;

/// Appends `v` as an unsigned LEB128 varint.
pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Maps a signed 16-bit value onto an unsigned one so that small magnitudes
/// get small codes (0, -1, 1, -2 … → 0, 1, 2, 3 …).
pub(crate) fn zigzag16(v: i16) -> u16 {
    ((v << 1) ^ (v >> 15)) as u16
}

/// Inverse of [`zigzag16`].
pub(crate) fn unzigzag16(v: u16) -> i16 {
    ((v >> 1) as i16) ^ -((v & 1) as i16)
}

/// A cursor over a byte slice whose every read is bounds-checked. `what`
/// names the part of the container being read, for error messages.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8], what: &'static str) -> Self {
        Self { buf, pos: 0, what }
    }

    pub(crate) fn what(&self) -> &'static str {
        self.what
    }

    /// Bytes not yet consumed.
    pub(crate) fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub(crate) fn bytes(&mut self, n: usize) -> Result<&'a [u8], DictError> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or_else(|| DictError::truncated(self.what))?;
        let out = self
            .buf
            .get(self.pos..end)
            .ok_or_else(|| DictError::truncated(self.what))?;
        self.pos = end;
        Ok(out)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, DictError> {
        let b = *self
            .buf
            .get(self.pos)
            .ok_or_else(|| DictError::truncated(self.what))?;
        self.pos += 1;
        Ok(b)
    }

    pub(crate) fn u16(&mut self) -> Result<u16, DictError> {
        let b = self.bytes(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    pub(crate) fn u32(&mut self) -> Result<u32, DictError> {
        let b = self.bytes(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A `u32` length prefix followed by that many bytes.
    pub(crate) fn block(&mut self) -> Result<&'a [u8], DictError> {
        let len = self.u32()? as usize;
        self.bytes(len)
    }

    pub(crate) fn varint(&mut self) -> Result<u64, DictError> {
        let mut v: u64 = 0;
        let mut shift = 0u32;
        loop {
            let b = self.u8()?;
            if shift == 63 && b > 1 {
                return Err(DictError::corrupt(format!(
                    "varint overflows 64 bits in {}",
                    self.what
                )));
            }
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
            shift += 7;
            if shift > 63 {
                return Err(DictError::corrupt(format!(
                    "varint overflows 64 bits in {}",
                    self.what
                )));
            }
        }
    }

    /// A varint that must fit a `usize` index or count.
    pub(crate) fn varint_usize(&mut self) -> Result<usize, DictError> {
        let v = self.varint()?;
        usize::try_from(v).map_err(|_| {
            DictError::corrupt(format!("value {v} in {} does not fit usize", self.what))
        })
    }

    /// A varint-length-prefixed UTF-8 string.
    pub(crate) fn string(&mut self) -> Result<&'a str, DictError> {
        let len = self.varint_usize()?;
        let bytes = self.bytes(len)?;
        std::str::from_utf8(bytes)
            .map_err(|_| DictError::corrupt(format!("invalid UTF-8 string in {}", self.what)))
    }

    /// Errors unless every byte was consumed.
    pub(crate) fn finish(&self) -> Result<(), DictError> {
        if self.remaining() == 0 {
            Ok(())
        } else {
            Err(DictError::corrupt(format!(
                "{} has {} unexpected trailing bytes",
                self.what,
                self.remaining()
            )))
        }
    }
}

pub(crate) fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

// --- one-byte character code -------------------------------------------------
//
// Keys and readings are mostly kana, which take three bytes in UTF-8. The
// container writes them one byte each:
//   0x00..=0x55  hiragana U+3041..=U+3096
//   0x60..=0xBB  katakana U+30A1..=U+30FC (ー included)
//   0xFE         end of a reading (only in the reading stream)
//   0xFF         escape: one UTF-8 encoded character follows
// Every other byte is invalid.

const HIRA_FIRST: u32 = 0x3041;
const HIRA_LAST: u32 = 0x3096;
const HIRA_CODE: u8 = 0x00;
const KATA_FIRST: u32 = 0x30A1;
const KATA_LAST: u32 = 0x30FC;
const KATA_CODE: u8 = 0x60;
pub(crate) const CHAR_END: u8 = 0xFE;
const CHAR_ESCAPE: u8 = 0xFF;

pub(crate) fn put_char(out: &mut Vec<u8>, c: char) {
    let cp = c as u32;
    if (HIRA_FIRST..=HIRA_LAST).contains(&cp) {
        out.push(HIRA_CODE + (cp - HIRA_FIRST) as u8);
    } else if (KATA_FIRST..=KATA_LAST).contains(&cp) {
        out.push(KATA_CODE + (cp - KATA_FIRST) as u8);
    } else {
        out.push(CHAR_ESCAPE);
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
}

/// Reads one character; `Ok(None)` is the end marker [`CHAR_END`].
pub(crate) fn get_char(r: &mut Reader<'_>) -> Result<Option<char>, DictError> {
    let b = r.u8()?;
    let cp = match b {
        0x00..=0x55 => HIRA_FIRST + u32::from(b - HIRA_CODE),
        0x60..=0xBB => KATA_FIRST + u32::from(b - KATA_CODE),
        CHAR_END => return Ok(None),
        CHAR_ESCAPE => {
            let lead = r.u8()?;
            let len = match lead {
                0x00..=0x7f => 1,
                0xc2..=0xdf => 2,
                0xe0..=0xef => 3,
                0xf0..=0xf4 => 4,
                _ => {
                    return Err(DictError::corrupt(format!(
                        "invalid escaped character in {}",
                        r.what()
                    )))
                }
            };
            let mut buf = [lead, 0, 0, 0];
            let rest = r.bytes(len - 1)?;
            buf[1..len].copy_from_slice(rest);
            let s = std::str::from_utf8(&buf[..len]).map_err(|_| {
                DictError::corrupt(format!("invalid escaped character in {}", r.what()))
            })?;
            return s.chars().next().map(Some).ok_or_else(|| {
                DictError::corrupt(format!("invalid escaped character in {}", r.what()))
            });
        }
        _ => {
            return Err(DictError::corrupt(format!(
                "invalid character code 0x{b:02x} in {}",
                r.what()
            )))
        }
    };
    char::from_u32(cp)
        .map(Some)
        .ok_or_else(|| DictError::corrupt(format!("invalid character in {}", r.what())))
}

/// Hiragana → katakana (U+3041..=U+3096 shifted by 0x60); every other
/// character unchanged. The reading of a kana word is usually this.
pub(crate) fn to_katakana(c: char) -> char {
    let cp = c as u32;
    if (HIRA_FIRST..=HIRA_LAST).contains(&cp) {
        char::from_u32(cp + 0x60).unwrap_or(c)
    } else {
        c
    }
}

// --- CRC-32 (IEEE 802.3, reflected, as in gzip/zip) --------------------------

const fn crc_tables() -> [[u32; 256]; 8] {
    let mut tables = [[0u32; 256]; 8];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        tables[0][i] = c;
        i += 1;
    }
    let mut t = 1;
    while t < 8 {
        let mut i = 0;
        while i < 256 {
            let prev = tables[t - 1][i];
            tables[t][i] = (prev >> 8) ^ tables[0][(prev & 0xff) as usize];
            i += 1;
        }
        t += 1;
    }
    tables
}

static CRC_TABLES: [[u32; 256]; 8] = crc_tables();

/// CRC-32, slicing by 8 bytes (the payload is ~10 MB; this keeps the check
/// to a few milliseconds).
pub(crate) fn crc32(data: &[u8]) -> u32 {
    let t = &CRC_TABLES;
    let mut c = !0u32;
    let mut chunks = data.chunks_exact(8);
    for b in &mut chunks {
        let lo = c ^ u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        c = t[7][(lo & 0xff) as usize]
            ^ t[6][((lo >> 8) & 0xff) as usize]
            ^ t[5][((lo >> 16) & 0xff) as usize]
            ^ t[4][(lo >> 24) as usize]
            ^ t[3][b[4] as usize]
            ^ t[2][b[5] as usize]
            ^ t[1][b[6] as usize]
            ^ t[0][b[7] as usize];
    }
    for &b in chunks.remainder() {
        c = t[0][((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8);
    }
    !c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_round_trip() {
        for v in [0u64, 1, 127, 128, 300, 65_535, u32::MAX as u64, u64::MAX] {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            let mut r = Reader::new(&out, "test");
            assert_eq!(r.varint().unwrap(), v);
            r.finish().unwrap();
        }
    }

    #[test]
    fn overlong_varint_is_an_error() {
        let bytes = [0xffu8; 11];
        let mut r = Reader::new(&bytes, "test");
        assert!(r.varint().is_err());
    }

    #[test]
    fn zigzag_round_trip() {
        for v in [0i16, 1, -1, 2, -2, i16::MAX, i16::MIN, 1234, -4321] {
            assert_eq!(unzigzag16(zigzag16(v)), v);
        }
        assert_eq!(zigzag16(-1), 1);
        assert_eq!(zigzag16(1), 2);
    }

    #[test]
    fn char_code_round_trip() {
        let text = "ぁゖァーヴ漢字ＡＢa😀　・ヽ";
        let mut out = Vec::new();
        for c in text.chars() {
            put_char(&mut out, c);
        }
        out.push(CHAR_END);
        let mut r = Reader::new(&out, "test");
        let mut back = String::new();
        while let Some(c) = get_char(&mut r).unwrap() {
            back.push(c);
        }
        assert_eq!(back, text);
        r.finish().unwrap();
    }

    #[test]
    fn bad_char_codes_are_errors() {
        for bytes in [
            &[0x56u8][..],
            &[0xFF, 0x80],
            &[0xFF, 0xE3, 0x81],
            &[0xFF, 0xED, 0xA0, 0x80],
        ] {
            let mut r = Reader::new(bytes, "test");
            assert!(get_char(&mut r).is_err(), "{bytes:?}");
        }
    }

    #[test]
    fn crc32_known_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
        // Longer than one 8-byte block, with a remainder.
        assert_eq!(
            crc32(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
    }
}
