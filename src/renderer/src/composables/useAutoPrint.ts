import { watch } from 'vue'
import { useI18n } from 'vue-i18n'
import { claimAutoPrint } from '../lib/printSettings'
import type { Translate } from '../lib/receiptHtml'
import { saleReceipt } from '../lib/receiptModel'
import { loadPrintedPayments, loadPrintSettings, storePrintedPayments } from '../services/printSettingsStorage'
import { requireApi } from '../services/connection'
import { printReceipt } from '../services/receiptPrinter'
import { useCheckoutStore } from '../stores/checkout'
import { useLiveEventsStore } from '../stores/liveEvents'
import { useSessionStore } from '../stores/session'
import { useTillStore } from '../stores/till'
import { useReceiptContext } from './useReceiptContext'
import { useReceiptPrinting } from './useReceiptPrinting'

/**
 * Prints the receipt when one of this till's orders is paid, if the settings ask for it: the order being paid
 * here, or one a friend paid later. Each order prints once on this device, however often its payment is heard of.
 */
export function useAutoPrint(): void {
  const checkout = useCheckoutStore()
  const liveEvents = useLiveEventsStore()
  const till = useTillStore()
  const session = useSessionStore()
  const contextFor = useReceiptContext()
  const { reportFailure } = useReceiptPrinting()
  const { t, locale } = useI18n()
  const translate: Translate = (key, params) => t(key, params ?? {})

  async function printPaid(orderId: string): Promise<void> {
    // Only a console someone works at prints (not the customer display, which runs the same app unsigned).
    if (!loadPrintSettings().autoPrint || !till.till || !session.can('view')) return
    const claimed = claimAutoPrint(loadPrintedPayments(), orderId)
    if (!claimed) return
    // Claimed before anything is awaited, so a second notice of the same payment finds it taken.
    storePrintedPayments(claimed)
    const order = await requireApi().call('orders.get', { id: orderId })
    // A till prints its own sales only; another till's paid order is not this printer's to print.
    if (order.tillId !== till.till.id || !order.paidAt) return
    await printReceipt(saleReceipt(order, await contextFor(order)), { t: translate, locale: locale.value })
  }

  const run = (orderId: string | null): void => {
    if (orderId) printPaid(orderId).catch(reportFailure)
  }
  watch(() => (checkout.order?.status === 'paid' ? checkout.order.id : null), run)
  watch(() => liveEvents.friendPaid?.orderId ?? null, run)
}
