import { afterEach, describe, expect, it } from 'vitest'
import type { FriendPayRequest, OrderDetail } from '../../src/shared/api/types'
import { createEngine } from '../../src/engine'
import { START } from '../support/engine'
import { configure } from '../support/routing'
import { testServer } from '../support/server'

let s: Awaited<ReturnType<typeof testServer>>
afterEach(async () => s?.dispose())

const WECHAT_UA = 'Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.49 NetType/WIFI'
const DAY = 24 * 3600_000

async function newOrder(body: Record<string, unknown> = { lines: [{ sku: 'BRK-004', quantity: 2 }] }) {
  return (await s.api('POST', '/api/orders', body)).json as { id: string; totalFen: number }
}

async function ask(orderId: string, body: Record<string, unknown> = { requesterName: '王小明' }) {
  return s.api('POST', `/api/orders/${orderId}/friend-pay`, body)
}

/** The friend's browser: keeps no cookies, follows nothing automatically. */
async function friend(path: string, init: { method?: string; form?: Record<string, string> } = {}) {
  const res = await fetch(new URL(path, s.base), {
    method: init.method ?? 'GET',
    headers: {
      'User-Agent': WECHAT_UA,
      'Accept-Language': 'zh-CN',
      ...(init.form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
    },
    body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    redirect: 'manual',
  })
  return { status: res.status, html: await res.text(), location: res.headers.get('location'), headers: res.headers }
}

const linkPath = (request: FriendPayRequest) => new URL(request.url).pathname
const proofIn = (html: string) => /name="proof" value="([^"]+)"/.exec(html)?.[1]
const order = async (id: string) => (await s.api('GET', `/api/orders/${id}`)).json as OrderDetail

describe('creating a friend-pay request', () => {
  it('returns a link, its QR, a pay code and a 24-hour deadline, and keeps the order payable that long', async () => {
    s = await testServer()
    const o = await newOrder()
    const res = await ask(o.id, { requesterName: '王小明', message: '帮我付下早餐' })
    expect(res.status).toBe(201)
    const request = res.json as FriendPayRequest
    expect(request).toMatchObject({
      status: 'open',
      mode: 'open',
      amountFen: 1600,
      requesterMasked: '王**',
      message: '帮我付下早餐',
    })
    expect(request.url).toMatch(new RegExp(`^${s.server.publicBaseUrl}/f/fpr_[0-9A-Z]{26}\\.[A-Za-z0-9_-]{22}$`))
    expect(request.payCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/)
    expect(request.qrSvg).toMatch(/^<svg/)
    expect(request.expiresAt).toBe(new Date(START + DAY).toISOString())
    expect((await order(o.id)).expiresAt).toBe(request.expiresAt)
    expect((await s.api('GET', `/api/friend-pay/${request.id}`)).json).toMatchObject({ id: request.id, status: 'open' })
    expect((await s.api('GET', '/api/friend-pay')).json.requests.map((r: FriendPayRequest) => r.id)).toEqual([
      request.id,
    ])
  })

  it('refuses more than ¥2,000 by default, and a designated mode without a phone', async () => {
    s = await testServer()
    const big = await newOrder({ amountFen: 200_001 })
    const refused = await ask(big.id)
    expect(refused.status).toBe(422)
    expect(refused.json.error).toMatchObject({
      code: 'FRIEND_PAY_UNAVAILABLE',
      details: { reason: 'AMOUNT_ABOVE_MAX' },
    })
    const o = await newOrder()
    expect((await ask(o.id, { requesterName: '王小明', mode: 'designated' })).json.error.code).toBe('VALIDATION_FAILED')
    expect(
      (await ask(o.id, { requesterName: '王小明', mode: 'open', payerPhone: '13800138000' })).json.error.code,
    ).toBe('VALIDATION_FAILED')
    expect((await ask(o.id, { requesterName: '' })).json.error.code).toBe('VALIDATION_FAILED')
    expect((await ask('ord_nope')).json.error.code).toBe('ORDER_NOT_FOUND')
  })

  it('can be switched off per wallet and per product like any other option', async () => {
    s = await testServer()
    for (const wallet of ['wechat', 'alipay', 'unionpay']) await configure(s.engine, wallet, { friendPay: false })
    const o = await newOrder()
    expect((await ask(o.id)).json.error).toMatchObject({
      code: 'FRIEND_PAY_UNAVAILABLE',
      details: { reason: 'NO_ELIGIBLE_WALLET' },
    })
    await configure(s.engine, 'alipay', { friendPay: true })
    const request = (await ask(o.id)).json as FriendPayRequest
    const page = await friend(linkPath(request))
    expect([...page.html.matchAll(/data-wallet="(\w+)"/g)].map((m) => m[1])).toEqual(['alipay'])

    const routing = (await s.api('GET', '/api/routing')).json
    await s.api('POST', '/api/routing', {
      ...routing,
      friendPay: { ...routing.friendPay, excludeCategories: ['早餐'] },
    })
    const breakfast = await newOrder()
    expect((await ask(breakfast.id)).json.error.details.reason).toBe('NO_ELIGIBLE_WALLET')
  })
})

