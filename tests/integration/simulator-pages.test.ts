import { afterEach, describe, expect, it } from 'vitest'
import { testServer } from '../support/server'

let s: Awaited<ReturnType<typeof testServer>>
afterEach(async () => s?.dispose())

const WECHAT_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.47 NetType/WIFI'
const ALIPAY_UA =
  'Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36 AlipayClient/10.5.30'

async function qrFor(wallet: 'wechat' | 'alipay', description = '豆浆') {
  const order = await s.api('POST', '/api/orders', { amountFen: 1234, description })
  const payment = await s.api('POST', `/api/orders/${order.json.id}/payments`, { wallet })
  return { orderId: order.json.id as string, url: payment.json.qrContent as string }
}

async function page(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers })
  return { status: res.status, html: await res.text(), headers: res.headers }
}

describe('simulator wallet pages', () => {
  it('shows the wallet confirm screen with the amount, the merchant and a 确认支付 button', async () => {
    s = await testServer()
    const { url } = await qrFor('wechat')
    const { status, html, headers } = await page(url, { 'User-Agent': WECHAT_UA })
    expect(status).toBe(200)
    expect(html).toContain('微信支付')
    expect(html).toContain('¥12.34')
    expect(html).toContain('互通便利店（演示）')
    expect(html).toMatch(/<button[^>]*>确认支付<\/button>/)
    expect(html).toContain('模拟钱包')
    expect(headers.get('content-security-policy')).toContain("default-src 'none'")
    expect(headers.get('cache-control')).toBe('no-store')
    expect(headers.get('referrer-policy')).toBe('no-referrer')
  })

  it('speaks English to an English phone: the button reads "Confirm payment"', async () => {
    s = await testServer()
    const { url } = await qrFor('alipay')
    const { html } = await page(url, { 'Accept-Language': 'en-US,en;q=0.9' })
    expect(html).toMatch(/<button[^>]*>Confirm payment<\/button>/)
    expect(html).toContain('Alipay')
  })

  it('tells an Alipay user to scan a WeChat code with WeChat, and will not take the payment', async () => {
    s = await testServer()
    const { url, orderId } = await qrFor('wechat')
    const { html } = await page(url, { 'User-Agent': ALIPAY_UA })
    expect(html).toContain('请使用微信扫一扫')
    expect(html).not.toContain('确认支付')
    const confirm = await fetch(`${url}/confirm`, {
      method: 'POST',
      headers: { 'User-Agent': ALIPAY_UA },
      redirect: 'manual',
    })
    expect(confirm.status).toBe(403)
    await s.engine.idle()
    expect((await s.api('GET', `/api/orders/${orderId}`)).json.status).toBe('awaiting_payment')
  })

  it('tells a WeChat user to scan an Alipay code with Alipay', async () => {
    s = await testServer()
    const { url } = await qrFor('alipay')
    expect((await page(url, { 'User-Agent': WECHAT_UA })).html).toContain('请使用支付宝扫一扫')
  })

  it('confirming pays the order and then shows success; a second confirm charges nothing more', async () => {
    s = await testServer()
    const { url, orderId } = await qrFor('wechat')
    const confirm = await fetch(`${url}/confirm`, { method: 'POST', headers: { 'User-Agent': WECHAT_UA } })
    expect(confirm.status).toBe(200)
    expect(await confirm.text()).toContain('支付成功')
    await fetch(`${url}/confirm`, { method: 'POST', headers: { 'User-Agent': WECHAT_UA } })
    await s.engine.idle()
    const order = await s.api('GET', `/api/orders/${orderId}`)
    expect(order.json.status).toBe('paid')
    expect(order.json.timeline.filter((e: { type: string }) => e.type === 'payment.succeeded')).toHaveLength(1)
  })

  it('injected outcomes: a declined payment shows 支付失败 and leaves the order payable', async () => {
    s = await testServer()
    const { url, orderId } = await qrFor('alipay')
    const order = await s.api('GET', `/api/orders/${orderId}`)
    const paymentId = order.json.attempts[0].id
    const set = await s.api('POST', `/api/simulator/trades/${paymentId}/outcome`, { outcome: 'decline' })
    expect(set.status).toBe(200)
    const confirm = await fetch(`${url}/confirm`, { method: 'POST' })
    expect(await confirm.text()).toContain('支付失败')
    await s.engine.idle()
    expect((await s.api('GET', `/api/orders/${orderId}`)).json.status).toBe('open')
    expect(
      (await s.api('POST', `/api/simulator/trades/${paymentId}/outcome`, { outcome: 'explode' })).json.error.code,
    ).toBe('VALIDATION_FAILED')
  })

  it('escapes what it shows: an order description cannot inject markup', async () => {
    s = await testServer()
    const { url } = await qrFor('wechat', '<script>alert(1)</script>')
    const { html } = await page(url)
    expect(html).not.toContain('<script>alert(1)</script>')
    expect(html).toContain('&lt;script&gt;')
  })

  it('answers an unknown or malformed code with a clear page, not an error dump', async () => {
    s = await testServer()
    for (const token of ['AAAAAAAAAAAAAAAAAAAAAA', '../../etc/passwd', 'x']) {
      const { status, html } = await page(`${s.base}/sim/pay/${encodeURIComponent(token)}`)
      expect(status).toBe(404)
      expect(html).toContain('收款码无效')
    }
  })
})

describe('errors on phone pages', () => {
  it('an oversized form on a phone page gets a page in words, not JSON', async () => {
    s = await testServer()
    const res = await fetch(`${s.base}/f/code`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Accept-Language': 'zh-CN' },
      body: `code=${'A'.repeat(10_000)}`,
    })
    expect(res.status).toBe(413)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await res.text()).toContain('出错了')
  })
})
