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

/** The text of one row of the Huabei plan: its label and value, tags dropped. */
function planRow(html: string, testId: string): string | undefined {
  const row = new RegExp(`<li data-testid="${testId}">(.*?)</li>`).exec(html)?.[1]
  return row
    ?.replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

async function huabeiQr(amountFen: number, installments: 3 | 6 | 12) {
  const order = await s.api('POST', '/api/orders', { amountFen, description: '电饭煲' })
  const payment = await s.api('POST', `/api/orders/${order.json.id}/payments`, { wallet: 'huabei', installments })
  expect(payment.status).toBe(201)
  return payment.json.qrContent as string
}

describe('Huabei installments on the wallet page', () => {
  it('customer bears the fee: periods, what each period costs, the customer’s own fee and the total repaid', async () => {
    s = await testServer()
    // ¥123.45 in 6 at 4.5%: the fee is ¥5.56; the first period carries the fen that do not split evenly.
    const url = await huabeiQr(12_345, 6)
    const zh = (await page(url, { 'User-Agent': ALIPAY_UA })).html
    expect(zh).toContain('¥123.45')
    expect(zh).toContain('花呗分 6 期')
    expect(planRow(zh, 'sim-plan-period')).toBe('每期应还 首期 ¥21.56，其余每期 ¥21.49')
    expect(planRow(zh, 'sim-plan-customer-fee')).toBe('你承担的分期手续费 ¥5.56（费率 4.5%）')
    expect(planRow(zh, 'sim-plan-merchant-fee')).toBeUndefined()
    expect(planRow(zh, 'sim-plan-total')).toBe('共需还款 ¥129.01')

    const en = (await page(url, { 'User-Agent': ALIPAY_UA, 'Accept-Language': 'en-US' })).html
    expect(planRow(en, 'sim-plan-period')).toBe('Each installment First ¥21.56, then ¥21.49 each')
    expect(planRow(en, 'sim-plan-customer-fee')).toBe('Your installment fee ¥5.56 (4.5% rate)')
    expect(planRow(en, 'sim-plan-total')).toBe('You repay in total ¥129.01')
  })

  it('merchant bears the fee: interest-free for the customer, the merchant’s fee named apart; shown again once paid', async () => {
    s = await testServer()
    const { wallets } = (await s.api('GET', '/api/wallets')).json as {
      wallets: { wallet: string; huabei: Record<string, unknown> | null }[]
    }
    const huabei = wallets.find((w) => w.wallet === 'huabei')!
    const updated = await s.api('POST', '/api/wallets/huabei', {
      ...huabei,
      huabei: { ...huabei.huabei, feeBearer: 'merchant' },
    })
    expect(updated.status).toBe(200)
    const url = await huabeiQr(30_000, 12)
    const html = (await page(url, { 'User-Agent': ALIPAY_UA })).html
    expect(html).toContain('花呗分 12 期')
    expect(planRow(html, 'sim-plan-period')).toBe('每期应还 ¥25.00')
    expect(planRow(html, 'sim-plan-customer-fee')).toBe('你承担的分期手续费 ¥0.00（免息）')
    expect(planRow(html, 'sim-plan-merchant-fee')).toBe('商户承担的分期手续费 ¥22.50（你无需支付）')
    expect(planRow(html, 'sim-plan-total')).toBe('共需还款 ¥300.00')

    const paid = await fetch(`${url}/confirm`, { method: 'POST', headers: { 'User-Agent': ALIPAY_UA } })
    const after = await paid.text()
    expect(after).toContain('支付成功')
    expect(planRow(after, 'sim-plan-period')).toBe('每期应还 ¥25.00')
  })

  it('a wallet without installments shows no plan', async () => {
    s = await testServer()
    const { url } = await qrFor('alipay')
    expect((await page(url, { 'User-Agent': ALIPAY_UA })).html).not.toContain('sim-plan')
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
