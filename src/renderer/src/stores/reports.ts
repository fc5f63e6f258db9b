import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { OperationOutput } from '../../../shared/api/operations'
import type { ReportGranularity } from '../../../shared/api/reportSchemas'
import type { DayRange } from '../lib/reportRange'
import { requireApi } from '../services/connection'

export type Report = OperationOutput<'reports.get'>

/** 经营报表: the report on screen, today's business day (where the presets count from), and loading. */
export const useReportsStore = defineStore('reports', () => {
  const report = ref<Report | null>(null)
  const today = ref<string | null>(null)
  const loading = ref(false)
  let latest = 0

  async function loadToday(): Promise<string | null> {
    const { days } = await requireApi().call('days.list', { count: 1 })
    today.value = days[0]?.day ?? null
    return today.value
  }

  /** The last asked-for range wins: an earlier answer arriving late is dropped. */
  async function load(range: DayRange, granularity: ReportGranularity): Promise<Report | null> {
    const asked = ++latest
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

  return { report, today, loading, loadToday, load }
})
