import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { EngineEvent, Order, OrderDetail, Refund } from '../../../shared/api/types'
import type { OrderViewStatus } from '../../../shared/states'
import { businessDayOf, EMPTY_TOTALS, laterDay, type OrderTotals } from '../lib/orderList'
import type { RefundRequest } from '../lib/refundDraft'
import { requireApi } from '../services/connection'
import { loggedAs } from '../lib/backgroundRefresh'

const REFRESH_DELAY_MS = 300

/** The orders of a business day (or all days), a search, their totals, and the one opened in detail. */
export const useOrdersStore = defineStore('orders', () => {
  const orders = ref<Order[]>([])
  const statusFilter = ref<OrderViewStatus | null>(null)
  /** The business day shown (YYYY-MM-DD); null for every day. */
  const day = ref<string | null>(null)
  /** Today's business day as last worked out. */
  const today = ref<string | null>(null)
  const query = ref('')
  const totals = ref<OrderTotals>(EMPTY_TOTALS)
  const listLoaded = ref(false)
  const loading = ref(false)
  let listRequest = 0
  const detail = ref<OrderDetail | null>(null)
  /** While the order list is on screen, events refresh it. */
  const watching = ref(false)
  let refreshTimer: ReturnType<typeof setTimeout> | null = null

  function listInput() {
    const q = query.value.trim()
    return {
      limit: 100,
      ...(statusFilter.value ? { status: statusFilter.value } : {}),
      ...(day.value ? { day: day.value } : {}),
      ...(q ? { q } : {}),
    }
  }

  async function loadList(): Promise<void> {
    loading.value = true
    // Only the answer to the newest request is shown: a slow answer to an older filter is dropped.
    const request = ++listRequest
    try {
      const result = await requireApi().call('orders.list', listInput())
      if (request !== listRequest) return
      orders.value = result.orders
      totals.value = result.totals
      listLoaded.value = true
    } finally {
      if (request === listRequest) loading.value = false
    }
  }

  /**
   * Today's business day. The engine moves a sale made after the day was closed on to the next day, and a
   * merchant may start the day at another hour: the newest order's day wins over the clock's when it is later.
   */
  async function findToday(): Promise<string> {
    const byClock = businessDayOf(Date.now())
    const newest = (await requireApi().call('orders.list', { limit: 1 })).orders[0]
    today.value = laterDay(byClock, newest?.businessDay)
    return today.value
  }

  /** Opens the list on today's business day. */
  async function openToday(): Promise<void> {
    day.value = await findToday()
    await loadList()
  }

  async function setFilter(status: OrderViewStatus | null): Promise<void> {
    statusFilter.value = status
    await loadList()
  }

  async function setDay(next: string | null): Promise<void> {
    day.value = next
    await loadList()
  }

  async function setQuery(next: string): Promise<void> {
    query.value = next
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
      void loadList().catch(loggedAs('orders'))
      const open = detail.value
      if (open) void loadDetail(open.id).catch(loggedAs('orders'))
    }, REFRESH_DELAY_MS)
  }

  return {
    orders,
    statusFilter,
    day,
    today,
    query,
    totals,
    listLoaded,
    loading,
    detail,
    watching,
    loadList,
    openToday,
    setFilter,
    setDay,
    setQuery,
    loadDetail,
    retryRefund,
    refund,
    closeDetail,
    applyEvent,
  }
})
