import { randomBytes } from 'node:crypto'
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
import { GatewayError, type GatewayAnswer } from './client'
import { fail, type AlipayContext } from './context'

const METHOD = 'alipay.data.dataservice.bill.downloadurl.query'

/** Where Alipay serves bills in production (the host of the documented bill_download_url). */
const PRODUCTION_BILL_HOST = 'dwbillcenter.alipay.com'

/** The sandbox's own domain: its bill links, if it gives any, stay under it. */
const SANDBOX_DOMAIN = '.alipaydev.com'

const DEFAULT_TIMEOUT_MS = 15_000

/** Alipay makes a day's bills by about 09:00 the next morning, Beijing time. */
const BILL_READY_HOUR_BEIJING = 10

/** A zip file starts with a local file header, or an end-of-directory record when empty. */
const ZIP_MAGIC = [Buffer.from('PK\x03\x04', 'latin1'), Buffer.from('PK\x05\x06', 'latin1')]

/**
 * The day's trade bill (bill_type=trade, 业务账单): a signed, verified request for a download link, then the zip
 * it points at streamed into `request.dir`. The link is a time-limited signed URL, fetched without our keys.
 */
export async function downloadTradeBill(ctx: AlipayContext, request: BillRequest): Promise<DownloadedBill> {
  if (request.wallet !== 'alipay') throw new EngineError('VALIDATION_FAILED', 'this adapter downloads Alipay bills')
  const date = requireBillDate(request.date)
  const answer = await ctx.gateway.call(METHOD, { bill_type: 'trade', bill_date: date })
  if (answer.code !== '10000') refuse(ctx, answer, date)
  const url = trustedBillUrl(ctx, answer.data.bill_download_url)
  const path = join(request.dir, `alipay-tradebill-${date}-${randomBytes(6).toString('hex')}.zip`)
  const fetched = await download(ctx, url, path)
  if (!ZIP_MAGIC.some((magic) => fetched.head.subarray(0, 4).equals(magic))) {
    await rm(path, { force: true })
    throw new EngineError('BILL_INVALID', `what Alipay's link gave for ${date} is not a zip file; it was deleted`)
  }
  return { format: 'alipay-zip', path }
}

/**
 * A day not over (or in the future) is too early, whatever Alipay calls it, so that it is never taken for a day
 * without trades. No bill: none for the day, or, the morning after, none yet. Anything else is Alipay's refusal.
 */
function refuse(ctx: AlipayContext, answer: GatewayAnswer, date: string): never {
  const now = ctx.deps.clock.now()
  if (date >= beijingDate(now)) {
    throw billNotAvailable('too_early', `Alipay makes the bill for ${date} the next morning`)
  }
  // isp.bill_not_exist as clients see it; BILL_NOT_EXIST as an older page of the docs spells it.
  if (/^(isp\.)?bill_not_exist$/i.test(answer.subCode ?? '')) {
    const yesterday = beijingDate(now - 24 * 3600_000)
    const beijingHour = new Date(now + 8 * 3600_000).getUTCHours()
    if (date === yesterday && beijingHour < BILL_READY_HOUR_BEIJING) {
      throw billNotAvailable('creating', `Alipay makes the bill for ${date} this morning; try again after 10:00`)
    }
    throw billNotAvailable('no_statement', `Alipay has no bill for ${date}: no payment or refund that day`)
  }
  return fail(answer, 'the bill download link')
}

/**
 * The link is fetched as given, so it may only point where Alipay serves bills: its bill host in production,
 * its sandbox domain in the sandbox, or the configured gateway's own address (a local gateway). A link to
 * anywhere else (another server, a machine on the shop's network) is refused before any connection is made.
 * The link is a bearer credential for the bill: it is only ever fetched over HTTPS from Alipay's hosts.
 */
function trustedBillUrl(ctx: AlipayContext, link: unknown): URL {
  let url: URL
  try {
    url = new URL(typeof link === 'string' ? link.trim() : '')
  } catch {
    throw new GatewayError('bad_response', 'the answer has no bill_download_url')
  }
  if (url.origin === new URL(ctx.config.gatewayUrl).origin) return url
  const host = url.hostname
  const alipayHost = ctx.config.mode === 'production' ? host === PRODUCTION_BILL_HOST : host.endsWith(SANDBOX_DOMAIN)
  if (!alipayHost || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.port !== '') {
    ctx.deps.log?.warn({ provider: ctx.key, host: url.host.slice(0, 100) }, 'bill link outside Alipay refused')
    throw new GatewayError('bad_response', `the bill link points outside Alipay (${url.host.slice(0, 100)})`)
  }
  url.protocol = 'https:'
  return url
}

async function download(ctx: AlipayContext, url: URL, path: string): Promise<FetchedBill> {
  const headers = { Accept: '*/*', 'User-Agent': 'hutong-checkout' }
  try {
    return await fetchBill({
      url,
      headers,
      idleTimeoutMs: ctx.deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      path,
      gunzip: false,
    })
  } catch (error) {
    if (error instanceof TransportError) {
      throw new GatewayError(error.kind, `the Alipay bill download failed: ${error.message}`)
    }
    if (error instanceof BillHttpError) {
      throw new GatewayError('bad_response', `Alipay's bill link answered HTTP ${error.status}`)
    }
    throw error
  }
}
