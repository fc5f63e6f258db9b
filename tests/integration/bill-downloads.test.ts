import { generateKeyPairSync } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import iconv from 'iconv-lite'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ZipFile } from 'yazl'
import { createManualClock, systemClock, type ManualClock } from '../../src/engine/clock'
import { createAlipayProvider, type AlipayProvider } from '../../src/engine/providers/alipay'
import type { SecurityEvent } from '../../src/engine/providers/common'
import type { BillRequest } from '../../src/engine/providers/types'
import { downloadTradeBill } from '../../src/engine/providers/wechatpay/bills'
import { createWechatPayContext } from '../../src/engine/providers/wechatpay/context'
import { createWechatPayProvider, type WechatPayConfig } from '../../src/engine/providers/wechatpay/index'
import { EngineError } from '../../src/shared/errors'
import { alipayTestKeys, startAlipayGateway, type AlipayGateway } from '../support/alipayServer'
import { tempDir } from '../support/engine'
import { startWechatpayServer, type WechatpayServer } from '../support/wechatpayServer'

const DAY_MS = 24 * 3600_000

/** The Beijing calendar day `daysBack` days before `ms`. */
function beijingDay(ms: number, daysBack = 0): string {
  return new Date(ms + 8 * 3600_000 - daysBack * DAY_MS).toISOString().slice(0, 10)
}

function rsaPair(): { publicKey: string; privateKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  })
}

/** A one-payment WeChat Pay trade bill as the docs show it: UTF-8 with BOM, each detail field behind a backtick. */
function wechatBill(date: string): Buffer {
  const lines = [
    '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注',
    `\`${date} 10:15:00,\`wxd678efh567hg6787,\`1230000109,\`0,\`,\`4200000000${date.replaceAll('-', '')}0000000001,\`HT0000000001,\`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,\`NATIVE,\`SUCCESS,\`OTHERS,\`CNY,\`12.34,\`0.00,\`0,\`0,\`0.00,\`0.00,\`,\`,\`豆浆,\`,\`0.07000,\`0.60%,\`12.34,\`0.00,\``,
    '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
    '`1,`12.34,`0.00,`0.00,`0.07000,`12.34,`0.00',
  ]
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join('\r\n') + '\r\n', 'utf8')])
}

/** A small Alipay trade bill zip: the detail and summary CSVs, GBK-encoded, as Alipay ships them. */
async function alipayBillZip(date: string): Promise<Buffer> {
  const day = date.replaceAll('-', '')
  const detail = [
    '#支付宝业务明细查询',
    '#账号：[20881021776494500156]',
    '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注',
    `2025${day}2200100000000001,HT0000000002,交易,豆浆,${date} 09:00:00,${date} 09:00:05,,,,,cus***@example.com,8.80,8.80,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,-0.05,0.00,`,
    '#-----------------------------------------业务明细列表结束------------------------------------',
  ]
  const zip = new ZipFile()
  zip.addBuffer(iconv.encode(detail.join('\r\n'), 'gbk'), `20881021776494500156_${day}_业务明细.csv`)
  zip.addBuffer(iconv.encode('#支付宝业务汇总查询\r\n', 'gbk'), `20881021776494500156_${day}_业务明细(汇总).csv`)
  zip.end()
  const chunks: Buffer[] = []
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

async function refusal(promise: Promise<unknown>): Promise<EngineError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(EngineError)
  return error as EngineError
}

let dir: ReturnType<typeof tempDir>
let events: SecurityEvent[]

beforeEach(() => {
  dir = tempDir()
  events = []
})

afterEach(() => {
  dir.remove()
})

