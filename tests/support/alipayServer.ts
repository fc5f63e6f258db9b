import { createSign, createVerify, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/**
 * A local Alipay OpenAPI gateway (gateway.do, RSA2 public-key mode) written from the public docs: it
 * verifies each request's signature with the app public key, keeps trades in memory the way Alipay
 * does (a precreated QR has no trade until it is scanned), signs its answers with its own private key,
 * and posts signed form-encoded notifications. Faults can be switched on per test. It serves trade bills too:
 * alipay.data.dataservice.bill.downloadurl.query answers a short-lived link, and the link (no signature, as
 * Alipay's bill links carry their own token) gives the zip set with `setBill`.
 */

export interface AlipayKeys {
  appPrivateKeyPem: string
  appPublicKeyPem: string
  alipayPrivateKeyPem: string
  alipayPublicKeyPem: string
}

let cachedKeys: AlipayKeys | null = null
let cachedWrongKey: KeyObject | null = null

/** Two fresh 2048-bit RSA key pairs (app and "Alipay"), generated once per test process. */
export function alipayTestKeys(): AlipayKeys {
  if (cachedKeys) return cachedKeys
  const app = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const alipay = generateKeyPairSync('rsa', { modulusLength: 2048 })
  cachedKeys = {
    appPrivateKeyPem: app.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    appPublicKeyPem: app.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    alipayPrivateKeyPem: alipay.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    alipayPublicKeyPem: alipay.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  }
  return cachedKeys
}

export type GatewayTradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED'

export interface GatewayTrade {
  outTradeNo: string
  tradeNo: string
  totalAmount: string
  subject: string
  /** false while a precreated QR code has not been scanned: Alipay answers ACQ.TRADE_NOT_EXIST. */
  exists: boolean
  status: GatewayTradeStatus
  scene: 'qr' | 'bar_code'
  extendParams: Record<string, unknown> | null
  timeExpire: string | null
  qrCode: string | null
  gmtCreate: string
  gmtPayment: string | null
  refunds: Map<string, { amount: string; fen: number }>
}

export interface GatewayFaults {
  /** Sign answers with a key that is not Alipay's. */
  forgeSignature: boolean
  /** Leave answers unsigned. */
  unsigned: boolean
  /** Append a forged twin of the *_response member after the genuine signed one. */
  spliceForgedTwin: boolean
  /** Carry out the request, then never answer (the connection hangs until the client gives up). */
  dropAnswers: boolean
  /** Answer this many cancels with a system error and retry_flag=Y before cancelling. */
  cancelSystemErrors: number
  /** Reject every request's signature (as if the app public key on file were another). */
  rejectSignatures: boolean
  /** Bill link answers give this bill_download_url instead of the gateway's own. */
  billDownloadUrl: string | null
}

export interface AlipayGatewayOptions {
  appId?: string
  keys?: AlipayKeys
  /** The gateway's clock; requests whose timestamp is more than maxSkewMs away are refused. */
  now?: () => number
  maxSkewMs?: number
}

export interface RecordedRequest {
  method: string
  params: Record<string, string>
  biz: Record<string, any>
  signatureValid: boolean
}

const BEIJING_OFFSET_MS = 8 * 3600_000

function beijing(ms: number): string {
  const iso = new Date(ms + BEIJING_OFFSET_MS).toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`
}

function parseBeijing(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}+08:00`)
}

function toFen(yuan: string): number {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(yuan)
  if (!m) return NaN
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
}

function fromFen(fen: number): string {
  return `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`
}

/** Alipay's request signing string: all params but sign, non-empty, sorted, k=v&… */
export function alipaySignContent(params: Record<string, string>, exclude: string[] = ['sign']): string {
  return Object.keys(params)
    .filter((k) => !exclude.includes(k) && params[k] !== '' && params[k] !== undefined)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&')
}

export function rsa2Sign(content: string | Buffer, key: string | KeyObject): string {
  return createSign('RSA-SHA256').update(content).sign(key, 'base64')
}

export function rsa2Verify(content: string | Buffer, signature: string, key: string | KeyObject): boolean {
  try {
    return createVerify('RSA-SHA256').update(content).verify(key, signature, 'base64')
  } catch {
    return false
  }
}

