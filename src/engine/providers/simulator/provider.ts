import { WALLET_METHODS } from '../../../shared/wallets'
import { createSimulatorContext, failNextCommit } from './context'
import { billDifferences, setBillDifferences } from './billDifferences'
import { downloadBill } from './bills'
import { withCallFaults, type SimulatorCall } from './faults'
import { idle, parseNotification } from './notifications'
import { confirm, pageView, setOutcome } from './page'
import { queryRefund, refund } from './refunds'
import { close, createQr, payWithCode, query, reverse } from './trades'
import { SIMULATED_WALLETS, type SimulatorOptions, type SimulatorProvider } from './types'

/**
 * The built-in wallet: keeps its own books (sim_trades), serves a wallet-like page on the
 * console's LAN server, and reports payments through a signed notification and through query —
 * the same two paths a real wallet uses.
 *
 * Its parts are plain functions taking the simulator's context: `trades`, `refunds`, `notifications` and
 * the wallet `page`; this binds them to one set of books.
 */
export function createSimulatorProvider(options: SimulatorOptions): SimulatorProvider {
  const ctx = createSimulatorContext(options)
  const { books } = ctx
  const call = <T>(name: SimulatorCall, work: () => Promise<T>) => withCallFaults(ctx.faults, name, work)
  return {
    db: ctx.db,
    key: 'simulator',
    mode: 'simulator',
    supports: (wallet, method) => SIMULATED_WALLETS.includes(wallet) && WALLET_METHODS[wallet].includes(method),
    payWithCode: (request) => call('payWithCode', () => payWithCode(ctx, request)),
    reverse: (outTradeNo) => call('reverse', () => reverse(ctx, outTradeNo)),
    createQr: (request) => call('createQr', () => createQr(ctx, request)),
    query: (outTradeNo) => call('query', () => query(ctx, outTradeNo)),
    close: (outTradeNo) => call('close', () => close(ctx, outTradeNo)),
    refund: (request) => call('refund', () => refund(ctx, request)),
    queryRefund: (outRefundNo) => call('queryRefund', () => queryRefund(ctx, outRefundNo)),
    parseNotification: (notification) => parseNotification(ctx, notification),
    downloadBill: (request) => call('downloadBill', () => downloadBill(ctx, request)),
    setBillDifferences: (differences) => setBillDifferences(ctx, differences),
    billDifferences: () => billDifferences(ctx),
    pageView: (pageToken) => pageView(ctx, pageToken),
    confirm: (pageToken) => confirm(ctx, pageToken),
    setAccountOutage(merchantId, down) {
      if (down) ctx.accountsDown.add(merchantId)
      else ctx.accountsDown.delete(merchantId)
    },
    setFaults(faults) {
      ctx.faults.pending = faults.map((fault) => ({ ...fault }))
    },
    plannedFaults: () => ctx.faults.pending.map((fault) => ({ ...fault })),
    loseNextRefundAnswer() {
      ctx.loseRefundAnswer = true
    },
    setOutcome: (outTradeNo, outcome) => setOutcome(ctx, outTradeNo, outcome),
    failNextCommit: () => failNextCommit(ctx),
    durable: () => books.durable(),
    idle: () => idle(ctx),
    flush() {
      const mark = books.mark()
      books.flush()
      return books.durable(mark)
    },
  }
}
