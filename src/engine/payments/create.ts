import QRCode from 'qrcode'
import type { OperationParsedInput } from '../../shared/api/operations'
import type { CreatedPayment, PaymentOption } from '../../shared/api/types'
import { present } from '../../shared/assert'
import { EngineError } from '../../shared/errors'
import { detectWalletFromCode, maskPaymentCode } from '../../shared/paymentCodes'
import type { OptionMethod, WalletId } from '../../shared/wallets'
import { toIso } from '../clock'
import { getRoutingSettings } from '../config/routing'
import { errorFields } from '../logger'
import { transitionOrder, type OrderRow } from '../orders/queries'
import type { PaymentProvider, ProviderTrade } from '../providers/types'
import {
  CHECKS_FIRST,
  DECLINED,
  describeOrder,
  merchantIdOf,
  requireAttempt,
  requireOption,
  requireOrder,
  requirePayable,
  type PaymentContext,
} from './context'
import { findPendingLinkedAttempt, insertAttempt, transitionAttempt, type AttemptRow, type NewAttempt } from './queries'
import { applyTrade, closeAttempt, endAttempt, markSucceeded, reopenIfIdle } from './settle'

type CodePaymentInput = Extract<OperationParsedInput<'payments.create'>, { method: 'payment-code' }>
/** What links a QR attempt to the all-wallets code or a friend-pay request, and the Huabei plan chosen. */
export interface QrLink {
  installments?: number
  aggregateId?: string
  friendPayId?: string
}

/** The `payments.create` operation: a QR code, a customer's payment code, or cash. */
export async function createPayment(
  ctx: PaymentContext,
  input: OperationParsedInput<'payments.create'>,
): Promise<CreatedPayment> {
  const order = requireOrder(ctx, input.id)
  switch (input.method) {
    case 'qr': {
      const attempt = await createQrAttempt(ctx, order, input.wallet, { installments: input.installments })
      return toCreated(attempt, input.qrSvg)
    }
    case 'payment-code':
      return toCreated(await createCodePayment(ctx, order, input))
    case 'cash':
      return toCreated(createCash(ctx, order, input.tenderedFen))
    case 'aggregate':
      throw new EngineError('METHOD_UNSUPPORTED', 'the all-wallets code is created by the aggregate service')
  }
}

/** Records a new attempt (and moves the order to awaiting payment) before any wallet is called. */
function startAttempt(
  ctx: PaymentContext,
  order: OrderRow,
  fields: Omit<NewAttempt, 'id' | 'orderId' | 'amountFen'>,
): AttemptRow {
  const id = ctx.newId('pay')
  const now = ctx.clock.now()
  // The order is checked first; its compare-and-set is the first write, and one that loses writes nothing.
  return ctx.events.unitOfWork(() => {
    const current = requireOrder(ctx, order.id)
    requirePayable(ctx, current)
    if (current.status === 'open') {
      if (!transitionOrder(ctx.db, order.id, 'open', 'awaiting_payment', now)) {
        throw new EngineError('CONCURRENT_UPDATE', 'the order changed meanwhile, try again')
      }
      ctx.events.append({ type: 'order.awaiting_payment', orderId: order.id })
    }
    const attempt = insertAttempt(ctx.db, { id, orderId: order.id, amountFen: current.total_fen, ...fields }, now)
    ctx.events.append({
      type: 'payment.created',
      orderId: order.id,
      attemptId: id,
      data: {
        wallet: fields.wallet,
        method: fields.method,
        amountFen: current.total_fen,
        accountId: fields.accountId,
        ...(fields.installments ? { installments: fields.installments } : {}),
        ...(fields.paymentCodeMasked ? { paymentCode: fields.paymentCodeMasked } : {}),
      },
    })
    return attempt
  }, CHECKS_FIRST)
}

function failCreation(ctx: PaymentContext, attempt: AttemptRow, error: unknown): never {
  const failureCode = error instanceof EngineError ? error.code : 'PROVIDER_ERROR'
  if (!(error instanceof EngineError)) ctx.log.error({ attemptId: attempt.id, ...errorFields(error) }, 'create')
  ctx.events.unitOfWork(() => {
    if (transitionAttempt(ctx.db, attempt.id, 'created', 'failed', ctx.clock.now(), { failureCode })) {
      ctx.events.append({
        type: 'payment.failed',
        orderId: attempt.order_id,
        attemptId: attempt.id,
        data: { failureCode },
      })
    }
    reopenIfIdle(ctx, attempt.order_id)
  })
  throw walletFailure(error, attempt.wallet, false)
}

