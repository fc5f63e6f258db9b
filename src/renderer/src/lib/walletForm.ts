import { RoutingSettings, UpdateWalletInput } from '../../../shared/api/schemas'
import type { WalletConfig } from '../../../shared/api/types'
import { INSTALLMENT_PERIODS, type InstallmentPeriods } from '../../../shared/installments'
import { fenToYuanString, parseYuanToFen } from '../../../shared/money'
import type { PaymentCodeRule } from '../../../shared/paymentCodes'
import type { WalletId } from '../../../shared/wallets'
import { inFieldOrder, type FormError, type FormResult } from './formErrors'
import { formatBpAsPercent, parsePercentToBp, splitList } from './rates'
import { checkWithSchema, renameFields, type IssueRule } from './schemaIssues'

/**
 * The settings forms edit text (percentages, yuan, comma lists) and turn it into the stored integers
 * only on save; the result is checked with the engine's own schema, and every problem is reported
 * with a code the form shows in words.
 */

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
  /** Empty: as long as the wallet takes refunds. */
  refundWindowDays: string
}

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
    refundWindowDays: config.refundWindowDays === null ? '' : String(config.refundWindowDays),
  }
}

/** Yuan text → fen; empty text gives `empty`. */
function amountField(text: string, empty: number | null, field: string, errors: FormError[]): number | null {
  if (text.trim() === '') return empty
  const fen = parseYuanToFen(text)
  if (fen === null) errors.push({ field, code: 'INVALID_AMOUNT' })
  return fen ?? empty
}

function percentField(text: string, field: string, errors: FormError[]): number {
  const bp = parsePercentToBp(text)
  if (bp === null) errors.push({ field, code: 'INVALID_PERCENT' })
  return bp ?? 0
}

/** A whole number typed in a table cell (NaN when it was not digits). */
function wholeField(value: number, field: string, errors: FormError[]): number {
  if (Number.isNaN(value)) errors.push({ field, code: 'OUT_OF_RANGE' })
  return Number.isNaN(value) ? 0 : value
}

/** Whole days as typed; empty means no window of the merchant's own. */
function daysField(text: string, errors: FormError[]): number | null {
  const trimmed = text.trim()
  if (trimmed === '') return null
  if (!/^\d{1,5}$/.test(trimmed)) {
    errors.push({ field: 'refundWindowDays', code: 'OUT_OF_RANGE' })
    return null
  }
  return Number(trimmed)
}

/** The form's name for each path of `wallets.update` (the engine reports problems by the same paths). */
const walletField = renameFields([
  [/^feeRateBp$/, 'feeRate'],
  [/^minFen$/, 'minYuan'],
  [/^maxFen$/, 'maxYuan'],
  [/^dailyCapFen$/, 'dailyCapYuan'],
  [/^accounts\.(\d+)\.feeRateBp$/, 'accounts.$1.feeRate'],
  [/^huabei\.feeRatesBp\.(\d+)$/, 'huabei.feeRates.$1'],
  [/^huabei\.minOrderFen$/, 'huabei.minOrderYuan'],
])

/** The words for the schema's checks; its own checks on `accounts` differ only by their message. */
const WALLET_ISSUES: IssueRule[] = [
  {
    field: /^(minYuan|maxYuan|dailyCapYuan|huabei\.minOrderYuan)$/,
    kinds: ['too_small', 'too_big'],
    code: 'INVALID_AMOUNT',
  },
  { field: /^minYuan$/, kinds: ['custom'], code: 'MIN_ABOVE_MAX' },
  { field: /^accounts$/, kinds: ['custom'], message: /unique/, code: 'DUPLICATE_ACCOUNT' },
  { field: /^accounts$/, kinds: ['custom'], message: /add up to 100/, code: 'SPLIT_NOT_100' },
  { field: /^accounts\.\d+\.id$/, kinds: ['invalid_format'], code: 'INVALID_ACCOUNT_ID' },
  { field: /(^|\.)feeRates?(\.\d+)?$/, code: 'INVALID_PERCENT' },
  { field: /^huabei\.periods$/, kinds: ['too_small'], code: 'NO_PERIODS' },
]

/** The order the form reports problems in (the accounts table row by row). */
const WALLET_FIELD_ORDER = [
  'feeRate',
  'minYuan',
  'maxYuan',
  'dailyCapYuan',
  'rolloutPercent',
  'productRules',
  'accounts',
  'id',
  'label',
  'merchantId',
  'priority',
  'splitPercent',
  'huabei',
  'periods',
  'feeRates',
  'minOrderYuan',
  'refundWindowDays',
]

