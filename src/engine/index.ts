import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { createDeviceService } from './devices/service'
import type { Device } from '../shared/api/types'
import { createDisplayBoard, type DisplayListener } from './display/board'
import type { Database } from 'better-sqlite3'
import type { EngineEvent } from '../shared/api/types'
import { isOperationName } from '../shared/api/operationNames'
import { EngineError } from '../shared/errors'
import { createHandlers, createInvoker, type InvokeUntrusted } from './api/handlers'
import type { OperationCallInput, OperationName, OperationOutput } from '../shared/api/operations'
import { createSettingsServices } from './api/settingsServices'
import { forgetProducts } from './catalog/products'
import { forgetOrders } from './orders/queries'
import { forgetSettings } from './store/settings'
import { forgetStoreProfile } from './store/profile'
import { forgetSaleDay } from './days/window'
import { createCatalogService } from './catalog/service'
import { systemClock, type Clock } from './clock'
import { forgetRoutingSettings } from './config/routing'
import { forgetWalletConfigs } from './config/wallets'
import { createCommitGroups } from './db/commitGroups'
import { openDatabase } from './db/open'
import { foldBalances } from './ledger/folds'
import { ensurePrivateDatabaseFile, ensurePrivateFolder } from './db/privateFiles'
import { createEventLog, type EventLog } from './events/log'
import { createPostings } from './ledger/postings'
import { foldReportSums } from './reports/sumFolds'
import { createRejectionThrottle, type RejectionThrottle } from './events/rejectionThrottle'
import { createFriendPayService, type FriendPayService } from './friendPay/service'
import { createIdGenerator, newSecretToken } from './ids'
import { createLifecycle, type Lifecycle } from './lifecycle'
import { createConsoleLogger, errorFields, type Logger } from './logger'
import { applyStagedRestore } from './backup/backups'
import { createBackupService, type BackupService } from './backup/service'
import { exportLogs } from './logs/export'
import { createOrderService, type OrderService } from './orders/service'
import { createAggregateService } from './payments/aggregate'
import { forgetAccountOutcomes, forgetAttempts, getAttemptRow } from './payments/queries'
import { createPaymentService, type PaymentService } from './payments/service'
import { createWalletAdapters, type WalletAdapters } from './providers/loader'
import type { WalletModule } from './providers/module'
import { createApiTokens, type ApiTokens } from './store/apiToken'
import { createIdempotencyKeys, type IdempotentResult } from './idempotency/keys'
import { createSimulatorProvider, type SimulatorOutcome, type SimulatorProvider } from './providers/simulator'
import { openSimulatorBooks, SIMULATOR_DATABASE_FILE } from './providers/simulatorBooks'
import type { IncomingNotification } from './providers/types'
import { createOptionsResolver } from './routing/facts'
import type { SecretBox } from './secrets'
import { seedDemoStore } from './seed/demo'
import { ensureStaff } from './seed/demoStaff'
import { createStaffService } from './staff/service'
import { createShiftService } from './shifts/bind'
import { createDayService } from './days/bind'
import { createReconciliationService } from './reconciliation/bind'
import { createReportService } from './reports/service'
import { verifyBooks } from './ledger/verify'
import { SYSTEM, type Principal } from './staff/principal'
import { singleFlight } from './singleFlight'
import { getOrCreateSetting } from './store/settings'
import { openExport, type ExportDownload, type ExportOperation } from './exports/open'

export interface EngineOptions {
  /** Folder holding the database file; created if missing. */
  dataDir: string
  clock?: Clock
  /** Path to an Electron-ABI build of better-sqlite3 (Electron only). */
  nativeBinding?: string
  /** Base URL a phone uses to reach this engine's server (QR codes point there). */
  publicBaseUrl?: string
  /** Seed the demo store on a fresh database (default true). */
  seedDemo?: boolean
  /** How often unfinished payments are queried at their wallets; 0 disables the timer. */
  sweepIntervalMs?: number
  paymentTtlMs?: number
  orderTtlMs?: number
  simulator?: { defaultOutcome?: SimulatorOutcome }
  /** Encrypts wallet secrets at rest; without it real-wallet credentials cannot be stored. */
  secretBox?: SecretBox | null
  /** How long a call to a real wallet may take before its outcome counts as unknown (default 15 s). */
  walletTimeoutMs?: number
  /** Real wallet providers to build adapters for; a wallet without one is unavailable outside simulator mode. */
  adapters?: readonly WalletModule[]
  /**
   * Back up the books on a schedule and at shutdown (the desktop app and headless mode turn this on; the folder and
   * schedule are settings). A restore staged with `backups.restore` is applied at start either way.
   */
  backups?: boolean
  /** Folder of the host's log files (server/fileLog), gathered by `logs.export` for support. */
  logDir?: string
  /** Where failures and notable events are reported (default: one line each on stderr). */
  logger?: Logger
  /** How often the daily bill download is considered (it runs once a day, after 10:00 Beijing); 0 disables it. */
  reconciliationIntervalMs?: number
}

