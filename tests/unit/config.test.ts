import { describe, expect, it } from 'vitest'
import { lanAddresses, loadServerConfig, resolvePublicBaseUrl } from '../../src/server/config'
import { createHostGuard } from '../../src/server/security'

describe('server configuration', () => {
  it('listens on loopback port 5170 by default and generates no token itself', () => {
    const config = loadServerConfig({})
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 5170,
      apiToken: null,
      publicBaseUrl: 'http://127.0.0.1:5170',
    })
  })

  it('takes HUTONG_* variables', () => {
    const config = loadServerConfig({
      HUTONG_HOST: '0.0.0.0',
      HUTONG_PORT: '8080',
      HUTONG_API_TOKEN: 'secret-token',
      HUTONG_PUBLIC_URL: 'http://shop.example.test:8080/',
    })
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      apiToken: 'secret-token',
      publicBaseUrl: 'http://shop.example.test:8080',
    })
  })

  it('refuses a port that is not a port', () => {
    expect(() => loadServerConfig({ HUTONG_PORT: 'eighty' })).toThrow(/HUTONG_PORT/)
    expect(() => loadServerConfig({ HUTONG_PORT: '70000' })).toThrow(/HUTONG_PORT/)
  })

  it('points QR codes at the LAN address when listening on every interface', () => {
    const lan = lanAddresses()[0] ?? '127.0.0.1'
    expect(resolvePublicBaseUrl('0.0.0.0', 5170, undefined)).toBe(`http://${lan}:5170`)
  })

  it('answers only to the host names it is configured for', () => {
    const allowed = createHostGuard(['127.0.0.1', 'localhost', '192.168.1.20'])
    expect(allowed('127.0.0.1:5170')).toBe(true)
    expect(allowed('LOCALHOST:5170')).toBe(true)
    expect(allowed('192.168.1.20')).toBe(true)
    expect(allowed('evil.example.com:5170')).toBe(false)
    expect(allowed(undefined)).toBe(false)
  })
})
