import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { EngineEvent, Order, OrderDetail } from '../../../shared/api/types'
import type { OrderStatus } from '../../../shared/states'
import { requireApi } from '../services/connection'

const REFRESH_DELAY_MS = 300

/** Recent orders and the one opened in detail (order list, receipt). */
export const useOrdersStore = defineStore('orders', () => {
  const orders = ref<Order[]>([])
  const statusFilter = ref<OrderStatus | null>(null)
  const listLoaded = ref(false)
  const loading = ref(false)
  const detail = ref<OrderDetail | null>(null)
  /** While the order list is on screen, events refresh it. */
  const watching = ref(false)
  let refreshTimer: ReturnType<typeof setTimeout> | null = null

  async function loadList(): Promise<void> {
    loading.value = true
    try {
      const filter = statusFilter.value
      const result = await requireApi().call('orders.list', filter ? { status: filter, limit: 100 } : { limit: 100 })
      if (filter === statusFilter.value) orders.value = result.orders
      listLoaded.value = true
    } finally {
      loading.value = false
    }
  }

  async function setFilter(status: OrderStatus | null): Promise<void> {
    statusFilter.value = status
    await loadList()
  }

  async function loadDetail(id: string): Promise<OrderDetail> {
    const loaded = await requireApi().call('orders.get', { id })
    detail.value = loaded
    return loaded
  }

  /** A manager's second try at a refund the wallet closed; the detail shows the new refund. */
  async function retryRefund(id: string): Promise<void> {
    await requireApi().callOnce('refunds.retry', { id })
    if (detail.value) await loadDetail(detail.value.id)
  }

  function closeDetail(): void {
    detail.value = null
  }

  function applyEvent(event: EngineEvent): void {
    if (!watching.value || event.orderId === null) return
    const touchesDetail = detail.value?.id === event.orderId
    if (!event.type.startsWith('order.') && !touchesDetail) return
    // Events come in bursts (created → awaiting → paid): refresh once per burst.
    if (refreshTimer) clearTimeout(refreshTimer)
    refreshTimer = setTimeout(() => {
      refreshTimer = null
      void loadList().catch(() => undefined)
      const open = detail.value
      if (open) void loadDetail(open.id).catch(() => undefined)
    }, REFRESH_DELAY_MS)
  }

  return {
    orders,
    statusFilter,
    listLoaded,
    loading,
    detail,
    watching,
    loadList,
    setFilter,
    loadDetail,
    retryRefund,
    closeDetail,
    applyEvent,
  }
})