export interface Engine {
  readonly db: Database
  readonly clock: Clock
  readonly dataDir: string
  readonly events: EventLog
  readonly orders: OrderService
  readonly payments: PaymentService
  readonly simulator: SimulatorProvider
  readonly aggregate: ReturnType<typeof createAggregateService>
  readonly friendPay: FriendPayService
  readonly backups: BackupService
  /**
   * Runs one API operation (validated against the contract), typed by the contract; throws only EngineError. In
   * process it runs as the engine itself unless a caller is given.
   */
  invoke: <N extends OperationName>(
    operation: N,
    input: OperationCallInput<N>,
    caller?: Caller,
  ) => Promise<OperationOutput<N>>
  /** The same for transports (IPC, HTTP), whose operation name and input arrive from outside, for their caller. */
  invokeUntrusted(operation: unknown, input: unknown, caller: Caller): Promise<unknown>
  /**
   * `invokeUntrusted` under an idempotency key (the HTTP `Idempotency-Key` header, the console's buttons): a
   * retry with the same key and input gets the first answer, and nothing is done twice.
   */
  invokeIdempotent(key: string, operation: unknown, input: unknown, caller: Caller): Promise<IdempotentResult>
  /**
   * An export file for a transport's caller: checked like its describing operation (input, permission) before the
   * first byte, then streamed from the books a page at a time.
   */
  openExport(operation: ExportOperation, input: unknown, caller: Caller): Promise<ExportDownload>
  /** Entry point for wallet notifications (HTTP route, simulator delivery). */
  acceptNotification(providerKey: string, notification: IncomingNotification): Promise<void>
  subscribe(listener: (event: EngineEvent) => void): () => void
  /** What the tills' customer displays should show, as each till publishes it (not part of the event log). */
  subscribeDisplay(listener: DisplayListener): () => void
  /** The paired till or display a presented credential belongs to (null: unknown or revoked). */
  deviceOfToken(token: string): Device | null
  /** The integrator API token, kept as a hash: made on first start, replaced on request. */
  readonly apiTokens: ApiTokens
  setPublicBaseUrl(url: string): void
  publicBaseUrl(): string
  /** Queries unfinished payments and expires overdue orders once (the timer calls this). */
  sweep(): Promise<void>
  /** Bills sent as a request body: saved to a private file as they stream in, named in `reconciliation.importBill`. */
  readonly bills: { receive(body: Readable): Promise<string>; discard(uploadId: string): void }
  /** Downloads and matches yesterday's bills of the wallets with real credentials, once they are out. */
  reconcileDue(): Promise<void>
  /** Waits until background work (notifications, closing sibling payments) has finished. */
  idle(): Promise<void>
  close(): Promise<void>
}

export const DATABASE_FILE = 'hutong.sqlite'

/**
 * Who a call comes from: the engine itself (in-process callers, the default of `invoke`), or a transport's caller
 * — a staff session token (the console's `X-Hutong-Session`) and whether the integrator token was presented.
 */
export type Caller = { system: true } | { session?: string | null; integration?: boolean }
export const SYSTEM_CALLER: Caller = { system: true }

/**
 * The composition root: everything the engine is made of is built here and only here, part by part —
 * the merchant's books, the simulator wallet, the real wallet adapters, the services, the operations, and
 * the lifecycle that ties their background work to shutdown.
 */
