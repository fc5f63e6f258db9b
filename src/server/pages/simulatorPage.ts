import type { InstallmentPlan } from '../../shared/installments'
import { formatFen } from '../../shared/money'
import type { WalletId } from '../../shared/wallets'
import { escapeHtml, pageShell, type PageLocale } from './html'
import { WALLET_BRAND_CSS, WALLET_NAMES, walletLogo } from './wallets'

const TEXT = {
  'zh-CN': {
    simulatorBanner: '模拟钱包 · 演示用，不会真实扣款',
    plan: {
      title: (n: number) => `花呗分 ${n} 期`,
      perPeriod: '每期应还',
      firstThen: (first: string, later: string) => `首期 ${first}，其余每期 ${later}`,
      yourFee: '你承担的分期手续费',
      rate: (rate: string) => `费率 ${rate}`,
      interestFree: '免息',
      merchantFee: '商户承担的分期手续费',
      youPayNone: '你无需支付',
      total: '共需还款',
      note: (value: string, note: string) => `${value}（${note}）`,
    },
    walletName: WALLET_NAMES['zh-CN'],
    payTo: '付款给',
    confirm: '确认支付',
    cancel: '取消',
    paid: '支付成功',
    paidHint: '商户已收到付款',
    declined: '支付失败',
    declinedHint: '银行卡被拒绝，请换一种方式支付',
    cancelled: '已取消支付',
    cancelledHint: '如需付款，请重新扫码',
    closed: '二维码已失效',
    closedHint: '请让收银员重新生成收款码',
    notFound: '收款码无效',
    notFoundHint: '请确认扫描的是本店的收款码',
    wrongApp: {
      wechat: '请使用微信扫一扫',
      alipay: '请使用支付宝扫一扫',
      huabei: '请使用支付宝扫一扫',
      unionpay: '请使用云闪付扫一扫',
      jdpay: '请使用京东扫一扫',
      ecny: '请使用数字人民币App扫一扫',
    } as Record<string, string>,
    wrongAppHint: {
      wechat: '这是微信支付收款码，请打开微信扫码支付',
      alipay: '这是支付宝收款码，请打开支付宝扫码支付',
      huabei: '这是花呗分期收款码，请打开支付宝扫码支付',
      unionpay: '这是云闪付收款码，请打开云闪付扫码支付',
      jdpay: '这是京东支付收款码，请打开京东扫码支付',
      ecny: '这是数字人民币收款码，请打开数字人民币App扫码支付',
    } as Record<string, string>,
  },
  'en-US': {
    simulatorBanner: 'Simulator wallet · demo only, no real money moves',
    plan: {
      title: (n: number) => `Huabei in ${n} installments`,
      perPeriod: 'Each installment',
      firstThen: (first: string, later: string) => `First ${first}, then ${later} each`,
      yourFee: 'Your installment fee',
      rate: (rate: string) => `${rate} rate`,
      interestFree: 'interest-free',
      merchantFee: 'Installment fee paid by the merchant',
      youPayNone: 'you pay none of it',
      total: 'You repay in total',
      note: (value: string, note: string) => `${value} (${note})`,
    },
    walletName: WALLET_NAMES['en-US'],
    payTo: 'Pay to',
    confirm: 'Confirm payment',
    cancel: 'Cancel',
    paid: 'Payment successful',
    paidHint: 'The merchant has received your payment',
    declined: 'Payment failed',
    declinedHint: 'Your card was declined. Please try another way to pay',
    cancelled: 'Payment cancelled',
    cancelledHint: 'Scan the code again to pay',
    closed: 'This code has expired',
    closedHint: 'Ask the cashier for a new code',
    notFound: 'Invalid payment code',
    notFoundHint: 'Please scan a code shown by this store',
    wrongApp: {
      wechat: 'Scan with WeChat',
      alipay: 'Scan with Alipay',
      huabei: 'Scan with Alipay',
      unionpay: 'Scan with UnionPay QuickPass',
      jdpay: 'Scan with JD',
      ecny: 'Scan with the e-CNY app',
    } as Record<string, string>,
    wrongAppHint: {
      wechat: 'This is a WeChat Pay code: open WeChat and scan it',
      alipay: 'This is an Alipay code: open Alipay and scan it',
      huabei: 'This is a Huabei installment code: open Alipay and scan it',
      unionpay: 'This is a QuickPass code: open UnionPay QuickPass and scan it',
      jdpay: 'This is a JD Pay code: open the JD app and scan it',
      ecny: 'This is an e-CNY code: open the e-CNY app and scan it',
    } as Record<string, string>,
  },
} as const