describe("the friend's page", () => {
  it('shows merchant, items, amount, masked requester, deadline and a fraud warning, with strict headers', async () => {
    s = await testServer()
    const o = await newOrder()
    const request = (await ask(o.id, { requesterName: '王小明', message: '谢谢!' })).json as FriendPayRequest
    const page = await friend(linkPath(request))
    expect(page.status).toBe(200)
    for (const text of ['互通便利店（演示）', '煎饼果子 ×2', '¥16.00', '王** 请你帮忙付款', '谢谢!', '谨防诈骗']) {
      expect(page.html).toContain(text)
    }
    expect(page.html).not.toContain('王小明')
    expect(page.html).toContain(`data-deadline="${START + DAY}"`)
    expect(page.headers.get('cache-control')).toBe('no-store')
    expect(page.headers.get('referrer-policy')).toBe('no-referrer')
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    expect([...page.html.matchAll(/data-wallet="(\w+)"/g)].map((m) => m[1])).toEqual(['wechat', 'alipay', 'unionpay'])
  })

  it('answers unknown, tampered and malformed links with a clear page', async () => {
    s = await testServer()
    const o = await newOrder()
    const request = (await ask(o.id)).json as FriendPayRequest
    const tampered = linkPath(request).slice(0, -2) + (linkPath(request).endsWith('AA') ? 'BB' : 'AA')
    for (const path of [
      tampered,
      '/f/fpr_01M7XX9X80WHXHDHMHJ2RVWJPH.AAAAAAAAAAAAAAAAAAAAAA',
      '/f/nonsense',
      '/f/%3Cscript%3E',
    ]) {
      const page = await friend(path)
      expect(page.status).toBe(404)
      expect(page.html).toContain('链接无效')
    }
  })

  it('opens by pay code typed from a chat (case, dashes and look-alikes forgiven), and throttles guessing', async () => {
    s = await testServer()
    const o = await newOrder()
    const request = (await ask(o.id)).json as FriendPayRequest
    const typed = request.payCode.toLowerCase().replace('-', ' ').replace(/0/g, 'o')
    const found = await friend('/f/code', { method: 'POST', form: { code: typed } })
    expect(found.status).toBe(303)
    expect(found.location).toBe(linkPath(request))
    const statuses: number[] = []
    for (let i = 0; i < 12; i++)
      statuses.push((await friend('/f/code', { method: 'POST', form: { code: 'ZZZZ-ZZZZ' } })).status)
    expect(statuses.slice(0, 9).every((st) => st === 404)).toBe(true)
    expect(statuses.at(-1)).toBe(429)
  })

  it('keeps a wrong pay code in its box, escaped, beside the error', async () => {
    s = await testServer()
    const wrong = await friend('/f/code', { method: 'POST', form: { code: 'ZZZZ-ZZZ"><b>' } })
    expect(wrong.status).toBe(404)
    expect(wrong.html).toContain('口令无效，请检查后重新输入')
    expect(wrong.html).toContain('value="ZZZZ-ZZZ&quot;&gt;&lt;b&gt;"')
    expect(wrong.html).not.toContain('<b>')
  })
})

