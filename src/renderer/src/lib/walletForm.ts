import type { WalletConfig } from '../../../shared/api/types'
import { INSTALLMENT_PERIODS, type InstallmentPeriods } from '../../../shared/installments'
import { fenToYuanString, MAX_AMOUNT_FEN, parseYuanToFen } from '../../../shared/money'
import type { PaymentCodeRule } from '../../../shared/paymentCodes'
import type { WalletId } from '../../../shared/wallets'
import { formatBpAsPercent, parseDigitPrefixList, parseIntegerList, parsePercentToBp } from './rates'

/**
 * The settings forms edit text (percentages, yuan, comma lists) and turn it into the stored
 * integers only on save; every problem is reported with a code the form shows in words.
 */

export type FormErrorCode =
  | 'INVALID_PERCENT'
  | 'INVALID_AMOUNT'
  | 'MIN_ABOVE_MAX'
  | 'SPLIT_NOT_100'
  | 'DUPLICATE_ACCOUNT'
  | 'INVALID_ACCOUNT_ID'
  | 'REQUIRED'
  | 'NO_PERIODS'
  | 'INVALID_PREFIXES'
  | 'INVALID_LENGTHS'
  | 'OUT_OF_RANGE'
  | 'TOO_LONG'
  | 'INVALID_PHONE'
  | 'INVALID'
  | 'INVALID_URL'
  | 'INVALID_MCH_ID'
  | 'INVALID_WECHAT_APPID'
  | 'INVALID_ALIPAY_APPID'
  | 'INVALID_SERIAL'
  | 'INVALID_KEY_LENGTH'
  | 'INVALID_PEM'
  | 'KEY_UNREADABLE'
  | 'KEY_NOT_RSA'
  | 'KEY_TOO_SHORT'
  | 'TOO_MANY_KEYS'
  | 'SERVER'

export interface FormError {
  /** Dotted path of the field, e.g. "feeRate", "accounts.1.id", "huabei.feeRates.6". */
  field: string
  code: FormErrorCode
  /** The engine's own words, for problems only the engine found (code SERVER). */
  message?: string
}

export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: FormError[] }

export interface AccountDraft {
  id: string
  label: string
  merchantId: string
  priority: number
  splitPercent: number
  /** Empty: the wallet's rate applies. */
  feeRate: string
  enabled: boolean
}

export interface HuabeiDraft {
  periods: InstallmentPeriods[]
  feeBearer: 'merchant' | 'customer'
  feeRates: Record<'3' | '6' | '12', string>
  minOrderYuan: string
}

export interface WalletDraft {
  accepted: boolean
  contractStatus: WalletConfig['contractStatus']
  mode: WalletConfig['mode']
  feeRate: string
  /** Empty: no minimum. */
  minYuan: string
  /** Empty: no maximum. */
  maxYuan: string
  /** Empty: no cap. */
  dailyCapYuan: string
  rolloutPercent: number
  onlyCategories: string[]
  excludeCategories: string[]
  excludeSkus: string[]
  accounts: AccountDraft[]
  accountStrategy: WalletConfig['accountStrategy']
  huabei: HuabeiDraft | null
  friendPay: boolean
}

const ACCOUNT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/

function yuanText(fen: number | null): string {
  return fen === null ? '' : fenToYuanString(fen)
}

export function toWalletDraft(config: WalletConfig): WalletDraft {
  return {
    accepted: config.accepted,
    contractStatus: config.contractStatus,
    mode: config.mode,
    feeRate: formatBpAsPercent(config.feeRateBp),
    minYuan: config.minFen === 0 ? '' : yuanText(config.minFen),
    maxYuan: yuanText(config.maxFen),
    dailyCapYuan: yuanText(config.dailyCapFen),
    rolloutPercent: config.rolloutPercent,
    onlyCategories: [...config.productRules.onlyCategories],
    excludeCategories: [...config.productRules.excludeCategories],
    excludeSkus: [...config.productRules.excludeSkus],
    accounts: config.accounts.map((a) => ({
      id: a.id,
      label: a.label,
      merchantId: a.merchantId,
      priority: a.priority,
      splitPercent: a.splitPercent,
      feeRate: a.feeRateBp === null ? '' : formatBpAsPercent(a.feeRateBp),
      enabled: a.enabled,
    })),
    accountStrategy: config.accountStrategy,
    huabei: config.huabei
      ? {
          periods: [...config.huabei.periods],
          feeBearer: config.huabei.feeBearer,
          feeRates: {
            '3': formatBpAsPercent(config.huabei.feeRatesBp['3']),
            '6': formatBpAsPercent(config.huabei.feeRatesBp['6']),
            '12': formatBpAsPercent(config.huabei.feeRatesBp['12']),
          },
          minOrderYuan: config.huabei.minOrderFen === 0 ? '' : yuanText(config.huabei.minOrderFen),
        }
      : null,
    friendPay: config.friendPay,
  }
}

