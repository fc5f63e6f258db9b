import {
  isOperationName,
  type OperationName,
  type OperationOutput,
  type OperationParsedInput,
} from '../../shared/api/operations'
import { parseOperationInput } from '../../shared/api/validate'
import type { PaymentOption } from '../../shared/api/types'
import { EngineError } from '../../shared/errors'
import type { BackupFile } from '../backup/backups'
import type { BackupService } from '../backup/service'
import type { LogExport } from '../logs/export'
import type { EventLog } from '../events/log'
import { errorFields, type Logger } from '../logger'
import type { CatalogService, EngineServices } from './services'
import { OPERATION_ACCESS } from '../../shared/api/access'
import { dayReportCsv, shiftHandoverCsv } from '../days/csv'
import { describeDayExport, describeTableExport } from '../exports/service'
import { actorOf, allows, runAs, type Principal } from '../staff/principal'

type Handler<N extends OperationName> = (
  input: OperationParsedInput<N>,
  principal: Principal,
) => OperationOutput<N> | Promise<OperationOutput<N>>

export type Handlers = { [N in OperationName]: Handler<N> }

export function createHandlers(
  s: EngineServices & {
    catalog: CatalogService
    options: (orderId: string) => PaymentOption[]
    backups: BackupService
    exportLogs: () => Promise<LogExport>
  },
): Handlers {
  return {
    'store.get': () => s.store.profile(),
    'products.list': () => ({ products: s.catalog.list() }),
    'products.create': (input) => s.catalog.create(input),
    'wallets.list': () => ({ wallets: s.wallets.list() }),
    'wallets.update': (input) => s.wallets.update(input),
    'routing.get': () => s.routing.get(),
    'routing.update': (input) => s.routing.update(input),
    'audit.list': (input) => ({ entries: s.audit.list(input.limit) }),
    'audit.verify': () => s.audit.verify(),
    'backups.list': () => backupList(s.backups),
    'backups.run': async () => backupView(await s.backups.run()),
    'backups.configure': (input) => (s.backups.configure(input), backupList(s.backups)),
    'logs.export': () => s.exportLogs(),
    'backups.restore': (input) => ({ ...s.backups.restore(input.name), restartNeeded: true as const }),
    'orders.create': (input) => {
      const order = s.orders.create(input)
      return input.withPaymentOptions ? { paymentOptions: s.options(order.id), ...order } : order
    },
    'orders.list': (input) => s.orders.list(input),
    'orders.get': (input) => s.orders.get(input.id),
    'orders.cancel': (input) => s.orders.cancel(input.id),
    'orders.paymentOptions': (input) => ({ options: s.options(input.id) }),
    'payments.create': (input) =>
      input.method === 'aggregate' ? s.aggregate.create(input.id) : s.payments.create(input),
    'payments.get': (input) => s.payments.get(input.id),
    'payments.close': (input) => s.payments.close(input.id),
    'friendPay.create': (input) => s.friendPay.create(input),
    'friendPay.get': (input) => s.friendPay.get(input.id),
    'friendPay.list': (input) => s.friendPay.list(input).then((requests) => ({ requests })),
    'friendPay.cancel': (input) => s.friendPay.cancel(input.id),
    'refunds.create': (input, principal) =>
      s.payments.createRefund(input, async (amountFen) => ({
        staffId: actorOf(principal).staffId,
        approvedBy: await s.staff.approveRefund(principal, amountFen, input.approval),
      })),
    'refunds.list': (input) => ({ refunds: s.payments.listRefunds(input) }),
    'refunds.get': (input) => s.payments.getRefund(input.id),
    'refunds.retry': (input) => s.payments.retryRefund(input.id),
    'credentials.get': (input) => s.credentials.get(input),
    'credentials.set': (input) => s.credentials.set(input),
    'wallets.testConnection': (input) => s.credentials.test(input),
    'auth.signInOptions': () => s.staff.signInOptions(),
    'auth.signIn': (input) => s.staff.signIn(input),
    'auth.signOut': (_input, principal) => s.staff.signOut(principal),
    'auth.me': (_input, principal) => s.staff.me(principal),
    'auth.changePin': (input, principal) => s.staff.changePin(principal, input),
    'tills.register': (input) => s.staff.registerTill(input),
    'tills.list': () => ({ tills: s.staff.listTills() }),
    'display.publish': (input, principal) => s.display.publish(displayTill(principal, input.tillId), input.state),
    'display.get': (input, principal) => s.display.get(displayTill(principal, input.tillId)),
    'pairing.createCode': (input) => s.devices.createCode(input),
    'pairing.redeem': (input) => s.devices.redeem(input.code),
    'devices.list': () => ({ devices: s.devices.list() }),
    'devices.revoke': (input) => s.devices.revoke(input.id),
    'staff.list': () => ({ staff: s.staff.list() }),
    'staff.create': (input) => s.staff.create(input),
    'staff.update': (input) => s.staff.update(input),
    'permissions.get': () => s.staff.permissions(),
    'permissions.update': (input) => s.staff.updatePermissions(input),
    'shifts.open': (input, principal) => s.shifts.open(principal, input),
    'shifts.current': (input, principal) => ({ shift: s.shifts.current(principal, input.tillId) }),
    'shifts.get': (input) => s.shifts.get(input.id),
    'shifts.list': (input) => ({ shifts: s.shifts.list(input) }),
    'shifts.moveCash': (input, principal) => s.shifts.moveCash(principal, input),
    'shifts.close': (input, principal) => s.shifts.close(principal, input),
    'days.get': (input) => s.days.report(input.day),
    'days.list': (input) => ({ days: s.days.list(input.count) }),
    'days.close': (input, principal) => s.days.close(principal, input.day),
    'days.configure': (input) => s.days.configure(input.startHour),
    'books.verify': () => s.books.verify(),
    'days.exportCsv': (input) => dayReportCsv(s.days.report(input.day), input.lang),
    'reconciliation.importBill': ({ lang, fileBase64, uploadId, ...key }) =>
      s.reconciliation.importBill(key, uploadId ? { uploadId } : { base64: fileBase64 ?? '' }, lang),
    'reconciliation.list': (input) => ({ runs: s.reconciliation.list(input, input.lang) }),
    'reconciliation.get': (input) => s.reconciliation.get(input.id, input.lang),
    'reconciliation.run': ({ lang, ...key }) => s.reconciliation.download(key, lang),
    'reconciliation.download': (input) => s.reconciliation.downloadAgain(input.id, input.lang),
    'reconciliation.resolve': (input, principal) => {
      if (input.action === 'refund' && !allows(principal, 'refund')) {
        throw new EngineError('FORBIDDEN', 'refunding needs the refund permission')
      }
      return s.reconciliation.resolve(principal, input)
    },
    'shifts.exportCsv': (input) => shiftHandoverCsv(s.shifts.get(input.id), input.lang),
    'reports.get': (input) => s.reports.get(input),
    'exports.describe': (input) => describeTableExport(input),
    'exports.describeDay': (input) => describeDayExport(input),
  }
}

