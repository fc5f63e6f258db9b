import type { KeyObject } from 'node:crypto'
import { EngineError } from '../../../shared/errors'
import type { AdapterDeps } from '../common'
import type { ProviderTrade, TradeState } from '../types'
import { createGatewayClient, type GatewayAnswer, type GatewayClient } from './client'
import type { AlipayConfig } from './config'
import { loadPrivateKey, loadPublicKey } from './crypto'

export interface AlipayTuning {
  /** alipay.trade.cancel answers retry_flag=Y when it could not finish: how often and how far apart to retry. */
  cancelAttempts?: number
  cancelRetryDelayMs?: number
  /** Notifications whose notify_time is further than this from our clock are refused as replays. */
  notificationMaxAgeMs?: number
}

/** What every step of the adapter works with: its settings, its gateway client and three bounded memories. */
export interface AlipayContext {
  config: AlipayConfig
  deps: AdapterDeps
  /** The provider key, `alipay:<mode>`. */
  key: string
  gateway: GatewayClient
  alipayPublicKey: KeyObject
  cancelAttempts: number
  cancelRetryDelayMs: number
  notificationMaxAgeMs: number
  /** Huabei: hb_fq_seller_percent when a request does not say who bears the fee. */
  sellerPercent: 0 | 100
  /** Trades started by payment code: their WAIT_BUYER_PAY means the customer is confirming in the app. */
  codeTrades: Set<string>
  /** The trade of each refund made through this instance: Alipay's refund query needs it. */
  refundTrades: Map<string, string>
  /** Signatures of accepted notifications: the same notification twice is a replay. */
  seenNotifications: Set<string>
}

export const NOT_EXIST = 'ACQ.TRADE_NOT_EXIST'
/** Bound of each in-memory hint set (payment-code trades, refund → trade, accepted notifications). */
const MEMORY_MAX = 10_000

/** Reads the keys (a key that cannot be read is VALIDATION_FAILED) and sets up the gateway client. */
export function createAlipayContext(config: AlipayConfig, deps: AdapterDeps, tuning: AlipayTuning): AlipayContext {
  const key = `alipay:${config.mode}`
  let appPrivateKey: KeyObject
  let alipayPublicKey: KeyObject
  try {
    appPrivateKey = loadPrivateKey(config.appPrivateKeyPem)
    alipayPublicKey = loadPublicKey(config.alipayPublicKeyPem)
  } catch (error) {
    throw new EngineError('VALIDATION_FAILED', (error as Error).message)
  }
  return {
    config,
    deps,
    key,
    gateway: createGatewayClient(config, deps, { appPrivateKey, alipayPublicKey }, key),
    alipayPublicKey,
    cancelAttempts: tuning.cancelAttempts ?? 5,
    cancelRetryDelayMs: tuning.cancelRetryDelayMs ?? 1000,
    notificationMaxAgeMs: tuning.notificationMaxAgeMs ?? 15 * 60_000,
    sellerPercent: config.huabeiSellerPercent ?? 0,
    codeTrades: new Set(),
    refundTrades: new Map(),
    seenNotifications: new Set(),
  }
}

/** A verified answer that refuses what we asked, as a PROVIDER_ERROR carrying Alipay's codes. */
export function fail(answer: GatewayAnswer, what: string): never {
  const reason = answer.subMsg ?? answer.msg
  throw new EngineError('PROVIDER_ERROR', `Alipay refused ${what}: ${answer.subCode ?? answer.code} ${reason}`.trim(), {
    code: answer.code,
    subCode: answer.subCode,
  })
}

/**
 * trade_status → our TradeState, or null when Alipay sends one it never documented. WAIT_BUYER_PAY of a
 * payment-code trade means the customer is confirming in the app.
 */
export function tradeStateOf(ctx: AlipayContext, status: unknown, outTradeNo: string): TradeState | null {
  if (status === 'TRADE_SUCCESS' || status === 'TRADE_FINISHED') return 'SUCCESS'
  if (status === 'TRADE_CLOSED') return 'CLOSED'
  if (status === 'WAIT_BUYER_PAY') return ctx.codeTrades.has(outTradeNo) ? 'USERPAYING' : 'NOTPAY'
  return null
}

export function notFound(outTradeNo: string): ProviderTrade {
  return { outTradeNo, state: 'NOT_FOUND', amountFen: null, providerTradeNo: null, paidAt: null }
}

export function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

/** Adds to a bounded memory; the oldest entry goes when it is full. */
export function remember(store: Set<string>, key: string): void {
  makeRoom(store)
  store.add(key)
}

export function rememberRefundTrade(ctx: AlipayContext, outRefundNo: string, outTradeNo: string): void {
  makeRoom(ctx.refundTrades)
  ctx.refundTrades.set(outRefundNo, outTradeNo)
}

function makeRoom(store: Set<string> | Map<string, string>): void {
  if (store.size >= MEMORY_MAX) store.delete(store.keys().next().value as string)
}
