/**
 * A local China UMS (银联商务) open-platform server for conformance tests, written from the public
 * documentation of the netpay bills API (get-qrcode, query, close-qrcode, refund), POS通 (pay, query,
 * voidpayment, reversepayment, refund, query-refund) and OPEN-BODY-SIG request signing. It checks every
 * request's signature, timestamp and nonce, keeps bills and payment-code trades in memory, can sign its
 * answers with the communication key, and posts signed (or forged) form notifications.
 * Error codes the public documents do not give (no such bill, duplicate order…) are this server's own; the
 * adapter reads them through its configurable notFoundCodes.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ChinaumsServerOptions {
  appId: string
  appKey: string
  mid: string
  tid: string
  instMid: string
  msgSrcId: string
  notifyKey: string
  /** How far a request Timestamp may be from the server's clock (default 10 minutes). */
  timestampWindowMs?: number
  /** Sign every answer with the communication key (default true). */
  signAnswers?: boolean
}

export type BillStatus = 'UNPAID' | 'PAID' | 'REFUND' | 'CLOSED'

export interface ServerBill {
  billNo: string
  billDate: string
  billDesc: string
  qrCodeId: string
  billQRCode: string
  totalAmount: number
  status: BillStatus
  createTime: string
  expireTime: string | null
  notifyUrl: string | null
  targetOrderId: string | null
  payTime: string | null
}

export interface ServerBillRefund {
  refundOrderId: string
  billNo: string
  amount: number
  status: 'PROCESSING' | 'SUCCESS' | 'FAIL'
  refundTargetOrderId: string
}

/** POS通 queryResCode: 0 success, 2 voided, 3 refunded, 4 reversed, 5 failed, FF unknown (customer confirming). */
export type PosState = '0' | '2' | '3' | '4' | '5' | 'FF'

export interface ServerPosTrade {
  merchantOrderId: string
  amount: number
  state: PosState
  orderId: string
  time: string
}

export interface ServerPosRefund {
  refundRequestId: string
  merchantOrderId: string
  amount: number
  refundOrderId: string
}

export interface ChinaumsServerFaults {
  /** Sign answers with this key instead of the communication key: a forged answer. */
  answerSignKey: string | null
  /** Answers carry no sign. */
  unsignedAnswers: boolean
  /** Shifts the server's clock (its Date header and its timestamp check). */
  clockOffsetMs: number
  /** The next request to this path is executed but never answered. */
  hangNext: string | null
}

export interface LoggedRequest {
  path: string
  status: number | null
  errCode: string | null
  body: Record<string, unknown>
}

export interface NotificationOptions {
  /** Sign with this key instead of the communication key (a forged notification). */
  key?: string
  signType?: 'MD5' | 'SHA256'
  /** Claim another merchant number. */
  mid?: string
  /** Changes fields after signing (a tampered notification). */
  tamper?: (fields: Record<string, string>) => void
}

export interface ChinaumsServer {
  url: string
  faults: ChinaumsServerFaults
  bills: Map<string, ServerBill>
  billRefunds: Map<string, ServerBillRefund>
  posTrades: Map<string, ServerPosTrade>
  posRefunds: Map<string, ServerPosRefund>
  requests: LoggedRequest[]
  /** The customer scans the bill's QR code and pays. */
  payBill(billNo: string): void
  /** The customer confirms a payment code that asked for a password. */
  customerConfirms(merchantOrderId: string): void
  completeRefund(refundOrderId: string): void
  /** The form notification China UMS would send about the bill, signed. */
  notification(billNo: string, options?: NotificationOptions): { headers: Record<string, string>; body: string }
  /** Posts it to a URL; resolves with the receiver's status and answer text. */
  sendNotification(
    url: string,
    billNo: string,
    options?: NotificationOptions,
  ): Promise<{ status: number; body: string }>
  close(): Promise<void>
}

/** Payment codes ending in these digits ask for a password, or are declined; others pay at once. */
export const SERVER_CODE_SUFFIXES = { confirm: '0001', declined: '0003' } as const

type Json = Record<string, unknown>

interface Reply {
  status: number
  body: Json
}

