import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ExportFormat, ExportTable } from '../../../shared/api/exportSchemas'
import type { ExportOutcome } from '../api/client'
import { requireApi } from '../services/connection'

export type ExportLang = 'zh-CN' | 'en-US'

/** What to export: a table over business days from–to, or one day's report. */
export type ExportTarget = { table: ExportTable; from: string; to: string } | { day: string }

/** Export files (CSV, Excel): checked and named by the engine, saved by the transport (browser or desktop). */
export const useExportsStore = defineStore('exports', () => {
  /** The format being exported, while one is. */
  const running = ref<ExportFormat | null>(null)

  async function exportFile(target: ExportTarget, format: ExportFormat, lang: ExportLang): Promise<ExportOutcome> {
    running.value = format
    try {
      const api = requireApi()
      return 'day' in target
        ? await api.exportFile('exports.describeDay', { day: target.day, format, lang })
        : await api.exportFile('exports.describe', { ...target, format, lang })
    } finally {
      running.value = null
    }
  }

  return { running, exportFile }
})
