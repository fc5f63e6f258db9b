import { formatFen } from '../../shared/money'
import type { WalletId } from '../../shared/wallets'
import type { FriendPage } from '../../engine/friendPay/service'
import { escapeHtml, type PageLocale } from './html'
import { WALLET_NAMES, walletLogo } from './wallets'

const TEXT = {
  'zh-CN': {
    title: '找朋友帮忙付',
    asks: (name: string) => `${name} 请你帮忙付款`,
    asksUnnamed: '有人请你帮忙付款，确认身份后显示请求人',
    message: '留言',
    deadline: '请在以下时间前付款',
    remaining: '剩余',
    warning: '谨防诈骗：只为你认识并确认过身份的人付款。不要相信“刷单返利”“退款理赔”等要求你代付的说法。',
    verifyInitial: '为确认你认识对方，请输入付款请求人姓名的第一个字',
    verifyPhone: '此请求指定了付款人，请输入你的手机号',
    answer: '答案',
    verify: '确认',
    wrong: (left: number) => `答案不正确，还可尝试 ${left} 次`,
    wrongPhone: (left: number) => `手机号不正确，还可尝试 ${left} 次`,
    payWith: '选择付款方式',
    paidTitle: '付款成功',
    paidHint: '谢谢你的帮助！商户已收到付款。',
    paidBy: '付款方式',
    paidAt: '付款时间（北京时间）',
    expiredTitle: '付款请求已过期',
    expiredHint: '请联系请求人重新发起',
    cancelledTitle: '付款请求已取消',
    cancelledHint: '无需付款',
    lockedTitle: '付款请求已锁定',
    lockedHint: '答错次数过多。为保护你的资金，此链接已停止收款，请联系请求人重新发起。',
    notFoundTitle: '链接无效',
    notFoundHint: '请检查链接是否完整，或输入口令',
    codeTitle: '输入付款口令',
    codeHint: '在聊天中收到的 8 位口令，例如',
    codeButton: '打开付款请求',
    codeWrong: '口令无效，请检查后重新输入',
    codeLimited: '尝试次数过多，请稍后再试',
    noWallet: '暂无可用的付款方式',
    items: '商品',
    merchant: '商户',
  },
  'en-US': {
    title: 'Pay for a friend',
    asks: (name: string) => `${name} asks you to help pay`,
    asksUnnamed: 'Someone asks you to help pay; confirm who they are to see their name',
    message: 'Message',
    deadline: 'Please pay before',
    remaining: 'Time left',
    warning:
      'Beware of fraud: only pay for people you know and have confirmed. Never pay for "task rebates" or "refund claims" strangers ask you to pay.',
    verifyInitial: "To confirm you know them, enter the first character of the requester's name",
    verifyPhone: 'This request names its payer: enter your mobile number',
    answer: 'Answer',
    verify: 'Confirm',
    wrong: (left: number) => `That is not right. ${left} tries left`,
    wrongPhone: (left: number) => `That phone number doesn't match. ${left} tries left`,
    payWith: 'Choose how to pay',
    paidTitle: 'Payment successful',
    paidHint: 'Thank you for helping! The merchant has received the payment.',
    paidBy: 'Paid with',
    paidAt: 'Paid at (Beijing time)',
    expiredTitle: 'This request has expired',
    expiredHint: 'Ask the requester to send a new one',
    cancelledTitle: 'This request was cancelled',
    cancelledHint: 'Nothing to pay',
    lockedTitle: 'This request is locked',
    lockedHint:
      'Too many wrong answers. To protect your money this link no longer takes payments; ask the requester for a new one.',
    notFoundTitle: 'Invalid link',
    notFoundHint: 'Check that the link is complete, or enter the pay code',
    codeTitle: 'Enter the pay code',
    codeHint: 'The 8-character code you received in a chat, e.g.',
    codeButton: 'Open the request',
    codeWrong: 'Unknown pay code: check it and try again',
    codeLimited: 'Too many tries: please wait a few minutes',
    noWallet: 'No way to pay is available',
    items: 'Items',
    merchant: 'Merchant',
  },
} as const

