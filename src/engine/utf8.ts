/** Cuts a string to at most `maxBytes` of UTF-8 without splitting a character (wallets limit descriptions in bytes). */
export function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0
  let out = ''
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8')
    if (bytes + size > maxBytes) break
    bytes += size
    out += char
  }
  return out
}
