import { generateKeyPairSync } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createManualClock, type ManualClock } from '../../src/engine/clock'
import type { SecurityEvent } from '../../src/engine/providers/common'
import { createAlipayProvider, type AlipayConfig, type AlipayProvider } from '../../src/engine/providers/alipay'
import type { AdapterDeps } from '../../src/engine/providers/common'
import { alipayTestKeys, startAlipayGateway, type AlipayGateway } from '../support/alipayServer'

let gateway: AlipayGateway
let clock: ManualClock
let events: SecurityEvent[]
let seq = 0

function configFor(overrides: Partial<AlipayConfig> = {}): AlipayConfig {
  const keys = alipayTestKeys()
  return {
    mode: 'sandbox',
    gatewayUrl: gateway.url,
    appId: gateway.appId,
    appPrivateKeyPem: keys.appPrivateKeyPem,
    alipayPublicKeyPem: keys.alipayPublicKeyPem,
    notifyUrl: 'https://relay.example.com/notify/alipay',
    ...overrides,
  }
}

function provider(overrides: Partial<AlipayConfig> = {}, deps: Partial<AdapterDeps> = {}): AlipayProvider {
  return createAlipayProvider(
    configFor(overrides),
    { clock, onSecurityEvent: (e) => events.push(e), timeoutMs: 2000, ...deps },
    { cancelRetryDelayMs: 10 },
  )
}

function tradeNo(): string {
  seq++
  return `pay_${Date.now()}_${seq}`
}

const qr = (outTradeNo: string, amountFen: number, extra: Partial<Parameters<AlipayProvider['createQr']>[0]> = {}) => ({
  outTradeNo,
  wallet: 'alipay' as const,
  amountFen,
  description: 'Hutong test order',
  expiresAt: clock.now() + 10 * 60_000,
  merchantId: null,
  installments: null,
  installmentFeePayer: null,
  ...extra,
})

beforeEach(async () => {
  clock = createManualClock(Date.now())
  gateway = await startAlipayGateway({ now: () => clock.now() })
  events = []
})

afterEach(async () => {
  await gateway.close()
})

