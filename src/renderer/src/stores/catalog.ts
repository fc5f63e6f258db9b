import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Product } from '../../../shared/api/types'
import { findByBarcode, prepareSearch, productCategories } from '../lib/productSearch'
import { getConnection } from '../services/connection'

export const useCatalogStore = defineStore('catalog', () => {
  const products = ref<Product[]>([])
  const loaded = ref(false)
  const loading = ref(false)

  const activeProducts = computed(() => products.value.filter((product) => product.active))
  const categories = computed(() => productCategories(activeProducts.value))

  async function load(): Promise<void> {
    const api = getConnection().api
    if (!api || loading.value) return
    loading.value = true
    try {
      products.value = (await api.call('products.list', {})).products
      loaded.value = true
      setTimeout(() => prepareSearch(activeProducts.value), 0)
    } finally {
      loading.value = false
    }
  }

  function byBarcode(code: string): Product | undefined {
    return findByBarcode(activeProducts.value, code)
  }

  return { products: activeProducts, categories, loaded, loading, load, byBarcode }
})
