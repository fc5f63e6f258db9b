import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { OperationOutput } from '../../../shared/api/operations'
import type { EngineEvent } from '../../../shared/api/types'
import type { ReportGranularity } from '../../../shared/api/reportSchemas'
import type { DayRange } from '../lib/reportRange'
import { requireApi } from '../services/connection'
import { loggedAs } from '../lib/backgroundRefresh'

export type Report = OperationOutput<'reports.get'>

const MONEY_EVENTS = new Set<string>([
  'order.paid',
  'refund.succeeded',
  'friend_pay.created',
  'day.closed',
  'shift.closed',
])
const REFRESH_DELAY_MS = 1000

/** 经营报表: the report on screen, today's business day (where the presets count from), and loading. */
export const useReportsStore = defineStore('reports', () => {
  const report = ref<Report | null>(null)
  const today = ref<string | null>(null)
  const loading = ref(false)
  /** While the reports screen is on, a sale or refund today refreshes a range that reaches today. */
  const watching = ref(false)
  let latest = 0
  let shown: { range: DayRange; granularity: ReportGranularity } | null = null
  let refreshTimer: ReturnType<typeof setTimeout> | null = null

  async function loadToday(): Promise<string | null> {
    const { days } = await requireApi().call('days.list', { count: 1 })
    today.value = days[0]?.day ?? null
    return today.value
  }

  /** The last asked-for range wins: an earlier answer arriving late is dropped. */
  async function load(range: DayRange, granularity: ReportGranularity): Promise<Report | null> {
    const asked = ++latest
    shown = { range, granularity }
    loading.value = true
    try {
      const answer = await requireApi().call('reports.get', { ...range, granularity })
      if (asked !== latest) return null
      report.value = answer
      return answer
    } finally {
      if (asked === latest) loading.value = false
    }
  }

  function applyEvent(event: EngineEvent): void {
    if (!watching.value || !shown || !MONEY_EVENTS.has(event.type)) return
    if (today.value !== null && shown.range.to < today.value) return
    if (refreshTimer) clearTimeout(refreshTimer)
    refreshTimer = setTimeout(() => {
      refreshTimer = null
      if (shown) void load(shown.range, shown.granularity).catch(loggedAs('reports'))
    }, REFRESH_DELAY_MS)
  }

  return { report, today, loading, watching, loadToday, load, applyEvent }
})
