/**
 * A local WeChat Pay API v3 server for conformance tests, written from the public v3 documentation
 * (signing and verification rules, Native, codepay, query, close, reverse, refunds, notifications).
 * It checks every request's WECHATPAY2-SHA256-RSA2048 signature with the merchant public key, keeps
 * trades and refunds in memory, signs every answer with its platform key, and can post encrypted,
 * signed notifications. `faults` injects the failures a real gateway or network produces. It serves trade
 * bills too: `/v3/bill/tradebill` answers a signed download_url and SHA-1, and the download itself (signed
 * request, unsigned answer, as the docs say) streams the bill set with `setBill`, gzip-compressed when asked.
 */
import {
  createCipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  randomBytes,
  type KeyObject,
} from 'node:crypto'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'

export type ServerTradeState = 'NOTPAY' | 'USERPAYING' | 'SUCCESS' | 'REFUND' | 'CLOSED' | 'REVOKED' | 'PAYERROR'

export interface ServerTrade {
  outTradeNo: string
  tradeType: 'NATIVE' | 'MICROPAY'
  amountFen: number
  description: string
  state: ServerTradeState
  transactionId: string | null
  successTime: string | null
  codeUrl: string | null
  timeExpire: string | null
  notifyUrl: string | null
}

export interface ServerRefund {
  outRefundNo: string
  outTradeNo: string
  refundId: string
  amountFen: number
  status: 'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL'
  createTime: string
  successTime: string | null
}

export interface WechatpayServerOptions {
  /** The server's clock (default the system's): request timestamps more than five minutes off are refused. */
  now?: () => number
  mchId: string
  appId: string
  merchantSerialNo: string
  merchantPublicKeyPem: string
  platformSerial: string
  platformPrivateKeyPem: string
  apiV3Key: string
}

export interface WechatpayServerFaults {
  /** Sign answers with this key while still naming the platform serial: a forged answer. */
  signingKeyPem: string | null
  /** Name this serial in Wechatpay-Serial instead of the platform serial. */
  serialOverride: string | null
  /** Shifts the timestamps the server puts on its answers and notifications. */
  answerClockOffsetMs: number
  /** Answers without any Wechatpay-* header. */
  unsigned: boolean
  /** The next request whose path starts with this is executed but never answered. */
  hangNext: string | null
  /** The next request whose path starts with this is answered 500 SYSTEM_ERROR without being executed. */
  serverErrorNext: string | null
  /** The next request whose path starts with this has its connection reset, unexecuted and unanswered. */
  resetNext: string | null
  /** The next request whose path starts with this is executed and answered with a truncated, signed body. */
  malformedNext: string | null
  /** Trade bill answers give a SHA-1 that is not the bill's. */
  billHashWrong: boolean
  /** Trade bill answers give this download_url instead of the server's own. */
  billDownloadUrl: string | null
  /** Bill downloads send half the bill, then nothing more (the connection stays open). */
  billStall: boolean
}

export interface LoggedRequest {
  method: string
  path: string
  status: number | null
}

export interface NotificationOptions {
  /** Unix seconds put in Wechatpay-Timestamp (default: now, shifted by answerClockOffsetMs). */
  timestampSec?: number
  /** Sign with this key instead of the platform key (a forged notification). */
  signingKeyPem?: string
  /** Encrypt with this key instead of the APIv3 key. */
  apiV3Key?: string
}

export interface WechatpayServer {
  url: string
  faults: WechatpayServerFaults
  trades: Map<string, ServerTrade>
  refunds: Map<string, ServerRefund>
  requests: LoggedRequest[]
  /** The customer pays (scans the code and confirms, or confirms the password prompt of a payment code). */
  customerPays(outTradeNo: string): void
  /** The refund reaches the customer's account. */
  completeRefund(outRefundNo: string): void
  /** The trade bill of a day (YYYY-MM-DD): its bytes, or the path of a file holding them. */
  setBill(date: string, content: Buffer | string): void
  /** The day's bill is still being made: STATEMENT_CREATING until setBill. */
  billCreating(date: string): void
  /** Bill downloads served: the day, and whether gzip-compressed. */
  billDownloads: { date: string; gzip: boolean }[]
  /** A TRANSACTION.SUCCESS (or other state) notification for the trade, encrypted and signed. */
  notification(outTradeNo: string, options?: NotificationOptions): { headers: Record<string, string>; body: string }
  /** Posts a notification to a URL as WeChat Pay does; resolves with the receiver's status. */
  sendNotification(url: string, outTradeNo: string, options?: NotificationOptions): Promise<number>
  close(): Promise<void>
}

