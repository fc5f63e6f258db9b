import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { OperationOutput } from '../../../shared/api/operations'
import type { StoreProfile } from '../../../shared/api/types'
import { EngineError } from '../../../shared/errors'
import { browserTillName, type StoredTill } from '../lib/till'
import { createProbeClient, getConnection } from '../services/connection'
import { loadStoredTill, storeTill } from '../services/tillStorage'
import { forgetToken, storeToken } from '../services/tokenStorage'

export type PairingResult = 'paired' | 'invalid' | 'unreachable'
export type CodePairing =
  { result: 'paired'; kind: 'till' | 'display'; tillId: string } | { result: 'invalid' | 'locked' | 'unreachable' }
export type Till = OperationOutput<'tills.register'>

/**
 * This till: whether it is connected (paired) at all, the store it serves, and the name it goes by (every
 * sign-in here carries its id).
 */
export const useTillStore = defineStore('till', () => {
  const connection = getConnection()
  const paired = ref(connection.api !== null)
  const profile = ref<StoreProfile | null>(null)
  const reachable = ref(true)
  const till = ref<StoredTill | null>(loadStoredTill())
  let registering: Promise<StoredTill | null> | null = null

  const storeName = computed(() => profile.value?.name ?? '')
  const tillKind = computed(() => (connection.kind === 'ipc' ? 'desktop' : 'browser'))

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

  /**
   * Trades a one-time code shown on a signed-in till for this browser's own credential. A till remembers the till
   * it was paired as; a customer display the till it follows.
   */
  async function pairWithCode(code: string): Promise<CodePairing> {
    let paired: OperationOutput<'pairing.redeem'>
    try {
      paired = await createProbeClient('').call('pairing.redeem', { code })
    } catch (error) {
      if (!(error instanceof EngineError)) return { result: 'unreachable' }
      if (error.code === 'LOCKED') return { result: 'locked' }
      return error.code === 'PAIRING_CODE_INVALID' || error.code === 'VALIDATION_FAILED'
        ? { result: 'invalid' }
        : { result: 'unreachable' }
    }
    storeToken(paired.token)
    if (paired.device.kind === 'till') storeTill({ id: paired.device.tillId, name: paired.device.name })
    return { result: 'paired', kind: paired.device.kind, tillId: paired.device.tillId }
  }

  function unpair(): void {
    forgetToken()
    paired.value = false
  }

  async function register(name: string): Promise<StoredTill> {
    const api = connection.api
    if (!api) throw new EngineError('UNAUTHORIZED', 'this console is not paired')
    const registered = await api.call('tills.register', { name, kind: tillKind.value })
    till.value = { id: registered.id, name: registered.name }
    storeTill(till.value)
    return till.value
  }

  /**
   * The till, registered once per start under the name it last had (or its first name): the server takes the same
   * name as the same till, so a database restored or replaced since still knows it. Null while the server cannot
   * be reached: a sign-in then goes without a till rather than not at all.
   */
  function ensureRegistered(defaultName: string): Promise<StoredTill | null> {
    registering ??= register(till.value?.name ?? firstName(defaultName)).catch(() => {
      registering = null
      return null
    })
    return registering
  }

  function firstName(defaultName: string): string {
    return tillKind.value === 'browser'
      ? browserTillName(defaultName, crypto.getRandomValues(new Uint8Array(4)))
      : defaultName
  }

  /** The owner names this till (a new name is a new till for the records from now on). */
  async function rename(name: string): Promise<void> {
    const renamed = await register(name)
    registering = Promise.resolve(renamed)
  }

  return {
    kind: connection.kind,
    paired,
    profile,
    reachable,
    storeName,
    till,
    tillKind,
    loadProfile,
    pair,
    pairWithCode,
    unpair,
    ensureRegistered,
    rename,
  }
})
