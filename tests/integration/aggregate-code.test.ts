import { afterEach, describe, expect, it } from 'vitest'
import { testServer } from '../support/server'

let s: Awaited<ReturnType<typeof testServer>>
afterEach(async () => s?.dispose())

const WECHAT_UA = 'Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.49 NetType/WIFI'
const ALIPAY_UA = 'Mozilla/5.0 (Linux; Android 14) Chrome/120 Mobile Safari/537.36 AlipayClient/10.6.0'
const QUICKPASS_UA = 'Mozilla/5.0 (iPhone) (com.unionpay.chsp) (UnionPay/1.0 CloudPay)'
const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156 Safari/537.36'

async function aggregateCode(body: Record<string, unknown> = { amountFen: 1500, description: '水果' }) {
  const order = await s.api('POST', '/api/orders', body)
  const code = await s.api('POST', `/api/orders/${order.json.id}/payments`, { method: 'aggregate' })
  return { orderId: order.json.id as string, code }
}

async function open(url: string, userAgent: string) {
  return fetch(url, { headers: { 'User-Agent': userAgent, 'Accept-Language': 'zh-CN' }, redirect: 'manual' })
}

describe('one code for all wallets (聚合码)', () => {
  it('returns one QR pointing at the landing page', async () => {
    s = await testServer()
    const { code } = await aggregateCode()
    expect(code.status).toBe(201)
    expect(code.json).toMatchObject({ method: 'aggregate', wallet: null, status: 'pending', amountFen: 1500 })
    expect(code.json.qrContent).toMatch(new RegExp(`^${s.server.publicBaseUrl}/pay/[A-Za-z0-9_-]{22}$`))
    expect(code.json.qrSvg).toMatch(/^<svg/)
  })

  it.each([
    ['WeChat', WECHAT_UA, 'wechat', '微信支付'],
    ['Alipay', ALIPAY_UA, 'alipay', '支付宝'],
    ['QuickPass', QUICKPASS_UA, 'unionpay', '云闪付'],
  ])('sends a %s user straight to that wallet', async (_label, ua, wallet, walletName) => {
    s = await testServer()
    const { code, orderId } = await aggregateCode()
    const landing = await open(code.json.qrContent, ua)
    expect(landing.status).toBe(302)
    const target = landing.headers.get('location')!
    expect(target).toMatch(/\/sim\/pay\//)
    const page = await (await open(new URL(target, s.base).href, ua)).text()
    expect(page).toContain(walletName)
    expect(page).toContain('¥15.00')
    const order = await s.api('GET', `/api/orders/${orderId}`)
    expect(order.json.attempts).toEqual([expect.objectContaining({ wallet, method: 'qr', status: 'pending' })])
    // Opening the code again reuses the same payment.
    const again = await open(code.json.qrContent, ua)
    expect(again.headers.get('location')).toBe(target)
  })

  it('lets any other browser choose among the eligible wallets only', async () => {
    s = await testServer()
    const { code, orderId } = await aggregateCode()
    const landing = await open(code.json.qrContent, BROWSER_UA)
    expect(landing.status).toBe(200)
    const html = await landing.text()
    expect(html).toContain('选择付款方式')
    const offered = [...html.matchAll(/data-wallet="(\w+)"/g)].map((m) => m[1])
    expect(offered).toEqual(['wechat', 'alipay', 'unionpay'])
    expect(html).not.toContain('data-wallet="jdpay"') // contract pending
    expect(html).not.toContain('data-wallet="cash"')

    const chosen = await fetch(`${code.json.qrContent}/choose`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': BROWSER_UA },
      body: 'wallet=alipay',
      redirect: 'manual',
    })
    expect(chosen.status).toBe(302)
    const order = await s.api('GET', `/api/orders/${orderId}`)
    expect(order.json.attempts[0]).toMatchObject({ wallet: 'alipay' })
  })

  it('never reaches a wallet the order cannot use, even when asked directly', async () => {
    s = await testServer()
    const { code, orderId } = await aggregateCode()
    const forced = await fetch(`${code.json.qrContent}/choose`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'wallet=jdpay',
      redirect: 'manual',
    })
    expect(forced.status).toBe(200)
    expect(await forced.text()).toContain('本单不支持京东支付')
    expect((await s.api('GET', `/api/orders/${orderId}`)).json.attempts).toEqual([])
  })

  it('tells a WeChat user when WeChat Pay cannot take this order', async () => {
    s = await testServer()
    const config = (await s.api('GET', '/api/wallets')).json.wallets.find(
      (w: { wallet: string }) => w.wallet === 'wechat',
    )
    await s.api('POST', '/api/wallets/wechat', { ...config, maxFen: 1000 })
    const { code } = await aggregateCode()
    const landing = await open(code.json.qrContent, WECHAT_UA)
    expect(landing.status).toBe(200)
    expect(await landing.text()).toContain('本单不支持微信支付')
  })

  it('paying through it pays the order; the code then says so', async () => {
    s = await testServer()
    const { code, orderId } = await aggregateCode()
    const target = (await open(code.json.qrContent, WECHAT_UA)).headers.get('location')!
    await fetch(new URL(`${target}/confirm`, s.base), { method: 'POST', headers: { 'User-Agent': WECHAT_UA } })
    await s.engine.idle()
    expect((await s.api('GET', `/api/orders/${orderId}`)).json).toMatchObject({ status: 'paid', paidWallet: 'wechat' })
    expect(await (await open(code.json.qrContent, ALIPAY_UA)).text()).toContain('本单已支付')
  })

  it('answers unknown tokens with a clear page', async () => {
    s = await testServer()
    const res = await open(`${s.base}/pay/AAAAAAAAAAAAAAAAAAAAAA`, BROWSER_UA)
    expect(res.status).toBe(404)
    expect(await res.text()).toContain('付款码无效')
  })
})