/** Payment codes ending in these digits ask for a password, or are declined; others pay at once. */
export const SERVER_CODE_SUFFIXES = { password: '0001', declined: '0003' } as const

const OUT_NO = /^[0-9A-Za-z_\-*]{6,32}$/
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/
const AUTH = /^WECHATPAY2-SHA256-RSA2048 (.+)$/

function alnum(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('')
}

function digits(length: number): string {
  return Array.from(randomBytes(length), (b) => String(b % 10)).join('')
}

function rfc3339Shanghai(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000 + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`
}

function parseAuthorization(value: string | undefined): Record<string, string> | null {
  const match = value ? AUTH.exec(value) : null
  if (!match) return null
  const fields: Record<string, string> = {}
  for (const part of match[1]!.split(',')) {
    const kv = /^\s*([a-z_]+)="([^"]*)"\s*$/.exec(part)
    if (!kv) return null
    fields[kv[1]!] = kv[2]!
  }
  return fields
}

interface Reply {
  status: number
  body?: Record<string, unknown>
  /** Request authentication failed: WeChat Pay does not sign these. */
  unsigned?: boolean
}

export async function startWechatpayServer(options: WechatpayServerOptions): Promise<WechatpayServer> {
  const now = options.now ?? (() => Date.now())
  const merchantKey = createPublicKey(options.merchantPublicKeyPem)
  const platformKey = createPrivateKey(options.platformPrivateKeyPem)
  const trades = new Map<string, ServerTrade>()
  const refunds = new Map<string, ServerRefund>()
  const requests: LoggedRequest[] = []
  const held = new Set<http.ServerResponse>()
  const faults: WechatpayServerFaults = {
    signingKeyPem: null,
    serialOverride: null,
    answerClockOffsetMs: 0,
    unsigned: false,
    hangNext: null,
    serverErrorNext: null,
    resetNext: null,
    malformedNext: null,
    billHashWrong: false,
    billDownloadUrl: null,
    billStall: false,
  }
  const bills = createBillDesk(faults, now)

  /** Whether the planned one-shot fault applies to this path (and spends it). */
  function strikes(key: 'serverErrorNext' | 'resetNext' | 'malformedNext', path: string): boolean {
    const prefix = faults[key]
    if (!prefix || !path.startsWith(prefix)) return false
    faults[key] = null
    return true
  }

  const answerTimestamp = (): number => Math.floor((now() + faults.answerClockOffsetMs) / 1000)

  function sign(message: string, key: KeyObject): string {
    return createSign('RSA-SHA256').update(message).sign(key, 'base64')
  }

  function signedHeaders(body: string, timestampSec: number, keyPem: string | null): Record<string, string> {
    const nonce = alnum(32)
    const key = keyPem ? createPrivateKey(keyPem) : platformKey
    return {
      'Wechatpay-Timestamp': String(timestampSec),
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Serial': faults.serialOverride ?? options.platformSerial,
      'Wechatpay-Signature': sign(`${timestampSec}\n${nonce}\n${body}\n`, key),
    }
  }

  function transactionJson(trade: ServerTrade): Record<string, unknown> {
    const paid = trade.state === 'SUCCESS' || trade.state === 'REFUND'
    return {
      appid: options.appId,
      mchid: options.mchId,
      out_trade_no: trade.outTradeNo,
      ...(trade.transactionId ? { transaction_id: trade.transactionId } : {}),
      trade_type: trade.tradeType,
      trade_state: trade.state,
      trade_state_desc: trade.state,
      ...(paid
        ? { bank_type: 'OTHERS', success_time: trade.successTime, payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' } }
        : {}),
      amount: {
        total: trade.amountFen,
        currency: 'CNY',
        ...(paid ? { payer_total: trade.amountFen, payer_currency: 'CNY' } : {}),
      },
    }
  }

  function refundJson(refund: ServerRefund): Record<string, unknown> {
    const trade = trades.get(refund.outTradeNo)!
    return {
      refund_id: refund.refundId,
      out_refund_no: refund.outRefundNo,
      transaction_id: trade.transactionId,
      out_trade_no: refund.outTradeNo,
      channel: 'ORIGINAL',
      user_received_account: '支付用户零钱',
      ...(refund.successTime ? { success_time: refund.successTime } : {}),
      create_time: refund.createTime,
      status: refund.status,
      funds_account: 'AVAILABLE',
      amount: {
        total: trade.amountFen,
        refund: refund.amountFen,
        payer_total: trade.amountFen,
        payer_refund: refund.amountFen,
        settlement_total: trade.amountFen,
        settlement_refund: refund.amountFen,
        discount_refund: 0,
        currency: 'CNY',
      },
    }
  }

  function pay(trade: ServerTrade): void {
    trade.state = 'SUCCESS'
    trade.transactionId = `42000${digits(23)}`
    trade.successTime = rfc3339Shanghai(now())
  }

  const paramError = (message: string): Reply => ({ status: 400, body: { code: 'PARAM_ERROR', message } })
  const notExist: Reply = { status: 404, body: { code: 'ORDER_NOT_EXIST', message: '订单不存在' } }

  function checkMerchant(body: Record<string, unknown>, withApp: boolean): Reply | null {
    if (body.mchid !== options.mchId) return paramError('mchid 与请求签名的商户号不一致')
    if (withApp && body.appid !== options.appId)
      return { status: 400, body: { code: 'APPID_MCHID_NOT_MATCH', message: 'appid和mch_id不匹配' } }
    return null
  }

  function checkOrderFields(body: Record<string, unknown>): Reply | null {
    const description = body.description
    if (typeof description !== 'string' || description.length === 0 || Buffer.byteLength(description) > 127) {
      return paramError('description 长度应为 1 到 127 字节')
    }
    if (typeof body.out_trade_no !== 'string' || !OUT_NO.test(body.out_trade_no))
      return paramError('out_trade_no 格式错误')
    const amount = body.amount as { total?: unknown; currency?: unknown } | undefined
    if (!amount || !Number.isSafeInteger(amount.total) || (amount.total as number) < 1)
      return paramError('amount.total 应为正整数(分)')
    if (amount.currency !== undefined && amount.currency !== 'CNY') return paramError('amount.currency 只支持 CNY')
    return null
  }

  function route(method: string, url: URL, body: Record<string, unknown>): Reply {
    const path = url.pathname
    let m: RegExpExecArray | null

    if (method === 'POST' && path === '/v3/pay/transactions/native') {
      const bad = checkMerchant(body, true) ?? checkOrderFields(body)
      if (bad) return bad
      if (typeof body.time_expire !== 'string' || !RFC3339.test(body.time_expire))
        return paramError('time_expire 应为 RFC 3339 格式')
      if (typeof body.notify_url !== 'string' || !/^https:\/\/[^?#]+$/.test(body.notify_url)) {
        return paramError('notify_url 应为不带参数的 https 地址')
      }
      const outTradeNo = body.out_trade_no as string
      const total = (body.amount as { total: number }).total
      const existing = trades.get(outTradeNo)
      if (existing) {
        if (
          existing.amountFen !== total ||
          existing.description !== body.description ||
          existing.tradeType !== 'NATIVE'
        ) {
          return { status: 403, body: { code: 'OUT_TRADE_NO_USED', message: '商户订单号重复' } }
        }
        if (existing.state === 'SUCCESS' || existing.state === 'REFUND')
          return { status: 400, body: { code: 'ORDERPAID', message: '订单已支付' } }
        return { status: 200, body: { code_url: existing.codeUrl } }
      }
      const trade: ServerTrade = {
        outTradeNo,
        tradeType: 'NATIVE',
        amountFen: total,
        description: body.description as string,
        state: 'NOTPAY',
        transactionId: null,
        successTime: null,
        codeUrl: `weixin://wxpay/bizpayurl?pr=${alnum(7)}`,
        timeExpire: body.time_expire,
        notifyUrl: body.notify_url,
      }
      trades.set(outTradeNo, trade)
      return { status: 200, body: { code_url: trade.codeUrl } }
    }

    if (method === 'POST' && path === '/v3/pay/transactions/codepay') {
      const bad = checkMerchant(body, true) ?? checkOrderFields(body)
      if (bad) return bad
      const authCode = (body.payer as { auth_code?: unknown } | undefined)?.auth_code
      if (typeof authCode !== 'string' || !/^1[0-5]\d{16}$/.test(authCode))
        return paramError('payer.auth_code 格式错误')
      const storeId = (body.scene_info as { store_info?: { out_id?: unknown } } | undefined)?.store_info?.out_id
      if (typeof storeId !== 'string' || !storeId) return paramError('scene_info.store_info.out_id 必填')
      const outTradeNo = body.out_trade_no as string
      if (trades.has(outTradeNo)) return { status: 403, body: { code: 'OUT_TRADE_NO_USED', message: '商户订单号重复' } }
      const trade: ServerTrade = {
        outTradeNo,
        tradeType: 'MICROPAY',
        amountFen: (body.amount as { total: number }).total,
        description: body.description as string,
        state: 'USERPAYING',
        transactionId: null,
        successTime: null,
        codeUrl: null,
        timeExpire: null,
        notifyUrl: null,
      }
      trades.set(outTradeNo, trade)
      if (authCode.endsWith(SERVER_CODE_SUFFIXES.password)) {
        return { status: 202, body: { code: 'USERPAYING', message: '用户支付中，需要输入密码' } }
      }
      if (authCode.endsWith(SERVER_CODE_SUFFIXES.declined)) {
        trade.state = 'PAYERROR'
        return { status: 403, body: { code: 'NOT_ENOUGH', message: '用户账号余额不足' } }
      }
      pay(trade)
      return { status: 200, body: transactionJson(trade) }
    }

    if (method === 'GET' && (m = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/.exec(path))) {
      if (url.searchParams.get('mchid') !== options.mchId) return paramError('mchid 缺失或不一致')
      const trade = trades.get(decodeURIComponent(m[1]!))
      return trade ? { status: 200, body: transactionJson(trade) } : notExist
    }

    if (method === 'POST' && (m = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/close$/.exec(path))) {
      const bad = checkMerchant(body, false)
      if (bad) return bad
      const trade = trades.get(decodeURIComponent(m[1]!))
      if (!trade) return notExist
      if (trade.state === 'SUCCESS' || trade.state === 'REFUND')
        return { status: 400, body: { code: 'ORDERPAID', message: '订单已支付' } }
      if (trade.state === 'NOTPAY' || trade.state === 'PAYERROR') trade.state = 'CLOSED'
      return { status: 204 }
    }

    if (method === 'POST' && (m = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/reverse$/.exec(path))) {
      const bad = checkMerchant(body, true)
      if (bad) return bad
      const trade = trades.get(decodeURIComponent(m[1]!))
      if (!trade) return notExist
      // A paid trade is returned to the customer; an unpaid one can never be paid any more.
      trade.state = 'REVOKED'
      return { status: 200, body: { appid: options.appId, mchid: options.mchId, out_trade_no: trade.outTradeNo } }
    }

    if (method === 'POST' && path === '/v3/refund/domestic/refunds') {
      const outRefundNo = body.out_refund_no
      if (typeof outRefundNo !== 'string' || !OUT_NO.test(outRefundNo)) return paramError('out_refund_no 格式错误')
      const existing = refunds.get(outRefundNo)
      if (existing) return { status: 200, body: refundJson(existing) }
      const trade = typeof body.out_trade_no === 'string' ? trades.get(body.out_trade_no) : undefined
      if (!trade) return { status: 404, body: { code: 'RESOURCE_NOT_EXISTS', message: '订单不存在' } }
      if (trade.state !== 'SUCCESS' && trade.state !== 'REFUND')
        return { status: 403, body: { code: 'TRADE_ERROR', message: '订单未支付' } }
      const amount = body.amount as { refund?: unknown; total?: unknown; currency?: unknown } | undefined
      if (
        !amount ||
        !Number.isSafeInteger(amount.refund) ||
        (amount.refund as number) < 1 ||
        amount.currency !== 'CNY'
      ) {
        return paramError('amount.refund / amount.currency 错误')
      }
      if (amount.total !== trade.amountFen) return paramError('amount.total 与原订单金额不一致')
      // A CLOSED refund gave the money back to the merchant's balance: it no longer counts as refunded.
      const refunded = [...refunds.values()]
        .filter((r) => r.outTradeNo === trade.outTradeNo && r.status !== 'CLOSED')
        .reduce((s, r) => s + r.amountFen, 0)
      if (refunded + (amount.refund as number) > trade.amountFen)
        return { status: 403, body: { code: 'NOT_ENOUGH', message: '退款金额超过可退金额' } }
      const refund: ServerRefund = {
        outRefundNo,
        outTradeNo: trade.outTradeNo,
        refundId: `50000${digits(24)}`,
        amountFen: amount.refund as number,
        status: 'PROCESSING',
        createTime: rfc3339Shanghai(now()),
        successTime: null,
      }
      refunds.set(outRefundNo, refund)
      trade.state = 'REFUND'
      return { status: 200, body: refundJson(refund) }
    }

    if (method === 'GET' && (m = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(path))) {
      const refund = refunds.get(decodeURIComponent(m[1]!))
      return refund
        ? { status: 200, body: refundJson(refund) }
        : { status: 404, body: { code: 'RESOURCE_NOT_EXISTS', message: '退款单不存在' } }
    }

    if (method === 'GET' && path === '/v3/bill/tradebill') return bills.tradeBill(url)

    return { status: 404, body: { code: 'NOT_FOUND', message: 'no such API' } }
  }

  /** Request authentication as the docs describe it; failures are answered 401 SIGN_ERROR, unsigned. */
  function authenticate(req: http.IncomingMessage, rawBody: string): Reply | null {
    const fields = parseAuthorization(req.headers.authorization)
    const refuse = (message: string): Reply => ({ status: 401, body: { code: 'SIGN_ERROR', message }, unsigned: true })
    if (!fields) return refuse('Authorization 缺失或格式错误')
    const { mchid, nonce_str: nonce, signature, timestamp, serial_no: serial } = fields
    if (!mchid || !nonce || !signature || !timestamp || !serial) return refuse('Authorization 字段不完整')
    if (mchid !== options.mchId) return refuse('商户号不存在')
    if (serial !== options.merchantSerialNo) return refuse('商户证书序列号有误')
    if (!/^\d+$/.test(timestamp) || Math.abs(now() / 1000 - Number(timestamp)) > 300)
      return refuse('请求时间戳与当前时间相差过大')
    const message = `${req.method}\n${req.url}\n${timestamp}\n${nonce}\n${rawBody}\n`
    const ok = createVerify('RSA-SHA256').update(message).verify(merchantKey, signature, 'base64')
    return ok ? null : refuse('签名错误')
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8')
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const logged: LoggedRequest = { method: req.method ?? '', path: url.pathname, status: null }
      requests.push(logged)
      if (strikes('resetNext', url.pathname)) {
        req.socket.destroy()
        return
      }
      let reply = authenticate(req, rawBody)
      if (!reply && req.method === 'GET' && url.pathname === BILL_FILE_PATH) {
        logged.status = bills.serveFile(url, res)
        return
      }
      if (!reply && strikes('serverErrorNext', url.pathname)) {
        reply = { status: 500, body: { code: 'SYSTEM_ERROR', message: '系统错误' } }
      }
      if (!reply) {
        let body: Record<string, unknown> = {}
        if (rawBody) {
          try {
            body = JSON.parse(rawBody) as Record<string, unknown>
          } catch {
            reply = paramError('请求体不是 JSON')
          }
        }
        reply ??= route(req.method ?? '', url, body)
      }
      if (faults.hangNext && url.pathname.startsWith(faults.hangNext)) {
        faults.hangNext = null
        held.add(res)
        return
      }
      logged.status = reply.status
      let text = reply.body === undefined ? '' : JSON.stringify(reply.body)
      if (strikes('malformedNext', url.pathname)) text = text.slice(0, Math.max(1, Math.floor(text.length / 2)))
      const headers: Record<string, string> = { 'Request-ID': alnum(24) }
      if (text) headers['Content-Type'] = 'application/json; charset=utf-8'
      if (!reply.unsigned && !faults.unsigned)
        Object.assign(headers, signedHeaders(text, answerTimestamp(), faults.signingKeyPem))
      res.writeHead(reply.status, headers)
      res.end(text)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  bills.baseUrl = `http://127.0.0.1:${port}`

  function notification(
    outTradeNo: string,
    notificationOptions: NotificationOptions = {},
  ): { headers: Record<string, string>; body: string } {
    const trade = trades.get(outTradeNo)
    if (!trade) throw new Error(`no trade ${outTradeNo}`)
    const nonce = alnum(12)
    const associatedData = 'transaction'
    const cipher = createCipheriv(
      'aes-256-gcm',
      Buffer.from(notificationOptions.apiV3Key ?? options.apiV3Key, 'utf8'),
      Buffer.from(nonce),
    )
    cipher.setAAD(Buffer.from(associatedData))
    const ciphertext = Buffer.concat([
      cipher.update(JSON.stringify(transactionJson(trade)), 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ])
    const paid = trade.state === 'SUCCESS' || trade.state === 'REFUND'
    const body = JSON.stringify({
      id: `EV-${alnum(20)}`,
      create_time: rfc3339Shanghai(now()),
      resource_type: 'encrypt-resource',
      event_type: paid ? 'TRANSACTION.SUCCESS' : 'TRANSACTION.FAIL',
      summary: paid ? '支付成功' : '支付失败',
      resource: {
        original_type: 'transaction',
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: ciphertext.toString('base64'),
        associated_data: associatedData,
        nonce,
      },
    })
    const timestamp = notificationOptions.timestampSec ?? answerTimestamp()
    return {
      headers: {
        ...signedHeaders(body, timestamp, notificationOptions.signingKeyPem ?? null),
        'Content-Type': 'application/json',
      },
      body,
    }
  }

  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    trades,
    refunds,
    requests,
    customerPays(outTradeNo) {
      const trade = trades.get(outTradeNo)
      if (!trade || (trade.state !== 'NOTPAY' && trade.state !== 'USERPAYING'))
        throw new Error(`trade ${outTradeNo} cannot be paid`)
      pay(trade)
    },
    completeRefund(outRefundNo) {
      const refund = refunds.get(outRefundNo)
      if (!refund) throw new Error(`no refund ${outRefundNo}`)
      refund.status = 'SUCCESS'
      refund.successTime = rfc3339Shanghai(now())
    },
    setBill: (date, content) => bills.set(date, content),
    billCreating: (date) => bills.creating.add(date),
    billDownloads: bills.downloads,
    notification,
    sendNotification(url, outTradeNo, notificationOptions) {
      const { headers, body } = notification(outTradeNo, notificationOptions)
      return new Promise((resolve, reject) => {
        const req = http.request(
          url,
          { method: 'POST', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } },
          (res) => {
            res.resume()
            res.on('end', () => resolve(res.statusCode ?? 0))
          },
        )
        req.on('error', reject)
        req.end(body)
      })
    },
    async close() {
      for (const res of held) res.destroy()
      held.clear()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

const BILL_FILE_PATH = '/v3/billdownload/file'
const BILL_TYPES = new Set(['ALL', 'SUCCESS', 'REFUND', 'RECHARGE_REFUND', 'ALL_SPECIAL', 'SUC_SPECIAL', 'REF_SPECIAL'])
/** The docs give the download link 30 seconds (older pages) or 5 minutes (newer); the shorter is kept. */
const BILL_LINK_MS = 30_000

function beijingDay(ms: number, monthsBack = 0): string {
  const day = new Date(ms + 8 * 3600_000)
  day.setUTCMonth(day.getUTCMonth() - monthsBack)
  return day.toISOString().slice(0, 10)
}

function isCalendarDay(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && new Date(`${date}T00:00:00Z`).toISOString().startsWith(date)
}

/** The trade bills the server holds, the download links it has given, and the downloads it has served. */
function createBillDesk(faults: WechatpayServerFaults, now: () => number) {
  const contents = new Map<string, Buffer>()
  const creating = new Set<string>()
  const links = new Map<string, { date: string; gzip: boolean; expiresAt: number }>()
  const downloads: { date: string; gzip: boolean }[] = []
  const refuse = (code: string, message: string): Reply => ({ status: 400, body: { code, message } })
  const desk = {
    baseUrl: '',
    creating,
    downloads,
    set(date: string, content: Buffer | string): void {
      contents.set(date, Buffer.isBuffer(content) ? content : readFileSync(content))
      creating.delete(date)
    },
    /** GET /v3/bill/tradebill: the checks of the docs' parameter table, then the day's link and hash. */
    tradeBill(url: URL): Reply {
      const date = url.searchParams.get('bill_date') ?? ''
      const tarType = url.searchParams.get('tar_type')
      if (!isCalendarDay(date)) return refuse('PARAM_ERROR', 'bill_date 格式应为 yyyy-MM-DD')
      if (!BILL_TYPES.has(url.searchParams.get('bill_type') ?? 'ALL'))
        return refuse('PARAM_ERROR', 'bill_type 取值错误')
      if (tarType !== null && tarType !== 'GZIP') return refuse('PARAM_ERROR', 'tar_type 取值错误')
      if (date > beijingDay(now()) || date < beijingDay(now(), 3)) {
        return refuse('INVALID_REQUEST', '参数错误，请检查bill_date')
      }
      if (creating.has(date) || (date === beijingDay(now()) && !contents.has(date))) {
        return refuse('STATEMENT_CREATING', '账单生成中')
      }
      const content = contents.get(date)
      if (!content) return refuse('NO_STATEMENT_EXIST', '请求的账单文件不存在')
      const token = alnum(48)
      links.set(token, { date, gzip: tarType === 'GZIP', expiresAt: now() + BILL_LINK_MS })
      const hashed = faults.billHashWrong ? Buffer.concat([content, Buffer.from('\n')]) : content
      const link = `${desk.baseUrl}${BILL_FILE_PATH}?token=${token}${tarType === 'GZIP' ? '&tartype=gzip' : ''}`
      return {
        status: 200,
        body: {
          hash_type: 'SHA1',
          hash_value: createHash('sha1').update(hashed).digest('hex'),
          download_url: faults.billDownloadUrl ?? link,
        },
      }
    },
    /** GET of a download_url (already authenticated): the bill, gzip when asked; no signature on the answer. */
    serveFile(url: URL, res: http.ServerResponse): number {
      const link = links.get(url.searchParams.get('token') ?? '')
      if (!link || link.expiresAt < now()) {
        res.writeHead(400, { 'Content-Type': 'application/json; charset=utf-8' })
        res.end(JSON.stringify({ code: 'INVALID_REQUEST', message: '下载地址已过期，请重新申请账单' }))
        return 400
      }
      const content = contents.get(link.date)!
      downloads.push({ date: link.date, gzip: link.gzip })
      res.writeHead(200, { 'Content-Type': link.gzip ? 'application/x-gzip' : 'text/plain; charset=utf-8' })
      const body = link.gzip ? gzipSync(content) : content
      if (faults.billStall) res.write(body.subarray(0, Math.floor(body.length / 2)))
      else res.end(body)
      return 200
    },
  }
  return desk
}
