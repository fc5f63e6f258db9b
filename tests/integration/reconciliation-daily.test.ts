import { afterEach, describe, expect, it } from 'vitest'
import { realWalletEngineOptions, startLocalWallets, useSandbox } from '../support/realWallets'
import { testServer } from '../support/server'

let s: Awaited<ReturnType<typeof testServer>> | undefined
let wallets: Awaited<ReturnType<typeof startLocalWallets>> | undefined
let removeKeyDir: (() => void) | undefined
afterEach(async () => {
  await s?.dispose()
  await wallets?.close()
  removeKeyDir?.()
  s = wallets = removeKeyDir = undefined
})

const HOUR = 3600_000
const beijingDay = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(0, 10)

/** A WeChat Pay bill with one payment nobody made here (another system on the same merchant number). */
function foreignPaymentBill(date: string): Buffer {
  const lines = [
    '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注',
    `\`${date} 10:15:00,\`wxd678efh567hg6787,\`1230000109,\`0,\`,\`4200000000000000000000000001,\`POS-ELSEWHERE-1,\`oUpF8uMuAJO,\`NATIVE,\`SUCCESS,\`OTHERS,\`CNY,\`12.34,\`0.00,\`0,\`0,\`0.00,\`0.00,\`,\`,\`豆浆,\`,\`0.07000,\`0.60%,\`12.34,\`0.00,\``,
    '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
    '`1,`12.34,`0.00,`0.00,`0.07000,`12.34,`0.00',
  ]
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8')
}

/**
 * The engine and the wallets' servers share one clock set to 11:00 in Beijing, after yesterday's bills are out
 * (the servers refuse requests signed more than five minutes off their own time).
 */
async function setup() {
  const real = realWalletEngineOptions()
  removeKeyDir = real.removeKeyDir
  real.clock.jump(Date.parse(`${beijingDay(Date.now())}T03:00:00Z`) - Date.now())
  wallets = await startLocalWallets(real.clock.now)
  s = await testServer({ ...real.options })
  expect((await s.api('POST', '/api/wallets/wechat/credentials', wallets.wechatCredentials)).status).toBe(200)
  expect((await s.api('POST', '/api/wallets/alipay/credentials', wallets.alipayCredentials)).status).toBe(200)
  await useSandbox(s.engine, 'wechat')
  await useSandbox(s.engine, 'alipay')
  return { s, wallets, clock: real.clock, yesterday: beijingDay(real.clock.now() - 24 * HOUR) }
}

describe("the daily run fetches yesterday's bills of the wallets with real credentials", () => {
  it('matches the bill that is out, records the one that is not, and asks again an hour later', async () => {
    const { s, wallets, clock, yesterday } = await setup()
    wallets.wechat.setBill(yesterday, foreignPaymentBill(yesterday))
    await s.engine.reconcileDue()

    const runs = (await s.api('GET', `/api/reconciliation?date=${yesterday}`)).json.runs
    const wechat = runs.find((r: { wallet: string }) => r.wallet === 'wechat')
    expect(wechat).toMatchObject({ mode: 'sandbox', source: 'download', status: 'discrepancies', matchedCount: 0 })
    expect(wechat.discrepancies).toMatchObject([
      { kind: 'missing_here', outTradeNo: 'POS-ELSEWHERE-1', theirsFen: 1234, actions: ['explain'] },
    ])
    const alipay = runs.find((r: { wallet: string }) => r.wallet === 'alipay')
    expect(alipay).toMatchObject({ status: 'not_available', reason: expect.stringMatching(/账单/) })
    expect(wallets.wechat.billDownloads).toHaveLength(1)

    // Within the hour nothing is asked again; the matched day is never asked again.
    await s.engine.reconcileDue()
    expect(wallets.wechat.billDownloads).toHaveLength(1)
    const asked = wallets.alipay.requests.filter((r) => r.method === 'alipay.data.dataservice.bill.downloadurl.query')
    expect(asked).toHaveLength(1)
    clock.jump(HOUR + 60_000)
    await s.engine.reconcileDue()
    expect(
      wallets.alipay.requests.filter((r) => r.method === 'alipay.data.dataservice.bill.downloadurl.query'),
    ).toHaveLength(2)
    expect(wallets.wechat.billDownloads).toHaveLength(1)
  })

  it('waits for 10:00 Beijing time, and leaves the simulator alone', async () => {
    const { s, wallets, clock } = await setup()
    clock.jump(-2 * HOUR)
    await s.engine.reconcileDue()
    expect(wallets.wechat.billDownloads).toHaveLength(0)
    expect((await s.api('GET', '/api/reconciliation')).json.runs).toEqual([])
    clock.jump(2 * HOUR)
    const { wallets: configs } = await s.engine.invoke('wallets.list', {})
    for (const wallet of ['wechat', 'alipay'] as const) {
      const config = configs.find((w) => w.wallet === wallet)!
      await s.engine.invoke('wallets.update', { ...config, mode: 'simulator' })
    }
    await s.engine.reconcileDue()
    expect((await s.api('GET', '/api/reconciliation')).json.runs).toEqual([])
  })
})