/** The schema says the ids repeat; the form points at each row that repeats an id above it. */
function duplicateRows(ids: readonly string[]): (error: FormError) => FormError[] {
  return (error) =>
    error.field === 'accounts' && error.code === 'DUPLICATE_ACCOUNT'
      ? ids.flatMap((id, i) => (ids.indexOf(id) < i ? [{ field: `accounts.${i}.id`, code: error.code }] : []))
      : [error]
}

/** The full `wallets.update` input for a draft, or the problems that stop it being saved. */
export function fromWalletDraft(wallet: WalletId, displayOrder: number, draft: WalletDraft): FormResult<WalletConfig> {
  const errors: FormError[] = []
  const accounts = draft.accounts.map((a, i) => ({
    id: a.id.trim(),
    label: a.label.trim(),
    merchantId: a.merchantId.trim(),
    priority: wholeField(a.priority, `accounts.${i}.priority`, errors),
    splitPercent: wholeField(a.splitPercent, `accounts.${i}.splitPercent`, errors),
    feeRateBp: a.feeRate.trim() === '' ? null : percentField(a.feeRate, `accounts.${i}.feeRate`, errors),
    enabled: a.enabled,
  }))
  const h = draft.huabei
  const value: WalletConfig = {
    wallet,
    accepted: draft.accepted,
    contractStatus: draft.contractStatus,
    mode: draft.mode,
    displayOrder,
    feeRateBp: percentField(draft.feeRate, 'feeRate', errors),
    minFen: amountField(draft.minYuan, 0, 'minYuan', errors) ?? 0,
    maxFen: amountField(draft.maxYuan, null, 'maxYuan', errors),
    dailyCapFen: amountField(draft.dailyCapYuan, null, 'dailyCapYuan', errors),
    rolloutPercent: draft.rolloutPercent,
    productRules: {
      onlyCategories: [...draft.onlyCategories],
      excludeCategories: [...draft.excludeCategories],
      excludeSkus: [...draft.excludeSkus],
    },
    accounts,
    accountStrategy: draft.accountStrategy,
    huabei: h
      ? {
          periods: INSTALLMENT_PERIODS.filter((p) => h.periods.includes(p)),
          feeBearer: h.feeBearer,
          feeRatesBp: {
            '3': percentField(h.feeRates['3'], 'huabei.feeRates.3', errors),
            '6': percentField(h.feeRates['6'], 'huabei.feeRates.6', errors),
            '12': percentField(h.feeRates['12'], 'huabei.feeRates.12', errors),
          },
          minOrderFen: amountField(h.minOrderYuan, 0, 'huabei.minOrderYuan', errors) ?? 0,
        }
      : null,
    friendPay: draft.friendPay,
    refundWindowDays: daysField(draft.refundWindowDays, errors),
  }
  const result = checkWithSchema(
    UpdateWalletInput,
    value,
    { field: walletField, rules: WALLET_ISSUES, place: duplicateRows(accounts.map((a) => a.id)) },
    errors,
  )
  return result.ok ? result : { ok: false, errors: inFieldOrder(result.errors, WALLET_FIELD_ORDER) }
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

const ruleField = (path: string): string => `paymentCodeRules.${path}`.replace(/\.(prefixes|lengths)\.\d+$/, '.$1')
const RULE_ISSUES: IssueRule[] = [
  { field: /\.prefixes$/, code: 'INVALID_PREFIXES' },
  { field: /\.lengths$/, code: 'INVALID_LENGTHS' },
]

export function fromRuleDrafts(drafts: readonly PaymentCodeRuleDraft[]): FormResult<PaymentCodeRule[]> {
  const errors: FormError[] = []
  const rules = drafts.map((d, i) => {
    const lengths = splitList(d.lengths).map((part) => (/^\d+$/.test(part) ? Number(part) : Number.NaN))
    if (lengths.some(Number.isNaN)) errors.push({ field: `paymentCodeRules.${i}.lengths`, code: 'INVALID_LENGTHS' })
    return {
      wallet: d.wallet,
      prefixes: [...new Set(splitList(d.prefixes))],
      lengths: [...new Set(lengths.filter((n) => !Number.isNaN(n)))],
    }
  })
  return checkWithSchema(
    RoutingSettings.shape.paymentCodeRules,
    rules,
    { field: ruleField, rules: RULE_ISSUES },
    errors,
  )
}

/** The engine's validation details ({ path, message }[]) as errors on the form's own fields. */
export function serverIssuesToFormErrors(details: unknown): FormError[] {
  if (!Array.isArray(details)) return []
  return details.flatMap((issue: unknown) => {
    if (typeof issue !== 'object' || issue === null) return []
    const { path, message } = issue as { path?: unknown; message?: unknown }
    if (typeof path !== 'string' || typeof message !== 'string') return []
    return [{ field: walletField(path), code: 'SERVER' as const, message }]
  })
}
