import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import type { CartSnapshot } from './cart'

/** A cart set aside (挂单) while the till serves someone else. */
export interface ParkedCart {
  id: string
  parkedAt: string
  note: string
  cart: CartSnapshot
  totalFen: number
  itemCount: number
}

const STORAGE_KEY = 'hutong.parkedCarts.v1'
const MAX_PARKED = 20

function isParkedCart(value: unknown): value is ParkedCart {
  const entry = value as ParkedCart
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.id === 'string' &&
    typeof entry.parkedAt === 'string' &&
    typeof entry.note === 'string' &&
    Number.isSafeInteger(entry.totalFen) &&
    Array.isArray(entry.cart?.lines) &&
    Array.isArray(entry.cart?.keyedAmounts)
  )
}

/** What this device has parked; unreadable storage counts as nothing parked (a cart is never charged from it). */
function readStored(): ParkedCart[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]')
    return Array.isArray(parsed) ? parsed.filter(isParkedCart) : []
  } catch {
    return []
  }
}

/** Parked carts live on this device only (localStorage), so a reload or a restart keeps them. */
export const useParkedCartsStore = defineStore('parkedCarts', () => {
  const carts = ref<ParkedCart[]>(readStored())
  watch(carts, (value) => localStorage.setItem(STORAGE_KEY, JSON.stringify(value)), { deep: true })

  function park(cart: CartSnapshot, totals: { totalFen: number; itemCount: number }, note: string): boolean {
    if (carts.value.length >= MAX_PARKED) return false
    carts.value.push({
      id: `park_${Date.now().toString(36)}_${carts.value.length}`,
      parkedAt: new Date().toISOString(),
      note: note.trim().slice(0, 40),
      cart,
      ...totals,
    })
    return true
  }

  /** Takes a parked cart back out of the list. */
  function take(id: string): ParkedCart | null {
    const entry = carts.value.find((c) => c.id === id) ?? null
    if (entry) carts.value = carts.value.filter((c) => c.id !== id)
    return entry
  }

  return { carts, park, take, max: MAX_PARKED }
})