export async function startAlipayGateway(options: AlipayGatewayOptions = {}) {
  const appId = options.appId ?? '2021000000000001'
  const keys = options.keys ?? alipayTestKeys()
  const now = options.now ?? (() => Date.now())
  const maxSkewMs = options.maxSkewMs ?? 15 * 60_000
  cachedWrongKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
  const wrongKey = cachedWrongKey
  const trades = new Map<string, GatewayTrade>()
  const requests: RecordedRequest[] = []
  const faults: GatewayFaults = {
    forgeSignature: false,
    unsigned: false,
    spliceForgedTwin: false,
    dropAnswers: false,
    cancelSystemErrors: 0,
    rejectSignatures: false,
    billDownloadUrl: null,
  }
  const bills = createBillDesk(faults, now)
  const sockets = new Set<Socket>()
  let tradeSeq = 0

  function newTradeNo(): string {
    tradeSeq++
    return `2025${String(now()).slice(-10)}${String(tradeSeq).padStart(8, '0')}`
  }

  /** Alipay escapes "/" in its JSON; the client must verify the text as sent, not a re-serialisation. */
  function json(value: unknown): string {
    return JSON.stringify(value).replaceAll('/', '\\/')
  }

  function answer(res: ServerResponse, method: string, body: Record<string, unknown>, responseKey?: string): void {
    const key = responseKey ?? `${method.replaceAll('.', '_')}_response`
    const content = json(body)
    let text: string
    if (faults.unsigned) text = `{"${key}":${content}}`
    else {
      const sign = rsa2Sign(content, faults.forgeSignature ? wrongKey : keys.alipayPrivateKeyPem)
      text = `{"${key}":${content},"sign":"${sign}"}`
      if (faults.spliceForgedTwin) {
        text = `${text.slice(0, -1)},"${key}":${json({ ...body, code: '10000', msg: 'Success', trade_status: 'TRADE_SUCCESS' })}}`
      }
    }
    res.writeHead(200, { 'content-type': 'text/html;charset=utf-8' })
    res.end(text)
  }

  const ok = { code: '10000', msg: 'Success' }
  const bizFailed = (subCode: string, subMsg: string) => ({
    code: '40004',
    msg: 'Business Failed',
    sub_code: subCode,
    sub_msg: subMsg,
  })

  function tradeView(t: GatewayTrade) {
    const refunded = [...t.refunds.values()].reduce((s, r) => s + r.fen, 0)
    return {
      ...ok,
      trade_no: t.tradeNo,
      out_trade_no: t.outTradeNo,
      trade_status: t.status,
      total_amount: t.totalAmount,
      buyer_logon_id: 'cus***@example.com',
      ...(t.gmtPayment ? { send_pay_date: t.gmtPayment, receipt_amount: t.totalAmount } : {}),
      ...(refunded ? { refund_fee: fromFen(refunded) } : {}),
    }
  }

  function handle(method: string, biz: Record<string, any>): Record<string, unknown> {
    const outTradeNo = String(biz.out_trade_no ?? '')
    const trade = trades.get(outTradeNo)
    switch (method) {
      case 'alipay.trade.precreate': {
        if (trade) {
          if (trade.totalAmount !== biz.total_amount) return bizFailed('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改')
          if (trade.status !== 'WAIT_BUYER_PAY') return bizFailed('ACQ.TRADE_STATUS_ERROR', '交易状态不合法')
          return { ...ok, out_trade_no: outTradeNo, qr_code: trade.qrCode }
        }
        if (!Number.isFinite(toFen(String(biz.total_amount))))
          return { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-parameter' }
        const qrCode = `https://qr.alipay.com/bax${randomBytes(10).toString('hex')}`
        trades.set(outTradeNo, {
          outTradeNo,
          tradeNo: newTradeNo(),
          totalAmount: String(biz.total_amount),
          subject: String(biz.subject),
          exists: false,
          status: 'WAIT_BUYER_PAY',
          scene: 'qr',
          extendParams: biz.extend_params ?? null,
          timeExpire: biz.time_expire ?? null,
          qrCode,
          gmtCreate: beijing(now()),
          gmtPayment: null,
          refunds: new Map(),
        })
        return { ...ok, out_trade_no: outTradeNo, qr_code: qrCode }
      }
      case 'alipay.trade.pay': {
        if (trade) {
          if (trade.totalAmount !== biz.total_amount) return bizFailed('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改')
          if (trade.status === 'TRADE_SUCCESS') return bizFailed('ACQ.TRADE_HAS_SUCCESS', '交易已被支付')
          if (trade.status === 'TRADE_CLOSED') return bizFailed('ACQ.TRADE_HAS_CLOSE', '交易已经关闭')
          return {
            code: '10003',
            msg: ' order success pay inprocess',
            trade_no: trade.tradeNo,
            out_trade_no: outTradeNo,
          }
        }
        const code = String(biz.auth_code ?? '')
        if (!/^(2[5-9]|30)\d{14,22}$/.test(code))
          return bizFailed('ACQ.PAYMENT_AUTH_CODE_INVALID', '支付失败，获取顾客账户信息失败')
        if (code.endsWith('0003')) return bizFailed('ACQ.BUYER_BALANCE_NOT_ENOUGH', '买家余额不足')
        const t: GatewayTrade = {
          outTradeNo,
          tradeNo: newTradeNo(),
          totalAmount: String(biz.total_amount),
          subject: String(biz.subject),
          exists: true,
          status: code.endsWith('0001') ? 'WAIT_BUYER_PAY' : 'TRADE_SUCCESS',
          scene: 'bar_code',
          extendParams: null,
          timeExpire: null,
          qrCode: null,
          gmtCreate: beijing(now()),
          gmtPayment: code.endsWith('0001') ? null : beijing(now()),
          refunds: new Map(),
        }
        trades.set(outTradeNo, t)
        if (t.status === 'WAIT_BUYER_PAY') {
          return { code: '10003', msg: ' order success pay inprocess', trade_no: t.tradeNo, out_trade_no: outTradeNo }
        }
        return {
          ...ok,
          trade_no: t.tradeNo,
          out_trade_no: outTradeNo,
          total_amount: t.totalAmount,
          gmt_payment: t.gmtPayment,
        }
      }
      case 'alipay.trade.query': {
        if (!trade || !trade.exists) return bizFailed('ACQ.TRADE_NOT_EXIST', '交易不存在')
        return tradeView(trade)
      }
      case 'alipay.trade.close': {
        if (!trade || !trade.exists) return bizFailed('ACQ.TRADE_NOT_EXIST', '交易不存在')
        if (trade.status !== 'WAIT_BUYER_PAY') return bizFailed('ACQ.TRADE_STATUS_ERROR', '交易状态不合法')
        trade.status = 'TRADE_CLOSED'
        return { ...ok, trade_no: trade.tradeNo, out_trade_no: outTradeNo }
      }
      case 'alipay.trade.cancel': {
        if (faults.cancelSystemErrors > 0) {
          faults.cancelSystemErrors--
          return {
            code: '40004',
            msg: 'Business Failed',
            sub_code: 'ACQ.SYSTEM_ERROR',
            sub_msg: '系统错误',
            retry_flag: 'Y',
            out_trade_no: outTradeNo,
          }
        }
        if (!trade || !trade.exists) return bizFailed('ACQ.TRADE_NOT_EXIST', '交易不存在')
        const action = trade.status === 'TRADE_SUCCESS' ? 'refund' : trade.status === 'WAIT_BUYER_PAY' ? 'close' : ''
        trade.status = 'TRADE_CLOSED'
        return { ...ok, trade_no: trade.tradeNo, out_trade_no: outTradeNo, retry_flag: 'N', action }
      }
      case 'alipay.trade.refund': {
        if (!trade || !trade.exists) return bizFailed('ACQ.TRADE_NOT_EXIST', '交易不存在')
        const requestNo = String(biz.out_request_no ?? outTradeNo)
        const refundedBefore = [...trade.refunds.values()].reduce((s, r) => s + r.fen, 0)
        const previous = trade.refunds.get(requestNo)
        if (previous) {
          if (previous.amount !== biz.refund_amount)
            return bizFailed('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额不一致')
          return {
            ...ok,
            trade_no: trade.tradeNo,
            out_trade_no: outTradeNo,
            fund_change: 'N',
            refund_fee: fromFen(refundedBefore),
          }
        }
        if (trade.status !== 'TRADE_SUCCESS') return bizFailed('ACQ.TRADE_STATUS_ERROR', '交易状态不合法')
        const fen = toFen(String(biz.refund_amount))
        if (!(fen > 0) || refundedBefore + fen > toFen(trade.totalAmount))
          return bizFailed('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限')
        trade.refunds.set(requestNo, { amount: String(biz.refund_amount), fen })
        if (refundedBefore + fen === toFen(trade.totalAmount)) trade.status = 'TRADE_CLOSED'
        return {
          ...ok,
          trade_no: trade.tradeNo,
          out_trade_no: outTradeNo,
          fund_change: 'Y',
          refund_fee: fromFen(refundedBefore + fen),
        }
      }
      case 'alipay.trade.fastpay.refund.query': {
        if (!trade || !trade.exists) return bizFailed('ACQ.TRADE_NOT_EXIST', '交易不存在')
        const requestNo = String(biz.out_request_no ?? '')
        const refund = trade.refunds.get(requestNo)
        if (!refund) return { ...ok, out_trade_no: outTradeNo, trade_no: trade.tradeNo }
        return {
          ...ok,
          trade_no: trade.tradeNo,
          out_trade_no: outTradeNo,
          out_request_no: requestNo,
          total_amount: trade.totalAmount,
          refund_amount: refund.amount,
          refund_status: 'REFUND_SUCCESS',
        }
      }
      case 'alipay.data.dataservice.bill.downloadurl.query':
        return bills.downloadUrl(biz)
      default:
        return { code: '40004', msg: 'Business Failed', sub_code: 'isv.invalid-method', sub_msg: '不存在的方法名' }
    }
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (req.method === 'GET' && url.pathname === BILL_FILE_PATH) return bills.serveFile(url, res)
    if (req.method !== 'POST' || url.pathname !== '/gateway.do') {
      res.writeHead(404, { 'content-type': 'text/plain' })
      res.end('not found')
      return
    }
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const params: Record<string, string> = {}
    for (const [k, v] of url.searchParams) params[k] = v
    for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) params[k] = v
    const method = params.method ?? ''
    let biz: Record<string, any> = {}
    try {
      biz = JSON.parse(params.biz_content ?? '{}')
    } catch {
      biz = {}
    }
    const signatureValid =
      !faults.rejectSignatures && rsa2Verify(alipaySignContent(params), params.sign ?? '', keys.appPublicKeyPem)
    requests.push({ method, params, biz, signatureValid })
    const invalid = (subCode: string, subMsg: string) => ({
      code: '40002',
      msg: 'Invalid Arguments',
      sub_code: subCode,
      sub_msg: subMsg,
    })
    if (params.app_id !== appId) {
      // Alipay cannot sign for an app it does not know.
      res.writeHead(200, { 'content-type': 'text/html;charset=utf-8' })
      res.end(JSON.stringify({ error_response: invalid('isv.invalid-app-id', '无效的AppID参数') }))
      return
    }
    if (params.sign_type !== 'RSA2' || params.charset !== 'utf-8' || params.version !== '1.0') {
      return answer(res, method, invalid('isv.invalid-parameter', '参数无效'))
    }
    const sentAt = parseBeijing(params.timestamp ?? '')
    if (!Number.isFinite(sentAt) || Math.abs(now() - sentAt) > maxSkewMs) {
      return answer(res, method, invalid('isv.invalid-timestamp', '非法的时间戳参数'))
    }
    if (!signatureValid) return answer(res, method, invalid('isv.invalid-signature', '验签出错'))
    const body = handle(method, biz)
    if (faults.dropAnswers) return
    answer(res, method, body)
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch(() => {
      res.writeHead(500)
      res.end()
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  bills.baseUrl = `http://127.0.0.1:${port}`

  function requireTrade(outTradeNo: string): GatewayTrade {
    const trade = trades.get(outTradeNo)
    if (!trade) throw new Error(`no trade ${outTradeNo} at the gateway`)
    return trade
  }

  /** The signed notification body Alipay would post for a trade (form-encoded, UTF-8). */
  function notificationFields(outTradeNo: string, overrides: Record<string, string> = {}): Record<string, string> {
    const t = requireTrade(outTradeNo)
    const fields: Record<string, string> = {
      notify_time: beijing(now()),
      notify_type: 'trade_status_sync',
      notify_id: randomBytes(16).toString('hex'),
      app_id: appId,
      auth_app_id: appId,
      charset: 'utf-8',
      version: '1.0',
      sign_type: 'RSA2',
      trade_no: t.tradeNo,
      out_trade_no: t.outTradeNo,
      trade_status: t.status,
      total_amount: t.totalAmount,
      receipt_amount: t.totalAmount,
      buyer_pay_amount: t.totalAmount,
      subject: t.subject,
      gmt_create: t.gmtCreate,
      ...(t.gmtPayment ? { gmt_payment: t.gmtPayment } : {}),
      fund_bill_list: JSON.stringify([{ amount: t.totalAmount, fundChannel: 'ALIPAYACCOUNT' }]),
      buyer_id: '2088102177846880',
      seller_id: '2088102177649450',
      ...overrides,
    }
    return fields
  }

  function signNotification(
    fields: Record<string, string>,
    key: string | KeyObject = keys.alipayPrivateKeyPem,
  ): string {
    const signed = { ...fields, sign: rsa2Sign(alipaySignContent(fields, ['sign', 'sign_type']), key) }
    return Object.entries(signed)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join('&')
  }

  return {
    url: `http://127.0.0.1:${port}/gateway.do`,
    appId,
    keys,
    faults,
    trades,
    requests,
    /** The trade bill (业务账单 zip) of a day, YYYY-MM-DD: its bytes, or the path of a file holding them. */
    setBill: (date: string, content: Buffer | string) => bills.set(date, content),
    /** Bill zips served, by day. */
    billDownloads: bills.downloads,
    /** The customer scans a precreated QR code: the trade now exists, waiting for payment. */
    scan(outTradeNo: string): void {
      requireTrade(outTradeNo).exists = true
    },
    /** The customer confirms payment (after scanning, or entering the password for a payment code). */
    pay(outTradeNo: string): void {
      const t = requireTrade(outTradeNo)
      if (t.status !== 'WAIT_BUYER_PAY') throw new Error(`trade ${outTradeNo} is ${t.status}`)
      t.exists = true
      t.status = 'TRADE_SUCCESS'
      t.gmtPayment = beijing(now())
    },
    notificationFields,
    signNotification,
    /** Builds and signs a notification for a trade; `key` signs with another key (a forgery). */
    notificationBody(outTradeNo: string, overrides: Record<string, string> = {}, key?: string | KeyObject): string {
      return signNotification(notificationFields(outTradeNo, overrides), key)
    },
    /** Posts a notification the way Alipay does; returns the receiver's status and text. */
    async notify(outTradeNo: string, target: string, overrides: Record<string, string> = {}) {
      const body = signNotification(notificationFields(outTradeNo, overrides))
      const response = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body,
      })
      return { status: response.status, text: await response.text(), body }
    },
    async close(): Promise<void> {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export type AlipayGateway = Awaited<ReturnType<typeof startAlipayGateway>>

const BILL_FILE_PATH = '/downloadBillFile.resource'
/** Alipay's bill links expire 30 seconds after they are given. */
const BILL_LINK_MS = 30_000
const BILL_PID = '2088102177649450'

/** The trade bills the gateway holds, the links it has given, and the downloads it has served. */
function createBillDesk(faults: GatewayFaults, now: () => number) {
  const contents = new Map<string, Buffer>()
  const links = new Map<string, { date: string; expiresAt: number }>()
  const downloads: string[] = []
  const failed = (code: string, msg: string, subCode: string, subMsg: string) => ({
    code,
    msg,
    sub_code: subCode,
    sub_msg: subMsg,
  })
  const desk = {
    baseUrl: '',
    downloads,
    set(date: string, content: Buffer | string): void {
      contents.set(date, Buffer.isBuffer(content) ? content : readFileSync(content))
    },
    /** Daily bills from the day after (T+1), monthly ones (yyyy-MM) from the month after; trade bills only here. */
    downloadUrl(biz: Record<string, any>): Record<string, unknown> {
      const date = String(biz.bill_date ?? '')
      const type = String(biz.bill_type ?? '')
      const today = beijing(now()).slice(0, 10)
      if (!['trade', 'signcustomer'].includes(type) || !/^\d{4}-\d{2}(-\d{2})?$/.test(date)) {
        return failed('40002', 'Invalid Arguments', 'isv.invalid-parameter', '参数无效')
      }
      if (date >= today.slice(0, date.length)) {
        return failed('40004', 'Business Failed', 'isv.invalid-arguments', '参数不合法')
      }
      if (type !== 'trade' || !contents.has(date)) {
        return failed('40004', 'Business Failed', 'isp.bill_not_exist', '账单不存在')
      }
      const token = randomBytes(16).toString('hex')
      links.set(token, { date, expiresAt: now() + BILL_LINK_MS })
      const day = date.replaceAll('-', '')
      const link =
        `${desk.baseUrl}${BILL_FILE_PATH}?bizType=trade&userId=${BILL_PID}0156&fileType=csv.zip` +
        `&bizDates=${day}&downloadFileName=${BILL_PID}0156_${day}.csv.zip&fileId=${token}&timestamp=${now()}`
      return { code: '10000', msg: 'Success', bill_download_url: faults.billDownloadUrl ?? link }
    },
    /** The link's zip; an unknown or expired link gets the page Alipay shows instead. */
    serveFile(url: URL, res: ServerResponse): void {
      const link = links.get(url.searchParams.get('fileId') ?? '')
      if (!link || link.expiresAt < now()) {
        res.writeHead(200, { 'content-type': 'text/html;charset=utf-8' })
        res.end('下载超时，请重新下载')
        return
      }
      downloads.push(link.date)
      res.writeHead(200, { 'content-type': 'application/oct-stream' })
      res.end(contents.get(link.date))
    },
  }
  return desk
}