describe('Alipay adapter against a local gateway: face-to-face QR', () => {
  it('precreates, the customer scans and pays, and the query reports SUCCESS', async () => {
    const alipay = provider()
    const no = tradeNo()
    const { qrContent } = await alipay.createQr(qr(no, 1230))
    expect(qrContent).toMatch(/^https:\/\/qr\.alipay\.com\/bax/)
    const sent = gateway.requests.at(-1)!
    expect(sent.signatureValid).toBe(true)
    expect(sent.method).toBe('alipay.trade.precreate')
    expect(sent.params.notify_url).toBe('https://relay.example.com/notify/alipay')
    expect(sent.biz).toMatchObject({ out_trade_no: no, total_amount: '12.30', subject: 'Hutong test order' })
    expect(sent.biz.time_expire).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)

    // Nobody has scanned yet: Alipay has no trade.
    expect((await alipay.query(no)).state).toBe('NOT_FOUND')
    gateway.pay(no)
    const trade = await alipay.query(no)
    expect(trade).toMatchObject({
      outTradeNo: no,
      state: 'SUCCESS',
      amountFen: 1230,
      providerTradeNo: gateway.trades.get(no)!.tradeNo,
    })
    expect(trade.paidAt).toBe(Math.floor(clock.now() / 1000) * 1000)
    expect(events).toEqual([])
  })

  it('polls NOTPAY while the customer has scanned but not paid, then SUCCESS', async () => {
    const alipay = provider()
    const no = tradeNo()
    await alipay.createQr(qr(no, 1))
    gateway.scan(no)
    expect(await alipay.query(no)).toMatchObject({ state: 'NOTPAY', amountFen: 1 })
    expect(await alipay.query(no)).toMatchObject({ state: 'NOTPAY' })
    gateway.pay(no)
    expect(await alipay.query(no)).toMatchObject({ state: 'SUCCESS', amountFen: 1 })
  })

  it.each([
    [1, '0.01'],
    [1230, '12.30'],
    [100_000_000, '1000000.00'],
  ])('sends %i fen as %s yuan and reads it back exactly', async (fen, yuan) => {
    const alipay = provider()
    const no = tradeNo()
    await alipay.createQr(qr(no, fen))
    expect(gateway.requests.at(-1)!.biz.total_amount).toBe(yuan)
    gateway.pay(no)
    expect((await alipay.query(no)).amountFen).toBe(fen)
  })

  it('re-creating the same out_trade_no returns the same QR code, never a second trade', async () => {
    const alipay = provider()
    const no = tradeNo()
    const first = await alipay.createQr(qr(no, 500))
    const second = await alipay.createQr(qr(no, 500))
    expect(second.qrContent).toBe(first.qrContent)
    expect([...gateway.trades.keys()].filter((k) => k === no)).toHaveLength(1)
    await expect(alipay.createQr(qr(no, 501))).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      message: expect.stringContaining('ACQ.CONTEXT_INCONSISTENT'),
    })
  })

  it('a close that finds the trade paid returns the SUCCESS trade', async () => {
    const alipay = provider()
    const no = tradeNo()
    await alipay.createQr(qr(no, 2000))
    gateway.pay(no)
    const closed = await alipay.close(no)
    expect(closed).toMatchObject({ state: 'SUCCESS', amountFen: 2000 })
    expect(gateway.trades.get(no)!.status).toBe('TRADE_SUCCESS')
  })

  it('closes a scanned, unpaid trade; an unscanned QR has nothing to close', async () => {
    const alipay = provider()
    const scanned = tradeNo()
    await alipay.createQr(qr(scanned, 300))
    gateway.scan(scanned)
    expect((await alipay.close(scanned)).state).toBe('CLOSED')
    expect((await alipay.query(scanned)).state).toBe('CLOSED')
    const unscanned = tradeNo()
    await alipay.createQr(qr(unscanned, 300))
    expect((await alipay.close(unscanned)).state).toBe('NOT_FOUND')
  })

  it('creates Huabei QR codes with hb_fq_num and hb_fq_seller_percent', async () => {
    const customerPays = provider()
    const a = tradeNo()
    await customerPays.createQr(qr(a, 60000, { wallet: 'huabei', installments: 6 }))
    expect(gateway.trades.get(a)!.extendParams).toEqual({ hb_fq_num: '6', hb_fq_seller_percent: '0' })

    const merchantPays = provider({ huabeiSellerPercent: 100 })
    const b = tradeNo()
    await merchantPays.createQr(qr(b, 60000, { wallet: 'huabei', installments: 12 }))
    expect(gateway.trades.get(b)!.extendParams).toEqual({ hb_fq_num: '12', hb_fq_seller_percent: '100' })

    // The merchant's per-wallet setting travels with each request and wins over the adapter default.
    const c = tradeNo()
    await customerPays.createQr(qr(c, 60000, { wallet: 'huabei', installments: 3, installmentFeePayer: 'merchant' }))
    expect(gateway.trades.get(c)!.extendParams).toEqual({ hb_fq_num: '3', hb_fq_seller_percent: '100' })

    await expect(
      merchantPays.createQr(qr(tradeNo(), 60000, { wallet: 'huabei', installments: 4 })),
    ).rejects.toMatchObject({
      code: 'INSTALLMENTS_UNAVAILABLE',
    })
    expect(merchantPays.supports('huabei', 'payment-code')).toBe(false)
    expect(merchantPays.supports('alipay', 'payment-code')).toBe(true)
    expect(merchantPays.supports('wechat', 'qr')).toBe(false)
    expect(merchantPays.key).toBe('alipay:sandbox')
  })
})

