import type { DiscrepancyAction, ReconciliationWallet } from '../../shared/api/reconciliationSchemas'
import type { DiscrepancyRow } from './queries'

export type Lang = 'zh-CN' | 'en-US'

type Facts = Record<string, unknown>

/** The case a discrepancy is, which decides both its words and what may be done about it in one click. */
type Case =
  | 'paid_there_unpaid_here'
  | 'paid_there_spare_here'
  | 'paid_there_unknown'
  | 'missing_payment_at_wallet'
  | 'missing_refund_at_wallet'
  | 'amount_payment'
  | 'amount_refund'
  | 'refund_pending_here'
  | 'refund_failed_here'
  | 'refund_unknown_here'
  | 'refund_unknown_trade'
  | 'fee'
  | 'other_account'

function caseOf(row: Pick<DiscrepancyRow, 'kind' | 'subject'>, facts: Facts): Case {
  switch (row.kind) {
    case 'missing_here':
      if (row.subject === 'refund') return 'refund_unknown_trade'
      if (!facts.known) return 'paid_there_unknown'
      return facts.spare ? 'paid_there_spare_here' : 'paid_there_unpaid_here'
    case 'missing_at_wallet':
      return row.subject === 'payment' ? 'missing_payment_at_wallet' : 'missing_refund_at_wallet'
    case 'amount_mismatch':
      return row.subject === 'payment' ? 'amount_payment' : 'amount_refund'
    case 'status_mismatch':
      if (facts.refundKnown === false) return 'refund_unknown_here'
      return facts.refundStatus === 'failed' ? 'refund_failed_here' : 'refund_pending_here'
    case 'fee_mismatch':
      return 'fee'
    case 'other_account':
      return 'other_account'
  }
}

const ACTIONS: Record<Case, DiscrepancyAction[]> = {
  paid_there_unpaid_here: ['query', 'explain'],
  paid_there_spare_here: ['refund', 'explain'],
  paid_there_unknown: ['explain'],
  missing_payment_at_wallet: ['query', 'explain'],
  missing_refund_at_wallet: ['query', 'explain'],
  amount_payment: ['query', 'explain'],
  amount_refund: ['query', 'explain'],
  refund_pending_here: ['query', 'explain'],
  refund_failed_here: ['explain'],
  refund_unknown_here: ['explain'],
  refund_unknown_trade: ['explain'],
  fee: ['explain'],
  other_account: ['explain'],
}

const WALLET_NAMES: Record<Lang, Record<ReconciliationWallet, string>> = {
  'zh-CN': { wechat: '微信支付', alipay: '支付宝' },
  'en-US': { wechat: 'WeChat Pay', alipay: 'Alipay' },
}

type Sentence = (wallet: string, facts: Facts) => string