interface State {
  options: ChinaumsServerOptions
  faults: ChinaumsServerFaults
  bills: Map<string, ServerBill>
  billRefunds: Map<string, ServerBillRefund>
  posTrades: Map<string, ServerPosTrade>
  posRefunds: Map<string, ServerPosRefund>
  nonces: Set<string>
}

const now = (state: State): number => Date.now() + state.faults.clockOffsetMs

function beijing(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')
}

function digits(length: number): string {
  return Array.from(randomBytes(length), (b) => String(b % 10)).join('')
}

// ---- signing, written from the documents ----

function signText(fields: Json, key: string): string {
  const pairs = Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k] !== undefined && fields[k] !== null && fields[k] !== '')
    .sort()
    .map((k) => `${k}=${typeof fields[k] === 'object' ? JSON.stringify(fields[k]) : String(fields[k])}`)
  return pairs.join('&') + key
}

export function umsSign(fields: Json, key: string, type: 'MD5' | 'SHA256' = 'MD5'): string {
  return createHash(type === 'SHA256' ? 'sha256' : 'md5')
    .update(signText(fields, key), 'utf8')
    .digest('hex')
    .toUpperCase()
}

function parseAuthorization(value: string | undefined): Record<string, string> | null {
  const m = value ? /^OPEN-BODY-SIG (.+)$/.exec(value) : null
  if (!m) return null
  const fields: Record<string, string> = {}
  for (const part of m[1]!.split(',')) {
    const kv = /^\s*([A-Za-z]+)="([^"]*)"\s*$/.exec(part)
    if (!kv) return null
    fields[kv[1]!] = kv[2]!
  }
  return fields
}

function timestampMs(value: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value)
  if (!m) return null
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number]
  return Date.UTC(y, mo - 1, d, h, mi, s) - 8 * 3600_000
}

/** OPEN-BODY-SIG: AppId, a Beijing-time Timestamp within the window, a fresh Nonce, and the body's HMAC. */
function authenticate(state: State, header: string | undefined, rawBody: string): string | null {
  const auth = parseAuthorization(header)
  if (!auth || !auth.AppId || !auth.Timestamp || !auth.Nonce || !auth.Signature) return 'Authorization 缺失或格式错误'
  if (auth.AppId !== state.options.appId) return 'AppId 不存在'
  const ts = timestampMs(auth.Timestamp)
  if (ts === null || Math.abs(now(state) - ts) > (state.options.timestampWindowMs ?? 10 * 60_000)) {
    return 'Timestamp 超出有效期'
  }
  if (auth.Nonce.length > 128 || state.nonces.has(auth.Nonce)) return 'Nonce 重复'
  const bodyHash = createHash('sha256').update(rawBody, 'utf8').digest('hex')
  const expected = createHmac('sha256', state.options.appKey)
    .update(`${auth.AppId}${auth.Timestamp}${auth.Nonce}${bodyHash}`, 'utf8')
    .digest()
  const given = Buffer.from(auth.Signature, 'base64')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return '签名验证失败'
  state.nonces.add(auth.Nonce)
  return null
}

// ---- request checks ----

const ok = (body: Json): Reply => ({ status: 200, body: { errCode: 'SUCCESS', errMsg: '成功', ...body } })
const refuse = (errCode: string, errMsg: string): Reply => ({ status: 200, body: { errCode, errMsg } })
const posOk = (body: Json): Reply => ({ status: 200, body: { errCode: '00', errInfo: '00000成功响应码', ...body } })
const posRefuse = (errCode: string, errInfo: string): Reply => ({ status: 200, body: { errCode, errInfo } })

function amountOf(value: unknown): number | null {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1 ? n : null
}

function ourNumber(state: State, value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(state.options.msgSrcId) && /^[0-9A-Za-z]{6,32}$/.test(value)
}

function checkBillRequest(state: State, body: Json): Reply | null {
  const o = state.options
  if (
    typeof body.requestTimestamp !== 'string' ||
    !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(body.requestTimestamp)
  ) {
    return refuse('BAD_REQUEST', 'requestTimestamp 格式错误')
  }
  if (body.mid !== o.mid || body.tid !== o.tid) return refuse('BAD_REQUEST', '商户号或终端号错误')
  if (body.instMid !== o.instMid) return refuse('BAD_REQUEST', '业务类型错误')
  return null
}

