import { defineStore } from 'pinia'
import { ref } from 'vue'
import type {
  DiscrepancyAction,
  ReconciliationRunView,
  ReconciliationWallet,
} from '../../../shared/api/reconciliationSchemas'
import { bytesToBase64 } from '../lib/reconciliation'
import { requireApi } from '../services/connection'

export type Lang = 'zh-CN' | 'en-US'

/** 对账: the runs of the recent days (and of a day picked further back), and what is done to them. */
export const useReconciliationStore = defineStore('reconciliation', () => {
  const runs = ref<ReconciliationRunView[]>([])
  const loaded = ref(false)
  /** `wallet:date` of a bill on its way (download or import), or a discrepancy's id being acted on. */
  const busy = ref<Set<string>>(new Set())

  function keep(run: ReconciliationRunView): ReconciliationRunView {
    const others = runs.value.filter((r) => r.id !== run.id)
    runs.value = [...others, run]
    return run
  }

  async function whileBusy<T>(key: string, work: () => Promise<T>): Promise<T> {
    busy.value = new Set(busy.value).add(key)
    try {
      return await work()
    } finally {
      const left = new Set(busy.value)
      left.delete(key)
      busy.value = left
    }
  }

  async function loadRange(from: string, to: string, lang: Lang): Promise<void> {
    const loadedRuns = (await requireApi().call('reconciliation.list', { from, to, lang })).runs
    const outside = runs.value.filter((r) => r.date < from || r.date > to)
    runs.value = [...outside, ...loadedRuns]
    loaded.value = true
  }

  function download(wallet: ReconciliationWallet, date: string, lang: Lang): Promise<ReconciliationRunView> {
    return whileBusy(`${wallet}:${date}`, async () =>
      keep(await requireApi().call('reconciliation.run', { wallet, date, lang })),
    )
  }

  function importFile(
    wallet: ReconciliationWallet,
    date: string,
    file: Blob,
    lang: Lang,
  ): Promise<ReconciliationRunView> {
    return whileBusy(`${wallet}:${date}`, async () => {
      const fileBase64 = bytesToBase64(new Uint8Array(await file.arrayBuffer()))
      return keep(await requireApi().call('reconciliation.importBill', { wallet, date, lang, fileBase64 }))
    })
  }

  function resolve(id: string, action: DiscrepancyAction, note: string | undefined, lang: Lang) {
    return whileBusy(id, async () =>
      keep(await requireApi().callOnce('reconciliation.resolve', { id, action, note, lang })),
    )
  }

  return { runs, loaded, busy, loadRange, download, importFile, resolve }
})
