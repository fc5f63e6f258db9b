import { z } from 'zod'
import { MAX_AMOUNT_FEN } from './money'
import { PROVIDER_MODES, WALLET_IDS } from './wallets'

/** What a customer display (客显) shows for a till: built by the till's console, relayed by the engine. */
export const DISPLAY_PHASES = ['idle', 'cart', 'choosing', 'paying', 'paid', 'cancelled'] as const
export type DisplayPhase = (typeof DISPLAY_PHASES)[number]

const Fen = z.number().int().min(0).max(MAX_AMOUNT_FEN)

export const DisplayLine = z.strictObject({
  name: z.string().max(200),
  quantity: z.number().int().min(1).max(100_000),
  amountFen: Fen,
})

export const DisplayCode = z.strictObject({
  /** Null for the code every wallet can scan (一码付). */
  wallet: z.enum(WALLET_IDS).nullable(),
  label: z.string().max(100),
  /** The QR code's payload, as the till shows it. */
  content: z.string().min(1).max(2000),
  mode: z.enum(PROVIDER_MODES),
})

export const DisplayState = z
  .strictObject({
    phase: z.enum(DISPLAY_PHASES),
    orderId: z.string().max(64).nullable().default(null),
    orderNumber: z.number().int().min(1).nullable().default(null),
    lines: z.array(DisplayLine).max(200).default([]),
    totalFen: Fen.default(0),
    codes: z.array(DisplayCode).max(8).default([]),
    friendPay: z
      .strictObject({ url: z.string().max(2000), code: z.string().max(32).nullable() })
      .nullable()
      .default(null),
    paid: z
      .strictObject({ wallet: z.enum(WALLET_IDS), amountFen: Fen, at: z.iso.datetime() })
      .nullable()
      .default(null),
  })
  .meta({ id: 'DisplayState' })
export type DisplayState = z.infer<typeof DisplayState>

export const DisplaySnapshot = z
  .object({
    tillId: z.string(),
    state: DisplayState,
    updatedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'DisplaySnapshot' })
export type DisplaySnapshot = z.infer<typeof DisplaySnapshot>

export const IDLE_DISPLAY: DisplayState = {
  phase: 'idle',
  orderId: null,
  orderNumber: null,
  lines: [],
  totalFen: 0,
  codes: [],
  friendPay: null,
  paid: null,
}