describe('verification modes', () => {
  it('open: anyone with the link chooses a wallet and pays; the request and order are paid', async () => {
    s = await testServer()
    const o = await newOrder()
    const request = (await ask(o.id)).json as FriendPayRequest
    const chosen = await friend(`${linkPath(request)}/pay`, { method: 'POST', form: { wallet: 'wechat' } })
    expect(chosen.status).toBe(303)
    expect(chosen.location).toMatch(/\/sim\/pay\//)
    await friend(`${chosen.location}/confirm`, { method: 'POST' })
    await s.engine.idle()
    expect((await s.api('GET', `/api/friend-pay/${request.id}`)).json).toMatchObject({ status: 'paid' })
    const paid = await order(o.id)
    expect(paid).toMatchObject({ status: 'paid', paidWallet: 'wechat' })
    expect(paid.timeline.map((e) => e.type)).toContain('friend_pay.paid')
    const after = await friend(linkPath(request))
    expect(after.html).toContain('付款成功')
    expect(after.html).toContain('微信支付')
    // The clock stands at 02:00 UTC: 10:00 in Beijing.
    expect(after.html).toMatch(/付款时间（北京时间）<\/span><span data-testid="friend-paid-at">2026\/11\/21 10:00:00</)
  })

  it('name-initial: no part of the name shows until answered; a wrong answer counts, the right one lets the friend pay', async () => {
    s = await testServer()
    const o = await newOrder()
    const request = (await ask(o.id, { requesterName: '李明', mode: 'name-initial' })).json as FriendPayRequest
    expect(request.requesterMasked).toBe('李*')
    const page = await friend(linkPath(request))
    expect(page.html).toContain('有人请你帮忙付款')
    expect(page.html).not.toContain('李')
    expect(page.html).not.toContain('data-wallet=')
    // Paying without passing verification is refused.
    expect((await friend(`${linkPath(request)}/pay`, { method: 'POST', form: { wallet: 'wechat' } })).status).toBe(403)
    const wrong = await friend(`${linkPath(request)}/verify`, { method: 'POST', form: { answer: '王' } })
    expect(wrong.status).toBe(403)
    expect(wrong.html).toContain('还可尝试 4 次')
    expect(wrong.html).toContain('value="王"')
    const right = await friend(`${linkPath(request)}/verify`, { method: 'POST', form: { answer: ' 李 ' } })
    expect(right.status).toBe(200)
    expect(right.html).toContain('李* 请你帮忙付款')
    const proof = proofIn(right.html)!
    expect(proof).toBeTruthy()
    const chosen = await friend(`${linkPath(request)}/pay`, { method: 'POST', form: { wallet: 'alipay', proof } })
    expect(chosen.status).toBe(303)
    // A forged proof is worthless.
    expect(
      (
        await friend(`${linkPath(request)}/pay`, {
          method: 'POST',
          form: { wallet: 'wechat', proof: `${Date.now() + 60_000}.forged` },
        })
      ).status,
    ).toBe(403)
    expect((await s.api('GET', `/api/friend-pay/${request.id}`)).json.failedTries).toBe(1)
  })

  it('locks after 5 wrong answers: even the right answer no longer works', async () => {
    s = await testServer()
    const o = await newOrder()
    const request = (await ask(o.id, { requesterName: '李明', mode: 'name-initial' })).json as FriendPayRequest
    for (let i = 0; i < 4; i++)
      expect((await friend(`${linkPath(request)}/verify`, { method: 'POST', form: { answer: '张' } })).status).toBe(403)
    const fifth = await friend(`${linkPath(request)}/verify`, { method: 'POST', form: { answer: '张' } })
    expect(fifth.status).toBe(423)
    expect(fifth.html).toContain('已锁定')
    expect((await friend(`${linkPath(request)}/verify`, { method: 'POST', form: { answer: '李' } })).status).toBe(423)
    expect((await friend(linkPath(request))).html).toContain('已锁定')
    expect((await s.api('GET', `/api/friend-pay/${request.id}`)).json).toMatchObject({ locked: true, failedTries: 5 })
    const timeline = (await order(o.id)).timeline.map((e) => e.type)
    expect(timeline.filter((t) => t === 'friend_pay.verification_failed')).toHaveLength(4)
    expect(timeline).toContain('friend_pay.locked')
  })

  it('designated: only the named phone number may pay (+86 and spaces forgiven)', async () => {
    s = await testServer()
    const o = await newOrder()
    const request = (await ask(o.id, { requesterName: '王小明', mode: 'designated', payerPhone: '13800138000' }))
      .json as FriendPayRequest
    expect(request.payerPhoneMasked).toBe('138****8000')
    const wrong = await friend(`${linkPath(request)}/verify`, { method: 'POST', form: { answer: '13900139000' } })
    expect(wrong.status).toBe(403)
    expect(wrong.html).toContain('手机号不正确，还可尝试 4 次')
    expect(wrong.html).not.toContain('答案不正确')
    const right = await friend(`${linkPath(request)}/verify`, { method: 'POST', form: { answer: '+86 138 0013 8000' } })
    expect(right.status).toBe(200)
    expect(proofIn(right.html)).toBeTruthy()
  })
})

describe('lifecycle', () => {
  it('cancel: open → cancelled, its wallet payment closed; cancelling a paid request is refused', async () => {
    s = await testServer()
    const o = await newOrder()
    const request = (await ask(o.id)).json as FriendPayRequest
    const chosen = await friend(`${linkPath(request)}/pay`, { method: 'POST', form: { wallet: 'wechat' } })
    const cancelled = await s.api('POST', `/api/friend-pay/${request.id}/cancel`)
    expect(cancelled.json).toMatchObject({ status: 'cancelled', cancelReason: 'cancelled_by_requester' })
    expect((await friend(chosen.location!)).html).toContain('二维码已失效')
    expect((await friend(linkPath(request))).html).toContain('已取消')
    expect((await order(o.id)).status).toBe('open')
    // The order keeps only its own deadline again (two hours after it was made).
    expect((await order(o.id)).expiresAt).toBe(new Date(START + 2 * 3600_000).toISOString())

    const o2 = await newOrder()
    const r2 = (await ask(o2.id)).json as FriendPayRequest
    const c2 = await friend(`${linkPath(r2)}/pay`, { method: 'POST', form: { wallet: 'wechat' } })
    await friend(`${c2.location}/confirm`, { method: 'POST' })
    await s.engine.idle()
    expect((await s.api('POST', `/api/friend-pay/${r2.id}/cancel`)).json.error.code).toBe('INVALID_STATE')
  })

  it('expires at its deadline (injected clock): the page says so and its payment is closed', async () => {
    s = await testServer()
    const o = await newOrder()
    const request = (await ask(o.id)).json as FriendPayRequest
    const chosen = await friend(`${linkPath(request)}/pay`, { method: 'POST', form: { wallet: 'wechat' } })
    s.clock.advance(DAY - 1000)
    await s.engine.sweep()
    expect((await s.api('GET', `/api/friend-pay/${request.id}`)).json.status).toBe('open')
    s.clock.advance(1000)
    await s.engine.sweep()
    expect((await s.api('GET', `/api/friend-pay/${request.id}`)).json).toMatchObject({ status: 'expired' })
    expect((await friend(linkPath(request))).html).toContain('已过期')
    expect((await friend(chosen.location!)).html).toContain('二维码已失效')
  })

  it('survives a restart while open: the deadline still holds and the link still works', async () => {
    s = await testServer()
    const o = await newOrder()
    const request = (await ask(o.id, { requesterName: '李明', mode: 'name-initial' })).json as FriendPayRequest
    await s.server.close()
    await s.engine.close()
    const reopened = createEngine({
      dataDir: s.dir,
      clock: s.clock,
      sweepIntervalMs: 0,
      publicBaseUrl: 'http://127.0.0.1:5999',
    })
    const ref = linkPath(request).slice('/f/'.length)
    expect(reopened.friendPay.pageState(ref).kind).toBe('open')
    expect(reopened.friendPay.verify(ref, '李').ok).toBe(true)
    s.clock.advance(DAY)
    await reopened.sweep()
    expect(reopened.friendPay.pageState(ref).kind).toBe('expired')
    await reopened.close()
  })

  it('paid another way meanwhile: the request is cancelled, and the friend’s money is refunded exactly once', async () => {
    s = await testServer({ simulator: { defaultOutcome: 'succeed_silently' } })
    const o = await newOrder()
    const request = (await ask(o.id)).json as FriendPayRequest
    const chosen = await friend(`${linkPath(request)}/pay`, { method: 'POST', form: { wallet: 'wechat' } })
    await friend(`${chosen.location}/confirm`, { method: 'POST' }) // the friend pays; no notification reaches us
    const cash = await s.api('POST', `/api/orders/${o.id}/payments`, { wallet: 'cash', tenderedFen: 2000 })
    expect(cash.json.status).toBe('succeeded')
    await s.engine.idle()
    await s.engine.sweep()
    await s.engine.sweep()
    const after = await order(o.id)
    expect(after).toMatchObject({ status: 'paid', paidWallet: 'cash' })
    expect((await s.api('GET', `/api/friend-pay/${request.id}`)).json).toMatchObject({
      status: 'cancelled',
      cancelReason: 'order_paid',
    })
    expect(after.refunds).toEqual([
      expect.objectContaining({ wallet: 'wechat', amountFen: 1600, status: 'succeeded', reason: 'duplicate_payment' }),
    ])
    expect(s.engine.simulator.db.prepare('SELECT COUNT(*) AS n FROM sim_refunds').get()).toEqual({ n: 1 })
  })
})

describe('friend pay follows its order', () => {
  it('cancelling the order cancels its open requests: the friend is told, and cannot pay', async () => {
    s = await testServer()
    const o = await newOrder()
    const request = (await ask(o.id)).json as FriendPayRequest
    expect((await s.api('POST', `/api/orders/${o.id}/cancel`)).json.status).toBe('cancelled')
    expect((await s.api('GET', `/api/friend-pay/${request.id}`)).json).toMatchObject({
      status: 'cancelled',
      cancelReason: 'order_cancelled',
    })
    const page = await friend(linkPath(request))
    expect(page.html).toContain('已取消')
    expect(page.html).not.toContain('data-wallet=')
  })

  it('a friend choosing a wallet while the request is being cancelled: the request is not ended under the new payment', async () => {
    s = await testServer()
    const o = await newOrder()
    const request = (await ask(o.id)).json as FriendPayRequest
    await friend(`${linkPath(request)}/pay`, { method: 'POST', form: { wallet: 'wechat' } })
    const ref = linkPath(request).slice('/f/'.length)
    // The cashier cancels (closing the WeChat payment takes wallet calls) while the friend picks Alipay.
    const [cancelled, paid] = await Promise.allSettled([
      s.engine.invoke('friendPay.cancel', { id: request.id }),
      s.engine.friendPay.pay(ref, 'alipay', undefined),
    ])
    expect(paid.status).toBe('fulfilled')
    expect(cancelled).toMatchObject({ status: 'rejected', reason: { code: 'CONCURRENT_UPDATE' } })
    expect((await s.api('GET', `/api/friend-pay/${request.id}`)).json.status).toBe('open')
    // Trying again closes the new payment too and ends the request.
    expect((await s.api('POST', `/api/friend-pay/${request.id}/cancel`)).json.status).toBe('cancelled')
    expect((await order(o.id)).attempts.every((a) => a.status === 'closed')).toBe(true)
  })
})