describe('WeChat Pay trade bill download against a local API v3 server', () => {
  const MCH_ID = '1230000109'
  const MERCHANT_SERIAL = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1'
  const PLATFORM_SERIAL = 'PUB_KEY_ID_0112340000000000000000000000000001'
  const API_V3_KEY = 'hutongTestApiV3Key00000000000032'
  let merchant: ReturnType<typeof rsaPair>
  let platform: ReturnType<typeof rsaPair>
  let intruder: ReturnType<typeof rsaPair>
  let server: WechatpayServer

  beforeAll(() => {
    merchant = rsaPair()
    platform = rsaPair()
    intruder = rsaPair()
  })

  beforeEach(async () => {
    server = await startWechatpayServer({
      mchId: MCH_ID,
      appId: 'wxd678efh567hg6787',
      merchantSerialNo: MERCHANT_SERIAL,
      merchantPublicKeyPem: merchant.publicKey,
      platformSerial: PLATFORM_SERIAL,
      platformPrivateKeyPem: platform.privateKey,
      apiV3Key: API_V3_KEY,
    })
  })

  afterEach(async () => {
    await server.close()
  })

  function config(): WechatPayConfig {
    return {
      mode: 'sandbox',
      gatewayUrl: server.url,
      mchId: MCH_ID,
      appId: 'wxd678efh567hg6787',
      merchantSerialNo: MERCHANT_SERIAL,
      merchantPrivateKeyPem: merchant.privateKey,
      apiV3Key: API_V3_KEY,
      apiV2Key: null,
      platformKeys: [{ serial: PLATFORM_SERIAL, publicKeyPem: platform.publicKey }],
      notifyUrl: null,
    }
  }

  const deps = () => ({ clock: systemClock, onSecurityEvent: (e: SecurityEvent) => events.push(e), timeoutMs: 5_000 })
  const request = (date: string): BillRequest => ({ wallet: 'wechat', date, dir: dir.path })
  const yesterday = () => beijingDay(Date.now(), 1)

  it('downloads the bill gzip-compressed through the adapter and saves the bill itself, hash checked', async () => {
    const bill = wechatBill(yesterday())
    server.setBill(yesterday(), bill)
    const downloaded = await createWechatPayProvider(config(), deps()).downloadBill!(request(yesterday()))
    expect(downloaded.format).toBe('wechat-csv')
    expect(downloaded.path.startsWith(dir.path)).toBe(true)
    expect(readFileSync(downloaded.path).equals(bill)).toBe(true)
    expect(server.billDownloads).toEqual([{ date: yesterday(), gzip: true }])
  })

  it('downloads the plain bill when gzip is not asked for', async () => {
    const bill = wechatBill(yesterday())
    server.setBill(yesterday(), bill)
    const ctx = createWechatPayContext(config(), deps())
    const downloaded = await downloadTradeBill(ctx, request(yesterday()), { gzip: false })
    expect(readFileSync(downloaded.path).equals(bill)).toBe(true)
    expect(server.billDownloads).toEqual([{ date: yesterday(), gzip: false }])
  })

  it('refuses a bill whose SHA-1 differs from the one WeChat Pay gave, and leaves no file', async () => {
    server.setBill(yesterday(), wechatBill(yesterday()))
    server.faults.billHashWrong = true
    const error = await refusal(createWechatPayProvider(config(), deps()).downloadBill!(request(yesterday())))
    expect(error.code).toBe('BILL_INVALID')
    expect(server.billDownloads).toHaveLength(1)
    expect(readdirSync(dir.path)).toEqual([])
  })

  it('says why there is no bill: none that day, still being made, not over yet, too old', async () => {
    const adapter = createWechatPayProvider(config(), deps())
    const reasonFor = async (date: string) => {
      const error = await refusal(adapter.downloadBill!(request(date)))
      expect(error.code).toBe('BILL_NOT_AVAILABLE')
      return (error.details as { reason: string }).reason
    }
    expect(await reasonFor(yesterday())).toBe('no_statement')
    server.billCreating(yesterday())
    expect(await reasonFor(yesterday())).toBe('creating')
    expect(await reasonFor(beijingDay(Date.now()))).toBe('too_early')
    expect(await reasonFor(beijingDay(Date.now(), -2))).toBe('too_early')
    expect(await reasonFor(beijingDay(Date.now(), 120))).toBe('no_statement')
    expect(server.billDownloads).toEqual([])
    expect(readdirSync(dir.path)).toEqual([])
  })

  it('believes no bill answer whose signature does not verify', async () => {
    server.setBill(yesterday(), wechatBill(yesterday()))
    server.faults.signingKeyPem = intruder.privateKey
    const error = await refusal(createWechatPayProvider(config(), deps()).downloadBill!(request(yesterday())))
    expect(error.code).toBe('PROVIDER_ERROR')
    expect((error.details as { reason: string }).reason).toBe('RESPONSE_SIGNATURE')
    expect(events.map((e) => e.kind)).toContain('response_signature')
    expect(server.billDownloads).toEqual([])
    expect(readdirSync(dir.path)).toEqual([])
  })

  it('never follows a download_url to another host, even one that would answer', async () => {
    server.setBill(yesterday(), wechatBill(yesterday()))
    // Same machine and port, another host name: a followed link would reach the server and be logged.
    server.faults.billDownloadUrl = `${server.url.replace('127.0.0.1', 'localhost')}/v3/billdownload/file?token=x`
    const error = await refusal(createWechatPayProvider(config(), deps()).downloadBill!(request(yesterday())))
    expect(error.code).toBe('PROVIDER_ERROR')
    expect((error.details as { reason: string }).reason).toBe('BAD_RESPONSE')
    expect(server.requests.map((r) => r.path)).toEqual(['/v3/bill/tradebill'])
    expect(readdirSync(dir.path)).toEqual([])
  })

  it('gives up on a download that stops sending, and leaves no partial file', async () => {
    server.setBill(yesterday(), wechatBill(yesterday()))
    server.faults.billStall = true
    const adapter = createWechatPayProvider(config(), { ...deps(), timeoutMs: 300 })
    const error = await refusal(adapter.downloadBill!(request(yesterday())))
    expect(error.code).toBe('PROVIDER_ERROR')
    expect((error.details as { reason: string }).reason).toBe('TIMEOUT')
    expect(server.billDownloads).toHaveLength(1)
    expect(readdirSync(dir.path)).toEqual([])
  })

  it('refuses a malformed date before asking WeChat Pay', async () => {
    const error = await refusal(createWechatPayProvider(config(), deps()).downloadBill!(request('2025-02-30')))
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(server.requests).toEqual([])
  })
})