describe('Alipay adapter: payment code (bar_code)', () => {
  const code = (suffix: string) => `28${'7634438256'}${suffix.padStart(6, '0')}`
  const pay = (outTradeNo: string, authCode: string, amountFen = 888) => ({
    outTradeNo,
    wallet: 'alipay' as const,
    authCode,
    amountFen,
    description: 'Counter sale',
    merchantId: null,
  })

  it('charges at once: SUCCESS (code 10000)', async () => {
    const alipay = provider()
    const no = tradeNo()
    const trade = await alipay.payWithCode(pay(no, code('1234')))
    expect(trade).toMatchObject({ state: 'SUCCESS', amountFen: 888 })
    expect(gateway.requests.at(-1)!.biz).toMatchObject({
      scene: 'bar_code',
      auth_code: code('1234'),
      total_amount: '8.88',
    })
  })

  it('USERPAYING (code 10003) is polled, then cancelled: REVOKED', async () => {
    const alipay = provider()
    const no = tradeNo()
    expect((await alipay.payWithCode(pay(no, code('0001')))).state).toBe('USERPAYING')
    expect((await alipay.query(no)).state).toBe('USERPAYING')
    expect((await alipay.reverse(no)).state).toBe('REVOKED')
    expect(gateway.trades.get(no)!.status).toBe('TRADE_CLOSED')
    expect((await alipay.query(no)).state).toBe('CLOSED')
  })

  it('cancel honours retry_flag=Y by retrying', async () => {
    const alipay = provider()
    const no = tradeNo()
    await alipay.payWithCode(pay(no, code('0001')))
    gateway.faults.cancelSystemErrors = 2
    expect((await alipay.reverse(no)).state).toBe('REVOKED')
    expect(gateway.requests.filter((r) => r.method === 'alipay.trade.cancel')).toHaveLength(3)
  })

  it('a refused payment code is PAYERROR (40004)', async () => {
    const alipay = provider()
    expect((await alipay.payWithCode(pay(tradeNo(), code('0003')))).state).toBe('PAYERROR')
  })

  it('a lost answer (trade made, no reply) is found by a later query, and a retry makes no second trade', async () => {
    const alipay = provider({}, { timeoutMs: 300 })
    const no = tradeNo()
    gateway.faults.dropAnswers = true
    await expect(alipay.payWithCode(pay(no, code('4321')))).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      message: expect.stringContaining('unknown'),
    })
    gateway.faults.dropAnswers = false
    expect(await alipay.query(no)).toMatchObject({ state: 'SUCCESS', amountFen: 888 })
    expect(await alipay.payWithCode(pay(no, code('4321')))).toMatchObject({ state: 'SUCCESS', amountFen: 888 })
    expect([...gateway.trades.values()].filter((t) => t.outTradeNo === no)).toHaveLength(1)
  })

  it('a lost precreate answer: the retry returns the trade already recorded', async () => {
    const alipay = provider({}, { timeoutMs: 300 })
    const no = tradeNo()
    gateway.faults.dropAnswers = true
    await expect(alipay.createQr(qr(no, 4200))).rejects.toMatchObject({ code: 'PROVIDER_ERROR' })
    gateway.faults.dropAnswers = false
    const again = await alipay.createQr(qr(no, 4200))
    expect(again.qrContent).toBe(gateway.trades.get(no)!.qrCode)
    expect(gateway.trades.size).toBe(1)
  })
})

