import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createManualClock, systemClock, type Clock } from '../../src/engine/clock'
import { createIdGenerator } from '../../src/engine/ids'
import type { SecurityEvent, WalletAdapter } from '../../src/engine/providers/common'
import type { ChinaumsConfig } from '../../src/engine/providers/chinaums/config'
import { createChinaumsProvider, notificationReply } from '../../src/engine/providers/chinaums/index'
import type { IncomingNotification, ProviderTrade } from '../../src/engine/providers/types'
import { EngineError } from '../../src/shared/errors'
import { startChinaumsServer, type ChinaumsServer } from '../support/chinaumsServer'

const APP_ID = 'f0ec96ad2c3848b5b810e7aadf369e2f'
const APP_KEY = '775481e2556e4564985f5439a5e6a277'
const MID = '898340149000005'
const TID = '88880001'
const INST_MID = 'QRPAYDEFAULT'
const MSG_SRC_ID = '3194'
const NOTIFY_KEY = 'hutongNotifyKeyForTests0000000000000000000000000'

const newId = createIdGenerator(systemClock)
/** The acquirer's number of one of our ids, written out independently of the adapter: source number + ULID. */
const ums = (id: string): string => MSG_SRC_ID + id.slice(4)

let server: ChinaumsServer
let events: SecurityEvent[]

beforeEach(async () => {
  server = await startChinaumsServer({
    appId: APP_ID,
    appKey: APP_KEY,
    mid: MID,
    tid: TID,
    instMid: INST_MID,
    msgSrcId: MSG_SRC_ID,
    notifyKey: NOTIFY_KEY,
  })
  events = []
})

afterEach(async () => {
  await server.close()
})

function config(overrides: Partial<ChinaumsConfig> = {}): ChinaumsConfig {
  return {
    mode: 'sandbox',
    gatewayUrl: server.url,
    appId: APP_ID,
    appKey: APP_KEY,
    mid: MID,
    tid: TID,
    instMid: INST_MID,
    msgSrcId: MSG_SRC_ID,
    notifyKey: NOTIFY_KEY,
    notifyUrl: null,
    ...overrides,
  }
}

function adapter(options: { clock?: Clock; timeoutMs?: number; config?: Partial<ChinaumsConfig> } = {}): WalletAdapter {
  return createChinaumsProvider(config(options.config), {
    clock: options.clock ?? systemClock,
    onSecurityEvent: (event) => events.push(event),
    timeoutMs: options.timeoutMs ?? 5_000,
  })
}

const qrRequest = (outTradeNo: string, amountFen = 1234) => ({
  outTradeNo,
  wallet: 'unionpay' as const,
  amountFen,
  description: '互通收银台 · 测试订单',
  expiresAt: Date.now() + 15 * 60_000,
  merchantId: MID,
  installments: null,
  installmentFeePayer: null,
})

