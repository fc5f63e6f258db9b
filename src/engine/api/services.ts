import type { OperationOutput, OperationParsedInput } from '../../shared/api/operations'
import type { CreatedPayment, StoreProfile, WalletConfig } from '../../shared/api/types'
import type { RoutingSettingsData } from '../config/routing'
import type { listAudit, verifyAudit } from '../config/audit'
import type { FriendPayService } from '../friendPay/service'
import type { createCatalogService } from '../catalog/service'
import type { OrderService } from '../orders/service'
import type { PaymentService } from '../payments/service'
import type { StaffService } from '../staff/service'
import type { ShiftService } from '../shifts/bind'
import type { DayService } from '../days/bind'
import type { BooksVerification } from '../ledger/verify'
import type { DisplayBoard } from '../display/board'
import type { DeviceService } from '../devices/service'
import type { ReconciliationService } from '../reconciliation/bind'
import type { ReportService } from '../reports/service'

export type CatalogService = ReturnType<typeof createCatalogService>

export interface EngineServices {
  store: { profile(): StoreProfile }
  wallets: { list(): WalletConfig[]; update(input: OperationParsedInput<'wallets.update'>): WalletConfig }
  routing: { get(): RoutingSettingsData; update(input: RoutingSettingsData): RoutingSettingsData }
  audit: { list(limit: number): ReturnType<typeof listAudit>; verify(): ReturnType<typeof verifyAudit> }
  aggregate: { create(orderId: string): Promise<CreatedPayment> }
  friendPay: FriendPayService
  credentials: {
    get(input: OperationParsedInput<'credentials.get'>): OperationOutput<'credentials.get'>
    set(input: OperationParsedInput<'credentials.set'>): Promise<OperationOutput<'credentials.set'>>
    test(input: OperationParsedInput<'wallets.testConnection'>): Promise<OperationOutput<'wallets.testConnection'>>
  }
  orders: OrderService
  payments: PaymentService
  staff: StaffService
  shifts: ShiftService
  days: DayService
  books: { verify(): BooksVerification }
  display: DisplayBoard
  devices: DeviceService
  reconciliation: ReconciliationService
  reports: ReportService
}