describe('Alipay adapter: refunds', () => {
  it('refunds with out_request_no, idempotently, and the refund query confirms', async () => {
    const alipay = provider()
    const no = tradeNo()
    await alipay.createQr(qr(no, 1230))
    gateway.pay(no)
    const request = { outTradeNo: no, outRefundNo: `rfd_${no}`, amountFen: 230, totalFen: 1230, reason: 'Damaged item' }
    expect(await alipay.refund(request)).toMatchObject({ state: 'SUCCESS', amountFen: 230 })
    expect(gateway.requests.at(-1)!.biz).toMatchObject({ out_request_no: `rfd_${no}`, refund_amount: '2.30' })
    // A retry after a lost answer: fund_change=N, confirmed by the refund query; no second refund.
    expect(await alipay.refund(request)).toMatchObject({ state: 'SUCCESS', amountFen: 230 })
    expect(gateway.trades.get(no)!.refunds.size).toBe(1)
    expect(await alipay.queryRefund(`rfd_${no}`)).toMatchObject({ state: 'SUCCESS', amountFen: 230 })
    // After a restart the adapter no longer remembers the trade: the caller passes it.
    const restarted = provider()
    expect(await restarted.queryRefund(`rfd_${no}`, no)).toMatchObject({ state: 'SUCCESS', amountFen: 230 })
    await expect(restarted.queryRefund(`rfd_none`, no)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    const last = gateway.requests.at(-1)!
    expect(last.method).toBe('alipay.trade.fastpay.refund.query')
  })

  it('a refund beyond what was paid is refused by Alipay as ABNORMAL', async () => {
    const alipay = provider()
    const no = tradeNo()
    await alipay.createQr(qr(no, 100))
    gateway.pay(no)
    await alipay.refund({ outTradeNo: no, outRefundNo: `r1_${seq}`, amountFen: 80, totalFen: 100, reason: '' })
    expect(
      await alipay.refund({ outTradeNo: no, outRefundNo: `r2_${seq}`, amountFen: 30, totalFen: 100, reason: '' }),
    ).toMatchObject({
      state: 'ABNORMAL',
    })
  })
})

describe('Alipay adapter: response verification', () => {
  it.each([
    ['signed with a wrong key', 'forgeSignature'],
    ['unsigned', 'unsigned'],
    ['carrying a forged twin next to a genuine signed answer', 'spliceForgedTwin'],
  ] as const)(
    'rejects a success answer %s: PROVIDER_ERROR, a security event, nothing acted on',
    async (_label, fault) => {
      const alipay = provider()
      const no = tradeNo()
      await alipay.createQr(qr(no, 700))
      gateway.scan(no)
      gateway.faults[fault] = true
      await expect(alipay.query(no)).rejects.toMatchObject({ code: 'PROVIDER_ERROR' })
      expect(events).toHaveLength(1)
      expect(events[0]).toMatchObject({ provider: 'alipay:sandbox', kind: 'response_signature' })
      gateway.faults[fault] = false
      expect((await alipay.query(no)).state).toBe('NOTPAY')
    },
  )

  it('rejects a genuine answer about another trade (replayed)', async () => {
    const alipay = provider()
    const paid = tradeNo()
    await alipay.createQr(qr(paid, 900))
    gateway.pay(paid)
    const genuine = gateway.trades.get(paid)!
    const other = tradeNo()
    await alipay.createQr(qr(other, 900))
    // The gateway, compromised, answers the second query with the first trade's books.
    gateway.trades.set(other, genuine)
    await expect(alipay.query(other)).rejects.toMatchObject({ code: 'PROVIDER_ERROR' })
    expect(events.at(-1)!.detail).toMatch(/different out_trade_no/)
  })
})

describe('Alipay adapter: notifications', () => {
  async function paidTrade(alipay: AlipayProvider, fen = 1230) {
    const no = tradeNo()
    await alipay.createQr(qr(no, fen))
    gateway.pay(no)
    return no
  }

  it('a valid form-encoded notification, posted over HTTP, yields the right trade', async () => {
    const alipay = provider()
    const no = await paidTrade(alipay, 100_000_000)
    let trade: unknown = null
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        alipay
          .parseNotification({
            headers: { 'content-type': req.headers['content-type'] },
            body: Buffer.concat(chunks).toString('utf8'),
          })
          .then((t) => {
            trade = t
            res.end('success')
          })
          .catch(() => {
            res.statusCode = 400
            res.end('fail')
          })
      })
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
    try {
      const sent = await gateway.notify(no, `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notify`)
      expect(sent.text).toBe('success')
    } finally {
      receiver.close()
    }
    expect(trade).toMatchObject({
      outTradeNo: no,
      state: 'SUCCESS',
      amountFen: 100_000_000,
      providerTradeNo: gateway.trades.get(no)!.tradeNo,
    })
    expect(events).toEqual([])
  })

  it('rejects a forged notification (signed with another key)', async () => {
    const alipay = provider()
    const no = await paidTrade(alipay)
    const forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    await expect(
      alipay.parseNotification({ headers: {}, body: gateway.notificationBody(no, {}, forger) }),
    ).rejects.toMatchObject({
      code: 'NOTIFICATION_REJECTED',
    })
    expect(events[0]).toMatchObject({ kind: 'notification_signature' })
  })

  it('rejects a tampered notification (amount raised after signing)', async () => {
    const alipay = provider()
    const no = await paidTrade(alipay)
    const body = gateway.notificationBody(no).replace('total_amount=12.30', 'total_amount=0.01')
    expect(body).toContain('total_amount=0.01')
    await expect(alipay.parseNotification({ headers: {}, body })).rejects.toMatchObject({
      code: 'NOTIFICATION_REJECTED',
    })
  })

  it('rejects a replayed notification: the same body twice, or an old one', async () => {
    const alipay = provider()
    const no = await paidTrade(alipay)
    const body = gateway.notificationBody(no)
    expect((await alipay.parseNotification({ headers: {}, body })).state).toBe('SUCCESS')
    await expect(alipay.parseNotification({ headers: {}, body })).rejects.toMatchObject({
      code: 'NOTIFICATION_REJECTED',
    })
    expect(events.at(-1)).toMatchObject({ kind: 'notification_replay' })

    const old = gateway.notificationBody(no)
    clock.advance(60 * 60_000)
    await expect(alipay.parseNotification({ headers: {}, body: old })).rejects.toMatchObject({
      code: 'NOTIFICATION_REJECTED',
    })
    expect(events.at(-1)).toMatchObject({ kind: 'notification_replay' })
  })

  it('rejects a genuine notification for another app and one signed with sign_type RSA', async () => {
    const alipay = provider()
    const no = await paidTrade(alipay)
    await expect(
      alipay.parseNotification({ headers: {}, body: gateway.notificationBody(no, { app_id: '2021999999999999' }) }),
    ).rejects.toMatchObject({
      code: 'NOTIFICATION_REJECTED',
    })
    await expect(
      alipay.parseNotification({ headers: {}, body: gateway.notificationBody(no, { sign_type: 'RSA' }) }),
    ).rejects.toMatchObject({
      code: 'NOTIFICATION_REJECTED',
    })
  })
})

