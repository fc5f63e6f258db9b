import { parsePrintSettings, type PrintSettings } from '../lib/printSettings'

const SETTINGS_KEY = 'hutong.print'
const PRINTED_KEY = 'hutong.printedPayments'

export function loadPrintSettings(): PrintSettings {
  try {
    return parsePrintSettings(localStorage.getItem(SETTINGS_KEY))
  } catch {
    return parsePrintSettings(null)
  }
}

export function storePrintSettings(settings: PrintSettings): void {
  localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings))
}

/** The payments whose receipt printed automatically on this device. */
export function loadPrintedPayments(): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(PRINTED_KEY) ?? '[]')
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : []
  } catch {
    return []
  }
}

export function storePrintedPayments(ids: readonly string[]): void {
  try {
    localStorage.setItem(PRINTED_KEY, JSON.stringify(ids))
  } catch {
    // Not remembered: after a reload the same payment could print again, which costs paper, not money.
  }
}