describe('Alipay trade bill download against a local OpenAPI gateway', () => {
  /** 2026-03-10 14:00 in Beijing. */
  const NOW = Date.parse('2026-03-10T14:00:00+08:00')
  let gateway: AlipayGateway
  let clock: ManualClock

  beforeEach(async () => {
    clock = createManualClock(NOW)
    gateway = await startAlipayGateway({ now: () => clock.now() })
  })

  afterEach(async () => {
    await gateway.close()
  })

  function adapter(): AlipayProvider {
    const keys = alipayTestKeys()
    return createAlipayProvider(
      {
        mode: 'sandbox',
        gatewayUrl: gateway.url,
        appId: gateway.appId,
        appPrivateKeyPem: keys.appPrivateKeyPem,
        alipayPublicKeyPem: keys.alipayPublicKeyPem,
        notifyUrl: null,
      },
      { clock, onSecurityEvent: (e) => events.push(e), timeoutMs: 5_000 },
    )
  }

  const request = (date: string): BillRequest => ({ wallet: 'alipay', date, dir: dir.path })

  it('asks for the trade bill link with a signed request and saves the zip it points at', async () => {
    const zip = await alipayBillZip('2026-03-09')
    gateway.setBill('2026-03-09', zip)
    const downloaded = await adapter().downloadBill!(request('2026-03-09'))
    expect(downloaded.format).toBe('alipay-zip')
    expect(readFileSync(downloaded.path).equals(zip)).toBe(true)
    const asked = gateway.requests.at(-1)!
    expect(asked.method).toBe('alipay.data.dataservice.bill.downloadurl.query')
    expect(asked.biz).toEqual({ bill_type: 'trade', bill_date: '2026-03-09' })
    expect(asked.signatureValid).toBe(true)
    expect(gateway.billDownloads).toEqual(['2026-03-09'])
  })

  it('says why there is no bill: none that day, not made yet this morning, or the day not over', async () => {
    const reasonFor = async (date: string) => {
      const error = await refusal(adapter().downloadBill!(request(date)))
      expect(error.code).toBe('BILL_NOT_AVAILABLE')
      return (error.details as { reason: string }).reason
    }
    expect(await reasonFor('2026-03-09')).toBe('no_statement')
    expect(await reasonFor('2026-03-10')).toBe('too_early')
    clock.set(Date.parse('2026-03-10T08:30:00+08:00'))
    expect(await reasonFor('2026-03-09')).toBe('creating')
    expect(gateway.billDownloads).toEqual([])
  })

  it('believes no link from an answer whose signature does not verify', async () => {
    gateway.setBill('2026-03-09', await alipayBillZip('2026-03-09'))
    gateway.faults.forgeSignature = true
    const error = await refusal(adapter().downloadBill!(request('2026-03-09')))
    expect(error.code).toBe('PROVIDER_ERROR')
    expect(events.map((e) => e.kind)).toContain('response_signature')
    expect(gateway.billDownloads).toEqual([])
    expect(readdirSync(dir.path)).toEqual([])
  })

  it('never follows a bill link to a host that is not Alipay', async () => {
    gateway.setBill('2026-03-09', await alipayBillZip('2026-03-09'))
    const base = gateway.url.replace('/gateway.do', '').replace('127.0.0.1', 'localhost')
    gateway.faults.billDownloadUrl = `${base}/downloadBillFile.resource?fileId=x`
    const error = await refusal(adapter().downloadBill!(request('2026-03-09')))
    expect(error.code).toBe('PROVIDER_ERROR')
    expect(gateway.billDownloads).toEqual([])
    expect(readdirSync(dir.path)).toEqual([])
  })

  it('refuses what an expired link gives instead of a zip, and leaves no file', async () => {
    gateway.setBill('2026-03-09', await alipayBillZip('2026-03-09'))
    const base = gateway.url.replace('/gateway.do', '')
    gateway.faults.billDownloadUrl = `${base}/downloadBillFile.resource?fileId=expired`
    const error = await refusal(adapter().downloadBill!(request('2026-03-09')))
    expect(error.code).toBe('BILL_INVALID')
    expect(readdirSync(dir.path)).toEqual([])
  })
})
