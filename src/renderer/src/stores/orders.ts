import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { EngineEvent, Order, OrderDetail, Refund } from '../../../shared/api/types'
import type { OrderViewStatus } from '../../../shared/states'
import type { RefundRequest } from '../lib/refundDraft'
import { requireApi } from '../services/connection'

const REFRESH_DELAY_MS = 300

/** Recent orders and the one opened in detail (order list, receipt). */
export const useOrdersStore = defineStore('orders', () => {
  const orders = ref<Order[]>([])
  const statusFilter = ref<OrderViewStatus | null>(null)
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

  async function setFilter(status: OrderViewStatus | null): Promise<void> {
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

  /**
   * A merchant refund. A second click, or a retry after a lost answer, goes with the same idempotency key: the
   * customer is refunded once. The order is read again either way (a refusal may mean another till refunded it).
   */
  async function refund(input: RefundRequest): Promise<Refund> {
    try {
      return await requireApi().callOnce('refunds.create', input)
    } finally {
      // The refund's answer matters more than a fresh list; a failed reload is retried by the next event or F5.
      await Promise.allSettled([detail.value?.id === input.id ? loadDetail(input.id) : Promise.resolve(), loadList()])
    }
  }

  function closeDetail(): void {
    detail.value = null
  }

  function applyEvent(event: EngineEvent): void {
    if (!watching.value || event.orderId === null) return
    const touchesDetail = detail.value?.id === event.orderId
    // A refund turns an order partially refunded or refunded in the list too.
    const touchesList = event.type.startsWith('order.') || event.type.startsWith('refund.')
    if (!touchesList && !touchesDetail) return
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
    refund,
    closeDetail,
    applyEvent,
  }
})
