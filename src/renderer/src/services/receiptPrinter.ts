import { pageCss, paperDocument, RECEIPT_CSS, receiptHtml, type RenderOptions } from '../lib/receiptHtml'
import type { PaperWidth, Receipt } from '../lib/receiptModel'
import { loadPrintSettings } from './printSettingsStorage'

const PX_PER_MM = 96 / 25.4
/** A little paper after the last line, so the cutter does not cut through it. */
const FEED_MM = 6
const HOST_ID = 'hc-receipt-print'

/** A printer refused the receipt, in the printer's own words. */
export class PrintFailedError extends Error {
  constructor(readonly reason: string) {
    super(`printing failed: ${reason}`)
  }
}

/** The receipt's printed length: rendered off screen at the paper's width and measured. */
function measureHeightMm(fragment: string): number {
  const probe = document.createElement('div')
  probe.style.cssText = 'position:absolute;left:-10000px;top:0;visibility:hidden'
  probe.innerHTML = `<style>${RECEIPT_CSS}</style>${fragment}`
  document.body.append(probe)
  try {
    return Math.ceil(probe.getBoundingClientRect().height / PX_PER_MM) + FEED_MM
  } finally {
    probe.remove()
  }
}

/**
 * A browser prints the page it shows: for the length of the print dialog the page holds the receipt alone, on a
 * page as wide as the paper.
 */
function printInBrowser(fragment: string, paper: PaperWidth): void {
  document.getElementById(HOST_ID)?.remove()
  const host = document.createElement('div')
  host.id = HOST_ID
  host.innerHTML =
    `<style>@media screen{#${HOST_ID}{display:none}}` +
    `@media print{body>*:not(#${HOST_ID}){display:none!important}${pageCss(paper)}}${RECEIPT_CSS}</style>${fragment}`
  document.body.append(host)
  try {
    window.print()
  } finally {
    host.remove()
  }
}

/**
 * Prints a paper-wide fragment (a receipt, a shift handover) on this device's receipt printer: through the desktop
 * app (silently, on the chosen printer) or the browser's print dialog.
 */
export async function printOnPaper(fragment: string, title: string, paper: PaperWidth, locale: string): Promise<void> {
  const settings = loadPrintSettings()
  const bridge = window.hutongPrint
  if (!bridge) return printInBrowser(fragment, paper)
  const outcome = await bridge.print({
    html: paperDocument(fragment, title, { paper, locale }),
    widthMm: paper,
    heightMm: measureHeightMm(fragment),
    deviceName: settings.printer,
    silent: settings.silent,
  })
  if (!outcome.ok) throw new PrintFailedError(outcome.reason)
}

/** Prints a receipt; `paper` overrides the width in the settings for this one print. */
export function printReceipt(
  receipt: Receipt,
  options: Omit<RenderOptions, 'paper'>,
  paper: PaperWidth = loadPrintSettings().paper,
): Promise<void> {
  return printOnPaper(receiptHtml(receipt, { ...options, paper }), receipt.number, paper, options.locale)
}
