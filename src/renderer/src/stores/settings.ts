import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { OperationOutput } from '../../../shared/api/operations'
import type { EngineEvent, WalletConfig } from '../../../shared/api/types'
import { DEFAULT_PAYMENT_CODE_RULES, type PaymentCodeRule } from '../../../shared/paymentCodes'
import type { WalletId } from '../../../shared/wallets'
import { isConfigEvent } from '../lib/engineEvents'
import { moveInOrder } from '../lib/walletForm'
import { requireApi } from '../services/connection'

export type RoutingSettings = OperationOutput<'routing.get'>
export type AuditEntry = OperationOutput<'audit.list'>['entries'][number]

const AUDIT_LIMIT = 50

/** The merchant's wallet and routing configuration, and the log of changes to it. */
export const useSettingsStore = defineStore('settings', () => {
  const wallets = ref<WalletConfig[]>([])
  const routing = ref<RoutingSettings | null>(null)
  const audit = ref<AuditEntry[]>([])
  const loaded = ref(false)
  const loading = ref(false)
  /** Wallets being saved right now (their save buttons spin). */
  const saving = ref<WalletId[]>([])
  const savingRouting = ref(false)
  /** While the settings screen is open, configuration events refresh the change log. */
  const watching = ref(false)

  const orderedWallets = computed(() => [...wallets.value].sort((a, b) => a.displayOrder - b.displayOrder))
  const paymentCodeRules = computed<PaymentCodeRule[]>(() => routing.value?.paymentCodeRules ?? DEFAULT_PAYMENT_CODE_RULES)

  function byWallet(wallet: WalletId): WalletConfig | undefined {
    return wallets.value.find((w) => w.wallet === wallet)
  }

  async function loadWallets(): Promise<void> {
    wallets.value = (await requireApi().call('wallets.list', {})).wallets
  }

  async function loadRouting(): Promise<void> {
    routing.value = await requireApi().call('routing.get', {})
  }

  async function loadAudit(): Promise<void> {
    audit.value = (await requireApi().call('audit.list', { limit: AUDIT_LIMIT })).entries
  }

  async function load(): Promise<void> {
    loading.value = true
    try {
      await Promise.all([loadWallets(), loadRouting(), loadAudit()])
      loaded.value = true
    } finally {
      loading.value = false
    }
  }

  function replace(saved: WalletConfig): void {
    const index = wallets.value.findIndex((w) => w.wallet === saved.wallet)
    if (index >= 0) wallets.value.splice(index, 1, saved)
    else wallets.value.push(saved)
  }

  async function saveWallet(config: WalletConfig): Promise<WalletConfig> {
    saving.value = [...saving.value, config.wallet]
    try {
      const saved = await requireApi().call('wallets.update', config)
      replace(saved)
      void loadAudit().catch(() => undefined)
      return saved
    } finally {
      saving.value = saving.value.filter((w) => w !== config.wallet)
    }
  }

  /** Moves a wallet one place up or down the checkout list, saving every wallet whose position changed. */
  async function moveWallet(wallet: WalletId, step: -1 | 1): Promise<void> {
    const reordered = moveInOrder(wallets.value, wallet, step)
    const changed = reordered.filter((c) => byWallet(c.wallet)?.displayOrder !== c.displayOrder)
    for (const config of changed) replace(await requireApi().call('wallets.update', config))
    if (changed.length > 0) void loadAudit().catch(() => undefined)
  }

  async function saveRouting(settings: RoutingSettings): Promise<void> {
    savingRouting.value = true
    try {
      routing.value = await requireApi().call('routing.update', settings)
      void loadAudit().catch(() => undefined)
    } finally {
      savingRouting.value = false
    }
  }

  function applyEvent(event: EngineEvent): void {
    if (!isConfigEvent(event)) return
    if (watching.value) void loadAudit().catch(() => undefined)
    // Checkout reads the friend-pay limit from here; the settings screen keeps its draft until saved.
    else if (routing.value) void loadRouting().catch(() => undefined)
  }

  return {
    wallets,
    orderedWallets,
    routing,
    paymentCodeRules,
    audit,
    loaded,
    loading,
    saving,
    savingRouting,
    watching,
    byWallet,
    load,
    loadWallets,
    loadRouting,
    loadAudit,
    saveWallet,
    moveWallet,
    saveRouting,
    applyEvent,
  }
})