/**
 * What the cashier is told when a wallet call failed: which wallet, and whether the charge was reversed (the
 * customer keeps their money and may scan again). A coded refusal from the wallet is passed on as it is.
 */
function walletFailure(error: unknown, wallet: WalletId, reversed: boolean): EngineError {
  if (error instanceof EngineError && error.code !== 'PROVIDER_ERROR') return error
  return new EngineError('PROVIDER_ERROR', 'the wallet did not answer', { wallet, reversed })
}

function requireChannel(ctx: PaymentContext, wallet: WalletId, method: 'qr' | 'payment-code', option: PaymentOption) {
  const provider = ctx.providers.find(wallet, method, option.mode)
  if (!provider) {
    throw new EngineError('WALLET_UNAVAILABLE', `${wallet} has no channel`, { reason: 'CHANNEL_UNAVAILABLE' })
  }
  return provider
}

/** The Huabei plan a QR attempt uses: the one asked for, or the first offered. */
function choosePlan(option: PaymentOption, wallet: WalletId, installments: number | undefined) {
  const plans = option.installmentPlans
  if (!plans) {
    if (installments !== undefined) throw new EngineError('INSTALLMENTS_UNAVAILABLE', `${wallet} has no installments`)
    return null
  }
  const plan = installments === undefined ? plans[0] : plans.find((p) => p.periods === installments)
  if (!plan) throw new EngineError('INSTALLMENTS_UNAVAILABLE', `${installments} installments are not offered`)
  return plan
}

/** A QR code for one wallet: recorded, made at the wallet, then shown (pending). */
export async function createQrAttempt(
  ctx: PaymentContext,
  order: OrderRow,
  wallet: WalletId,
  link: QrLink = {},
): Promise<AttemptRow> {
  requirePayable(ctx, order)
  const option = requireOption(ctx, order, wallet, link.friendPayId ? 'friend-pay' : 'qr')
  const plan = choosePlan(option, wallet, link.installments)
  const provider = requireChannel(ctx, wallet, 'qr', option)
  // The option's fee includes the first plan's; the attempt carries the chosen plan's.
  const optionFee = present(option.merchantFeeFen, 'the fee of an available option')
  const baseFee = optionFee - (option.installmentPlans?.[0]?.merchantFeeFen ?? 0)
  const description = describeOrder(ctx, order)
  const attempt = startAttempt(ctx, order, {
    wallet,
    method: 'qr',
    provider: provider.key,
    mode: provider.mode,
    expiresAt: Math.min(ctx.clock.now() + ctx.paymentTtlMs, order.expires_at),
    accountId: option.accountId,
    merchantFeeFen: baseFee + (plan?.merchantFeeFen ?? 0),
    installments: plan?.periods ?? null,
    aggregateId: link.aggregateId ?? null,
    friendPayId: link.friendPayId ?? null,
  })
  let qrContent: string
  try {
    ;({ qrContent } = await provider.createQr({
      outTradeNo: attempt.id,
      wallet,
      amountFen: attempt.amount_fen,
      description,
      expiresAt: attempt.expires_at,
      merchantId: merchantIdOf(ctx, option, wallet),
      installments: plan?.periods ?? null,
      installmentFeePayer: plan?.feeBearer ?? null,
    }))
  } catch (error) {
    failCreation(ctx, attempt, error)
  }
  return showQr(ctx, attempt, provider, qrContent)
}

/**
 * The QR payment a link (the all-wallets code, a friend-pay request) opens for a wallet: the pending one it
 * already has, if routing would still send the wallet there (same mode, channel and account), else a new one —
 * after closing the old one at its wallet, so a code made in simulator mode is never paid after the wallet went
 * live.
 */
export async function linkedQrAttempt(
  ctx: PaymentContext,
  order: OrderRow,
  wallet: WalletId,
  link: { aggregateId: string } | { friendPayId: string },
): Promise<AttemptRow> {
  const existing = findPendingLinkedAttempt(ctx.db, link, wallet, ctx.clock.now())
  if (existing) {
    if (stillRoutedTo(ctx, order, existing, 'friendPayId' in link ? 'friend-pay' : 'qr')) return existing
    await closeAttempt(ctx, existing, 'routing_changed')
  }
  return createQrAttempt(ctx, requireOrder(ctx, order.id), wallet, link)
}

