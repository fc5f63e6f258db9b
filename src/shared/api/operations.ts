import { z } from 'zod'

const EntityIdFilter = z.string().min(1).max(64)
import {
  CreatedPayment,
  CreateOrderInput,
  CreatePaymentInput,
  CreateProductInput,
  EmptyInput,
  IdInput,
  ListOrdersInput,
  OrderTotals,
  Refund,
  CreateRefundInput,
  ListRefundsInput,
  AuditEntry,
  AuditVerification,
  BackupFileSchema,
  BackupList,
  BackupSettingsSchema,
  ConnectionTestResultSchema,
  CredentialsStatus,
  CreateFriendPayInput,
  FriendPayRequest,
  FRIEND_PAY_STATUSES,
  Order,
  CreatedOrder,
  OrderDetail,
  RoutingSettings,
  UpdateWalletInput,
  withDefaultPaymentMethod,
  PaymentAttempt,
  PaymentOption,
  Product,
  StoreProfile,
  WalletConfig,
} from './schemas'
import { CREDENTIAL_WALLETS, CredentialsInput, GATEWAY_MODES, PROVIDER_WALLETS } from '../providers'
import type { OperationName } from './operationNames'
import {
  ChangePinInput,
  CreateStaffInput,
  PermissionSettings,
  RegisterTillInput,
  SessionView,
  SignedIn,
  SignInInput,
  SignInOptions,
  StaffMember,
  Till,
  UpdateStaffInput,
} from './staffSchemas'
import { CashMoveInput, CloseShiftInput, ListShiftsInput, OpenShiftInput, Shift } from './shiftSchemas'
import { DisplaySnapshot, DisplayState } from '../display'
import { CreatePairingCodeInput, Device, PairedDevice, PairingCode, RedeemPairingInput } from './deviceSchemas'
import { BooksVerification, BusinessDay, CsvFileSchema, DayReport, DaySettings } from './daySchemas'
import {
  ImportBillInput,
  ListRunsInput,
  ReconciliationRun,
  ResolveDiscrepancyInput,
  RunBillInput,
  RunIdInput,
} from './reconciliationSchemas'
import { Report, ReportInput } from './reportSchemas'
import { DescribeDayExportInput, DescribeExportInput, ExportFileInfo } from './exportSchemas'

export { isOperationName, OPERATION_NAMES, type OperationName } from './operationNames'

export type HttpMethod = 'GET' | 'POST'

export interface OperationDef {
  summary: string
  input: z.ZodType
  output: z.ZodType
  /** rawBody: content types whose body is a file, streamed to disk rather than parsed as JSON. */
  http: { method: HttpMethod; path: string; status?: number; rawBody?: readonly string[] }
  /** Fills documented defaults into the raw input before validation. */
  prepare?: (raw: unknown) => unknown
}

/**
 * The one API contract. Each operation is served over Electron IPC and over HTTP with the same
 * validation and the same coded errors. HTTP path parameters (`{id}`) are fields of the input.
 */
const TillIdField = z.string().min(1).max(64).meta({ description: 'A till id' })