/** Yuan text → fen; empty text gives `empty`. */
function amountField(text: string, empty: number | null, field: string, errors: FormError[]): number | null {
  if (text.trim() === '') return empty
  const fen = parseYuanToFen(text)
  if (fen === null || fen > MAX_AMOUNT_FEN) {
    errors.push({ field, code: 'INVALID_AMOUNT' })
    return empty
  }
  return fen
}

function percentField(text: string, field: string, errors: FormError[]): number {
  const bp = parsePercentToBp(text)
  if (bp === null) {
    errors.push({ field, code: 'INVALID_PERCENT' })
    return 0
  }
  return bp
}

/** The full `wallets.update` input for a draft, or the problems that stop it being saved. */
export function fromWalletDraft(wallet: WalletId, displayOrder: number, draft: WalletDraft): FormResult<WalletConfig> {
  const errors: FormError[] = []
  const feeRateBp = percentField(draft.feeRate, 'feeRate', errors)
  const minFen = amountField(draft.minYuan, 0, 'minYuan', errors) ?? 0
  const maxFen = amountField(draft.maxYuan, null, 'maxYuan', errors)
  const dailyCapFen = amountField(draft.dailyCapYuan, null, 'dailyCapYuan', errors)
  if (maxFen !== null && minFen > maxFen) errors.push({ field: 'minYuan', code: 'MIN_ABOVE_MAX' })
  if (!Number.isInteger(draft.rolloutPercent) || draft.rolloutPercent < 0 || draft.rolloutPercent > 100) {
    errors.push({ field: 'rolloutPercent', code: 'OUT_OF_RANGE' })
  }

  const seen = new Set<string>()
  const accounts = draft.accounts.map((a, i) => {
    const id = a.id.trim()
    if (!ACCOUNT_ID_PATTERN.test(id)) errors.push({ field: `accounts.${i}.id`, code: 'INVALID_ACCOUNT_ID' })
    else if (seen.has(id)) errors.push({ field: `accounts.${i}.id`, code: 'DUPLICATE_ACCOUNT' })
    seen.add(id)
    if (a.label.trim() === '') errors.push({ field: `accounts.${i}.label`, code: 'REQUIRED' })
    if (a.merchantId.trim() === '') errors.push({ field: `accounts.${i}.merchantId`, code: 'REQUIRED' })
    if (!Number.isInteger(a.priority) || a.priority < 0 || a.priority > 999) {
      errors.push({ field: `accounts.${i}.priority`, code: 'OUT_OF_RANGE' })
    }
    if (!Number.isInteger(a.splitPercent) || a.splitPercent < 0 || a.splitPercent > 100) {
      errors.push({ field: `accounts.${i}.splitPercent`, code: 'OUT_OF_RANGE' })
    }
    return {
      id,
      label: a.label.trim(),
      merchantId: a.merchantId.trim(),
      priority: a.priority,
      splitPercent: a.splitPercent,
      feeRateBp: a.feeRate.trim() === '' ? null : percentField(a.feeRate, `accounts.${i}.feeRate`, errors),
      enabled: a.enabled,
    }
  })
  if (draft.accountStrategy === 'split' && splitTotal(draft.accounts) !== 100) {
    errors.push({ field: 'accounts', code: 'SPLIT_NOT_100' })
  }

  let huabei: WalletConfig['huabei'] = null
  if (draft.huabei) {
    const h = draft.huabei
    if (h.periods.length === 0) errors.push({ field: 'huabei.periods', code: 'NO_PERIODS' })
    huabei = {
      periods: INSTALLMENT_PERIODS.filter((p) => h.periods.includes(p)),
      feeBearer: h.feeBearer,
      feeRatesBp: {
        '3': percentField(h.feeRates['3'], 'huabei.feeRates.3', errors),
        '6': percentField(h.feeRates['6'], 'huabei.feeRates.6', errors),
        '12': percentField(h.feeRates['12'], 'huabei.feeRates.12', errors),
      },
      minOrderFen: amountField(h.minOrderYuan, 0, 'huabei.minOrderYuan', errors) ?? 0,
    }
  }

  if (errors.length > 0) return { ok: false, errors }
  return {
    ok: true,
    value: {
      wallet,
      accepted: draft.accepted,
      contractStatus: draft.contractStatus,
      mode: draft.mode,
      displayOrder,
      feeRateBp,
      minFen,
      maxFen,
      dailyCapFen,
      rolloutPercent: draft.rolloutPercent,
      productRules: {
        onlyCategories: [...draft.onlyCategories],
        excludeCategories: [...draft.excludeCategories],
        excludeSkus: [...draft.excludeSkus],
      },
      accounts,
      accountStrategy: draft.accountStrategy,
      huabei,
      friendPay: draft.friendPay,
    },
  }
}