/** Whether routing would make the same payment now: the wallet's mode, channel and merchant account. */
function stillRoutedTo(ctx: PaymentContext, order: OrderRow, attempt: AttemptRow, method: OptionMethod): boolean {
  const option = ctx.optionsFor(order, attempt.wallet).find((o) => o.wallet === attempt.wallet)
  if (!option?.available || !option.methods.includes(method)) return false
  const provider = ctx.providers.find(attempt.wallet, 'qr', option.mode)
  return provider?.key === attempt.provider && option.mode === attempt.mode && option.accountId === attempt.account_id
}

async function showQr(
  ctx: PaymentContext,
  attempt: AttemptRow,
  provider: PaymentProvider,
  qrContent: string,
): Promise<AttemptRow> {
  const shownAt = ctx.clock.now()
  // Its one check is its compare-and-set, the first write: one that loses writes nothing.
  const shown = ctx.events.unitOfWork(() => {
    if (!transitionAttempt(ctx.db, attempt.id, 'created', 'pending', shownAt, { qrContent })) return false
    ctx.events.append({
      type: 'payment.pending',
      orderId: attempt.order_id,
      attemptId: attempt.id,
      data: { wallet: attempt.wallet, expiresAt: toIso(attempt.expires_at) },
    })
    return true
  }, CHECKS_FIRST)
  if (!shown) {
    // Ended while the wallet was making the code (order paid or cancelled meanwhile): close it there too.
    await provider.close(attempt.id).catch((error: unknown) => {
      // Codes left open are closed by the sweep, which watches ended codes until after their deadline.
      ctx.log.warn({ attemptId: attempt.id, ...errorFields(error) }, 'closing a code that ended while made failed')
    })
    throw new EngineError('CONCURRENT_UPDATE', 'the payment changed meanwhile')
  }
  const shownRow: AttemptRow = { ...attempt }
  shownRow.status = 'pending'
  shownRow.qr_content = qrContent
  shownRow.pending_at = shownAt
  shownRow.updated_at = shownAt
  return shownRow
}

async function createCodePayment(ctx: PaymentContext, order: OrderRow, input: CodePaymentInput): Promise<AttemptRow> {
  const mark = ctx.events.mark()
  requirePayable(ctx, order)
  const settings = getRoutingSettings(ctx.db)
  const wallet = input.wallet ?? detectWalletFromCode(input.authCode, settings.paymentCodeRules)
  if (!wallet) {
    throw new EngineError('PAYMENT_CODE_UNRECOGNIZED', 'this payment code belongs to no wallet the console knows')
  }
  const option = requireOption(ctx, order, wallet, 'payment-code')
  const provider = requireChannel(ctx, wallet, 'payment-code', option)
  const attempt = startAttempt(ctx, order, {
    wallet,
    method: 'payment-code',
    provider: provider.key,
    mode: provider.mode,
    expiresAt: ctx.clock.now() + settings.paymentCodeTimeoutSeconds * 1000,
    accountId: option.accountId,
    merchantFeeFen: option.merchantFeeFen,
    paymentCodeMasked: maskPaymentCode(input.authCode),
  })
  // The wallet charges at once: the attempt must be on disk before the code is sent (and nothing this
  // operation wrote may have been lost meanwhile).
  await ctx.events.durable(mark)
  const charge = { authCode: input.authCode, description: describeOrder(ctx, order), option, provider, mark }
  try {
    return await sendPaymentCode(ctx, attempt, charge)
  } catch (error) {
    // The wallet may have moved money: "nothing was saved" would send the cashier to scan again.
    if (error instanceof EngineError && error.code === 'STORAGE_FAILED') {
      throw new EngineError(
        'PAYMENT_OUTCOME_UNKNOWN',
        'the wallet was asked to charge but its answer could not be saved: check the payment before scanning again',
      )
    }
    throw error
  }
}

interface CodeCharge {
  authCode: string
  description: string
  option: PaymentOption
  provider: PaymentProvider
  /** Where this operation's writes began: its answer waits until they are on disk. */
  mark: number
}

