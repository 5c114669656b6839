// CSV of the monthly report with Japanese labels, as a police desk opens it in Excel:
// UTF-8 with a BOM, CRLF line ends, and cells that a spreadsheet would read as a formula are
// prefixed with an apostrophe (page text is hostile: "=HYPERLINK(…)" must stay text).

/** One cell, quoted when needed and defused against formula injection. */
export function cell(value) {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  if (/[",\r\n]/.test(s)) s = `"${s.replace(/"/g, '""')}"`;
  return s;
}

/** Rows (arrays of values) to CSV text with a BOM. */
export function toCsv(header, rows) {
  const lines = [header, ...rows].map((row) => row.map(cell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Offers text as a file download without navigating away. */
export function download(filename, text, type = 'text/csv;charset=utf-8') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