export function createEngine(options: EngineOptions): Engine {
  ensurePrivateFolder(options.dataDir)
  const clock = options.clock ?? systemClock
  const log = options.logger ?? createConsoleLogger()
  const lifecycle = createLifecycle(log)
  const books = openBooks(options, clock, log)
  const rejections = createRejectionThrottle(clock)
  let baseUrl = options.publicBaseUrl ?? 'http://127.0.0.1:5170'
  const publicBaseUrl = (): string => baseUrl
  const simulator = startSimulator(options, books, publicBaseUrl, (notification) =>
    engine.acceptNotification('simulator', notification),
  )
  const adapters = startWalletAdapters(options, { books, simulator, rejections, clock, log })
  const services = createServices(options, { ...books, clock, log, lifecycle, adapters, publicBaseUrl, rejections })
  if (options.seedDemo ?? true) seedDemoStore(books.db, clock, books.newId)
  ensureStaff(books.db, clock, books.newId)
  const backups = createBackupService({
    ...books,
    clock,
    dataDir: options.dataDir,
    nativeBinding: options.nativeBinding,
  })
  const invoke = createOperations(options, { ...books, clock, log, adapters, services, backups })
  const idempotency = createIdempotencyKeys(books.db, books.events, clock)
  const sweep = singleFlight(async () => {
    await services.payments.sweep()
    await services.friendPay.expireDue()
    await services.orders.expireDue()
    idempotency.expire()
  })
  const stopTimers = startTimers(options, lifecycle, {
    sweep,
    backups: async () => void (await backups.runIfDue()),
    reconciliation: services.reconciliation.runDue,
  })
  const { db, events } = books
  const { whileOpen } = lifecycle
  const principalOf = principalResolver(services.staff)

  const engine: Engine = {
    db,
    clock,
    dataDir: options.dataDir,
    events,
    orders: services.orders,
    payments: services.payments,
    simulator: simulator.provider,
    // The phone pages' entry points that call wallets are waited for at shutdown too.
    aggregate: { ...services.aggregate, land: whileOpen(services.aggregate.land) },
    friendPay: { ...services.friendPay, pay: whileOpen(services.friendPay.pay) },
    backups,
    invoke: whileOpen((operation: unknown, input: unknown, caller: Caller = SYSTEM_CALLER) =>
      invoke(operation, input, principalOf(caller)),
    ) as Engine['invoke'],
    invokeUntrusted: whileOpen((operation: unknown, input: unknown, caller: Caller) =>
      invoke(operation, input, principalOf(caller)),
    ),
    invokeIdempotent: whileOpen(async (key: string, operation: unknown, input: unknown, caller: Caller) => {
      if (!isOperationName(operation)) throw new EngineError('UNKNOWN_OPERATION', 'unknown operation')
      const principal = principalOf(caller)
      return idempotency.run(key, operation, input, () => invoke(operation, input, principal))
    }),
    openExport: whileOpen(async (operation: ExportOperation, input: unknown, caller: Caller) =>
      openExport({ db, log, dayReport: services.days.report }, operation, input, () =>
        invoke(operation, input, principalOf(caller)),
      ),
    ),
    acceptNotification: whileOpen(async (key: string, notification: IncomingNotification) => {
      // The wallet stops resending once we answer: answer only when what it told us is on disk.
      const mark = events.mark()
      try {
        await services.payments.acceptNotification(key, notification)
      } finally {
        await events.durable(mark)
      }
    }),
    subscribe: (listener) => events.subscribe(listener),
    subscribeDisplay: (listener) => services.display.subscribe(listener),
    deviceOfToken: (token) => services.devices.verify(token),
    apiTokens: createApiTokens(db, events),
    setPublicBaseUrl: (url) => {
      baseUrl = url.replace(/\/+$/, '')
    },
    publicBaseUrl,
    sweep,
    bills: { receive: whileOpen(services.reconciliation.receive), discard: services.reconciliation.discard },
    reconcileDue: whileOpen(services.reconciliation.runDue),
    idle: () => lifecycle.idle(() => simulator.provider.idle()),
    async close() {
      if (!lifecycle.beginClose()) return
      stopTimers()
      await engine.idle()
      if (options.backups) await backUpAtShutdown(backups, log)
      await closeBooks(books, simulator)
    },
  }
  return engine
}

/** Who a call runs as: the engine itself, or the staff member (or integrator) its caller presents. */
function principalResolver(staff: {
  resolve(credentials: { session: string | null; integration: boolean }): Principal
}) {
  return (caller: Caller): Principal =>
    'system' in caller
      ? SYSTEM
      : staff.resolve({ session: caller.session ?? null, integration: caller.integration ?? false })
}

