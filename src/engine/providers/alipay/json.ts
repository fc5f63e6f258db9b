/**
 * Alipay signs the exact text of the `xxx_response` member as it appears in the answer, so verification
 * needs that text, not a re-serialisation. This scanner returns each top-level member's raw text span and
 * refuses duplicate keys: otherwise a verified member could sit next to a forged twin that JSON.parse
 * would pick instead.
 */
export function topLevelMembers(text: string): Map<string, string> {
  let i = skipSpace(text, 0)
  if (text[i] !== '{') throw new SyntaxError('not a JSON object')
  i = skipSpace(text, i + 1)
  const members = new Map<string, string>()
  if (text[i] === '}') return finish(text, i + 1, members)
  for (;;) {
    if (text[i] !== '"') throw new SyntaxError('expected a key')
    const keyEnd = skipString(text, i)
    const key = JSON.parse(text.slice(i, keyEnd)) as string
    i = skipSpace(text, keyEnd)
    if (text[i] !== ':') throw new SyntaxError('expected ":"')
    const start = skipSpace(text, i + 1)
    const end = skipValue(text, start)
    if (members.has(key)) throw new SyntaxError(`duplicate member ${key}`)
    members.set(key, text.slice(start, end))
    i = skipSpace(text, end)
    if (text[i] === ',') {
      i = skipSpace(text, i + 1)
      continue
    }
    if (text[i] === '}') return finish(text, i + 1, members)
    throw new SyntaxError('expected "," or "}"')
  }
}

function finish(text: string, i: number, members: Map<string, string>): Map<string, string> {
  if (skipSpace(text, i) !== text.length) throw new SyntaxError('trailing data after the object')
  return members
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++
  return i
}

function skipString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j]
    if (c === '\\') j++
    else if (c === '"') return j + 1
  }
  throw new SyntaxError('unterminated string')
}

function skipValue(text: string, i: number): number {
  const c = text[i]
  if (c === '"') return skipString(text, i)
  if (c === '{' || c === '[') {
    let depth = 0
    for (let j = i; j < text.length; j++) {
      const d = text[j]
      if (d === '"') j = skipString(text, j) - 1
      else if (d === '{' || d === '[') depth++
      else if (d === '}' || d === ']') {
        depth--
        if (depth === 0) {
          // Validates the nested value; the scanner only tracks its extent.
          JSON.parse(text.slice(i, j + 1))
          return j + 1
        }
      }
    }
    throw new SyntaxError('unterminated value')
  }
  const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64))
  if (!m) throw new SyntaxError('unexpected token')
  return i + m[0].length
}
