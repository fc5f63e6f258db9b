import type { StoreProfile, WalletConfig } from '../../shared/api/types'
import type { createCatalogService } from '../catalog/service'
import type { OrderService } from '../orders/service'
import type { PaymentService } from '../payments/service'

export type CatalogService = ReturnType<typeof createCatalogService>

export interface EngineServices {
  store: { profile(): StoreProfile }
  wallets: { list(): WalletConfig[] }
  orders: OrderService
  payments: PaymentService
}