async function sendPaymentCode(ctx: PaymentContext, attempt: AttemptRow, charge: CodeCharge): Promise<AttemptRow> {
  const { provider, mark } = charge
  let trade: ProviderTrade
  try {
    trade = await provider.payWithCode({
      outTradeNo: attempt.id,
      wallet: attempt.wallet,
      authCode: charge.authCode,
      amountFen: attempt.amount_fen,
      description: charge.description,
      merchantId: merchantIdOf(ctx, charge.option, attempt.wallet),
    })
  } catch (error) {
    return settleUnknownCharge(ctx, attempt, mark, error)
  }
  ctx.events.unitOfWork(() => {
    if (transitionAttempt(ctx.db, attempt.id, 'created', 'pending', ctx.clock.now())) {
      ctx.events.append({
        type: 'payment.pending',
        orderId: attempt.order_id,
        attemptId: attempt.id,
        data: { wallet: attempt.wallet },
      })
    }
  })
  if (trade.state === 'PAYERROR') {
    // Declined in the wallet's own answer: final. Wallets ask for a reverse (cancel) only after a timeout or an
    // unknown outcome, so nothing is sent back to them.
    endAttempt(ctx, requireAttempt(ctx, attempt.id), 'failed', DECLINED)
  } else {
    await applyTrade(ctx, requireAttempt(ctx, attempt.id), trade)
  }
  await ctx.events.durable(mark)
  return requireAttempt(ctx, attempt.id)
}

/**
 * The outcome of a charge is unknown: the wallet may have charged. Ask, and reverse if not, so the order never
 * hangs; if the charge in fact went through, the cashier is told it was paid, not that the wallet failed.
 */
async function settleUnknownCharge(
  ctx: PaymentContext,
  attempt: AttemptRow,
  mark: number,
  error: unknown,
): Promise<AttemptRow> {
  ctx.log.warn({ attemptId: attempt.id, ...errorFields(error) }, 'payment code outcome unknown; asking the wallet')
  await closeAttempt(ctx, requireAttempt(ctx, attempt.id), 'UNKNOWN_OUTCOME').catch((closeError: unknown) => {
    // The attempt stays unfinished; the sweep asks the wallet again until it ends.
    ctx.log.warn({ attemptId: attempt.id, ...errorFields(closeError) }, 'reversing an unknown charge failed')
  })
  await ctx.events.durable(mark)
  const after = requireAttempt(ctx, attempt.id)
  if (after.status === 'succeeded') return after
  throw walletFailure(error, attempt.wallet, after.status === 'closed')
}

function createCash(ctx: PaymentContext, order: OrderRow, tenderedFen: number): AttemptRow {
  requirePayable(ctx, order)
  const option = requireOption(ctx, order, 'cash', 'cash')
  if (tenderedFen < order.total_fen) {
    throw new EngineError(
      'INSUFFICIENT_TENDER',
      `tendered ${tenderedFen} fen is less than the total ${order.total_fen} fen`,
    )
  }
  const attempt = startAttempt(ctx, order, {
    wallet: 'cash',
    method: 'cash',
    provider: 'cash',
    mode: option.mode,
    expiresAt: ctx.clock.now(),
    accountId: null,
    merchantFeeFen: 0,
    tenderedFen,
    changeFen: tenderedFen - order.total_fen,
  })
  const paidAt = ctx.clock.now()
  markSucceeded(ctx, attempt, {
    outTradeNo: attempt.id,
    state: 'SUCCESS',
    amountFen: attempt.amount_fen,
    providerTradeNo: null,
    paidAt,
  })
  return requireAttempt(ctx, attempt.id)
}

async function toCreated(attempt: AttemptRow, withSvg = true): Promise<CreatedPayment> {
  return {
    id: attempt.id,
    orderId: attempt.order_id,
    wallet: attempt.wallet,
    method: attempt.method,
    mode: attempt.mode,
    status: attempt.status,
    amountFen: attempt.amount_fen,
    qrContent: attempt.qr_content,
    qrSvg: attempt.qr_content && withSvg ? await qrSvg(attempt.qr_content) : null,
    expiresAt: toIso(attempt.expires_at),
    installments: attempt.installments,
    userPaying: attempt.user_paying === 1,
    failureCode: attempt.failure_code,
    tenderedFen: attempt.tendered_fen,
    changeFen: attempt.change_fen,
  }
}

/** The QR code as SVG. One byte-mode segment: URLs gain little from the segment optimiser, which costs half the time. */
export function qrSvg(content: string): Promise<string> {
  return QRCode.toString([{ data: Buffer.from(content, 'utf8'), mode: 'byte' }], {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 4,
  })
}