/** The wallet adapters: the simulator and the real providers whose credentials are stored. */
function startWalletAdapters(
  options: EngineOptions,
  parts: { books: Books; simulator: Simulator; rejections: RejectionThrottle; clock: Clock; log: Logger },
): WalletAdapters {
  const { books, rejections, clock, log } = parts
  return createWalletAdapters({
    db: books.db,
    secretBox: options.secretBox ?? null,
    simulator: parts.simulator.provider,
    modules: options.adapters ?? [],
    log,
    deps: {
      clock,
      log,
      timeoutMs: options.walletTimeoutMs ?? 15_000,
      // A refused answer or notification is recorded once a minute per provider and kind, with the count.
      onSecurityEvent: (event) => {
        const admission = rejections.admit(`${event.provider}|${event.kind}`)
        if (!admission.record) return
        const counted = admission.suppressed ? { suppressed: admission.suppressed } : {}
        books.events.unitOfWork(() => {
          books.events.append({ type: 'security.rejected', data: { ...event, ...counted } })
        })
      },
    },
  })
}

interface Books {
  db: Database
  events: EventLog
  newId: ReturnType<typeof createIdGenerator>
}

/** The merchant's database, its event log (the unit of work, group-committed) and id generator. */
function openBooks(options: EngineOptions, clock: Clock, log: Logger): Books {
  const file = join(options.dataDir, DATABASE_FILE)
  const replaced = applyStagedRestore(options.dataDir, DATABASE_FILE, clock.now())
  if (replaced) log.warn({ replaced }, 'restored the books from a backup; the replaced files are kept beside them')
  ensurePrivateDatabaseFile(file)
  const db = openDatabase(file, { nativeBinding: options.nativeBinding })
  // Sums kept beside the journal take in each group's postings at once (see ledger/folds.ts).
  const foldSums = () => {
    foldBalances(db)
    foldReportSums(db)
  }
  foldSums()
  const groups = createCommitGroups(db, {
    beforeCommit: foldSums,
    // In-memory copies of stored data may hold what was undone.
    onRollback: () => {
      forgetWalletConfigs(db)
      forgetRoutingSettings(db)
      forgetAccountOutcomes(db)
      forgetProducts(db)
      forgetOrders(db)
      forgetAttempts(db)
      forgetSettings(db)
      forgetStoreProfile(db)
      forgetSaleDay(db)
    },
  })
  const events = createEventLog(db, clock, groups, (error, event) =>
    log.error({ event: event.type, seq: event.seq, ...errorFields(error) }, 'an event listener failed'),
  )
  const newId = createIdGenerator(clock)
  const postings = createPostings(db, newId)
  events.onAppend((event, at) => postings.onAppend(event, at))
  events.onUnitEnd((completed) => postings.onUnitEnd(completed))
  return { db, events, newId }
}

interface Simulator {
  provider: SimulatorProvider
  db: Database
}

/** The simulator wallet: its own books (what "the wallet" holds) and pages a phone can pay on. */
function startSimulator(
  options: EngineOptions,
  books: Books,
  publicBaseUrl: () => string,
  deliverNotification: (notification: IncomingNotification) => Promise<void>,
): Simulator {
  const secret = getOrCreateSetting(books.db, 'simulator.notification_secret', () => newSecretToken(32))
  const file = join(options.dataDir, SIMULATOR_DATABASE_FILE)
  ensurePrivateDatabaseFile(file)
  const db = openSimulatorBooks(file, options.nativeBinding)
  const provider = createSimulatorProvider({
    db,
    clock: options.clock ?? systemClock,
    secret,
    publicBaseUrl,
    deliverNotification,
    defaultOutcome: options.simulator?.defaultOutcome,
    // The payment is recorded before its wallet is asked: the simulated wallet charges the fee routing set.
    merchantFeeFen: (outTradeNo) => getAttemptRow(books.db, outTradeNo)?.merchant_fee_fen ?? null,
  })
  return { provider, db }
}

/** How often the schedule is checked (a backup is taken when the newest is older than the setting asks). */
const BACKUP_CHECK_INTERVAL_MS = 10 * 60_000
const RECONCILIATION_CHECK_INTERVAL_MS = 15 * 60_000

/** The engine's schedules: the payment sweep, backups (when asked for), the daily bill download. */
function startTimers(
  options: EngineOptions,
  lifecycle: Lifecycle,
  ticks: Record<'sweep' | 'backups' | 'reconciliation', () => Promise<void>>,
): () => void {
  const stops = [
    lifecycle.every(options.sweepIntervalMs ?? 2000, 'sweep', ticks.sweep),
    options.backups ? lifecycle.every(BACKUP_CHECK_INTERVAL_MS, 'backup', ticks.backups) : () => undefined,
    lifecycle.every(
      options.reconciliationIntervalMs ?? RECONCILIATION_CHECK_INTERVAL_MS,
      'reconciliation',
      ticks.reconciliation,
    ),
  ]
  return () => stops.forEach((stop) => stop())
}

