import { generateKeyPairSync } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createManualClock, systemClock, type Clock } from '../../src/engine/clock'
import type { SecurityEvent } from '../../src/engine/providers/common'
import type { IncomingNotification, ProviderTrade } from '../../src/engine/providers/types'
import type { WechatPayConfig } from '../../src/engine/providers/wechatpay/config'
import { createWechatPayProvider, type WechatPayProvider } from '../../src/engine/providers/wechatpay/index'
import { EngineError } from '../../src/shared/errors'
import { startWechatpayServer, type WechatpayServer } from '../support/wechatpayServer'

function rsaPair(): { publicKey: string; privateKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  })
}

const MCH_ID = '1230000109'
const APP_ID = 'wxd678efh567hg6787'
const MERCHANT_SERIAL = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1'
const PLATFORM_SERIAL = 'PUB_KEY_ID_0112340000000000000000000000000001'
const API_V3_KEY = 'hutongTestApiV3Key00000000000032'

let merchant: ReturnType<typeof rsaPair>
let platform: ReturnType<typeof rsaPair>
let intruder: ReturnType<typeof rsaPair>

beforeAll(() => {
  merchant = rsaPair()
  platform = rsaPair()
  intruder = rsaPair()
})

let server: WechatpayServer
let events: SecurityEvent[]

beforeEach(async () => {
  server = await startWechatpayServer({
    mchId: MCH_ID,
    appId: APP_ID,
    merchantSerialNo: MERCHANT_SERIAL,
    merchantPublicKeyPem: merchant.publicKey,
    platformSerial: PLATFORM_SERIAL,
    platformPrivateKeyPem: platform.privateKey,
    apiV3Key: API_V3_KEY,
  })
  events = []
})

afterEach(async () => {
  await server.close()
})

function config(overrides: Partial<WechatPayConfig> = {}): WechatPayConfig {
  return {
    mode: 'sandbox',
    gatewayUrl: server.url,
    mchId: MCH_ID,
    appId: APP_ID,
    merchantSerialNo: MERCHANT_SERIAL,
    merchantPrivateKeyPem: merchant.privateKey,
    apiV3Key: API_V3_KEY,
    apiV2Key: null,
    platformKeys: [{ serial: PLATFORM_SERIAL, publicKeyPem: platform.publicKey }],
    notifyUrl: null,
    ...overrides,
  }
}

function adapter(
  options: { clock?: Clock; timeoutMs?: number; config?: Partial<WechatPayConfig> } = {},
): WechatPayProvider {
  return createWechatPayProvider(config(options.config), {
    clock: options.clock ?? systemClock,
    onSecurityEvent: (event) => events.push(event),
    timeoutMs: options.timeoutMs ?? 5_000,
  })
}

let sequence = 0
const outNo = (prefix = 'pay'): string =>
  `${prefix}_${Date.now().toString(36)}${(sequence++).toString().padStart(4, '0')}`

const qrRequest = (outTradeNo: string, amountFen = 1234) => ({
  outTradeNo,
  wallet: 'wechat' as const,
  amountFen,
  description: '互通收银台 · 测试订单',
  expiresAt: Date.now() + 15 * 60_000,
  merchantId: MCH_ID,
  installments: null,
  installmentFeePayer: null,
})

const codeRequest = (outTradeNo: string, authCode: string) => ({
  outTradeNo,
  wallet: 'wechat' as const,
  authCode,
  amountFen: 880,
  description: '咖啡',
  merchantId: MCH_ID,
})

async function rejection(promise: Promise<unknown>): Promise<EngineError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError)
    return error as EngineError
  }
  throw new Error('expected the call to fail')
}

