import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Product } from '../../../shared/api/types'
import {
  buildOrderRequest,
  cartTotalFen,
  MAX_LINE_QUANTITY,
  type CartLine,
  type CreateOrderRequest,
  type KeyedAmount,
} from '../lib/cart'

/** A cart's contents, to set aside (挂单) or to bring back after 清空. */
export interface CartSnapshot {
  lines: CartLine[]
  keyedAmounts: KeyedAmount[]
  activeSku: string | null
}

/** The order being built at the counter. Purely local until it is charged. */
export const useCartStore = defineStore('cart', () => {
  const lines = ref<CartLine[]>([])
  const keyedAmounts = ref<KeyedAmount[]>([])
  /** The line the +/− keys act on: the one touched last. */
  const activeSku = ref<string | null>(null)
  let nextKeyedId = 1

  const totalFen = computed(() => cartTotalFen(lines.value, keyedAmounts.value))
  const itemCount = computed(
    () => lines.value.reduce((sum, line) => sum + line.quantity, 0) + keyedAmounts.value.length,
  )
  const isEmpty = computed(() => lines.value.length === 0 && keyedAmounts.value.length === 0)

  function addProduct(product: Product): void {
    const line = lines.value.find((l) => l.sku === product.sku)
    if (line) line.quantity = Math.min(MAX_LINE_QUANTITY, line.quantity + 1)
    else lines.value.push({ sku: product.sku, name: product.name, unitPriceFen: product.priceFen, quantity: 1 })
    activeSku.value = product.sku
  }

  function changeQuantity(sku: string, delta: number): void {
    const line = lines.value.find((l) => l.sku === sku)
    if (!line) return
    const quantity = line.quantity + delta
    if (quantity <= 0) return removeLine(sku)
    line.quantity = Math.min(MAX_LINE_QUANTITY, quantity)
    activeSku.value = sku
  }

  /** +/− on the keyboard: the last touched line, else the last line. */
  function changeActiveQuantity(delta: number): void {
    const sku = activeSku.value ?? lines.value.at(-1)?.sku
    if (sku) changeQuantity(sku, delta)
  }

  function removeLine(sku: string): void {
    lines.value = lines.value.filter((l) => l.sku !== sku)
    if (activeSku.value === sku) activeSku.value = lines.value.at(-1)?.sku ?? null
  }

  function addKeyedAmount(amountFen: number): void {
    keyedAmounts.value.push({ id: nextKeyedId++, amountFen })
  }

  function removeKeyedAmount(id: number): void {
    keyedAmounts.value = keyedAmounts.value.filter((entry) => entry.id !== id)
  }

  function clear(): void {
    lines.value = []
    keyedAmounts.value = []
    activeSku.value = null
  }

  function snapshot(): CartSnapshot {
    return {
      lines: lines.value.map((line) => ({ ...line })),
      keyedAmounts: keyedAmounts.value.map((entry) => ({ ...entry })),
      activeSku: activeSku.value,
    }
  }

  /** Puts a snapshot's contents back in place of the cart's. */
  function restore(saved: CartSnapshot): void {
    lines.value = saved.lines.map((line) => ({ ...line }))
    keyedAmounts.value = saved.keyedAmounts.map((entry) => ({ ...entry, id: nextKeyedId++ }))
    activeSku.value = saved.activeSku
  }

  /** `keyedName` names keyed-amount lines on the order (the caller localises it). */
  function orderRequest(keyedName: string): CreateOrderRequest | null {
    return buildOrderRequest(lines.value, keyedAmounts.value, keyedName)
  }

  return {
    lines,
    keyedAmounts,
    activeSku,
    totalFen,
    itemCount,
    isEmpty,
    addProduct,
    changeQuantity,
    changeActiveQuantity,
    removeLine,
    addKeyedAmount,
    removeKeyedAmount,
    clear,
    snapshot,
    restore,
    orderRequest,
  }
})