export function friendPageShell(locale: PageLocale, title: string, body: string): string {
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/sim/assets/wallet.css">
<script src="/f/assets/countdown.js" defer></script>
</head>
<body class="landing friend">
${body}
</body>
</html>`
}

function message(kind: 'ok' | 'info' | 'fail', title: string, hint: string, extra = ''): string {
  return `<section class="card message ${kind}"><div class="message-icon" aria-hidden="true"></div>
<h1 data-testid="friend-message">${escapeHtml(title)}</h1><p class="hint">${escapeHtml(hint)}</p>${extra}</section>`
}

function header(merchant: string): string {
  return `<header class="store-header">${escapeHtml(merchant)}</header>`
}

/** Beijing time, as every date on these pages is shown. */
function beijingTime(at: number, locale: PageLocale): string {
  return new Date(at).toLocaleString(locale, { timeZone: 'Asia/Shanghai', hour12: false })
}

/**
 * Who asks, in the one masked form (王**). Where the friend must type the requester's first character, even
 * the surname stays hidden until they have: showing it would give the answer away.
 */
function requesterLine(page: FriendPage, verified: boolean, locale: PageLocale): string {
  const t = TEXT[locale]
  const hidden = page.request.mode === 'name-initial' && !verified
  return hidden ? t.asksUnnamed : t.asks(page.requesterMasked)
}

function orderSummary(page: FriendPage, verified: boolean, locale: PageLocale): string {
  const t = TEXT[locale]
  const { request, lines } = page
  const items = lines.length
    ? `<ul class="items">${lines
        .map(
          (l) =>
            `<li><span>${escapeHtml(l.name)} ×${l.quantity}</span><span>${escapeHtml(formatFen(l.amountFen))}</span></li>`,
        )
        .join('')}</ul>`
    : page.order.description
      ? `<p class="description">${escapeHtml(page.order.description)}</p>`
      : ''
  const deadlineText = beijingTime(request.expires_at, locale)
  return `<section class="card pay">
<p class="payee" data-testid="friend-requester">${escapeHtml(requesterLine(page, verified, locale))}</p>
<p class="amount" data-testid="friend-amount">${escapeHtml(formatFen(request.amount_fen))}</p>
${request.message ? `<p class="friend-note"><span>${escapeHtml(t.message)}：</span>${escapeHtml(request.message)}</p>` : ''}
${items}
<p class="deadline">${escapeHtml(t.deadline)} ${escapeHtml(deadlineText)}<br>
<span>${escapeHtml(t.remaining)} </span><span data-testid="friend-countdown" data-deadline="${request.expires_at}"></span></p>
</section>
<p class="fraud-warning" data-testid="fraud-warning">${escapeHtml(t.warning)}</p>`
}

function walletButtons(ref: string, wallets: WalletId[], proof: string | null, locale: PageLocale): string {
  const t = TEXT[locale]
  if (!wallets.length) return `<p class="hint">${escapeHtml(t.noWallet)}</p>`
  return `<div class="choose"><h2>${escapeHtml(t.payWith)}</h2>${wallets
    .map(
      (
        wallet,
      ) => `<form method="post" action="/f/${encodeURIComponent(ref)}/pay?lang=${locale}" class="wallet-${wallet}">
<input type="hidden" name="wallet" value="${wallet}">${proof ? `<input type="hidden" name="proof" value="${escapeHtml(proof)}">` : ''}
<button type="submit" class="wallet-button" data-wallet="${wallet}">${walletLogo(wallet)}${escapeHtml(
        WALLET_NAMES[locale][wallet] ?? wallet,
      )}</button>
</form>`,
    )
    .join('\n')}</div>`
}

/** A wrong answer to the verification question: how many tries are left, and what was typed. */
export interface WrongAnswer {
  triesLeft: number
  answer: string
}

function verificationForm(ref: string, page: FriendPage, locale: PageLocale, wrong: WrongAnswer | null): string {
  const t = TEXT[locale]
  const designated = page.request.mode === 'designated'
  const error = wrong ? (designated ? t.wrongPhone : t.wrong)(wrong.triesLeft) : null
  return `<form method="post" action="/f/${encodeURIComponent(ref)}/verify?lang=${locale}" class="card verify">
<label for="answer">${escapeHtml(designated ? t.verifyPhone : t.verifyInitial)}</label>
<input id="answer" name="answer" data-testid="friend-answer" autocomplete="off" required maxlength="${designated ? 20 : 4}" ${
    designated ? 'inputmode="tel"' : ''
  } value="${escapeHtml(wrong?.answer ?? '')}"${error ? ' aria-invalid="true" aria-describedby="answer-error"' : ''}>
${error ? `<p class="error" id="answer-error" data-testid="friend-error" role="alert">${escapeHtml(error)}</p>` : ''}
<button type="submit" class="confirm">${escapeHtml(t.verify)}</button>
</form>`
}

export type FriendView =
  | { kind: 'open'; ref: string; page: FriendPage; proof: string | null; wrong: WrongAnswer | null }
  | { kind: 'paid'; page: FriendPage; paidWallet: WalletId | null }
  | { kind: 'expired' | 'cancelled' | 'locked' | 'not_found' }
  | { kind: 'code_entry'; error: 'wrong' | 'limited' | null; code?: string }

/** The friend's phone-sized page; amounts and items always come from the server's books. */
export function renderFriendPage(view: FriendView, merchant: string, locale: PageLocale): string {
  const t = TEXT[locale]
  switch (view.kind) {
    case 'open': {
      const needsVerification = view.page.request.mode !== 'open' && !view.proof
      const body = `${header(merchant)}<main>${orderSummary(view.page, !needsVerification, locale)}${
        needsVerification
          ? verificationForm(view.ref, view.page, locale, view.wrong)
          : walletButtons(view.ref, view.page.wallets, view.proof, locale)
      }</main>`
      return friendPageShell(locale, t.title, body)
    }
    case 'paid': {
      const wallet = view.paidWallet ? (WALLET_NAMES[locale][view.paidWallet] ?? view.paidWallet) : ''
      const paidAt = view.page.request.paid_at
      const receipt = `<ul class="items"><li><span>${escapeHtml(t.merchant)}</span><span>${escapeHtml(merchant)}</span></li>
<li><span>${escapeHtml(t.paidBy)}</span><span>${escapeHtml(wallet)}</span></li>
${paidAt === null ? '' : `<li><span>${escapeHtml(t.paidAt)}</span><span data-testid="friend-paid-at">${escapeHtml(beijingTime(paidAt, locale))}</span></li>`}
${view.page.lines.map((l) => `<li><span>${escapeHtml(l.name)} ×${l.quantity}</span><span>${escapeHtml(formatFen(l.amountFen))}</span></li>`).join('')}</ul>
<p class="amount">${escapeHtml(formatFen(view.page.request.amount_fen))}</p>`
      return friendPageShell(
        locale,
        t.paidTitle,
        `${header(merchant)}<main>${message('ok', t.paidTitle, t.paidHint, receipt)}</main>`,
      )
    }
    case 'expired':
      return friendPageShell(
        locale,
        t.expiredTitle,
        `${header(merchant)}<main>${message('info', t.expiredTitle, t.expiredHint)}</main>`,
      )
    case 'cancelled':
      return friendPageShell(
        locale,
        t.cancelledTitle,
        `${header(merchant)}<main>${message('info', t.cancelledTitle, t.cancelledHint)}</main>`,
      )
    case 'locked':
      return friendPageShell(
        locale,
        t.lockedTitle,
        `${header(merchant)}<main>${message('fail', t.lockedTitle, t.lockedHint)}</main>`,
      )
    case 'not_found':
      return friendPageShell(
        locale,
        t.notFoundTitle,
        `${header(merchant)}<main>${message('fail', t.notFoundTitle, t.notFoundHint)}${codeForm(locale, null, '')}</main>`,
      )
    case 'code_entry':
      return friendPageShell(
        locale,
        t.codeTitle,
        `${header(merchant)}<main>${codeForm(locale, view.error, view.code ?? '')}</main>`,
      )
  }
}

/** The pay-code form; after a wrong code what was typed stays, so one mistyped character is fixed in place. */
function codeForm(locale: PageLocale, error: 'wrong' | 'limited' | null, typed: string): string {
  const t = TEXT[locale]
  const errorText = error === 'wrong' ? t.codeWrong : error === 'limited' ? t.codeLimited : null
  return `<form method="post" action="/f/code?lang=${locale}" class="card verify code-entry">
<h1 class="code-title"><label for="code" data-testid="pay-code-title">${escapeHtml(t.codeTitle)}</label></h1>
<p class="code-hint" id="code-hint">${escapeHtml(t.codeHint)} <span class="nowrap" data-testid="pay-code-example">7K3M-Q9PD</span></p>
<input id="code" name="code" data-testid="pay-code-input" autocomplete="off" required maxlength="12" autocapitalize="characters" value="${escapeHtml(typed)}" aria-describedby="code-hint${errorText ? ' code-error' : ''}"${errorText ? ' aria-invalid="true"' : ''}>
${errorText ? `<p class="error" id="code-error" data-testid="pay-code-error" role="alert">${escapeHtml(errorText)}</p>` : ''}
<button type="submit" class="confirm">${escapeHtml(t.codeButton)}</button>
</form>`
}

/** Counts down to every `[data-deadline]` (ms since epoch) on the page. */
export const COUNTDOWN_JS = `(() => {
  const tick = () => {
    for (const el of document.querySelectorAll('[data-deadline]')) {
      const left = Math.max(0, Number(el.getAttribute('data-deadline')) - Date.now())
      const s = Math.floor(left / 1000)
      const pad = (n) => String(n).padStart(2, '0')
      el.textContent = pad(Math.floor(s / 3600)) + ':' + pad(Math.floor((s % 3600) / 60)) + ':' + pad(s % 60)
    }
  }
  tick()
  setInterval(tick, 1000)
})()
`

export const FRIEND_CSS = `
.friend .fraud-warning{background:#fff7e0;border:1px solid #ffd666;color:#7a4f00;border-radius:10px;padding:12px 14px;font-size:14px;line-height:1.6;margin:14px 0 0}
.friend .friend-note{margin:8px 0 0;color:#555;font-size:14px}
.friend .deadline{margin:14px 0 0;color:#595959;font-size:14px;line-height:1.7}
.friend .message .hint{color:#595959}
.friend .nowrap{white-space:nowrap}
.friend .code-title{margin:0;font-size:22px;font-weight:700;color:#191919}
.friend .verify .code-title label{font-size:inherit;color:inherit}
.friend .code-hint{margin:0;color:#595959;font-size:14px;line-height:1.6}
.friend .deadline [data-deadline]{font-variant-numeric:tabular-nums;color:#ff5000;font-weight:600}
.friend .verify{margin-top:16px;text-align:left;display:grid;gap:10px;--brand:#ff5000}
.friend .verify label{font-size:15px;color:#333}
.friend .verify input{font-size:20px;padding:12px;border:1px solid #ddd;border-radius:10px;width:100%}
.friend .verify .error{color:#cf1322;margin:0;font-size:14px}
.friend .confirm{background:linear-gradient(90deg,#ff7a00,#ff5000)}
`