/** What the enabled accounts' split shares add up to. */
export function splitTotal(accounts: readonly Pick<AccountDraft, 'splitPercent' | 'enabled'>[]): number {
  return accounts.filter((a) => a.enabled).reduce((sum, a) => sum + a.splitPercent, 0)
}

/** A fresh account row with an id not yet taken ("acct2", "acct3", …). */
export function newAccountDraft(existing: readonly Pick<AccountDraft, 'id'>[]): AccountDraft {
  let n = existing.length + 1
  while (existing.some((a) => a.id === `acct${n}`)) n += 1
  return {
    id: `acct${n}`,
    label: '',
    merchantId: '',
    priority: existing.length,
    splitPercent: 0,
    feeRate: '',
    enabled: true,
  }
}

/**
 * The wallets in display order after moving one up (-1) or down (+1), each with its new
 * displayOrder (0, 1, 2, …); an impossible move returns the list unchanged.
 */
export function moveInOrder<T extends { wallet: WalletId; displayOrder: number }>(
  configs: readonly T[],
  wallet: WalletId,
  step: -1 | 1,
): T[] {
  const ordered = [...configs].sort((a, b) => a.displayOrder - b.displayOrder)
  const from = ordered.findIndex((c) => c.wallet === wallet)
  const to = from + step
  if (from < 0 || to < 0 || to >= ordered.length) return ordered
  const moved = ordered.splice(from, 1)
  ordered.splice(to, 0, ...moved)
  return ordered.map((c, i) => ({ ...c, displayOrder: i }))
}

/** Moves an item of a list one place; used for the ranking criteria. */
export function moveItem<T>(list: readonly T[], index: number, step: -1 | 1): T[] {
  const to = index + step
  if (index < 0 || index >= list.length || to < 0 || to >= list.length) return [...list]
  const copy = [...list]
  const [item] = copy.splice(index, 1)
  copy.splice(to, 0, item as T)
  return copy
}

export interface PaymentCodeRuleDraft {
  wallet: WalletId
  prefixes: string
  lengths: string
}

export function toRuleDrafts(rules: readonly PaymentCodeRule[]): PaymentCodeRuleDraft[] {
  return rules.map((r) => ({ wallet: r.wallet, prefixes: r.prefixes.join(', '), lengths: r.lengths.join(', ') }))
}

export function fromRuleDrafts(drafts: readonly PaymentCodeRuleDraft[]): FormResult<PaymentCodeRule[]> {
  const errors: FormError[] = []
  const rules = drafts.map((d, i) => {
    const prefixes = parseDigitPrefixList(d.prefixes)
    const lengths = parseIntegerList(d.lengths, 10, 32)
    if (!prefixes) errors.push({ field: `paymentCodeRules.${i}.prefixes`, code: 'INVALID_PREFIXES' })
    if (!lengths) errors.push({ field: `paymentCodeRules.${i}.lengths`, code: 'INVALID_LENGTHS' })
    return { wallet: d.wallet, prefixes: prefixes ?? [], lengths: lengths ?? [] }
  })
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: rules }
}

const SERVER_FIELD_NAMES: [RegExp, string][] = [
  [/^feeRateBp$/, 'feeRate'],
  [/^minFen$/, 'minYuan'],
  [/^maxFen$/, 'maxYuan'],
  [/^dailyCapFen$/, 'dailyCapYuan'],
  [/^accounts\.(\d+)\.feeRateBp$/, 'accounts.$1.feeRate'],
  [/^huabei\.feeRatesBp\.(\d+)$/, 'huabei.feeRates.$1'],
  [/^huabei\.minOrderFen$/, 'huabei.minOrderYuan'],
]

/** The engine's validation details ({ path, message }[]) as errors on the form's own fields. */
export function serverIssuesToFormErrors(details: unknown): FormError[] {
  if (!Array.isArray(details)) return []
  return details.flatMap((issue: unknown) => {
    if (typeof issue !== 'object' || issue === null) return []
    const { path, message } = issue as { path?: unknown; message?: unknown }
    if (typeof path !== 'string' || typeof message !== 'string') return []
    const rule = SERVER_FIELD_NAMES.find(([pattern]) => pattern.test(path))
    return [{ field: rule ? path.replace(rule[0], rule[1]) : path, code: 'SERVER' as const, message }]
  })
}