export type SimulatorPageState =
  | {
      kind: 'confirm'
      token: string
      wallet: WalletId
      amountFen: number
      merchant: string
      description: string
      /** Huabei: the installment plan the customer is agreeing to. */
      plan?: InstallmentPlan | null
    }
  | {
      kind: 'result'
      wallet: WalletId
      amountFen: number
      result: 'paid' | 'declined' | 'cancelled' | 'closed'
      plan?: InstallmentPlan | null
    }
  | { kind: 'wrong_app'; wallet: WalletId }
  | { kind: 'not_found' }

function header(locale: PageLocale, wallet: WalletId): string {
  const t = TEXT[locale]
  return `<header class="wallet-header">${walletLogo(wallet)}<span class="wallet-title">${escapeHtml(
    t.walletName[wallet] ?? wallet,
  )}</span></header>
<p class="sim-banner">${escapeHtml(t.simulatorBanner)}</p>`
}

function message(icon: 'ok' | 'fail' | 'info', title: string, hint: string, amountFen?: number, extra = ''): string {
  return `<section class="card message ${icon}">
<div class="message-icon" aria-hidden="true"></div>
<h1 data-testid="sim-message">${escapeHtml(title)}</h1>
${amountFen !== undefined ? `<p class="amount">${escapeHtml(formatFen(amountFen))}</p>` : ''}
<p class="hint">${escapeHtml(hint)}</p>${extra}
</section>`
}

/** 450 basis points → 4.5%. */
function formatRate(rateBp: number): string {
  return `${(rateBp / 100).toFixed(2).replace(/\.?0+$/, '')}%`
}

function planRow(testId: string, label: string, value: string): string {
  return `<li data-testid="${testId}"><span>${escapeHtml(label)}</span><span>${escapeHtml(value)}</span></li>`
}

/**
 * What a Huabei customer agrees to: the number of periods, what each costs, the fee they bear themselves
 * (named apart from any fee the merchant bears for them) and what they repay in all.
 */
function installmentPlan(plan: InstallmentPlan | null | undefined, locale: PageLocale): string {
  if (!plan) return ''
  const t = TEXT[locale].plan
  const first = formatFen(plan.firstPeriodFen)
  const later = formatFen(plan.laterPeriodFen)
  const yourFeeFen = plan.feeBearer === 'customer' ? plan.feeFen : 0
  const yourFee =
    yourFeeFen > 0
      ? t.note(formatFen(yourFeeFen), t.rate(formatRate(plan.feeRateBp)))
      : t.note(formatFen(0), t.interestFree)
  const rows = [
    planRow('sim-plan-period', t.perPeriod, first === later ? later : t.firstThen(first, later)),
    planRow('sim-plan-customer-fee', t.yourFee, yourFee),
    plan.merchantFeeFen > 0
      ? planRow('sim-plan-merchant-fee', t.merchantFee, t.note(formatFen(plan.merchantFeeFen), t.youPayNone))
      : '',
    planRow('sim-plan-total', t.total, formatFen(plan.customerTotalFen)),
  ]
  return `<div class="plan" data-testid="sim-plan" data-periods="${plan.periods}">
<h2>${escapeHtml(t.title(plan.periods))}</h2>
<ul class="items">${rows.join('')}</ul>
</div>`
}

export function renderSimulatorPage(state: SimulatorPageState, locale: PageLocale): string {
  const t = TEXT[locale]
  const langQuery = `?lang=${locale}`
  if (state.kind === 'not_found') {
    return pageShell({
      locale,
      title: t.notFound,
      bodyClass: 'wallet-generic',
      body: `<main>${message('fail', t.notFound, t.notFoundHint)}</main>`,
    })
  }
  const bodyClass = `wallet-${state.wallet}`
  if (state.kind === 'wrong_app') {
    return pageShell({
      locale,
      title: t.wrongApp[state.wallet] ?? '',
      bodyClass: 'wallet-generic',
      body: `<main>${message('info', t.wrongApp[state.wallet] ?? '', t.wrongAppHint[state.wallet] ?? '')}</main>`,
    })
  }
  if (state.kind === 'result') {
    const view = {
      paid: ['ok', t.paid, t.paidHint],
      declined: ['fail', t.declined, t.declinedHint],
      cancelled: ['info', t.cancelled, t.cancelledHint],
      closed: ['info', t.closed, t.closedHint],
    } as const
    const [icon, title, hint] = view[state.result]
    return pageShell({
      locale,
      title,
      bodyClass,
      body: `${header(locale, state.wallet)}<main>${message(
        icon,
        title,
        hint,
        state.amountFen,
        installmentPlan(state.plan, locale),
      )}</main>`,
    })
  }
  const action = `/sim/pay/${encodeURIComponent(state.token)}`
  return pageShell({
    locale,
    title: t.walletName[state.wallet] ?? state.wallet,
    bodyClass,
    body: `${header(locale, state.wallet)}
<main>
<section class="card pay">
<p class="payee">${escapeHtml(t.payTo)} <strong>${escapeHtml(state.merchant)}</strong></p>
<p class="amount" data-testid="sim-amount">${escapeHtml(formatFen(state.amountFen))}</p>
<p class="description">${escapeHtml(state.description)}</p>
${installmentPlan(state.plan, locale)}
</section>
<form method="post" action="${action}/confirm${langQuery}">
<button type="submit" class="confirm">${escapeHtml(t.confirm)}</button>
</form>
<form method="post" action="${action}/cancel${langQuery}">
<button type="submit" class="cancel">${escapeHtml(t.cancel)}</button>
</form>
</main>`,
  })
}

