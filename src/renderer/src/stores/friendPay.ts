import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { EngineEvent, FriendPayRequest } from '../../../shared/api/types'
import { currentRequestFor, eventFriendPayId, sortFriendPayRequests, type FriendPayInput } from '../lib/friendPay'
import { requireApi } from '../services/connection'
import { loggedAs } from '../lib/backgroundRefresh'

const LIST_LIMIT = 100

/** Requests for a friend to pay (找朋友帮我付): the one for the order at the till, and the list of all. */
export const useFriendPayStore = defineStore('friendPay', () => {
  /** Every request loaded so far, by id (the list, the till's request, receipts). */
  const byId = ref<Record<string, FriendPayRequest>>({})
  const listIds = ref<string[]>([])
  const listLoaded = ref(false)
  const loading = ref(false)
  const creating = ref(false)
  const cancelling = ref<string[]>([])
  /** While the list is on screen, events refresh it. */
  const watching = ref(false)

  const requests = computed(() =>
    sortFriendPayRequests(
      listIds.value.map((id) => byId.value[id]).filter((r): r is FriendPayRequest => r !== undefined),
    ),
  )

  function remember(request: FriendPayRequest): FriendPayRequest {
    byId.value = { ...byId.value, [request.id]: request }
    return request
  }

  /** The request the till shows for an order (see currentRequestFor). */
  function forOrder(orderId: string): FriendPayRequest | null {
    return currentRequestFor(Object.values(byId.value), orderId)
  }

  async function loadForOrder(orderId: string): Promise<FriendPayRequest | null> {
    const { requests: found } = await requireApi().call('friendPay.list', { orderId, limit: 20 })
    found.forEach(remember)
    return forOrder(orderId)
  }

  /** Open requests (all of them), then the most recent others. */
  async function loadList(): Promise<void> {
    loading.value = true
    try {
      const api = requireApi()
      const [open, recent] = await Promise.all([
        api.call('friendPay.list', { status: 'open', limit: 200 }),
        api.call('friendPay.list', { limit: LIST_LIMIT }),
      ])
      const all = [...open.requests, ...recent.requests]
      all.forEach(remember)
      listIds.value = [...new Set(all.map((r) => r.id))]
      listLoaded.value = true
    } finally {
      loading.value = false
    }
  }

  async function load(id: string): Promise<FriendPayRequest> {
    return remember(await requireApi().call('friendPay.get', { id }))
  }

  async function create(input: FriendPayInput): Promise<FriendPayRequest> {
    creating.value = true
    try {
      const created = remember(await requireApi().callOnce('friendPay.create', input))
      if (listLoaded.value && !listIds.value.includes(created.id)) listIds.value = [created.id, ...listIds.value]
      return created
    } finally {
      creating.value = false
    }
  }

  async function cancel(id: string): Promise<FriendPayRequest> {
    cancelling.value = [...cancelling.value, id]
    try {
      return remember(await requireApi().call('friendPay.cancel', { id }))
    } finally {
      cancelling.value = cancelling.value.filter((c) => c !== id)
    }
  }

  function applyEvent(event: EngineEvent): void {
    const id = eventFriendPayId(event)
    if (id === null) return
    // Only requests on screen are worth a round trip: the till's, the list's, a receipt's.
    const known = byId.value[id] !== undefined
    if (!known && !watching.value) return
    void load(id)
      .then((request) => {
        if (watching.value && !listIds.value.includes(request.id)) listIds.value = [request.id, ...listIds.value]
      })
      .catch(loggedAs('friend pay'))
  }

  return {
    byId,
    requests,
    listLoaded,
    loading,
    creating,
    cancelling,
    watching,
    forOrder,
    loadForOrder,
    loadList,
    load,
    create,
    cancel,
    applyEvent,
  }
})