describe('WeChat Pay adapter against a local v3 server', () => {
  it('identifies itself by mode and supports WeChat QR and payment codes only', () => {
    const provider = adapter({ config: { mode: 'production' } })
    expect(provider.key).toBe('wechatpay:production')
    expect(provider.mode).toBe('production')
    expect(provider.supports('wechat', 'qr')).toBe(true)
    expect(provider.supports('wechat', 'payment-code')).toBe(true)
    expect(provider.supports('alipay', 'qr')).toBe(false)
    expect(provider.supports('wechat', 'cash')).toBe(false)
  })

  it('creates a Native order, and a query after the customer pays reports SUCCESS', async () => {
    const provider = adapter()
    const no = outNo()
    const { qrContent } = await provider.createQr(qrRequest(no))
    expect(qrContent).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/)

    const order = server.trades.get(no)!
    expect(order.amountFen).toBe(1234)
    expect(order.timeExpire).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/)
    expect(order.notifyUrl).toMatch(/^https:\/\//)

    expect((await provider.query(no)).state).toBe('NOTPAY')
    server.customerPays(no)
    const paid = await provider.query(no)
    expect(paid).toMatchObject({ outTradeNo: no, state: 'SUCCESS', amountFen: 1234 })
    expect(paid.providerTradeNo).toBe(server.trades.get(no)!.transactionId)
    expect(paid.paidAt).toBe(Date.parse(server.trades.get(no)!.successTime!))
    expect(events).toEqual([])
  })

  it('polls NOTPAY until the customer pays', async () => {
    const provider = adapter()
    const no = outNo()
    await provider.createQr(qrRequest(no, 500))
    const seen: string[] = []
    for (let i = 0; i < 5; i++) {
      const trade = await provider.query(no)
      seen.push(trade.state)
      if (trade.state === 'SUCCESS') break
      if (i === 2) server.customerPays(no)
    }
    expect(seen).toEqual(['NOTPAY', 'NOTPAY', 'NOTPAY', 'SUCCESS'])
  })

  it('sends the configured notify_url and a description cut to 127 bytes', async () => {
    const provider = adapter({ config: { notifyUrl: 'https://relay.example.com/notify/wechatpay' } })
    const no = outNo()
    await provider.createQr({ ...qrRequest(no), description: '互'.repeat(60) })
    expect(server.trades.get(no)!.notifyUrl).toBe('https://relay.example.com/notify/wechatpay')
    expect(Buffer.byteLength(server.trades.get(no)!.description)).toBeLessThanOrEqual(127)
  })

  it('reports an unknown out_trade_no as NOT_FOUND', async () => {
    expect((await adapter().query(outNo())).state).toBe('NOT_FOUND')
  })

  it('charges a payment code that needs no password', async () => {
    const no = outNo()
    const trade = await adapter().payWithCode(codeRequest(no, '134567890123450000'))
    expect(trade).toMatchObject({ outTradeNo: no, state: 'SUCCESS', amountFen: 880 })
    expect(trade.providerTradeNo).toMatch(/^42000\d+$/)
  })

  it('reports USERPAYING while the customer confirms, then reverses to REVOKED', async () => {
    const provider = adapter()
    const no = outNo()
    expect((await provider.payWithCode(codeRequest(no, '134567890123450001'))).state).toBe('USERPAYING')
    expect((await provider.query(no)).state).toBe('USERPAYING')
    const reversed = await provider.reverse(no)
    expect(reversed).toMatchObject({ outTradeNo: no, state: 'REVOKED' })
    expect(server.trades.get(no)!.state).toBe('REVOKED')
    expect((await provider.query(no)).state).toBe('REVOKED')
  })

  it('reports a declined payment code as PAYERROR', async () => {
    const provider = adapter()
    const no = outNo()
    expect((await provider.payWithCode(codeRequest(no, '134567890123450003'))).state).toBe('PAYERROR')
    expect((await provider.query(no)).state).toBe('PAYERROR')
  })

  it('closes an unpaid order', async () => {
    const provider = adapter()
    const no = outNo()
    await provider.createQr(qrRequest(no))
    expect((await provider.close(no)).state).toBe('CLOSED')
    expect((await provider.query(no)).state).toBe('CLOSED')
  })

  it('returns the paid trade when the close reveals ORDERPAID', async () => {
    const provider = adapter()
    const no = outNo()
    await provider.createQr(qrRequest(no))
    expect((await provider.query(no)).state).toBe('NOTPAY')
    server.customerPays(no) // between the engine's query and its close
    const closed = await provider.close(no)
    expect(closed).toMatchObject({ outTradeNo: no, state: 'SUCCESS', amountFen: 1234 })
    expect(server.trades.get(no)!.state).toBe('SUCCESS')
  })

  it('refunds: PROCESSING at first, SUCCESS by refund query, and a retry refunds nothing twice', async () => {
    const provider = adapter()
    const no = outNo()
    await provider.createQr(qrRequest(no, 2000))
    server.customerPays(no)
    const refundNo = outNo('rfd')
    const request = { outTradeNo: no, outRefundNo: refundNo, amountFen: 700, totalFen: 2000, reason: '顾客退货' }
    const first = await provider.refund(request)
    expect(first).toMatchObject({ outRefundNo: refundNo, state: 'PROCESSING', amountFen: 700 })
    expect(first.providerRefundNo).toMatch(/^50000\d+$/)
    expect((await provider.queryRefund(refundNo)).state).toBe('PROCESSING')
    server.completeRefund(refundNo)
    expect(await provider.queryRefund(refundNo)).toMatchObject({
      state: 'SUCCESS',
      amountFen: 700,
      providerRefundNo: first.providerRefundNo,
    })
    expect((await provider.refund(request)).state).toBe('SUCCESS')
    expect(server.refunds.size).toBe(1)
    // A refunded trade is still a paid trade.
    expect((await provider.query(no)).state).toBe('SUCCESS')
    expect((await rejection(provider.queryRefund(outNo('rfd')))).code).toBe('NOT_FOUND')
  })

  it('refuses a forged answer: PROVIDER_ERROR, a security event, nothing returned as paid', async () => {
    const provider = adapter()
    const no = outNo()
    await provider.createQr(qrRequest(no))
    server.customerPays(no)
    server.faults.signingKeyPem = intruder.privateKey
    const error = await rejection(provider.query(no))
    expect(error.code).toBe('PROVIDER_ERROR')
    expect(error.details).toMatchObject({ reason: 'RESPONSE_SIGNATURE' })
    expect(events).toEqual([expect.objectContaining({ provider: 'wechatpay:sandbox', kind: 'response_signature' })])

    // A forged ORDERPAID must not turn a close into a success either.
    const other = outNo()
    server.faults.signingKeyPem = null
    await provider.createQr(qrRequest(other))
    server.faults.signingKeyPem = intruder.privateKey
    expect((await rejection(provider.close(other))).code).toBe('PROVIDER_ERROR')
    expect((await rejection(provider.payWithCode(codeRequest(outNo(), '134567890123450000')))).code).toBe(
      'PROVIDER_ERROR',
    )
  })

  it('refuses answers without signature, and answers signed by an unknown serial', async () => {
    const provider = adapter()
    const no = outNo()
    await provider.createQr(qrRequest(no))
    server.faults.unsigned = true
    expect((await rejection(provider.query(no))).details).toMatchObject({ reason: 'RESPONSE_SIGNATURE' })
    server.faults.unsigned = false
    server.faults.serialOverride = 'PUB_KEY_ID_UNKNOWN'
    expect((await rejection(provider.query(no))).details).toMatchObject({ reason: 'UNKNOWN_SERIAL' })
    expect(events.map((e) => e.kind)).toEqual(['response_signature', 'response_signature'])
  })

  it('never takes an unsigned "not found" for a fact', async () => {
    const provider = adapter()
    server.faults.unsigned = true
    const error = await rejection(provider.query(outNo()))
    expect(error.details).toMatchObject({ reason: 'UNSIGNED_ERROR', status: 404 })
  })

  it('times out on a lost answer, and a later query finds the one order it made', async () => {
    const provider = adapter({ timeoutMs: 300 })
    const no = outNo()
    server.faults.hangNext = '/v3/pay/transactions/native'
    const error = await rejection(provider.createQr(qrRequest(no)))
    expect(error.code).toBe('PROVIDER_ERROR')
    expect(error.details).toMatchObject({ reason: 'TIMEOUT' })

    expect((await provider.query(no)).state).toBe('NOTPAY')
    // Retrying with the same out_trade_no gives the same order, never a second one.
    const { qrContent } = await provider.createQr(qrRequest(no))
    expect(qrContent).toBe(server.trades.get(no)!.codeUrl)
    expect(server.trades.size).toBe(1)
    expect(server.requests.filter((r) => r.path === '/v3/pay/transactions/native')).toHaveLength(2)
  })

  it('a 5xx changes nothing at the gateway: the retry makes the one order', async () => {
    const provider = adapter()
    const no = outNo()
    server.faults.serverErrorNext = '/v3/pay/transactions/native'
    expect((await rejection(provider.createQr(qrRequest(no)))).code).toBe('PROVIDER_ERROR')
    expect(server.trades.size).toBe(0)
    await provider.createQr(qrRequest(no))
    expect(server.trades.size).toBe(1)
  })

  it('a connection reset is a wallet failure, and the query after it gives the truth', async () => {
    const provider = adapter()
    const no = outNo()
    await provider.createQr(qrRequest(no))
    server.customerPays(no)
    server.faults.resetNext = `/v3/pay/transactions/out-trade-no/${no}`
    expect((await rejection(provider.query(no))).code).toBe('PROVIDER_ERROR')
    expect((await provider.query(no)).state).toBe('SUCCESS')
  })

  it('a truncated answer is refused, never read as a trade; the code it made is found by query', async () => {
    const provider = adapter()
    const no = outNo()
    server.faults.malformedNext = '/v3/pay/transactions/native'
    expect((await rejection(provider.createQr(qrRequest(no)))).code).toBe('PROVIDER_ERROR')
    expect((await provider.query(no)).state).toBe('NOTPAY')
    expect(server.trades.size).toBe(1)
  })

  it('refuses to reuse an out_trade_no with another amount', async () => {
    const provider = adapter()
    const no = outNo()
    await provider.createQr(qrRequest(no, 100))
    expect((await rejection(provider.createQr(qrRequest(no, 200)))).code).toBe('IDEMPOTENCY_CONFLICT')
  })

  it('refuses answers whose timestamp is 10 minutes off, and testConnection says CLOCK_SKEW', async () => {
    const provider = adapter()
    const no = outNo()
    await provider.createQr(qrRequest(no))
    server.faults.answerClockOffsetMs = 10 * 60_000
    const error = await rejection(provider.query(no))
    expect(error.details).toMatchObject({ reason: 'CLOCK_SKEW' })
    expect(events.at(-1)).toMatchObject({ kind: 'clock_skew' })
    expect(await provider.testConnection()).toMatchObject({ ok: false, code: 'CLOCK_SKEW' })

    server.faults.answerClockOffsetMs = -10 * 60_000
    expect(await provider.testConnection()).toMatchObject({ ok: false, code: 'CLOCK_SKEW' })
  })

  it('says CLOCK_SKEW when our own clock is off and WeChat Pay refuses our timestamp', async () => {
    const clock = createManualClock(Date.now() - 10 * 60_000)
    expect(await adapter({ clock }).testConnection()).toMatchObject({ ok: false, code: 'CLOCK_SKEW' })
  })
})