export const SIMULATOR_CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:-apple-system,BlinkMacSystemFont,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif;background:#f2f2f2;color:#191919;min-height:100vh}
.wallet-header{display:flex;align-items:center;gap:10px;padding:14px 18px;color:#fff;font-size:18px;font-weight:600}
body{--brand:#ff5000}
${WALLET_BRAND_CSS}
.wallet-header{background:var(--brand)}
.wallet-logo{width:28px;height:28px;border-radius:8px;background:#fff;color:var(--brand);display:inline-flex;align-items:center;justify-content:center;font-size:17px;font-weight:700}
.sim-banner{margin:0;padding:8px 18px;background:#fff3cd;color:#8a6100;font-size:13px;border-bottom:1px solid #f3dd9b}
main{max-width:480px;margin:0 auto;padding:18px}
.card{background:#fff;border-radius:12px;padding:28px 20px;text-align:center;box-shadow:0 1px 2px rgba(0,0,0,.04)}
.payee{margin:0;color:#666;font-size:15px}
.amount{margin:14px 0 6px;font-size:40px;font-weight:700;letter-spacing:.5px}
.description{margin:0;color:#666;font-size:14px}
form{margin-top:16px}
button{width:100%;border:0;border-radius:10px;padding:15px;font-size:17px;font-weight:600;cursor:pointer}
.confirm{color:#fff}
.confirm{background:var(--brand)}
.cancel{background:transparent;color:#576b95;font-weight:400;padding:10px}
.message h1{font-size:22px;margin:14px 0 4px}
.message .hint{color:#666;font-size:14px;margin:8px 0 0}
.message-icon{width:64px;height:64px;border-radius:50%;margin:0 auto;position:relative}
.ok .message-icon{background:var(--brand)}
.store-header{background:linear-gradient(90deg,#ff7a00,#ff5000);color:#fff;padding:16px 18px;font-size:18px;font-weight:600}
.items{list-style:none;margin:14px 0 0;padding:12px 0 0;border-top:1px dashed #e5e5e5;text-align:left;font-size:14px;color:#555}
.items li{display:flex;justify-content:space-between;padding:3px 0}
.choose{margin-top:16px;display:grid;gap:10px}
.plan{margin-top:16px}
.plan h2{margin:0;font-size:16px;font-weight:600;color:#191919}
.plan .items{margin-top:10px;color:#333;font-size:15px}
.plan .items li{gap:12px;padding:5px 0}
.plan .items li span:last-child{font-weight:600;text-align:right;font-variant-numeric:tabular-nums}
.choose h2{font-size:15px;color:#666;font-weight:400;margin:0 0 2px}
.wallet-button{display:flex;align-items:center;gap:12px;background:#fff;color:#191919;border:1px solid #eee;border-radius:12px;padding:14px 16px;font-size:17px;font-weight:500;text-align:left}
.wallet-button .wallet-logo{background:var(--brand);color:#fff}
.ok .message-icon::after{content:"";position:absolute;left:22px;top:14px;width:14px;height:26px;border:solid #fff;border-width:0 5px 5px 0;transform:rotate(45deg)}
.fail .message-icon{background:#fa5151}
.fail .message-icon::after,.info .message-icon::after{content:"!";position:absolute;inset:0;color:#fff;font-size:40px;font-weight:700;line-height:64px}
.info .message-icon{background:#ffb100}
`
