// Offsets: the engine gives diagnostics in UTF-16 code units (what a textarea uses)
// and trace spans in UTF-8 bytes; this converts bytes to UTF-16 for the editor.

/**
 * A byte → UTF-16 offset map for `text`, built once per text (lazily, on first use).
 * Offsets inside a multi-byte character map to the character's start.
 */
export class OffsetMap {
  constructor(text) {
    this.text = text;
    this.map = null;
  }

  build() {
    const t = this.text;
    // Worst case 3 bytes per UTF-16 unit (surrogate pairs are 4 bytes per 2 units).
    const map = new Uint32Array(t.length * 3 + 1);
    let b = 0;
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      let n;
      if (c < 0x80) n = 1;
      else if (c < 0x800) n = 2;
      else if (c >= 0xd800 && c <= 0xdbff && i + 1 < t.length) {
        const d = t.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          for (let k = 0; k < 4; k++) map[b + k] = i;
          b += 4;
          i++;
          continue;
        }
        n = 3;
      } else n = 3;
      for (let k = 0; k < n; k++) map[b + k] = i;
      b += n;
    }
    map[b] = t.length;
    this.bytes = b;
    this.map = map;
  }

  /** The UTF-16 offset of byte offset `byte` (clamped to the text). */
  utf16(byte) {
    if (!this.map) this.build();
    if (byte <= 0) return 0;
    if (byte >= this.bytes) return this.text.length;
    return this.map[byte];
  }
}

/** 1-based line and column (in UTF-16 units) of a UTF-16 offset. */
export function lineCol(text, offset) {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) { line++; last = i; }
  }
  return { line, column: offset - last };
}
