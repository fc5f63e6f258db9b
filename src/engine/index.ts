import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Database } from 'better-sqlite3'
import type { EngineEvent } from '../shared/api/types'
import { EngineError } from '../shared/errors'
import { createHandlers, createInvoker } from './api/handlers'
import { forgetProducts } from './catalog/products'
import { createCatalogService } from './catalog/service'
import { systemClock, type Clock } from './clock'
import { createCommitGroups } from './db/commitGroups'
import { openDatabase } from './db/open'
import { createEventLog, type EventLog } from './events/log'
import { createIdGenerator, newSecretToken } from './ids'
import { createOrderService, type OrderService } from './orders/service'
import { forgetAccountOutcomes } from './payments/queries'
import { createPaymentService, type PaymentService } from './payments/service'
import { createProviderRegistry } from './providers/registry'
import { createSimulatorProvider, type SimulatorOutcome, type SimulatorProvider } from './providers/simulator'
import type { IncomingNotification, PaymentProvider } from './providers/types'
import { openSimulatorBooks, SIMULATOR_DATABASE_FILE } from './providers/simulatorBooks'
import { seedDemoStore } from './seed/demo'
import { getOrCreateSetting } from './store/settings'
import { getStoreProfile } from './store/profile'
import { listAudit } from './config/audit'
import { forgetRoutingSettings, getRoutingSettings, saveRoutingSettings } from './config/routing'
import { forgetWalletConfigs, listWalletConfigs, saveWalletConfig } from './config/wallets'
import { createAggregateService } from './payments/aggregate'
import { createOptionsResolver } from './routing/facts'
import { singleFlight } from './singleFlight'
import { createFriendPayService, type FriendPayService } from './friendPay/service'
import { credentialsStatus, loadAdapterConfigs, saveCredentials } from './credentials/store'
import type { AdapterDeps, AdapterFactory, WalletAdapter } from './providers/common'
import type { AlipayConfig } from './providers/alipay/config'
import type { WechatPayConfig } from './providers/wechatpay/config'
import type { SecretBox } from './secrets'

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
  /** Real wallet adapters by wallet; a wallet without one is unavailable outside simulator mode. */
  adapters?: { wechat?: AdapterFactory<WechatPayConfig>; alipay?: AdapterFactory<AlipayConfig> }
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
  /** Runs one API operation (validated against the contract); throws only EngineError. */
  invoke(operation: unknown, input: unknown): Promise<unknown>
  /** Entry point for wallet notifications (HTTP route, simulator delivery). */
  acceptNotification(providerKey: string, notification: IncomingNotification): Promise<void>
  subscribe(listener: (event: EngineEvent) => void): () => void
  /** The integrator API token: generated once, kept in the database. */
  apiToken(): string
  setPublicBaseUrl(url: string): void
  publicBaseUrl(): string
  /** Queries unfinished payments and expires overdue orders once (the timer calls this). */
  sweep(): Promise<void>
  /** Waits until background work (notifications, closing sibling payments) has finished. */
  idle(): Promise<void>
  close(): Promise<void>
}

export const DATABASE_FILE = 'hutong.sqlite'

