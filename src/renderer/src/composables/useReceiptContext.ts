import type { OrderDetail } from '../../../shared/api/types'
import { WALLETS } from '../../../shared/wallets'
import { payingAttempt } from '../lib/receipt'
import type { HuabeiTerms, ReceiptContext } from '../lib/receiptModel'
import { requireApi } from '../services/connection'
import { useSessionStore } from '../stores/session'
import { useSettingsStore } from '../stores/settings'
import { useTillStore } from '../stores/till'

/** Till names by id, read once per start (a till's name seldom changes, and a receipt only shows it). */
const tillNames = new Map<string, string>()

async function loadTillNames(): Promise<void> {
  const { tills } = await requireApi().call('tills.list', {})
  for (const till of tills) tillNames.set(till.id, till.name)
}

/** What a receipt needs beyond its order: the store, the cashier's and till's names, Huabei's terms. */
export function useReceiptContext(): (order: OrderDetail) => Promise<ReceiptContext> {
  const till = useTillStore()
  const session = useSessionStore()
  const settings = useSettingsStore()

  // Each of these only adds a line to the receipt: without it the receipt still prints, one line shorter.
  const optional = (task: Promise<void>): Promise<void> => task.catch(() => undefined)

  const staffName = (id: string): string | null =>
    session.staffName(id) ?? (session.member?.id === id ? session.member.name : null)

  return async (order) => {
    const paying = payingAttempt(order)
    const installmentsPaid = paying ? WALLETS[paying.wallet].installments : false
    const tasks: Promise<void>[] = []
    if (!till.profile) tasks.push(optional(till.loadProfile()))
    if (installmentsPaid && !settings.byWallet('huabei')) tasks.push(optional(settings.loadWallets()))
    if (order.tillId && order.tillId !== till.till?.id && !tillNames.has(order.tillId))
      tasks.push(optional(loadTillNames()))
    await Promise.all(tasks)
    const huabei = settings.byWallet('huabei')?.huabei ?? null
    const terms: HuabeiTerms | null = huabei ? { feeBearer: huabei.feeBearer, feeRatesBp: huabei.feeRatesBp } : null
    return {
      storeName: till.profile?.name ?? '',
      storeAddress: till.profile?.address ?? '',
      cashierName: order.staffId ? staffName(order.staffId) : null,
      tillName: !order.tillId
        ? null
        : order.tillId === till.till?.id
          ? till.till.name
          : (tillNames.get(order.tillId) ?? null),
      huabei: terms,
    }
  }
}