const SUGGESTIONS: Record<Lang, Record<Case, Sentence>> = {
  'zh-CN': {
    paid_there_unpaid_here: (w) => `顾客已在${w}付款，本机记为未付：点“查询并入账”向${w}核实后记入本单。`,
    paid_there_spare_here: (w) => `顾客已在${w}付款，但订单已取消或已用其他方式付清：点“退款”原路退还顾客。`,
    paid_there_unknown: (w) =>
      `${w}账单有这笔收款，本机没有这个订单号：可能来自同一商户号下的其他收银系统，核实后备注说明。`,
    missing_payment_at_wallet: (w) => `本机记为已收款，${w}账单中没有：点“查询”向${w}核实这笔交易。`,
    missing_refund_at_wallet: (w) => `本机记为已退款，${w}账单中没有：点“查询”向${w}核实退款结果。`,
    amount_payment: (w) => `金额与${w}账单不符：点“查询”核实实付金额，多收或少收请联系顾客处理。`,
    amount_refund: (w) => `退款金额与${w}账单不符：点“查询”核实退款结果。`,
    refund_pending_here: (w) => `${w}已完成退款，本机仍在处理中：点“查询”更新退款结果。`,
    refund_failed_here: (w) => `${w}已完成退款，本机记为退款失败：钱已退给顾客，请勿重试退款，备注说明即可。`,
    refund_unknown_here: (w) => `${w}有一笔本机没有发起的退款：核实是否在商户平台手工退款，并备注说明。`,
    refund_unknown_trade: (w) => `${w}账单有一笔退款，本机没有对应的订单：核实后备注说明。`,
    fee: (w, f) =>
      `${w}收取的手续费与设置的费率不符${typeof f.rate === 'string' ? `（${f.rate}）` : ''}：核对签约费率，必要时在设置中修改费率。`,
    other_account: (w, f) => `款项结算到了另一个${w}商户号（${String(f.theirMerchantId ?? '')}）：核对收款账户设置。`,
  },
  'en-US': {
    paid_there_unpaid_here: (w) =>
      `The customer paid at ${w} but this order is unpaid here: press "Query and record" to confirm with ${w}.`,
    paid_there_spare_here: (w) =>
      `The customer paid at ${w} but the order was cancelled or paid another way: press "Refund" to return the money.`,
    paid_there_unknown: (w) =>
      `${w} took this payment but no order here has its number: it may come from another system on the same merchant account; check and add a note.`,
    missing_payment_at_wallet: (w) => `Paid here but not on ${w}'s bill: press "Query" to check the trade with ${w}.`,
    missing_refund_at_wallet: (w) =>
      `Refunded here but not on ${w}'s bill: press "Query" to check the refund with ${w}.`,
    amount_payment: (w) =>
      `The amount differs from ${w}'s bill: press "Query" to check what was paid; settle any difference with the customer.`,
    amount_refund: (w) => `The refund amount differs from ${w}'s bill: press "Query" to check the refund.`,
    refund_pending_here: (w) =>
      `${w} completed the refund while it is still under way here: press "Query" to update it.`,
    refund_failed_here: (w) =>
      `${w} completed a refund recorded here as failed: the customer has the money; do not retry, add a note.`,
    refund_unknown_here: (w) =>
      `${w} made a refund not started here: check whether it was made on the merchant platform, and add a note.`,
    refund_unknown_trade: (w) => `${w}'s bill has a refund of no order here: check it and add a note.`,
    fee: (w) => `${w}'s fee differs from the rate set here: check the contracted rate and correct it in settings.`,
    other_account: (w, f) =>
      `The money settled to another ${w} merchant account (${String(f.theirMerchantId ?? '')}): check the account settings.`,
  },
}

export function describeDiscrepancy(
  row: Pick<DiscrepancyRow, 'kind' | 'subject' | 'facts'>,
  wallet: ReconciliationWallet,
  lang: Lang,
): { suggestedAction: string; actions: DiscrepancyAction[] } {
  const facts = JSON.parse(row.facts) as Facts
  const which = caseOf(row, facts)
  return { suggestedAction: SUGGESTIONS[lang][which](WALLET_NAMES[lang][wallet], facts), actions: ACTIONS[which] }
}

const REASONS: Record<Lang, Record<string, string>> = {
  'zh-CN': {
    too_early: '账单尚未生成：钱包在次日 10:00 后提供前一天的账单。',
    creating: '钱包正在生成账单，稍后再试。',
    no_statement: '钱包没有这一天的账单（当天没有交易）。',
    no_downloads: '当前模式下这个钱包不能下载账单：请导入从商户平台下载的账单文件。',
  },
  'en-US': {
    too_early: "The bill is not ready yet: wallets publish a day's bill after 10:00 the next day.",
    creating: 'The wallet is still preparing the bill; try again later.',
    no_statement: 'The wallet has no bill for this day (no trades that day).',
    no_downloads:
      'This wallet cannot download bills in its current mode: import the file saved from the merchant platform.',
  },
}

/** Why a run has no bill, in words; the stored reason is a code, or the wallet's own message after `:`. */
export function describeReason(reason: string | null, lang: Lang): string | null {
  if (reason === null) return null
  const [code = '', ...rest] = reason.split(':')
  return (
    REASONS[lang][code] ??
    (lang === 'zh-CN' ? `下载失败：${rest.join(':') || code}` : `Download failed: ${rest.join(':') || code}`)
  )
}
