import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { OperationOutput } from '../../../shared/api/operations'
import type { EngineEvent } from '../../../shared/api/types'
import type { TextFile } from '../lib/download'
import { requireApi } from '../services/connection'
import { loggedAs } from '../lib/backgroundRefresh'

export type DayReport = OperationOutput<'days.get'>
export type DaySummary = OperationOutput<'days.list'>['days'][number]
export type BooksVerification = OperationOutput<'books.verify'>

const RECENT_DAYS = 14
const REFRESH_DELAY_MS = 500

/** Business days (日结): the recent ones, the report of the one on screen, and the books check. */
export const useDaysStore = defineStore('days', () => {
  const days = ref<DaySummary[]>([])
  const listLoaded = ref(false)
  const report = ref<DayReport | null>(null)
  const loading = ref(false)
  const closing = ref(false)
  /** Till names by id (a wallet "account" for cash, a shift's till). */
  const tillNames = ref<Record<string, string>>({})
  /** While the day screen is on, events refresh an open day's figures. */
  const watching = ref(false)
  let refreshTimer: ReturnType<typeof setTimeout> | null = null

  async function loadList(): Promise<DaySummary[]> {
    days.value = (await requireApi().call('days.list', { count: RECENT_DAYS })).days
    listLoaded.value = true
    return days.value
  }

  async function load(day: string): Promise<DayReport> {
    loading.value = true
    try {
      const loaded = await requireApi().call('days.get', { day })
      report.value = loaded
      return loaded
    } finally {
      loading.value = false
    }
  }

  async function loadTills(): Promise<void> {
    const { tills } = await requireApi().call('tills.list', {})
    tillNames.value = Object.fromEntries(tills.map((till) => [till.id, till.name]))
  }

  async function close(day: string): Promise<DayReport> {
    closing.value = true
    try {
      const closed = await requireApi().callOnce('days.close', { day })
      report.value = closed
      await loadList().catch(loggedAs('days'))
      return closed
    } finally {
      closing.value = false
    }
  }

  function exportCsv(day: string, lang: 'zh-CN' | 'en-US'): Promise<TextFile> {
    return requireApi().call('days.exportCsv', { day, lang })
  }

  function verifyBooks(): Promise<BooksVerification> {
    return requireApi().call('books.verify', {})
  }

  function applyEvent(event: EngineEvent): void {
    if (!watching.value || event.type.startsWith('config.')) return
    if (refreshTimer) clearTimeout(refreshTimer)
    refreshTimer = setTimeout(() => {
      refreshTimer = null
      const open = report.value
      // A closed day's report is kept as it was: only an open one moves.
      if (open?.status === 'open') void load(open.day).catch(loggedAs('days'))
      void loadList().catch(loggedAs('days'))
    }, REFRESH_DELAY_MS)
  }

  return {
    days,
    listLoaded,
    report,
    loading,
    closing,
    tillNames,
    watching,
    loadList,
    load,
    loadTills,
    close,
    exportCsv,
    verifyBooks,
    applyEvent,
  }
})