/** The composition root: everything the engine is made of is built here and only here. */
export function createEngine(options: EngineOptions): Engine {
  mkdirSync(options.dataDir, { recursive: true })
  const clock = options.clock ?? systemClock
  const db = openDatabase(join(options.dataDir, DATABASE_FILE), { nativeBinding: options.nativeBinding })
  const newId = createIdGenerator(clock)
  const events = createEventLog(
    db,
    clock,
    createCommitGroups(db, {
      // In-memory copies of stored data may hold what was undone.
      onRollback: () => {
        forgetWalletConfigs(db)
        forgetRoutingSettings(db)
        forgetAccountOutcomes(db)
        forgetProducts(db)
      },
    }),
  )
  const background = new Set<Promise<unknown>>()
  const track = (work: Promise<unknown>): void => {
    background.add(work)
    void work.finally(() => background.delete(work))
  }
  let baseUrl = options.publicBaseUrl ?? 'http://127.0.0.1:5170'

  const simulatorSecret = getOrCreateSetting(db, 'simulator.notification_secret', () => newSecretToken(32))
  const simulatorDb = openSimulatorBooks(join(options.dataDir, SIMULATOR_DATABASE_FILE), options.nativeBinding)
  const simulator = createSimulatorProvider({
    db: simulatorDb,
    clock,
    secret: simulatorSecret,
    publicBaseUrl: () => baseUrl,
    deliverNotification: (notification) => engine.acceptNotification('simulator', notification),
    defaultOutcome: options.simulator?.defaultOutcome,
  })
  const secretBox = options.secretBox ?? null
  let realAdapters: WalletAdapter[] = []
  // Read on every routing decision: rebuilt only when the adapters change.
  let allProviders: readonly PaymentProvider[] = [simulator]
  const adapterDeps: AdapterDeps = {
    clock,
    timeoutMs: options.walletTimeoutMs ?? 15_000,
    onSecurityEvent: (event) =>
      events.unitOfWork(() => void events.append({ type: 'security.rejected', data: { ...event } })),
  }
  /** (Re)builds the real adapters from the stored credentials, decrypted in memory only. */
  const loadAdapters = (): void => {
    const configs = loadAdapterConfigs(db, secretBox)
    const built: WalletAdapter[] = []
    for (const config of configs.wechat)
      if (options.adapters?.wechat) built.push(options.adapters.wechat(config, adapterDeps))
    for (const config of configs.alipay)
      if (options.adapters?.alipay) built.push(options.adapters.alipay(config, adapterDeps))
    realAdapters = built
    allProviders = [simulator, ...built]
  }
  try {
    loadAdapters()
  } catch (error) {
    console.error(
      `[engine] wallet credentials could not be loaded: ${error instanceof Error ? error.message : 'unknown error'}`,
    )
  }
  const providers = createProviderRegistry(() => allProviders)
  const optionsFor = createOptionsResolver(db, clock, providers)
  const paymentTtlMs = options.paymentTtlMs ?? 5 * 60 * 1000
  const orderTtlMs = options.orderTtlMs ?? 2 * 60 * 60 * 1000
  // Friend-pay requests follow their order when it is paid; the service exists only after payments does.
  let onOrderPaid: FriendPayService['onOrderPaid'] = () => undefined
  const payments = createPaymentService({
    db,
    clock,
    events,
    providers,
    newId,
    optionsFor,
    paymentTtlMs,
    track,
    stopping: () => closed,
    onOrderPaid: (orderId, attempt, now) => onOrderPaid(orderId, attempt, now),
  })
  const aggregate = createAggregateService({
    db,
    clock,
    events,
    payments,
    optionsFor,
    newId,
    paymentTtlMs,
    publicBaseUrl: () => baseUrl,
  })
  const friendPay = createFriendPayService({
    db,
    clock,
    events,
    payments,
    optionsFor,
    newId,
    publicBaseUrl: () => baseUrl,
    proofKey: getOrCreateSetting(db, 'friend_pay.proof_key', () => newSecretToken(32)),
    orderTtlMs,
  })
  onOrderPaid = friendPay.onOrderPaid
  const orders = createOrderService({
    db,
    clock,
    events,
    payments,
    newId,
    orderTtlMs,
  })
  const catalog = createCatalogService({ db, clock, newId })
  if (options.seedDemo ?? true) seedDemoStore(db, clock, newId)

  const invoke = createInvoker(
    events,
    createHandlers({
      store: { profile: () => getStoreProfile(db) },
      wallets: {
        list: () => listWalletConfigs(db),
        update: (input) =>
          events.unitOfWork(() => {
            saveWalletConfig(db, input, clock.now())
            events.append({ type: 'config.changed', data: { entity: 'wallet', wallet: input.wallet } })
            return listWalletConfigs(db).find((c) => c.wallet === input.wallet)!
          }),
      },
      routing: {
        get: () => getRoutingSettings(db),
        update: (input) =>
          events.unitOfWork(() => {
            saveRoutingSettings(db, input, clock.now())
            events.append({ type: 'config.changed', data: { entity: 'routing' } })
            return getRoutingSettings(db)
          }),
      },
      audit: { list: (limit) => listAudit(db, limit) },
      aggregate: { create: (orderId) => aggregate.create(orderId) },
      friendPay,
      credentials: {
        get: (input) => credentialsStatus(db, secretBox, input.wallet, input.mode),
        set: async (input) => {
          const mark = events.mark()
          events.unitOfWork(() => {
            saveCredentials(db, secretBox, input, clock.now())
            events.append({ type: 'credentials.changed', data: { wallet: input.wallet, mode: input.mode } })
          })
          // Payments go to the new merchant account only once it is on disk: a lost save changes nothing.
          await events.durable(mark)
          loadAdapters()
          return credentialsStatus(db, secretBox, input.wallet, input.mode)
        },
        test: async (input) => {
          const key = `${input.wallet === 'wechat' ? 'wechatpay' : 'alipay'}:${input.mode}`
          const adapter = realAdapters.find((a) => a.key === key)
          if (!adapter)
            return { ok: false, code: 'NOT_CONFIGURED', message: 'no credentials are stored for this wallet and mode' }
          return adapter.testConnection()
        },
      },
      options: (orderId) => optionsFor(payments.requireOrder(orderId)),
      catalog,
      orders,
      payments,
    }),
  )

  const sweep = singleFlight(async () => {
    await payments.sweep()
    await friendPay.expireDue()
    await orders.expireDue()
  })
  const sweepIntervalMs = options.sweepIntervalMs ?? 2000
  const timer = sweepIntervalMs > 0 ? setInterval(() => track(sweep().catch(() => undefined)), sweepIntervalMs) : null
  timer?.unref()
  let closed = false
  /** Once closing, nothing new starts; what is under way is waited for (it may be talking to a wallet). */
  const whileOpen =
    <A extends unknown[], R>(work: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      if (closed) return Promise.reject(new EngineError('INTERNAL', 'the engine is shutting down'))
      const running = work(...args)
      track(running.catch(() => undefined))
      return running
    }

  const engine: Engine = {
    db,
    clock,
    dataDir: options.dataDir,
    events,
    orders,
    payments,
    simulator,
    // The phone pages' entry points that call wallets are waited for at shutdown too.
    aggregate: { ...aggregate, land: whileOpen(aggregate.land) },
    friendPay: { ...friendPay, pay: whileOpen(friendPay.pay) },
    invoke: whileOpen(invoke),
    acceptNotification: whileOpen(async (key: string, notification: IncomingNotification) => {
      // The wallet stops resending once we answer: answer only when what it told us is on disk.
      const mark = events.mark()
      try {
        await payments.acceptNotification(key, notification)
      } finally {
        await events.durable(mark)
      }
    }),
    subscribe: (listener) => events.subscribe(listener),
    apiToken: () => getOrCreateSetting(db, 'api.token', () => newSecretToken(24)),
    setPublicBaseUrl: (url) => {
      baseUrl = url.replace(/\/+$/, '')
    },
    publicBaseUrl: () => baseUrl,
    sweep,
    async idle() {
      while (background.size || (await simulator.idle(), background.size)) await Promise.allSettled([...background])
    },
    async close() {
      if (closed) return
      closed = true
      if (timer) clearInterval(timer)
      await engine.idle()
      // The wallet's books first: the merchant's record what the wallet said.
      const walletBooks = simulator.flush()
      const mark = events.mark()
      events.flush()
      try {
        await Promise.all([walletBooks, events.durable(mark)])
      } finally {
        db.close()
        simulatorDb.close()
      }
    },
  }
  return engine
}

export type { Clock } from './clock'
export { createManualClock, systemClock } from './clock'