describe('testConnection', () => {
  it('is OK when keys, serials and clock are right, and leaves no order behind', async () => {
    expect(await adapter().testConnection()).toMatchObject({ ok: true, code: 'OK' })
    expect(server.trades.size).toBe(0)
    expect(server.requests).toEqual([expect.objectContaining({ method: 'GET', status: 404 })])
  })

  it('says WRONG_KEY when WeChat Pay refuses our signature', async () => {
    expect(await adapter({ config: { merchantPrivateKeyPem: intruder.privateKey } }).testConnection()).toMatchObject({
      ok: false,
      code: 'WRONG_KEY',
    })
    expect(
      await adapter({ config: { merchantSerialNo: '0000000000000000000000000000000000000000' } }).testConnection(),
    ).toMatchObject({
      code: 'WRONG_KEY',
    })
    expect(await adapter({ config: { merchantPrivateKeyPem: 'not a key' } }).testConnection()).toMatchObject({
      code: 'WRONG_KEY',
    })
    expect(await adapter({ config: { apiV3Key: 'too short' } }).testConnection()).toMatchObject({ code: 'WRONG_KEY' })
  })

  it('says WRONG_SERIAL when the answer is signed by a key we do not have', async () => {
    const provider = adapter({
      config: { platformKeys: [{ serial: 'PUB_KEY_ID_OLD', publicKeyPem: platform.publicKey }] },
    })
    expect(await provider.testConnection()).toMatchObject({ ok: false, code: 'WRONG_SERIAL' })
    expect(await adapter({ config: { platformKeys: [] } }).testConnection()).toMatchObject({ code: 'WRONG_SERIAL' })
  })

  it('says BAD_RESPONSE_SIGNATURE when the configured public key does not match', async () => {
    const provider = adapter({
      config: { platformKeys: [{ serial: PLATFORM_SERIAL, publicKeyPem: intruder.publicKey }] },
    })
    expect(await provider.testConnection()).toMatchObject({ ok: false, code: 'BAD_RESPONSE_SIGNATURE' })
  })

  it('says UNREACHABLE when nothing listens, and WRONG_GATEWAY when something else answers', async () => {
    const closed = http.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    expect(await adapter({ config: { gatewayUrl: `http://127.0.0.1:${port}` } }).testConnection()).toMatchObject({
      code: 'UNREACHABLE',
    })

    const other = http.createServer((_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/html' })
      res.end('<html>Not Found</html>')
    })
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`
      expect(await adapter({ config: { gatewayUrl: url } }).testConnection()).toMatchObject({ code: 'WRONG_GATEWAY' })
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()))
    }
  })

  it('never puts a secret in its messages or in security events', async () => {
    const results = [
      await adapter({ config: { merchantPrivateKeyPem: intruder.privateKey } }).testConnection(),
      await adapter({
        config: { platformKeys: [{ serial: PLATFORM_SERIAL, publicKeyPem: intruder.publicKey }] },
      }).testConnection(),
      await adapter({ config: { apiV3Key: 'x' } }).testConnection(),
    ]
    const text = JSON.stringify([results, events])
    for (const secret of [API_V3_KEY, merchant.privateKey.split('\n')[1]!, intruder.privateKey.split('\n')[1]!]) {
      expect(text).not.toContain(secret)
    }
  })
})

describe('notifications', () => {
  let receiver: http.Server
  let receiverUrl: string
  let handled: Array<{ trade?: ProviderTrade; error?: EngineError }>
  let provider: WechatPayProvider

  beforeEach(async () => {
    provider = adapter()
    handled = []
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const notification: IncomingNotification = {
          headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])),
          body: Buffer.concat(chunks).toString('utf8'),
        }
        provider.parseNotification(notification).then(
          (trade) => {
            handled.push({ trade })
            res.writeHead(204).end()
          },
          (error: EngineError) => {
            handled.push({ error })
            res
              .writeHead(400, { 'Content-Type': 'application/json' })
              .end(JSON.stringify({ code: 'FAIL', message: error.message }))
          },
        )
      })
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notify/wechatpay`
  })

  afterEach(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()))
  })

  async function paidOrder(): Promise<string> {
    const no = outNo()
    await provider.createQr(qrRequest(no, 4321))
    server.customerPays(no)
    return no
  }

  it('decrypts a valid notification to the right trade', async () => {
    const no = await paidOrder()
    expect(await server.sendNotification(receiverUrl, no)).toBe(204)
    expect(handled).toHaveLength(1)
    expect(handled[0]!.trade).toEqual({
      outTradeNo: no,
      state: 'SUCCESS',
      amountFen: 4321,
      providerTradeNo: server.trades.get(no)!.transactionId,
      paidAt: Date.parse(server.trades.get(no)!.successTime!),
    })
    expect(events).toEqual([])
  })

  it('rejects a forged notification', async () => {
    const no = await paidOrder()
    expect(await server.sendNotification(receiverUrl, no, { signingKeyPem: intruder.privateKey })).toBe(400)
    expect(handled[0]!.error!.code).toBe('NOTIFICATION_REJECTED')
    expect(events).toEqual([expect.objectContaining({ kind: 'notification_signature' })])
  })

  it('rejects an old notification presented again (replay)', async () => {
    const no = await paidOrder()
    expect(await server.sendNotification(receiverUrl, no, { timestampSec: Math.floor(Date.now() / 1000) - 600 })).toBe(
      400,
    )
    expect(handled[0]!.error!.code).toBe('NOTIFICATION_REJECTED')
    expect(events).toEqual([expect.objectContaining({ kind: 'notification_replay' })])

    // The same valid notification, captured and replayed six minutes later.
    const clock = createManualClock(Date.now())
    const later = adapter({ clock })
    const captured = server.notification(no)
    expect((await later.parseNotification(captured)).state).toBe('SUCCESS')
    clock.advance(6 * 60_000)
    expect((await rejection(later.parseNotification(captured))).code).toBe('NOTIFICATION_REJECTED')
  })

  it('rejects a notification sealed with another APIv3 key, or with a changed body', async () => {
    const no = await paidOrder()
    const wrongKey = server.notification(no, { apiV3Key: 'B'.repeat(32) })
    expect((await rejection(provider.parseNotification(wrongKey))).code).toBe('NOTIFICATION_REJECTED')
    expect(events.at(-1)).toMatchObject({ kind: 'notification_decrypt' })

    const valid = server.notification(no)
    const tampered = { ...valid, body: valid.body.replace('TRANSACTION.SUCCESS', 'TRANSACTION.SUCCESS ') }
    expect((await rejection(provider.parseNotification(tampered))).code).toBe('NOTIFICATION_REJECTED')
    expect(events.at(-1)).toMatchObject({ kind: 'notification_signature' })
  })
})