const codeRequest = (outTradeNo: string, authCode: string, amountFen = 880) => ({
  outTradeNo,
  wallet: 'unionpay' as const,
  authCode,
  amountFen,
  description: '咖啡',
  merchantId: MID,
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

const beijingDate = (ms: number): string => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10)

describe('China UMS adapter against a local open-platform server', () => {
  it('identifies itself by mode and supports UnionPay QR and payment codes only', () => {
    const provider = adapter({ config: { mode: 'production' } })
    expect(provider.key).toBe('chinaums:production')
    expect(provider.mode).toBe('production')
    expect(provider.supports('unionpay', 'qr')).toBe(true)
    expect(provider.supports('unionpay', 'payment-code')).toBe(true)
    expect(provider.supports('wechat', 'qr')).toBe(false)
    expect(provider.supports('unionpay', 'cash')).toBe(false)
  })

  it('signs requests the server verifies, with the documented bill fields', async () => {
    const no = newId('pay')
    const { qrContent } = await adapter({ config: { notifyUrl: 'https://relay.example.com/ums' } }).createQr(
      qrRequest(no),
    )
    const bill = server.bills.get(ums(no))!
    expect(qrContent).toBe(bill.billQRCode)
    expect(bill).toMatchObject({ totalAmount: 1234, billDate: beijingDate(Date.now()), status: 'UNPAID' })
    expect(bill.notifyUrl).toBe('https://relay.example.com/ums')
    expect(bill.expireTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
    const sent = server.requests[0]!
    expect(sent).toMatchObject({ path: '/v1/netpay/bills/get-qrcode', status: 200, errCode: 'SUCCESS' })
    expect(sent.body).toMatchObject({ mid: MID, tid: TID, instMid: INST_MID, billNo: ums(no), totalAmount: 1234 })
    expect(sent.body.requestTimestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
  })

  it('finds a QR payment by query when no notification comes', async () => {
    const provider = adapter()
    const no = newId('pay')
    await provider.createQr(qrRequest(no))
    expect((await provider.query(no)).state).toBe('NOTPAY')
    server.payBill(ums(no))
    const paid = await provider.query(no)
    const bill = server.bills.get(ums(no))!
    expect(paid).toEqual({
      outTradeNo: no,
      state: 'SUCCESS',
      amountFen: 1234,
      providerTradeNo: bill.targetOrderId,
      paidAt: Date.parse(`${bill.payTime!.replace(' ', 'T')}+08:00`),
    })
    expect(events).toEqual([])
  })

  it('reports an unknown trade as NOT_FOUND, after looking in both APIs', async () => {
    const no = newId('pay')
    expect((await adapter().query(no)).state).toBe('NOT_FOUND')
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/netpay/bills/query', '/v2/poslink/transaction/query'])
  })

  it('closes an unpaid QR code before anyone scans it', async () => {
    const provider = adapter()
    const no = newId('pay')
    await provider.createQr(qrRequest(no))
    expect((await provider.close(no)).state).toBe('CLOSED')
    expect(server.bills.get(ums(no))!.status).toBe('CLOSED')
    expect(server.requests.at(-1)!.body.qrCodeId).toBe(server.bills.get(ums(no))!.qrCodeId)
    expect((await provider.query(no)).state).toBe('CLOSED')
  })

  it('returns the paid trade when a close comes after the customer paid', async () => {
    const provider = adapter()
    const no = newId('pay')
    await provider.createQr(qrRequest(no))
    server.payBill(ums(no))
    expect(await provider.close(no)).toMatchObject({ state: 'SUCCESS', amountFen: 1234 })
    expect(server.bills.get(ums(no))!.status).toBe('PAID')
  })

  it('charges a payment code that needs no password', async () => {
    const no = newId('pay')
    const trade = await adapter().payWithCode(codeRequest(no, '6225880100000000000'))
    expect(trade).toMatchObject({ outTradeNo: no, state: 'SUCCESS', amountFen: 880 })
    expect(trade.providerTradeNo).toBe(server.posTrades.get(ums(no))!.orderId)
    expect(server.requests[0]!.body).toMatchObject({
      merchantCode: MID,
      terminalCode: TID,
      merchantOrderId: ums(no),
      transactionAmount: 880,
      transactionCurrencyCode: '156',
      payMode: 'CODE_SCAN',
    })
  })

  it('reports USERPAYING while the customer confirms, then SUCCESS', async () => {
    const provider = adapter()
    const no = newId('pay')
    expect((await provider.payWithCode(codeRequest(no, '6225880100000000001'))).state).toBe('USERPAYING')
    expect((await provider.query(no)).state).toBe('USERPAYING')
    server.customerConfirms(ums(no))
    expect(await provider.query(no)).toMatchObject({ state: 'SUCCESS', amountFen: 880 })
  })

  it('reverses a payment code the customer never confirmed', async () => {
    const provider = adapter()
    const no = newId('pay')
    await provider.payWithCode(codeRequest(no, '6225880100000000001'))
    expect((await provider.reverse(no)).state).toBe('REVOKED')
    expect(server.requests.at(-1)!.path).toBe('/v2/poslink/transaction/reversepayment')
    expect((await provider.query(no)).state).toBe('REVOKED')
  })

  it('reports a declined payment code as PAYERROR', async () => {
    const provider = adapter()
    const no = newId('pay')
    expect((await provider.payWithCode(codeRequest(no, '6225880100000000003'))).state).toBe('PAYERROR')
    expect((await provider.query(no)).state).toBe('PAYERROR')
  })

  it('refunds a QR payment in part, and the refund query follows it to SUCCESS', async () => {
    const provider = adapter()
    const no = newId('pay')
    await provider.createQr(qrRequest(no, 2000))
    server.payBill(ums(no))
    const rfd = newId('rfd')
    const request = { outTradeNo: no, outRefundNo: rfd, amountFen: 700, totalFen: 2000, reason: '顾客退货' }
    const first = await provider.refund(request)
    expect(first).toMatchObject({ outRefundNo: rfd, state: 'PROCESSING', amountFen: 700 })
    expect(first.providerRefundNo).toBe(server.billRefunds.get(ums(rfd))!.refundTargetOrderId)
    expect((await provider.queryRefund(rfd, no)).state).toBe('PROCESSING')
    server.completeRefund(ums(rfd))
    expect(await provider.queryRefund(rfd, no)).toMatchObject({ state: 'SUCCESS', amountFen: 700 })
    // A retry of the same refund number refunds nothing twice; a refunded payment is still a paid one.
    expect((await provider.refund(request)).state).toBe('SUCCESS')
    expect(server.billRefunds.size).toBe(1)
    expect((await provider.query(no)).state).toBe('SUCCESS')
    const tooMuch = { ...request, outRefundNo: newId('rfd'), amountFen: 1301 }
    expect((await rejection(provider.refund(tooMuch))).details).toMatchObject({ reason: 'API_ERROR' })
    expect((await rejection(provider.queryRefund(newId('rfd'), no))).code).toBe('NOT_FOUND')
  })

  it('refunds a payment-code payment in part through POS通', async () => {
    const provider = adapter()
    const no = newId('pay')
    await provider.payWithCode(codeRequest(no, '6225880100000000000', 1000))
    const rfd = newId('rfd')
    const refund = await provider.refund({
      outTradeNo: no,
      outRefundNo: rfd,
      amountFen: 300,
      totalFen: 1000,
      reason: '',
    })
    expect(refund).toMatchObject({ state: 'SUCCESS', amountFen: 300 })
    expect(refund.providerRefundNo).toBe(server.posRefunds.get(ums(rfd))!.refundOrderId)
    expect(await provider.queryRefund(rfd, no)).toMatchObject({ state: 'SUCCESS', amountFen: 300 })
    expect((await provider.query(no)).state).toBe('SUCCESS')
  })

  it('refuses an answer whose sign does not verify: PROVIDER_ERROR and a security event', async () => {
    const provider = adapter()
    const no = newId('pay')
    await provider.createQr(qrRequest(no))
    server.payBill(ums(no))
    server.faults.answerSignKey = 'anotherKeyThatIsNotTheCommunicationKey'
    const error = await rejection(provider.query(no))
    expect(error.code).toBe('PROVIDER_ERROR')
    expect(error.details).toMatchObject({ reason: 'RESPONSE_SIGNATURE' })
    expect(events).toEqual([expect.objectContaining({ provider: 'chinaums:sandbox', kind: 'response_signature' })])
  })

  it('takes unsigned answers only when signed answers are not required', async () => {
    const no = newId('pay')
    await adapter().createQr(qrRequest(no))
    server.faults.unsignedAnswers = true
    expect((await adapter().query(no)).state).toBe('NOTPAY')
    const strict = adapter({ config: { tuning: { requireSignedAnswers: true } } })
    expect((await rejection(strict.query(no))).details).toMatchObject({ reason: 'RESPONSE_SIGNATURE' })
  })

  it('times out on a lost answer, and a retry gives the same QR code, never a second bill', async () => {
    const provider = adapter({ timeoutMs: 300 })
    const no = newId('pay')
    server.faults.hangNext = '/v1/netpay/bills/get-qrcode'
    expect((await rejection(provider.createQr(qrRequest(no)))).details).toMatchObject({ reason: 'TIMEOUT' })
    expect((await provider.query(no)).state).toBe('NOTPAY')
    const { qrContent } = await provider.createQr(qrRequest(no))
    expect(qrContent).toBe(server.bills.get(ums(no))!.billQRCode)
    expect(server.bills.size).toBe(1)
  })

  it('refuses ids it cannot map and wallets it is not set up for', async () => {
    const provider = adapter()
    expect((await rejection(provider.createQr(qrRequest('order-42')))).code).toBe('VALIDATION_FAILED')
    const wechat = { ...qrRequest(newId('pay')), wallet: 'wechat' as const }
    expect((await rejection(provider.createQr(wechat))).code).toBe('METHOD_UNSUPPORTED')
    expect(server.requests).toEqual([])
  })
})

describe('testConnection', () => {
  it('is OK when keys, numbers and clock are right, and leaves nothing behind', async () => {
    expect(await adapter().testConnection()).toMatchObject({ ok: true, code: 'OK' })
    expect(server.bills.size).toBe(0)
    expect(server.requests).toEqual([expect.objectContaining({ path: '/v1/netpay/bills/query', errCode: 'NO_ORDER' })])
  })

  it('says WRONG_KEY when the server refuses our signature', async () => {
    expect(await adapter({ config: { appKey: 'ffffffffffffffffffffffffffffffff' } }).testConnection()).toMatchObject({
      ok: false,
      code: 'WRONG_KEY',
    })
    expect(await adapter({ config: { appId: 'a0000000000000000000000000000000' } }).testConnection()).toMatchObject({
      code: 'WRONG_KEY',
    })
    expect(server.requests.map((r) => r.status)).toEqual([401, 401])
  })

  it('says CLOCK_SKEW when the clocks differ by more than the accepted window', async () => {
    const slow = createManualClock(Date.now() - 20 * 60_000)
    expect(await adapter({ clock: slow }).testConnection()).toMatchObject({ ok: false, code: 'CLOCK_SKEW' })
    server.faults.clockOffsetMs = 20 * 60_000
    expect(await adapter().testConnection()).toMatchObject({ ok: false, code: 'CLOCK_SKEW' })
  })

  it('says BAD_RESPONSE_SIGNATURE when answers do not verify with the communication key', async () => {
    const provider = adapter({ config: { notifyKey: 'notTheCommunicationKeyOfThisMerchant' } })
    expect(await provider.testConnection()).toMatchObject({ ok: false, code: 'BAD_RESPONSE_SIGNATURE' })
  })

  it('says REJECTED when the signature is accepted but the merchant numbers are not', async () => {
    expect(await adapter({ config: { tid: '99990000' } }).testConnection()).toMatchObject({
      ok: false,
      code: 'REJECTED',
    })
  })

  it('says UNREACHABLE when nothing listens, and WRONG_GATEWAY when something else answers', async () => {
    const closed = http.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    expect(await adapter({ config: { gatewayUrl: `http://127.0.0.1:${port}` } }).testConnection()).toMatchObject({
      code: 'UNREACHABLE',
    })
    const other = http.createServer((_req, res) => res.writeHead(404, { 'Content-Type': 'text/html' }).end('<html/>'))
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
      await adapter({ config: { appKey: 'ffffffffffffffffffffffffffffffff' } }).testConnection(),
      await adapter({ config: { notifyKey: 'notTheCommunicationKeyOfThisMerchant' } }).testConnection(),
      await adapter({ config: { appKey: '' } }).testConnection(),
    ]
    const text = JSON.stringify([results, events])
    for (const secret of [APP_KEY, NOTIFY_KEY, 'notTheCommunicationKeyOfThisMerchant'])
      expect(text).not.toContain(secret)
    expect(results[2]).toMatchObject({ code: 'WRONG_KEY' })
  })
})

describe('notifications', () => {
  let receiver: http.Server
  let receiverUrl: string
  let handled: Array<{ trade?: ProviderTrade; error?: EngineError }>
  let provider: WalletAdapter

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
        const answer = (ok: boolean): void => {
          const reply = notificationReply(ok)
          res.writeHead(reply.status, { 'Content-Type': reply.contentType }).end(reply.body)
        }
        provider.parseNotification(notification).then(
          (trade) => {
            handled.push({ trade })
            answer(true)
          },
          (error: EngineError) => {
            handled.push({ error })
            answer(false)
          },
        )
      })
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notify/chinaums`
  })

  afterEach(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()))
  })

  async function paidBill(): Promise<string> {
    const no = newId('pay')
    await provider.createQr(qrRequest(no, 4321))
    server.payBill(ums(no))
    return no
  }

  it('takes a signed notification of a paid bill and answers SUCCESS', async () => {
    const no = await paidBill()
    expect(await server.sendNotification(receiverUrl, ums(no))).toEqual({ status: 200, body: 'SUCCESS' })
    const bill = server.bills.get(ums(no))!
    expect(handled).toEqual([
      {
        trade: {
          outTradeNo: no,
          state: 'SUCCESS',
          amountFen: 4321,
          providerTradeNo: bill.targetOrderId,
          paidAt: Date.parse(`${bill.payTime!.replace(' ', 'T')}+08:00`),
        },
      },
    ])
    expect(events).toEqual([])
  })

  it('takes a notification signed with SHA256 when signType says so', async () => {
    const no = await paidBill()
    expect((await server.sendNotification(receiverUrl, ums(no), { signType: 'SHA256' })).body).toBe('SUCCESS')
    expect(handled[0]!.trade!.state).toBe('SUCCESS')
  })

  it('refuses a notification signed with another key, and answers FAILED', async () => {
    const no = await paidBill()
    const reply = await server.sendNotification(receiverUrl, ums(no), { key: 'forgedKeyForgedKeyForgedKey' })
    expect(reply).toEqual({ status: 200, body: 'FAILED' })
    expect(handled[0]!.error!.code).toBe('NOTIFICATION_REJECTED')
    expect(events).toEqual([expect.objectContaining({ kind: 'notification_signature' })])
  })

  it('refuses a notification whose amount was changed after signing', async () => {
    const no = await paidBill()
    const tampered = await server.sendNotification(receiverUrl, ums(no), {
      tamper: (fields) => {
        fields.totalAmount = '1'
      },
    })
    expect(tampered.body).toBe('FAILED')
    expect(handled[0]!.error!.code).toBe('NOTIFICATION_REJECTED')
  })

  it('refuses a genuine-looking notification for another merchant', async () => {
    const no = await paidBill()
    expect((await server.sendNotification(receiverUrl, ums(no), { mid: '898000000000001' })).body).toBe('FAILED')
    expect(handled[0]!.error!.code).toBe('NOTIFICATION_REJECTED')
    expect(events.at(-1)).toMatchObject({ kind: 'notification_signature' })
  })

  it('refuses a notification presented again long after the payment (replay)', async () => {
    const no = await paidBill()
    const captured = server.notification(ums(no))
    const clock = createManualClock(Date.now())
    const later = adapter({ clock })
    expect((await later.parseNotification(captured)).state).toBe('SUCCESS')
    clock.advance(20 * 60_000)
    expect((await rejection(later.parseNotification(captured))).code).toBe('NOTIFICATION_REJECTED')
    expect(events.at(-1)).toMatchObject({ kind: 'notification_replay' })
  })
})
