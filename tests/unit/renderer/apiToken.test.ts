import { describe, expect, it } from 'vitest'
import { takeTokenFromUrl } from '../../../src/renderer/src/lib/apiToken'

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
