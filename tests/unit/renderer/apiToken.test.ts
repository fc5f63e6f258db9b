import { describe, expect, it } from 'vitest'
import { takeTokenFromUrl, tokenToKeep } from '../../../src/renderer/src/lib/apiToken'

describe('pairing token in the address bar', () => {
  it('takes the token out and keeps the rest of the URL', () => {
    expect(takeTokenFromUrl('http://127.0.0.1:5170/?token=abc%2Bdef&lang=zh#/orders')).toEqual({
      token: 'abc+def',
      cleanUrl: 'http://127.0.0.1:5170/?lang=zh#/orders',
    })
    expect(takeTokenFromUrl('http://127.0.0.1:5170/?token=abc')?.cleanUrl).toBe('http://127.0.0.1:5170/')
  })

  it('finds nothing without a token', () => {
    expect(takeTokenFromUrl('http://127.0.0.1:5170/#/')).toBeNull()
    expect(takeTokenFromUrl('http://127.0.0.1:5170/?token=%20')).toBeNull()
  })
})

describe('a token from the address bar replaces the remembered one only if the server takes it', () => {
  const server = (valid: string | null) => async (token: string) =>
    valid === null ? ('unknown' as const) : token === valid ? ('yes' as const) : ('no' as const)

  it('keeps the paired token when a link carries a wrong one', async () => {
    expect(await tokenToKeep('forged', 'paired', server('paired'))).toBe('paired')
    expect(await tokenToKeep('forged', null, server('paired'))).toBeNull()
  })

  it('takes a token the server accepts, and one it cannot check yet (first pairing while it restarts)', async () => {
    expect(await tokenToKeep('new', 'old', server('new'))).toBe('new')
    expect(await tokenToKeep('new', null, server(null))).toBe('new')
  })

  it('does not ask again for the token it already has', async () => {
    let asked = 0
    const counting = async () => (asked++, 'no' as const)
    expect(await tokenToKeep('paired', 'paired', counting)).toBe('paired')
    expect(asked).toBe(0)
  })
})