function findBill(state: State, body: Json): ServerBill | null {
  const bill = typeof body.billNo === 'string' ? state.bills.get(body.billNo) : undefined
  return bill && bill.billDate === body.billDate ? bill : null
}

function billJson(state: State, bill: ServerBill): Json {
  const paid = bill.status === 'PAID' || bill.status === 'REFUND'
  return {
    mid: state.options.mid,
    tid: state.options.tid,
    instMid: state.options.instMid,
    billNo: bill.billNo,
    billDate: bill.billDate,
    billQRCode: bill.billQRCode,
    qrCodeId: bill.qrCodeId,
    billStatus: bill.status,
    totalAmount: bill.totalAmount,
    ...(paid
      ? {
          billPayment: {
            targetOrderId: bill.targetOrderId,
            targetSys: 'UnionPay',
            status: bill.status === 'PAID' ? 'TRADE_SUCCESS' : 'TRADE_REFUND',
            payTime: bill.payTime,
            totalAmount: bill.totalAmount,
            merOrderId: bill.billNo,
          },
        }
      : {}),
  }
}

// ---- bills ----

function getQrcode(state: State, body: Json): Reply {
  const bad = checkBillRequest(state, body)
  if (bad) return bad
  if (!ourNumber(state, body.billNo)) return refuse('BAD_REQUEST', 'billNo 须以来源编号开头')
  if (typeof body.billDate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(body.billDate)) {
    return refuse('BAD_REQUEST', 'billDate 格式错误')
  }
  const amount = amountOf(body.totalAmount)
  if (amount === null) return refuse('BAD_REQUEST', 'totalAmount 错误')
  const existing = state.bills.get(body.billNo)
  if (existing) {
    if (existing.totalAmount !== amount) return refuse('DUP_ORDER', '账单号重复')
    return ok({ billNo: existing.billNo, billQRCode: existing.billQRCode, qrCodeId: existing.qrCodeId })
  }
  const qrCodeId = `${state.options.msgSrcId}${digits(22)}`
  const bill: ServerBill = {
    billNo: body.billNo,
    billDate: body.billDate,
    billDesc: typeof body.billDesc === 'string' ? body.billDesc : '',
    qrCodeId,
    billQRCode: `https://qr.chinaums.com/bills/qrCode.do?id=${qrCodeId}`,
    totalAmount: amount,
    status: 'UNPAID',
    createTime: beijing(now(state)),
    expireTime: typeof body.expireTime === 'string' ? body.expireTime : null,
    notifyUrl: typeof body.notifyUrl === 'string' ? body.notifyUrl : null,
    targetOrderId: null,
    payTime: null,
  }
  state.bills.set(bill.billNo, bill)
  return ok({ mid: state.options.mid, billNo: bill.billNo, billQRCode: bill.billQRCode, qrCodeId })
}

function billQuery(state: State, body: Json): Reply {
  const bad = checkBillRequest(state, body)
  if (bad) return bad
  const bill = findBill(state, body)
  if (!bill) return refuse('NO_ORDER', '账单不存在')
  const refund = typeof body.refundOrderId === 'string' ? state.billRefunds.get(body.refundOrderId) : undefined
  const refundJson =
    refund && refund.billNo === bill.billNo
      ? {
          refundOrderId: refund.refundOrderId,
          refundTargetOrderId: refund.refundTargetOrderId,
          refundStatus: refund.status,
          refundAmount: refund.amount,
          refundBillPayment: { refundOrderId: refund.refundOrderId, refundAmount: refund.amount },
        }
      : {}
  return ok({ ...billJson(state, bill), ...refundJson })
}

function closeQrcode(state: State, body: Json): Reply {
  const bad = checkBillRequest(state, body)
  if (bad) return bad
  const bill = [...state.bills.values()].find((b) => b.qrCodeId === body.qrCodeId)
  if (!bill) return refuse('NO_ORDER', '二维码不存在')
  if (bill.status === 'PAID' || bill.status === 'REFUND') return refuse('BAD_REQUEST', '账单已支付')
  bill.status = 'CLOSED'
  return ok({ mid: state.options.mid, qrCodeId: bill.qrCodeId })
}

