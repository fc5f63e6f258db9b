import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { EngineError } from '../../../shared/errors'
import {
  beijingDate,
  BillHttpError,
  billNotAvailable,
  fetchBill,
  requireBillDate,
  type FetchedBill,
} from '../billDownload'
import { TransportError } from '../network'
import type { BillRequest, DownloadedBill } from '../types'
import { asObject, fail, safeJson, type Answer, type WechatPayContext } from './context'
import { newNonce } from './crypto'
import { apiError, call, requestHeaders } from './gateway'

/** WeChat Pay's API hosts (主域名, 备域名): production download links point at one of them. */
const WECHAT_API_HOSTS: ReadonlySet<string> = new Set(['api.mch.weixin.qq.com', 'api2.mch.weixin.qq.com'])

/** WeChat Pay keeps trade bills for three months. */
const BILL_MONTHS_KEPT = 3

export interface TradeBillOptions {
  /** Ask for the bill gzip-compressed (tar_type=GZIP); it is inflated on the way to the file. */
  gzip?: boolean
}

interface BillLink {
  hash: string
  url: URL
}

/**
 * The day's trade bill (交易账单, bill_type=ALL): a signed, verified request for a download link, then a signed
 * download streamed into `request.dir` and checked against the SHA-1 WeChat Pay gave for it.
 */
export async function downloadTradeBill(
  ctx: WechatPayContext,
  request: BillRequest,
  options: TradeBillOptions = {},
): Promise<DownloadedBill> {
  if (request.wallet !== 'wechat') throw new EngineError('VALIDATION_FAILED', 'this adapter downloads WeChat Pay bills')
  const date = requireBillDate(request.date)
  const gzip = options.gzip ?? true
  const answer = await call(
    ctx,
    'GET',
    `/v3/bill/tradebill?bill_date=${date}&bill_type=ALL${gzip ? '&tar_type=GZIP' : ''}`,
  )
  if (answer.status !== 200) throw billRefusal(ctx, answer, date)
  const link = readBillLink(ctx, answer)
  const path = join(request.dir, `wechatpay-tradebill-${date}-${newNonce(8)}.csv`)
  const fetched = await download(ctx, link.url, path, gzip)
  // The hash covers the bill as WeChat Pay made it, i.e. after inflating a gzip download.
  if (fetched.sha1 !== link.hash) {
    await rm(path, { force: true })
    throw new EngineError('BILL_INVALID', `the WeChat Pay bill for ${date} does not match its SHA-1 and was deleted`)
  }
  return { format: 'wechat-csv', path }
}

/**
 * A verified refusal: no bill (yet), or a day WeChat Pay does not serve, or an error of its own. A day not over is
 * "too early" whatever the code, so that it is never taken for a day without trades.
 */
function billRefusal(ctx: WechatPayContext, answer: Answer, date: string): EngineError {
  const code = answer.data.code
  const now = ctx.deps.clock.now()
  if (answer.status === 400 && date >= beijingDate(now)) {
    return billNotAvailable('too_early', `WeChat Pay makes the bill for ${date} the next morning`)
  }
  if (code === 'STATEMENT_CREATING') {
    return billNotAvailable('creating', `WeChat Pay is still making the bill for ${date}; try again after 10:00`)
  }
  if (code === 'NO_STATEMENT_EXIST') {
    return billNotAvailable('no_statement', `WeChat Pay has no bill for ${date}: no payment or refund that day`)
  }
  const invalid = answer.status === 400 && (code === 'INVALID_REQUEST' || code === 'PARAM_ERROR')
  if (invalid && date < beijingDate(now, BILL_MONTHS_KEPT)) {
    return billNotAvailable('no_statement', `WeChat Pay keeps bills for three months only; ${date} is older`)
  }
  return apiError(answer, 'give the trade bill')
}

function readBillLink(ctx: WechatPayContext, answer: Answer): BillLink {
  const { hash_type: type, hash_value: hash, download_url: link } = answer.data
  if (type !== 'SHA1' || typeof hash !== 'string' || !/^[0-9a-fA-F]{40}$/.test(hash) || typeof link !== 'string') {
    throw fail('BAD_RESPONSE', 'the trade bill answer has no SHA-1 and download_url')
  }
  return { hash: hash.toLowerCase(), url: trustedDownloadUrl(ctx, link) }
}

/**
 * The download is sent with our signed Authorization header and its answer carries no WeChat Pay signature, so
 * it may only go where WeChat Pay itself answers: the configured gateway, or WeChat Pay's own API hosts when the
 * gateway is one of them. A link to anywhere else (another server, a machine on the shop's network) is refused
 * before any connection is made.
 */
function trustedDownloadUrl(ctx: WechatPayContext, link: string): URL {
  let url: URL
  try {
    url = new URL(link.trim())
  } catch {
    throw fail('BAD_RESPONSE', 'the trade bill download_url is not a URL')
  }
  const gateway = new URL(ctx.base)
  const wechatHosts =
    url.protocol === 'https:' &&
    url.port === '' &&
    WECHAT_API_HOSTS.has(url.hostname) &&
    WECHAT_API_HOSTS.has(gateway.hostname)
  if (url.origin !== gateway.origin && !wechatHosts) {
    ctx.deps.log?.warn(
      { provider: ctx.key, host: url.host.slice(0, 100) },
      'bill download_url outside WeChat Pay refused',
    )
    throw fail('BAD_RESPONSE', `the trade bill download_url points outside WeChat Pay (${url.host.slice(0, 100)})`)
  }
  return url
}

async function download(ctx: WechatPayContext, url: URL, path: string, gunzip: boolean): Promise<FetchedBill> {
  const privateKey = ctx.privateKey
  if (!privateKey) throw fail('BAD_CONFIG', 'the merchant API private key cannot be read')
  const headers = { ...requestHeaders(ctx, privateKey, 'GET', url, ''), Accept: '*/*' }
  try {
    return await fetchBill({ url, headers, idleTimeoutMs: ctx.timeoutMs, path, gunzip })
  } catch (error) {
    if (error instanceof TransportError) {
      throw fail(
        error.kind === 'timeout' ? 'TIMEOUT' : 'UNREACHABLE',
        `the WeChat Pay bill download failed: ${error.message}`,
      )
    }
    if (error instanceof BillHttpError) throw downloadRefusal(error)
    throw error
  }
}

/** The download link's own refusal (expired link, another merchant's link…): unsigned JSON. */
function downloadRefusal(error: BillHttpError): EngineError {
  const code = asObject(safeJson(error.body))?.code
  const wechatCode = typeof code === 'string' ? code.slice(0, 64) : null
  return fail(
    'API_ERROR',
    `WeChat Pay refused the bill download (HTTP ${error.status}${wechatCode ? ` ${wechatCode}` : ''})`,
    {
      status: error.status,
      wechatCode,
    },
  )
}
