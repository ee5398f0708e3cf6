/** UTF-8 byte length without allocating (pure: no Buffer, runs anywhere). Lone surrogates count 3, as TextEncoder writes them. */
export function utf8ByteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** The longest prefix of `s` of at most `maxBytes` UTF-8 bytes that does not split a character. */
export function truncateUtf8(s: string, maxBytes: number): string {
  if (s.length <= maxBytes / 3) return s; // fast path: cannot exceed
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let w = 1;
    let units = 1;
    if (c < 0x80) w = 1;
    else if (c < 0x800) w = 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      w = 4;
      units = 2;
    } else w = 3;
    if (n + w > maxBytes) return s.slice(0, i);
    n += w;
    i += units - 1;
  }
  return s;
}
