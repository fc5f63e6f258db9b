import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { OperationOutput } from '../../../shared/api/operations'
import type { EngineEvent } from '../../../shared/api/types'
import type { CashMoveRequest } from '../lib/cashMoveForm'
import type { TextFile } from '../lib/download'
import { requireApi } from '../services/connection'
import { loggedAs } from '../lib/backgroundRefresh'

export type Shift = OperationOutput<'shifts.get'>
export type ShiftApproval = { staffId: string; pin: string }

const REFRESH_DELAY_MS = 300
/** Events that change a till's live handover figures. */
const FIGURE_EVENTS = ['payment.', 'refund.', 'order.', 'cash.', 'shift.']

/** This till's shift (交班): open with a float, cash in and out, closed with the count; and a shift read by id. */
export const useShiftStore = defineStore('shift', () => {
  /** The open shift at this till; null when none is open. */
  const current = ref<Shift | null>(null)
  const currentLoaded = ref(false)
  /** A shift read by id (the handover report). */
  const shown = ref<Shift | null>(null)
  /** The largest difference a cashier closes with alone (the owner's setting); null until read. */
  const differenceLimitFen = ref<number | null>(null)
  /** While the shift screen is on, events refresh the live figures. */
  const watching = ref(false)
  let refreshTimer: ReturnType<typeof setTimeout> | null = null

  async function loadCurrent(): Promise<Shift | null> {
    const { shift } = await requireApi().call('shifts.current', {})
    current.value = shift
    currentLoaded.value = true
    return shift
  }

  async function loadDifferenceLimit(): Promise<void> {
    differenceLimitFen.value = (await requireApi().call('permissions.get', {})).shiftDifferenceLimitFen
  }

  async function load(id: string): Promise<Shift> {
    const shift = await requireApi().call('shifts.get', { id })
    shown.value = shift
    return shift
  }

  async function open(openingFloatFen: number): Promise<Shift> {
    const shift = await requireApi().callOnce('shifts.open', { openingFloatFen })
    current.value = shift
    return shift
  }

  async function moveCash(id: string, move: CashMoveRequest): Promise<Shift> {
    const shift = await requireApi().callOnce('shifts.moveCash', { id, ...move })
    current.value = shift
    return shift
  }

  async function close(
    id: string,
    count: { countedCashFen: number; note?: string },
    approval?: ShiftApproval,
  ): Promise<Shift> {
    const shift = await requireApi().callOnce('shifts.close', { id, ...count, ...(approval ? { approval } : {}) })
    current.value = null
    shown.value = shift
    return shift
  }

  function exportCsv(id: string, lang: 'zh-CN' | 'en-US'): Promise<TextFile> {
    return requireApi().call('shifts.exportCsv', { id, lang })
  }

  function applyEvent(event: EngineEvent): void {
    if (!watching.value || !FIGURE_EVENTS.some((prefix) => event.type.startsWith(prefix))) return
    // A sale is a burst of events: refresh once per burst.
    if (refreshTimer) clearTimeout(refreshTimer)
    refreshTimer = setTimeout(() => {
      refreshTimer = null
      void loadCurrent().catch(loggedAs('shift'))
    }, REFRESH_DELAY_MS)
  }

  return {
    current,
    currentLoaded,
    shown,
    differenceLimitFen,
    watching,
    loadCurrent,
    loadDifferenceLimit,
    load,
    open,
    moveCash,
    close,
    exportCsv,
    applyEvent,
  }
})
