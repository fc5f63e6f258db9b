import { formatFen } from '../../shared/money'
import type { WalletId } from '../../shared/wallets'
import type { Landing, LandingOrder } from '../../engine/payments/aggregate'
import { escapeHtml, pageShell, type PageLocale } from './html'
import { WALLET_NAMES, walletLogo } from './wallets'

const TEXT = {
  'zh-CN': {
    title: '付款',
    choose: '选择付款方式',
    unavailable: (wallet: string) => `本单不支持${wallet}`,
    unavailableHint: '请使用以下方式之一扫码付款：',
    paid: '本单已支付',
    paidHint: '无需再次付款',
    expired: '付款码已失效',
    expiredHint: '请让收银员重新生成付款码',
    notFound: '付款码无效',
    notFoundHint: '请确认扫描的是本店的付款码',
  },
  'en-US': {
    title: 'Pay',
    choose: 'Choose how to pay',
    unavailable: (wallet: string) => `${wallet} cannot pay this order`,
    unavailableHint: 'Scan with one of these instead:',
    paid: 'This order is paid',
    paidHint: 'Nothing more to pay',
    expired: 'This code has expired',
    expiredHint: 'Ask the cashier for a new code',
    notFound: 'Invalid payment code',
    notFoundHint: 'Please scan a code shown by this store',
  },
} as const

function orderCard(order: LandingOrder, merchant: string): string {
  const items = order.lines.length
    ? `<ul class="items">${order.lines
        .map(
          (l) =>
            `<li><span>${escapeHtml(l.name)} ×${l.quantity}</span><span>${escapeHtml(formatFen(l.amountFen))}</span></li>`,
        )
        .join('')}</ul>`
    : order.description
      ? `<p class="description">${escapeHtml(order.description)}</p>`
      : ''
  return `<section class="card pay">
<p class="payee">${escapeHtml(merchant)}</p>
<p class="amount" data-testid="landing-amount">${escapeHtml(formatFen(order.totalFen))}</p>
${items}
</section>`
}

function walletButtons(token: string, wallets: WalletId[], locale: PageLocale): string {
  return wallets
    .map(
      (
        wallet,
      ) => `<form method="post" action="/pay/${encodeURIComponent(token)}/choose?lang=${locale}" class="wallet-${wallet}">
<input type="hidden" name="wallet" value="${wallet}">
<button type="submit" class="wallet-button" data-wallet="${wallet}">${walletLogo(wallet)}${escapeHtml(
        WALLET_NAMES[locale][wallet] ?? wallet,
      )}</button>
</form>`,
    )
    .join('\n')
}

function message(kind: 'ok' | 'info' | 'fail', title: string, hint: string): string {
  return `<section class="card message ${kind}"><div class="message-icon" aria-hidden="true"></div>
<h1 data-testid="landing-message">${escapeHtml(title)}</h1><p class="hint">${escapeHtml(hint)}</p></section>`
}

/** The all-wallets code's page for a visitor the console could not send straight to a wallet. */
export function renderLandingPage(
  landing: Exclude<Landing, { kind: 'redirect' }>,
  token: string,
  merchant: string,
  locale: PageLocale,
): string {
  const t = TEXT[locale]
  const header = `<header class="store-header">${escapeHtml(merchant)}</header>`
  let main: string
  switch (landing.kind) {
    case 'choose':
      main = `${orderCard(landing.order, merchant)}<div class="choose"><h2>${escapeHtml(t.choose)}</h2>${walletButtons(token, landing.wallets, locale)}</div>`
      break
    case 'wallet_unavailable':
      main = `${message('info', t.unavailable(WALLET_NAMES[locale][landing.wallet] ?? landing.wallet), t.unavailableHint)}
<div class="choose">${walletButtons(token, landing.wallets, locale)}</div>`
      break
    case 'paid':
      main = message('ok', t.paid, t.paidHint)
      break
    case 'expired':
      main = message('info', t.expired, t.expiredHint)
      break
    case 'not_found':
      main = message('fail', t.notFound, t.notFoundHint)
      break
  }
  return pageShell({ locale, title: t.title, bodyClass: 'landing', body: `${header}<main>${main}</main>` })
}
