import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { StoreProfile } from '../../../shared/api/types'
import { EngineError } from '../../../shared/errors'
import { createProbeClient, getConnection } from '../services/connection'
import { forgetToken, storeToken } from '../services/tokenStorage'

export type PairingResult = 'paired' | 'invalid' | 'unreachable'

/** Who we are talking to: the store profile and whether this console is connected at all. */
export const useSessionStore = defineStore('session', () => {
  const connection = getConnection()
  const paired = ref(connection.api !== null)
  const profile = ref<StoreProfile | null>(null)
  const reachable = ref(true)

  const storeName = computed(() => profile.value?.name ?? '')

  async function loadProfile(): Promise<void> {
    if (!connection.api) return
    try {
      profile.value = await connection.api.call('store.get', {})
      reachable.value = true
    } catch (error) {
      reachable.value = false
      throw error
    }
  }

  /** Tries a token against the server and remembers it only if the server accepts it. */
  async function pair(token: string): Promise<PairingResult> {
    try {
      await createProbeClient(token).call('store.get', {})
    } catch (error) {
      return error instanceof EngineError && error.code === 'UNAUTHORIZED' ? 'invalid' : 'unreachable'
    }
    storeToken(token)
    return 'paired'
  }

  function unpair(): void {
    forgetToken()
    paired.value = false
  }

  return { kind: connection.kind, paired, profile, reachable, storeName, loadProfile, pair, unpair }
})