function refundedOf(state: State, billNo: string): number {
  return [...state.billRefunds.values()]
    .filter((r) => r.billNo === billNo && r.status !== 'FAIL')
    .reduce((sum, r) => sum + r.amount, 0)
}

function billRefund(state: State, body: Json): Reply {
  const bad = checkBillRequest(state, body)
  if (bad) return bad
  const bill = findBill(state, body)
  if (!bill) return refuse('NO_ORDER', '账单不存在')
  if (!ourNumber(state, body.refundOrderId)) return refuse('BAD_REQUEST', 'refundOrderId 须以来源编号开头')
  const answer = (r: ServerBillRefund): Reply =>
    ok({
      ...billJson(state, bill),
      refundOrderId: r.refundOrderId,
      refundTargetOrderId: r.refundTargetOrderId,
      refundAmount: r.amount,
      refundStatus: r.status,
    })
  const existing = state.billRefunds.get(body.refundOrderId)
  if (existing) return answer(existing)
  if (bill.status !== 'PAID' && bill.status !== 'REFUND') return refuse('BAD_REQUEST', '账单未支付')
  const amount = amountOf(body.refundAmount)
  if (amount === null || refundedOf(state, bill.billNo) + amount > bill.totalAmount) {
    return refuse('BAD_REQUEST', '退款金额超过可退金额')
  }
  const refund: ServerBillRefund = {
    refundOrderId: body.refundOrderId,
    billNo: bill.billNo,
    amount,
    status: 'PROCESSING',
    refundTargetOrderId: `5010${digits(24)}`,
  }
  state.billRefunds.set(refund.refundOrderId, refund)
  bill.status = 'REFUND'
  return answer(refund)
}

// ---- POS通 ----

function checkPosRequest(state: State, body: Json): Reply | null {
  if (body.merchantCode !== state.options.mid || body.terminalCode !== state.options.tid) {
    return posRefuse('ERR_MERCHANT', '商户号或终端号错误')
  }
  if (!ourNumber(state, body.merchantOrderId)) return posRefuse('ERR_PARAM', 'merchantOrderId 须以来源编号开头')
  return null
}

function posPay(state: State, body: Json): Reply {
  const bad = checkPosRequest(state, body)
  if (bad) return bad
  const amount = amountOf(body.transactionAmount)
  if (amount === null || body.transactionCurrencyCode !== '156') return posRefuse('ERR_PARAM', '金额或币种错误')
  if (body.payMode !== 'CODE_SCAN' || typeof body.payCode !== 'string' || !/^\d{16,24}$/.test(body.payCode)) {
    return posRefuse('ERR_PARAM', '付款码错误')
  }
  const id = body.merchantOrderId as string
  if (state.posTrades.has(id)) return posRefuse('DUP_ORDER', '商户订单号重复')
  const trade: ServerPosTrade = {
    merchantOrderId: id,
    amount,
    state: '0',
    orderId: digits(26),
    time: beijing(now(state)),
  }
  state.posTrades.set(id, trade)
  if (body.payCode.endsWith(SERVER_CODE_SUFFIXES.confirm)) {
    trade.state = 'FF'
    return posRefuse('ORDER_PROCESSING', '用户支付中，需要输入密码')
  }
  if (body.payCode.endsWith(SERVER_CODE_SUFFIXES.declined)) {
    trade.state = '5'
    return posRefuse('TARGET_FAIL', '余额不足')
  }
  const [date, time] = trade.time.split(' ') as [string, string]
  return posOk({
    orderId: trade.orderId,
    transactionAmount: amount,
    amount,
    transactionDateWithYear: date.replace(/-/g, ''),
    transactionTime: time.replace(/:/g, ''),
    thirdPartyName: '云闪付',
  })
}

function posQuery(state: State, body: Json): Reply {
  const bad = checkPosRequest(state, body)
  if (bad) return bad
  const trade = state.posTrades.get(body.merchantOrderId as string)
  if (!trade) return posRefuse('NO_ORDER', '订单不存在')
  return posOk({
    queryResCode: trade.state,
    merchantOrderId: trade.merchantOrderId,
    orderId: trade.orderId,
    originalTransactionAmount: trade.amount,
    amount: trade.amount,
    originalTransactionTime: trade.time.replace(/[- :]/g, ''),
  })
}

