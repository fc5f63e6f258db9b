/** The ranges a report offers in one click, counted from today's business day. */
export const REPORT_PRESETS = ['today', 'yesterday', 'thisWeek', 'thisMonth', 'lastMonth', 'last30'] as const
export type ReportPreset = (typeof REPORT_PRESETS)[number]

export interface DayRange {
  from: string
  to: string
}

const DAY_MS = 86_400_000

function parse(day: string): number {
  return Date.parse(`${day}T00:00:00Z`)
}

function format(at: number): string {
  return new Date(at).toISOString().slice(0, 10)
}

export function addDays(day: string, n: number): string {
  return format(parse(day) + n * DAY_MS)
}

/** A preset's days: weeks start on Monday, as ISO weeks (and Chinese calendars) do. */
export function presetRange(preset: ReportPreset, today: string): DayRange {
  switch (preset) {
    case 'today':
      return { from: today, to: today }
    case 'yesterday':
      return { from: addDays(today, -1), to: addDays(today, -1) }
    case 'thisWeek':
      return { from: addDays(today, -((new Date(parse(today)).getUTCDay() + 6) % 7)), to: today }
    case 'thisMonth':
      return { from: `${today.slice(0, 7)}-01`, to: today }
    case 'lastMonth': {
      const lastDay = addDays(`${today.slice(0, 7)}-01`, -1)
      return { from: `${lastDay.slice(0, 7)}-01`, to: lastDay }
    }
    case 'last30':
      return { from: addDays(today, -29), to: today }
  }
}

/** The presets a range is (on the 30th of a 30-day month, 本月 and 近30天 are the same days). */
export function presetsOf(range: DayRange, today: string): ReportPreset[] {
  return REPORT_PRESETS.filter((preset) => {
    const candidate = presetRange(preset, today)
    return candidate.from === range.from && candidate.to === range.to
  })
}

/** How a change in basis points reads: +12.34% or −5.00%, null where there was nothing to compare with. */
export function formatChangeBp(bp: number | null): string | null {
  if (bp === null) return null
  const abs = Math.abs(bp)
  const text = `${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}%`
  return bp > 0 ? `+${text}` : bp < 0 ? `−${text}` : text
}

/** Whether a change is good news: more sales is, more refunds or fees is not. */
export function changeTone(
  bp: number | null,
  higherIsBetter: boolean,
): 'up-good' | 'down-good' | 'up-bad' | 'down-bad' | 'flat' {
  if (bp === null || bp === 0) return 'flat'
  if (bp > 0) return higherIsBetter ? 'up-good' : 'up-bad'
  return higherIsBetter ? 'down-bad' : 'down-good'
}