describe('Alipay adapter: test connection', () => {
  it('OK when the signed ACQ.TRADE_NOT_EXIST answer verifies', async () => {
    expect(await provider().testConnection()).toMatchObject({ ok: true, code: 'OK' })
    expect(gateway.requests.at(-1)!.method).toBe('alipay.trade.query')
  })

  it('WRONG_KEY when Alipay cannot verify our signature', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString()
    const result = await provider({ appPrivateKeyPem: other }).testConnection()
    expect(result).toMatchObject({ ok: false, code: 'WRONG_KEY' })
    expect(result.message).not.toContain(other.split('\n')[1]!.slice(0, 16))
  })

  it('BAD_RESPONSE_SIGNATURE when the Alipay public key is wrong', async () => {
    const otherPublic = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString()
    expect(await provider({ alipayPublicKeyPem: otherPublic }).testConnection()).toMatchObject({
      ok: false,
      code: 'BAD_RESPONSE_SIGNATURE',
    })
    expect(events[0]).toMatchObject({ kind: 'response_signature' })
  })

  it('CLOCK_SKEW when the request time is refused', async () => {
    const skewed = createManualClock(clock.now() - 40 * 60_000)
    expect(await provider({}, { clock: skewed }).testConnection()).toMatchObject({ ok: false, code: 'CLOCK_SKEW' })
    expect(events.at(-1)).toMatchObject({ kind: 'clock_skew' })
  })

  it('REJECTED for an unknown App ID, WRONG_GATEWAY for a non-Alipay URL, UNREACHABLE for a closed port', async () => {
    expect(await provider({ appId: '2021000000009999' }).testConnection()).toMatchObject({
      ok: false,
      code: 'REJECTED',
    })
    expect(
      await provider({ gatewayUrl: gateway.url.replace('/gateway.do', '/elsewhere') }).testConnection(),
    ).toMatchObject({
      ok: false,
      code: 'WRONG_GATEWAY',
    })
    const closed = createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((r) => closed.close(() => r()))
    expect(await provider({ gatewayUrl: `http://127.0.0.1:${port}/gateway.do` }).testConnection()).toMatchObject({
      ok: false,
      code: 'UNREACHABLE',
    })
  })
})