/** The last backup before the books close; a failure is logged and does not stop the shutdown. */
async function backUpAtShutdown(backups: BackupService, log: Logger): Promise<void> {
  try {
    await backups.run()
  } catch (error) {
    log.error(errorFields(error), 'the backup at shutdown failed')
  }
}

/** Writes what is still in memory: the wallet's books first, since the merchant's record what the wallet said. */
async function closeBooks(books: Books, simulator: Simulator): Promise<void> {
  const walletBooks = simulator.provider.flush()
  const mark = books.events.mark()
  books.events.flush()
  try {
    await Promise.all([walletBooks, books.events.durable(mark)])
  } finally {
    books.db.close()
    simulator.db.close()
  }
}

interface ServiceParts extends Books {
  rejections: RejectionThrottle
  clock: Clock
  log: Logger
  lifecycle: Lifecycle
  adapters: WalletAdapters
  publicBaseUrl: () => string
}

/** Orders, payments, the all-wallets code, friend pay and the catalog, wired to each other explicitly. */
function createServices(options: EngineOptions, parts: ServiceParts) {
  const { db, clock, events, newId, log, lifecycle, publicBaseUrl, rejections } = parts
  const providers = parts.adapters.registry
  const optionsFor = createOptionsResolver(db, clock, providers)
  const paymentTtlMs = options.paymentTtlMs ?? 5 * 60 * 1000
  const orderTtlMs = options.orderTtlMs ?? 2 * 60 * 60 * 1000
  const { track, closing: stopping } = lifecycle
  const payments = createPaymentService({
    ...{ db, clock, events, providers, log, newId, optionsFor, paymentTtlMs, track, stopping, rejections },
  })
  const aggregate = createAggregateService({
    db,
    clock,
    events,
    payments,
    optionsFor,
    newId,
    paymentTtlMs,
    publicBaseUrl,
  })
  const proofKey = getOrCreateSetting(db, 'friend_pay.proof_key', () => newSecretToken(32))
  const friendPay = createFriendPayService({
    ...{ db, clock, events, payments, optionsFor, newId, publicBaseUrl, proofKey, orderTtlMs, log },
  })
  // Friend-pay requests follow their order when it is paid, in the same transaction.
  payments.onOrderPaid(friendPay.onOrderPaid)
  const orders = createOrderService({ db, clock, events, payments, newId, orderTtlMs, log })
  const catalog = createCatalogService({ db, clock, newId })
  const staff = createStaffService({ db, clock, events, newId })
  const shifts = createShiftService({ db, clock, events, newId, staff })
  const days = createDayService({ db, clock, events })
  const display = createDisplayBoard(clock, (error) => log.error({ ...errorFields(error) }, 'display listener failed'))
  const devices = createDeviceService({ db, clock, events, newId })
  const reconciliation = createReconciliationService({
    ...{ db, clock, events, log, newId, providers, payments },
    workDir: join(options.dataDir, 'bills'),
  })
  const reports = createReportService({ db, clock })
  return {
    ...{ payments, aggregate, friendPay, orders, catalog, optionsFor, staff, shifts, days, display, devices },
    ...{ reconciliation, reports },
  }
}

/** The API operations, served by both transports through one invoker. */
function createOperations(
  options: EngineOptions,
  parts: Books & {
    clock: Clock
    log: Logger
    adapters: WalletAdapters
    services: ReturnType<typeof createServices>
    backups: BackupService
  },
): InvokeUntrusted {
  const { services } = parts
  const settings = createSettingsServices({ ...parts, secretBox: options.secretBox ?? null })
  return createInvoker(
    parts.events,
    createHandlers({
      ...settings,
      aggregate: { create: (orderId) => services.aggregate.create(orderId) },
      friendPay: services.friendPay,
      options: (orderId) => services.optionsFor(services.payments.requireOrder(orderId)),
      catalog: services.catalog,
      backups: parts.backups,
      exportLogs: async () => {
        await new Promise<void>((resolve) => (parts.log.flush ? parts.log.flush(() => resolve()) : resolve()))
        return exportLogs(options.logDir, options.dataDir, parts.clock.now())
      },
      orders: services.orders,
      payments: services.payments,
      staff: services.staff,
      shifts: services.shifts,
      days: services.days,
      display: services.display,
      devices: services.devices,
      reconciliation: services.reconciliation,
      reports: services.reports,
      books: { verify: () => verifyBooks(parts.db) },
    }),
    parts.log,
  )
}

export type { Clock } from './clock'
export { createManualClock, systemClock } from './clock'