export const operations = {
  'store.get': {
    summary: 'The store profile',
    input: EmptyInput,
    output: StoreProfile,
    http: { method: 'GET', path: '/api/store' },
  },
  'products.list': {
    summary: 'Active products of the catalog',
    input: EmptyInput,
    output: z.object({ products: z.array(Product) }),
    http: { method: 'GET', path: '/api/products' },
  },
  'products.create': {
    summary: 'Add a product to the catalog',
    input: CreateProductInput,
    output: Product,
    http: { method: 'POST', path: '/api/products', status: 201 },
  },
  'wallets.list': {
    summary: "The merchant's wallet configuration",
    input: EmptyInput,
    output: z.object({ wallets: z.array(WalletConfig) }),
    http: { method: 'GET', path: '/api/wallets' },
  },
  'wallets.update': {
    summary: "Replace one wallet's configuration (validated, audited, effective for new orders at once)",
    input: UpdateWalletInput,
    output: WalletConfig,
    http: { method: 'POST', path: '/api/wallets/{wallet}' },
  },
  'routing.get': {
    summary: 'Store-wide routing settings: ranking, payment-code rules, account health',
    input: EmptyInput,
    output: RoutingSettings,
    http: { method: 'GET', path: '/api/routing' },
  },
  'routing.update': {
    summary: 'Replace the store-wide routing settings (validated, audited)',
    input: RoutingSettings,
    output: RoutingSettings,
    http: { method: 'POST', path: '/api/routing' },
  },
  'audit.list': {
    summary: 'Configuration changes, newest first',
    input: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
    output: z.object({ entries: z.array(AuditEntry) }),
    http: { method: 'GET', path: '/api/audit' },
  },
  'audit.verify': {
    summary: 'Whether the hash-chained audit log is intact, and where it breaks',
    input: z.strictObject({}),
    output: AuditVerification,
    http: { method: 'GET', path: '/api/audit/verify' },
  },
  'backups.list': {
    summary: 'The backup folder, schedule and the backups kept there',
    input: z.strictObject({}),
    output: BackupList,
    http: { method: 'GET', path: '/api/backups' },
  },
  'backups.run': {
    summary: 'Take a backup now (online: checkouts go on)',
    input: z.strictObject({}),
    output: BackupFileSchema,
    http: { method: 'POST', path: '/api/backups', status: 201 },
  },
  'backups.configure': {
    summary: 'Choose the backup folder and how often backups are taken',
    input: BackupSettingsSchema,
    output: BackupList,
    http: { method: 'POST', path: '/api/backups/settings' },
  },
  'backups.restore': {
    summary: 'Check a backup from the folder and restore it at the next start',
    input: z.strictObject({ name: z.string().regex(/^hutong-\d{8}-\d{6}\.sqlite$/, 'a backup file name') }),
    output: z.object({ name: z.string(), orders: z.number().int(), restartNeeded: z.literal(true) }),
    http: { method: 'POST', path: '/api/backups/restore' },
  },
  'logs.export': {
    summary: 'Gather the log files into one file for support (secrets were redacted when written)',
    input: z.strictObject({}),
    output: z.object({ path: z.string(), files: z.number().int(), bytes: z.number().int() }),
    http: { method: 'POST', path: '/api/logs/export' },
  },
  'orders.create': {
    summary: 'Create an order from catalog lines (by SKU) or from a plain amount',
    input: CreateOrderInput,
    output: CreatedOrder,
    http: { method: 'POST', path: '/api/orders', status: 201 },
  },
  'orders.list': {
    summary: 'Recent orders, newest first',
    input: ListOrdersInput,
    output: z.object({ orders: z.array(Order), totals: OrderTotals }),
    http: { method: 'GET', path: '/api/orders' },
  },
  'orders.get': {
    summary: 'An order with its payment attempts and timeline',
    input: IdInput,
    output: OrderDetail,
    http: { method: 'GET', path: '/api/orders/{id}' },
  },
  'orders.cancel': {
    summary: 'Cancel an unpaid order (its pending payments are closed first)',
    input: IdInput,
    output: Order,
    http: { method: 'POST', path: '/api/orders/{id}/cancel' },
  },
  'orders.paymentOptions': {
    summary: "The wallets this order can be paid with, and why others can't",
    input: IdInput,
    output: z.object({ options: z.array(PaymentOption) }),
    http: { method: 'GET', path: '/api/orders/{id}/payment-options' },
  },
  'payments.create': {
    summary:
      'Start a payment: a wallet QR code (`qr`, Huabei with `installments`), the all-wallets code (`aggregate`), a customer payment code (`payment-code`) or cash',
    input: CreatePaymentInput,
    output: CreatedPayment,
    http: { method: 'POST', path: '/api/orders/{id}/payments', status: 201 },
    prepare: withDefaultPaymentMethod,
  },
  'payments.get': {
    summary: 'A payment attempt',
    input: IdInput,
    output: PaymentAttempt,
    http: { method: 'GET', path: '/api/payments/{id}' },
  },
  'payments.close': {
    summary: 'Close a pending payment attempt (the wallet is asked first whether it was paid)',
    input: IdInput,
    output: PaymentAttempt,
    http: { method: 'POST', path: '/api/payments/{id}/close' },
  },
  'friendPay.create': {
    summary: 'Ask a friend to pay (找人代付): a share link, its QR code and a short pay code (口令)',
    input: CreateFriendPayInput,
    output: FriendPayRequest,
    http: { method: 'POST', path: '/api/orders/{id}/friend-pay', status: 201 },
  },
  'friendPay.get': {
    summary: 'A friend-pay request',
    input: IdInput,
    output: FriendPayRequest,
    http: { method: 'GET', path: '/api/friend-pay/{id}' },
  },
  'friendPay.list': {
    summary: 'Friend-pay requests, newest first: all of them, or those with the given status or order',
    input: z.strictObject({
      status: z.enum(FRIEND_PAY_STATUSES).optional(),
      orderId: EntityIdFilter.optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
    output: z.object({ requests: z.array(FriendPayRequest) }),
    http: { method: 'GET', path: '/api/friend-pay' },
  },
  'friendPay.cancel': {
    summary: 'Cancel an open friend-pay request (its pending payments are closed first)',
    input: IdInput,
    output: FriendPayRequest,
    http: { method: 'POST', path: '/api/friend-pay/{id}/cancel' },
  },
  'refunds.create': {
    summary:
      'Give money back to the payment that paid an order: an amount, returned lines, or (neither) all that is left',
    input: CreateRefundInput,
    output: Refund,
    http: { method: 'POST', path: '/api/orders/{id}/refunds', status: 201 },
  },
  'refunds.list': {
    summary: 'Refunds, newest first: of an order, in a status, or created between two times or days',
    input: ListRefundsInput,
    output: z.object({ refunds: z.array(Refund) }),
    http: { method: 'GET', path: '/api/refunds' },
  },
  'refunds.get': {
    summary: 'A refund',
    input: IdInput,
    output: Refund,
    http: { method: 'GET', path: '/api/refunds/{id}' },
  },
  'refunds.retry': {
    summary: 'Try again a refund the wallet refused (a new refund of the same payment, under a new refund number)',
    input: IdInput,
    output: Refund,
    http: { method: 'POST', path: '/api/refunds/{id}/retry', status: 201 },
  },
  'credentials.get': {
    summary: "A real wallet's credentials for one mode: public fields, and only whether each secret is set",
    input: z.strictObject({ wallet: z.enum(CREDENTIAL_WALLETS), mode: z.enum(GATEWAY_MODES) }),
    output: CredentialsStatus,
    http: { method: 'GET', path: '/api/wallets/{wallet}/credentials' },
  },
  'credentials.set': {
    summary: "Store a real wallet's credentials (validated, encrypted at rest; secrets are write-only)",
    input: CredentialsInput,
    output: CredentialsStatus,
    http: { method: 'POST', path: '/api/wallets/{wallet}/credentials' },
  },
  'wallets.testConnection': {
    summary: 'A harmless authenticated call to the wallet, explaining common failures',
    input: z.strictObject({ wallet: z.enum(PROVIDER_WALLETS), mode: z.enum(GATEWAY_MODES) }),
    output: ConnectionTestResultSchema,
    http: { method: 'POST', path: '/api/wallets/{wallet}/test' },
  },
  'auth.signInOptions': {
    summary: 'Who can sign in at this till (with the demo PINs while every wallet is simulated)',
    input: EmptyInput,
    output: SignInOptions,
    http: { method: 'GET', path: '/api/auth/staff' },
  },
  'auth.signIn': {
    summary: 'Sign a staff member in by PIN; five wrong PINs lock the member for five minutes',
    input: SignInInput,
    output: SignedIn,
    http: { method: 'POST', path: '/api/auth/sign-in', status: 201 },
  },
  'auth.signOut': {
    summary: 'End the current staff session (the console locks)',
    input: EmptyInput,
    output: z.object({ signedOut: z.literal(true) }),
    http: { method: 'POST', path: '/api/auth/sign-out' },
  },
  'auth.me': {
    summary: 'Who the caller acts as, and what it may do',
    input: EmptyInput,
    output: SessionView,
    http: { method: 'GET', path: '/api/auth/me' },
  },
  'auth.changePin': {
    summary: "Change the signed-in member's own PIN",
    input: ChangePinInput,
    output: SessionView,
    http: { method: 'POST', path: '/api/auth/pin' },
  },
  'tills.register': {
    summary: 'Name a till (the desktop window, a paired browser); its id goes with every sign-in there',
    input: RegisterTillInput,
    output: Till,
    http: { method: 'POST', path: '/api/tills', status: 201 },
  },
  'tills.list': {
    summary: 'The named tills',
    input: EmptyInput,
    output: z.object({ tills: z.array(Till) }),
    http: { method: 'GET', path: '/api/tills' },
  },
  'staff.list': {
    summary: 'Every staff member',
    input: EmptyInput,
    output: z.object({ staff: z.array(StaffMember) }),
    http: { method: 'GET', path: '/api/staff' },
  },
  'staff.create': {
    summary: 'Add a staff member with a role and a PIN',
    input: CreateStaffInput,
    output: StaffMember,
    http: { method: 'POST', path: '/api/staff', status: 201 },
  },
  'staff.update': {
    summary: "Change a member's name, role, PIN, or whether they may sign in (the last owner stays)",
    input: UpdateStaffInput,
    output: StaffMember,
    http: { method: 'POST', path: '/api/staff/{id}' },
  },
  'permissions.get': {
    summary: 'What managers, cashiers and the integrator token may do; the cashier refund limit; auto-lock',
    input: EmptyInput,
    output: PermissionSettings,
    http: { method: 'GET', path: '/api/permissions' },
  },
  'permissions.update': {
    summary: 'Replace the permissions of managers, cashiers and the integrator token (audited)',
    input: PermissionSettings,
    output: PermissionSettings,
    http: { method: 'POST', path: '/api/permissions' },
  },
  'shifts.open': {
    summary: 'Open a shift (交班) at a till with its opening float; one open shift per till',
    input: OpenShiftInput,
    output: Shift,
    http: { method: 'POST', path: '/api/shifts', status: 201 },
  },
  'shifts.current': {
    summary: "The till's open shift (the signed-in member's till when none is named), or null",
    input: z.strictObject({ tillId: z.string().min(1).max(64).optional() }),
    output: z.object({ shift: Shift.nullable() }),
    http: { method: 'GET', path: '/api/shifts/current' },
  },
  'shifts.get': {
    summary: 'A shift with its cash movements and handover figures',
    input: IdInput,
    output: Shift,
    http: { method: 'GET', path: '/api/shifts/{id}' },
  },
  'shifts.list': {
    summary: 'Shifts, newest first',
    input: ListShiftsInput,
    output: z.object({ shifts: z.array(Shift) }),
    http: { method: 'GET', path: '/api/shifts' },
  },
  'shifts.moveCash': {
    summary: 'Cash into the drawer (change top-up) or out of it (paid-out, to the safe), with a reason',
    input: CashMoveInput,
    output: Shift,
    http: { method: 'POST', path: '/api/shifts/{id}/cash' },
  },
  'shifts.close': {
    summary: "Close a shift with the counted cash; a cashier's difference above the limit needs a manager's PIN",
    input: CloseShiftInput,
    output: Shift,
    http: { method: 'POST', path: '/api/shifts/{id}/close' },
  },
  'days.get': {
    summary: 'A business day (日结) report: per wallet and account, per cashier, friend pay, shifts',
    input: z.strictObject({ day: BusinessDay }),
    output: DayReport,
    http: { method: 'GET', path: '/api/days/{day}' },
  },
  'days.list': {
    summary: 'The last business days, today first, open or closed',
    input: z.strictObject({ count: z.coerce.number().int().min(1).max(92).default(14) }),
    output: z.object({
      days: z.array(z.object({ day: z.string(), status: z.enum(['open', 'closed']), netFen: z.number().int() })),
    }),
    http: { method: 'GET', path: '/api/days' },
  },
  'days.close': {
    summary: 'Close a business day: its report is kept; later refunds of its sales land in the day they happen',
    input: z.strictObject({ day: BusinessDay }),
    output: DayReport,
    http: { method: 'POST', path: '/api/days/{day}/close' },
  },
  'days.configure': {
    summary: 'When a business day starts (Beijing time; 04:00 by default, for late shops)',
    input: DaySettings,
    output: DaySettings,
    http: { method: 'POST', path: '/api/days/settings' },
  },
  'books.verify': {
    summary: 'Check the whole journal: balanced transactions, balances, and every order, payment and refund',
    input: EmptyInput,
    output: BooksVerification,
    http: { method: 'GET', path: '/api/books/verify' },
  },
  'days.exportCsv': {
    summary: 'A day report as CSV for Excel (UTF-8 with BOM); GET /api/days/{day}/report.csv serves the file itself',
    input: z.strictObject({ day: BusinessDay, lang: z.enum(['zh-CN', 'en-US']).default('zh-CN') }),
    output: CsvFileSchema,
    http: { method: 'GET', path: '/api/days/{day}/csv' },
  },
  'shifts.exportCsv': {
    summary: 'A shift handover as CSV; GET /api/shifts/{id}/handover.csv serves the file itself',
    input: z.strictObject({ id: z.string().min(1).max(64), lang: z.enum(['zh-CN', 'en-US']).default('zh-CN') }),
    output: CsvFileSchema,
    http: { method: 'GET', path: '/api/shifts/{id}/csv' },
  },
  'display.publish': {
    summary: "What the till's customer display shows now (the till's own console sends it as the sale goes)",
    input: z.strictObject({ tillId: TillIdField.optional(), state: DisplayState }),
    output: DisplaySnapshot,
    http: { method: 'POST', path: '/api/display/state' },
  },
  'display.get': {
    summary: "What a till's customer display shows: its last state, or idle",
    input: z.strictObject({ tillId: TillIdField.optional() }),
    output: DisplaySnapshot,
    http: { method: 'GET', path: '/api/display/state' },
  },
  'pairing.createCode': {
    summary: 'A one-time six-digit code (five minutes) that pairs a new till or a customer display',
    input: CreatePairingCodeInput,
    output: PairingCode,
    http: { method: 'POST', path: '/api/pairing/codes', status: 201 },
  },
  'pairing.redeem': {
    summary: "Trades a pairing code for the device's own revocable credential (no token needed)",
    input: RedeemPairingInput,
    output: PairedDevice,
    http: { method: 'POST', path: '/api/pairing/redeem', status: 201 },
  },
  'devices.list': {
    summary: 'Paired tills and customer displays, revoked ones last',
    input: z.strictObject({}),
    output: z.object({ devices: z.array(Device) }),
    http: { method: 'GET', path: '/api/devices' },
  },
  'devices.revoke': {
    summary: "Revokes a paired device's credential at once (audited)",
    input: IdInput,
    output: Device,
    http: { method: 'POST', path: '/api/devices/{id}/revoke' },
  },
  'reconciliation.importBill': {
    summary:
      "Match a wallet's trade bill (对账单) against the books of its day: the body is the bill file itself (text/csv for WeChat Pay, application/zip for Alipay), wallet, date and mode in the query",
    input: ImportBillInput,
    output: ReconciliationRun,
    http: { method: 'POST', path: '/api/reconciliation/bills', status: 201, rawBody: ['text/csv', 'application/zip'] },
  },
  'reconciliation.list': {
    summary: 'Reconciliation runs of a day or a range, newest day first, with their discrepancies',
    input: ListRunsInput,
    output: z.object({ runs: z.array(ReconciliationRun) }),
    http: { method: 'GET', path: '/api/reconciliation' },
  },
  'reconciliation.get': {
    summary: 'One reconciliation run with its discrepancies',
    input: RunIdInput,
    output: ReconciliationRun,
    http: { method: 'GET', path: '/api/reconciliation/{id}' },
  },
  'reconciliation.run': {
    summary: "Fetch a day's bill through the wallet's API and match it (a bill not out yet is recorded as such)",
    input: RunBillInput,
    output: ReconciliationRun,
    http: { method: 'POST', path: '/api/reconciliation/runs', status: 201 },
  },
  'reconciliation.download': {
    summary: "Fetch a run's bill again through the wallet's API and match it",
    input: RunIdInput,
    output: ReconciliationRun,
    http: { method: 'POST', path: '/api/reconciliation/{id}/download' },
  },
  'reconciliation.resolve': {
    summary:
      'Act on a discrepancy: query the wallet and record what it says, refund money taken for nothing, or explain it with a note (audited)',
    input: ResolveDiscrepancyInput,
    output: ReconciliationRun,
    http: { method: 'POST', path: '/api/reconciliation/discrepancies/{id}/resolve' },
  },
  'reports.get': {
    summary:
      'Business report (经营报表) over business days: totals against the previous period, a series by hour, day, ' +
      'week or month, payment methods, refunds, fees, friend pay, top products, cashiers and tills',
    input: ReportInput,
    output: Report,
    http: { method: 'GET', path: '/api/reports' },
  },
  'exports.describe': {
    summary:
      'Checks an export of orders, payments or refunds (business days from–to, at most 366) and names its file; GET /api/exports/{table}.csv|.xlsx streams the file itself',
    input: DescribeExportInput,
    output: ExportFileInfo,
    http: { method: 'GET', path: '/api/exports/{table}/{format}' },
  },
  'exports.describeDay': {
    summary:
      'Checks a day report export and names its file; GET /api/days/{day}/report.csv|.xlsx serves the file itself',
    input: DescribeDayExportInput,
    output: ExportFileInfo,
    http: { method: 'GET', path: '/api/days/{day}/export/{format}' },
  },
} as const satisfies Record<OperationName, OperationDef>

export type Operations = typeof operations
export type OperationInput<N extends OperationName> = z.input<Operations[N]['input']>
/** Input as a caller may write it: defaults that `prepare` fills in (a QR or cash payment's `method`) may be left out. */
export type OperationCallInput<N extends OperationName> =
  | OperationInput<N>
  | (N extends 'payments.create' ? Omit<Extract<OperationInput<N>, { method: 'qr' | 'cash' }>, 'method'> : never)
export type OperationParsedInput<N extends OperationName> = z.output<Operations[N]['input']>
export type OperationOutput<N extends OperationName> = z.output<Operations[N]['output']>

/** Fills `{param}` placeholders from the input; returns the path and the input fields left over. */
export function buildHttpRequest(
  name: OperationName,
  input: Record<string, unknown>,
): { method: HttpMethod; path: string; rest: Record<string, unknown> } {
  const { method, path } = operations[name].http
  const rest: Record<string, unknown> = { ...input }
  const filled = path.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = rest[key]
    delete rest[key]
    return encodeURIComponent(String(value ?? ''))
  })
  return { method, path: filled, rest }
}