function backupView(file: BackupFile) {
  return { name: file.name, takenAt: new Date(file.takenAt).toISOString(), bytes: file.bytes }
}

function backupList(backups: BackupService) {
  const list = backups.list()
  return { folder: list.folder, everyHours: list.everyHours, backups: list.backups.map(backupView) }
}

/** The same entry point for transports, whose operation name and input arrive from outside. */
export type InvokeUntrusted = (operation: unknown, input: unknown, principal: Principal) => Promise<unknown>

/**
 * The single entry point both transports use: validates the raw input against the contract, runs the
 * operation, and lets only coded EngineErrors out; anything else is logged with the operation and answered
 * as INTERNAL. An answer leaves only once what the operation wrote is on disk.
 */
export function createInvoker(
  books: Pick<EventLog, 'mark' | 'durable'>,
  handlers: Handlers,
  log: Logger,
): InvokeUntrusted {
  return async function invoke(name: unknown, rawInput: unknown, principal: Principal): Promise<unknown> {
    if (!isOperationName(name)) {
      const shown = typeof name === 'string' ? name.slice(0, 100) : typeof name
      throw new EngineError('UNKNOWN_OPERATION', `unknown operation ${shown}`)
    }
    requireAccess(name, principal)
    const input = parseOperationInput(name, rawInput)
    const handler = handlers[name] as Handler<typeof name>
    const mark = books.mark()
    let output: unknown
    try {
      output = await runAs(principal, () => handler(input as never, principal))
    } catch (error) {
      await books.durable(mark).catch((durableError: unknown) => {
        // The operation's own error is the one to answer with; the lost write is reported here.
        log.error({ operation: name, ...errorFields(durableError) }, 'saving after a failed operation failed')
      })
      if (error instanceof EngineError) throw error
      log.error({ operation: name, ...errorFields(error) }, 'operation failed unexpectedly')
      throw new EngineError('INTERNAL', 'Internal error')
    }
    await books.durable(mark)
    return output
  }
}

/** Refuses an operation the principal may not run, saying what is missing (the console asks for the right PIN). */
function requireAccess(name: OperationName, principal: Principal): void {
  const access = OPERATION_ACCESS[name]
  if (allows(principal, access)) return
  if (principal.kind === 'anonymous') throw new EngineError('SESSION_EXPIRED', 'sign in with a PIN first')
  if (principal.kind === 'staff' && principal.pinChangeRequired) {
    throw new EngineError('PIN_CHANGE_REQUIRED', 'a real wallet is live: replace the demo PIN first')
  }
  throw new EngineError('FORBIDDEN', `${name} needs the ${access} permission`, { permission: access })
}

/** The till a display call is about: the one named, else the signed-in member's. */
function displayTill(principal: Principal, named: string | undefined): string {
  const tillId = named ?? actorOf(principal).tillId
  if (!tillId) throw new EngineError('VALIDATION_FAILED', 'name the till (tillId): this caller is at none')
  return tillId
}