function posUndo(state: State, body: Json, from: readonly PosState[], to: PosState): Reply {
  const bad = checkPosRequest(state, body)
  if (bad) return bad
  const trade = state.posTrades.get(body.merchantOrderId as string)
  if (!trade) return posRefuse('NO_ORDER', '订单不存在')
  if (!from.includes(trade.state)) return posRefuse('TARGET_FAIL', '交易状态不允许')
  trade.state = to
  return posOk({ orderId: trade.orderId, transactionAmount: trade.amount })
}

function posRefund(state: State, body: Json): Reply {
  const bad = checkPosRequest(state, body)
  if (bad) return bad
  const trade = state.posTrades.get(body.merchantOrderId as string)
  if (!trade) return posRefuse('NO_ORDER', '订单不存在')
  if (!ourNumber(state, body.refundRequestId)) return posRefuse('ERR_PARAM', 'refundRequestId 错误')
  const existing = state.posRefunds.get(body.refundRequestId)
  if (existing) return posOk({ refundOrderId: existing.refundOrderId, transactionAmount: existing.amount })
  const amount = amountOf(body.transactionAmount)
  const refunded = [...state.posRefunds.values()]
    .filter((r) => r.merchantOrderId === trade.merchantOrderId)
    .reduce((sum, r) => sum + r.amount, 0)
  if ((trade.state !== '0' && trade.state !== '3') || amount === null || refunded + amount > trade.amount) {
    return posRefuse('TARGET_FAIL', '退货金额超限或交易状态不允许')
  }
  const refund = {
    refundRequestId: body.refundRequestId,
    merchantOrderId: trade.merchantOrderId,
    amount,
    refundOrderId: digits(26),
  }
  state.posRefunds.set(refund.refundRequestId, refund)
  trade.state = '3'
  return posOk({ refundOrderId: refund.refundOrderId, transactionAmount: amount, orderId: trade.orderId })
}

function posRefundQuery(state: State, body: Json): Reply {
  const bad = checkPosRequest(state, body)
  if (bad) return bad
  const refund = typeof body.refundRequestId === 'string' ? state.posRefunds.get(body.refundRequestId) : undefined
  if (!refund || refund.merchantOrderId !== body.merchantOrderId) return posRefuse('NO_ORDER', '退货记录不存在')
  return posOk({ queryResCode: '00', refundOrderId: refund.refundOrderId, transactionAmount: refund.amount })
}

const ROUTES: Record<string, (state: State, body: Json) => Reply> = {
  '/v1/netpay/bills/get-qrcode': getQrcode,
  '/v1/netpay/bills/query': billQuery,
  '/v1/netpay/bills/close-qrcode': closeQrcode,
  '/v1/netpay/bills/refund': billRefund,
  '/v2/poslink/transaction/pay': posPay,
  '/v2/poslink/transaction/query': posQuery,
  '/v2/poslink/transaction/voidpayment': (s, b) => posUndo(s, b, ['0'], '2'),
  '/v2/poslink/transaction/reversepayment': (s, b) => posUndo(s, b, ['0', 'FF'], '4'),
  '/v2/poslink/transaction/refund': posRefund,
  '/v2/poslink/transaction/query-refund': posRefundQuery,
}

// ---- HTTP ----

function handle(state: State, req: http.IncomingMessage, rawBody: string): Reply {
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
  const route = ROUTES[path]
  if (req.method !== 'POST' || !route) return { status: 404, body: { errCode: 'NOT_FOUND', errMsg: 'no such API' } }
  const refused = authenticate(state, req.headers.authorization, rawBody)
  if (refused) return { status: 401, body: { errCode: 'UNAUTHORIZED', errMsg: refused } }
  let body: Json
  try {
    body = JSON.parse(rawBody) as Json
  } catch {
    return refuse('BAD_REQUEST', '请求体不是 JSON')
  }
  return route(state, typeof body === 'object' && body !== null ? body : {})
}

function answerText(state: State, reply: Reply): string {
  if (reply.status !== 200 || state.faults.unsignedAnswers || state.options.signAnswers === false) {
    return JSON.stringify(reply.body)
  }
  const body: Json = { ...reply.body, responseTimestamp: beijing(now(state)) }
  body.sign = umsSign(body, state.faults.answerSignKey ?? state.options.notifyKey)
  return JSON.stringify(body)
}

