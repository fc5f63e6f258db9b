import type { z } from 'zod'
import type * as S from './schemas'
import type { Device as DeviceSchema } from './deviceSchemas'

export type StoreProfile = z.output<typeof S.StoreProfile>
export type Product = z.output<typeof S.Product>
export type OrderLine = z.output<typeof S.OrderLine>
export type Order = z.output<typeof S.Order>
export type OrderDetail = z.output<typeof S.OrderDetail>
export type Refund = z.output<typeof S.Refund>
export type PaymentAttempt = z.output<typeof S.PaymentAttempt>
export type PaymentOption = z.output<typeof S.PaymentOption>
export type WalletConfig = z.output<typeof S.WalletConfig>
export type CreatedPayment = z.output<typeof S.CreatedPayment>
export type { EngineEvent } from '../events'
export type FriendPayRequest = z.output<typeof S.FriendPayRequest>
export type Device = z.output<typeof DeviceSchema>