describe('checkout methods over HTTP', () => {
  it('payment code, cash and Huabei through the documented request shapes', async () => {
    s = await testServer()
    const a = await s.api('POST', '/api/orders', { amountFen: 880 })
    const code = await s.api('POST', `/api/orders/${a.json.id}/payments`, {
      method: 'payment-code',
      authCode: '280000000000000012',
    })
    expect(code.status).toBe(201)
    expect(code.json).toMatchObject({ wallet: 'alipay', status: 'succeeded' })

    const b = await s.api('POST', '/api/orders', { amountFen: 880 })
    const cash = await s.api('POST', `/api/orders/${b.json.id}/payments`, { wallet: 'cash', tenderedFen: 1000 })
    expect(cash.json).toMatchObject({ status: 'succeeded', changeFen: 120 })

    const c = await s.api('POST', '/api/orders', { amountFen: 30_000 })
    const options = await s.api('GET', `/api/orders/${c.json.id}/payment-options`)
    const huabei = options.json.options.find((o: { wallet: string }) => o.wallet === 'huabei')
    expect(huabei).toMatchObject({ available: true, methods: ['qr', 'installments'] })
    expect(huabei.installmentPlans).toHaveLength(3)
    const hb = await s.api('POST', `/api/orders/${c.json.id}/payments`, {
      wallet: 'huabei',
      method: 'qr',
      installments: 6,
    })
    expect(hb.json).toMatchObject({ wallet: 'huabei', installments: 6 })

    const unknown = await s.api('POST', `/api/orders/${c.json.id}/payments`, {
      method: 'payment-code',
      authCode: '990000000000000000',
    })
    expect(unknown.status).toBe(422)
    expect(unknown.json.error.code).toBe('PAYMENT_CODE_UNRECOGNIZED')
  })

  it('wallet configuration is readable and writable, with coded errors', async () => {
    s = await testServer()
    const config = (await s.api('GET', '/api/wallets')).json.wallets.find(
      (w: { wallet: string }) => w.wallet === 'alipay',
    )
    const updated = await s.api('POST', '/api/wallets/alipay', { ...config, feeRateBp: 55 })
    expect(updated.status).toBe(200)
    expect(updated.json.feeRateBp).toBe(55)
    const bad = await s.api('POST', '/api/wallets/alipay', { ...config, feeRateBp: '0.55' })
    expect(bad.status).toBe(400)
    expect(bad.json.error.code).toBe('VALIDATION_FAILED')
    const audit = await s.api('GET', '/api/audit')
    expect(audit.json.entries).toHaveLength(1)
    const routing = await s.api('GET', '/api/routing')
    expect(routing.json.ranking).toEqual(['last_used', 'priority', 'lowest_cost'])
  })
})