function notificationFields(state: State, billNo: string, options: NotificationOptions): Record<string, string> {
  const bill = state.bills.get(billNo)
  if (!bill) throw new Error(`no bill ${billNo}`)
  const json = billJson(state, bill)
  const fields: Record<string, string> = {
    mid: options.mid ?? state.options.mid,
    tid: state.options.tid,
    instMid: state.options.instMid,
    billNo: bill.billNo,
    billDate: bill.billDate,
    billQRCode: bill.billQRCode,
    billStatus: bill.status,
    billDesc: bill.billDesc,
    createTime: bill.createTime,
    totalAmount: String(bill.totalAmount),
    notifyId: randomBytes(16).toString('hex'),
    signType: options.signType ?? 'MD5',
    ...(json.billPayment ? { billPayment: JSON.stringify(json.billPayment) } : {}),
  }
  fields.sign = umsSign(fields, options.key ?? state.options.notifyKey, options.signType ?? 'MD5')
  options.tamper?.(fields)
  return fields
}

function loggedBody(rawBody: string): Json {
  try {
    return JSON.parse(rawBody) as Json
  } catch {
    return {}
  }
}

/** Reads a request, answers it (or holds it, for a lost answer) and logs it. */
function serve(
  state: State,
  requests: LoggedRequest[],
  held: Set<http.ServerResponse>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): void {
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.on('end', () => {
    const rawBody = Buffer.concat(chunks).toString('utf8')
    const reply = handle(state, req, rawBody)
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    requests.push({ path, status: reply.status, errCode: String(reply.body.errCode ?? ''), body: loggedBody(rawBody) })
    if (state.faults.hangNext === path) {
      state.faults.hangNext = null
      held.add(res)
      return
    }
    res.writeHead(reply.status, {
      'Content-Type': 'application/json; charset=utf-8',
      Date: new Date(now(state)).toUTCString(),
    })
    res.end(answerText(state, reply))
  })
}

export async function startChinaumsServer(options: ChinaumsServerOptions): Promise<ChinaumsServer> {
  const faults: ChinaumsServerFaults = { answerSignKey: null, unsignedAnswers: false, clockOffsetMs: 0, hangNext: null }
  const state: State = {
    options,
    faults,
    bills: new Map(),
    billRefunds: new Map(),
    posTrades: new Map(),
    posRefunds: new Map(),
    nonces: new Set(),
  }
  const requests: LoggedRequest[] = []
  const held = new Set<http.ServerResponse>()
  const server = http.createServer((req, res) => serve(state, requests, held, req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port

  function notification(billNo: string, notificationOptions: NotificationOptions = {}) {
    const fields = notificationFields(state, billNo, notificationOptions)
    return {
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      body: new URLSearchParams(fields).toString(),
    }
  }

  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    bills: state.bills,
    billRefunds: state.billRefunds,
    posTrades: state.posTrades,
    posRefunds: state.posRefunds,
    requests,
    payBill(billNo) {
      const bill = state.bills.get(billNo)
      if (!bill || bill.status !== 'UNPAID') throw new Error(`bill ${billNo} cannot be paid`)
      bill.status = 'PAID'
      bill.targetOrderId = `6${digits(20)}`
      bill.payTime = beijing(now(state))
    },
    customerConfirms(merchantOrderId) {
      const trade = state.posTrades.get(merchantOrderId)
      if (!trade || trade.state !== 'FF') throw new Error(`trade ${merchantOrderId} is not waiting for the customer`)
      trade.state = '0'
    },
    completeRefund(refundOrderId) {
      const refund = state.billRefunds.get(refundOrderId)
      if (!refund) throw new Error(`no refund ${refundOrderId}`)
      refund.status = 'SUCCESS'
    },
    notification,
    sendNotification(url, billNo, notificationOptions) {
      const { headers, body } = notification(billNo, notificationOptions)
      return new Promise((resolve, reject) => {
        const req = http.request(
          url,
          { method: 'POST', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } },
          (res) => {
            const chunks: Buffer[] = []
            res.on('data', (c: Buffer) => chunks.push(c))
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
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
