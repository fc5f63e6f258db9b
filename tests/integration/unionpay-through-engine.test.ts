import { afterEach, describe, expect, it } from 'vitest'
import type { CreatedPayment, OrderDetail } from '../../src/shared/api/types'
import { startChinaumsServer, type ChinaumsServer } from '../support/chinaumsServer'
import { realWalletEngineOptions, useSandbox } from '../support/realWallets'
import { testServer } from '../support/server'

const UMS = {
  appId: 'f0ec96ad2c3848b5b810e7aadf369e2f',
  appKey: '775481e2556e4564985f5439a5e6a277',
  mid: '898340149000005',
  tid: '88880001',
  instMid: 'QRPAYDEFAULT',
  msgSrcId: '3194',
  notifyKey: 'hutongNotifyKeyForTests0000000000000000000000000',
}
/** The acquirer's bill number of one of our payments: source number + the id's ULID. */
const billNo = (paymentId: string): string => UMS.msgSrcId + paymentId.slice(4)

let s: Awaited<ReturnType<typeof testServer>> | undefined
let ums: ChinaumsServer | undefined
let removeKeyDir: (() => void) | undefined

afterEach(async () => {
  await s?.dispose()
  await ums?.close()
  removeKeyDir?.()
  s = ums = removeKeyDir = undefined
})

/** The merchant enters China UMS credentials in the settings and points UnionPay at its sandbox. */
async function setup() {
  const real = realWalletEngineOptions()
  removeKeyDir = real.removeKeyDir
  ums = await startChinaumsServer(UMS)
  s = await testServer(real.options)
  const { appId, appKey, mid, tid, instMid, msgSrcId, notifyKey } = UMS
  const input = { mode: 'sandbox', gatewayUrl: ums.url, appId, appKey, mid, tid, instMid, msgSrcId, notifyKey }
  expect((await s.api('POST', '/api/wallets/unionpay/credentials', input)).status).toBe(200)
  await useSandbox(s.engine, 'unionpay')
  return { s, ums }
}

const detail = async (id: string) => (await s!.api('GET', `/api/orders/${id}`)).json as OrderDetail

async function qrPayment(amountFen: number) {
  const order = (await s!.api('POST', '/api/orders', { amountFen })).json
  const payment = (await s!.api('POST', `/api/orders/${order.id}/payments`, { wallet: 'unionpay' }))
    .json as CreatedPayment
  return { order, payment }
}

describe('UnionPay QuickPass through China UMS, as a merchant uses it', () => {
  it('keeps the keys write-only and proves them with Test connection', async () => {
    const { s } = await setup()
    const status = (await s.api('GET', '/api/wallets/unionpay/credentials?mode=sandbox')).json
    expect(status).toMatchObject({ configured: true, secretsSet: { appKey: true, notifyKey: true } })
    expect(JSON.stringify(status)).not.toContain(UMS.appKey)
    expect(JSON.stringify(status)).not.toContain(UMS.notifyKey)
    expect((await s.api('POST', '/api/wallets/unionpay/test', { mode: 'sandbox' })).json).toMatchObject({
      ok: true,
      code: 'OK',
    })
  })

  it('offers UnionPay in sandbox mode; a QR paid at the acquirer is found by polling and pays the order', async () => {
    const { s, ums } = await setup()
    const { order, payment } = await qrPayment(1234)
    expect(payment).toMatchObject({ wallet: 'unionpay', status: 'pending' })
    expect(payment.qrContent).toBeTruthy()
    ums.payBill(billNo(payment.id))
    await s.engine.sweep()
    const paid = await detail(order.id)
    expect(paid).toMatchObject({ status: 'paid', paidWallet: 'unionpay' })
    expect(paid.attempts[0]).toMatchObject({ mode: 'sandbox', status: 'succeeded' })
  })

  it('a signed notification pays at once and is answered SUCCESS; a forged one gets FAILED and changes nothing', async () => {
    const { s, ums } = await setup()
    const { order, payment } = await qrPayment(880)
    ums.payBill(billNo(payment.id))
    const url = `${s.base}/api/notify/chinaums:sandbox`
    const forged = await ums.sendNotification(url, billNo(payment.id), { key: 'x'.repeat(48) })
    expect(forged).toMatchObject({ status: 200, body: 'FAILED' })
    expect((await detail(order.id)).status).toBe('awaiting_payment')
    expect(await ums.sendNotification(url, billNo(payment.id))).toMatchObject({ status: 200, body: 'SUCCESS' })
    expect(await detail(order.id)).toMatchObject({ status: 'paid', paidWallet: 'unionpay' })
  })
})
