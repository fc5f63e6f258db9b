import type { Database } from 'better-sqlite3'
import type { z } from 'zod'
import type { DayReport } from '../../shared/api/daySchemas'
import { EngineError } from '../../shared/errors'
import { toIso, type Clock } from '../clock'
import { appendAudit } from '../config/audit'
import type { EventLog } from '../events/log'
import { actorOf, type Principal } from '../staff/principal'
import { dayFigures } from './report'
import {
  businessDayOf,
  dayStartHour,
  dayWindow,
  getDayClose,
  insertDayClose,
  listDayCloses,
  nextDay,
  setDayStartHour,
} from './window'

export interface DayContext {
  db: Database
  clock: Clock
  events: EventLog
}

type Report = z.output<typeof DayReport>

/** A day's report: as it was closed, or as it stands. */
export function dayReport(ctx: DayContext, day: string): Report {
  const closed = getDayClose(ctx.db, day)
  if (closed) return JSON.parse(closed.report) as Report
  const startHour = dayStartHour(ctx.db)
  const window = dayWindow(ctx.db, day, startHour)
  return {
    day,
    status: 'open',
    startHour,
    startsAt: toIso(window.start),
    endsAt: toIso(window.end),
    closedAt: null,
    closedBy: null,
    ...dayFigures(ctx.db, day, { start: window.start, end: Math.min(window.end, ctx.clock.now() + 1) }),
  }
}

/**
 * Closes a business day (日结): its report is kept as it stands now and the day ends here — what happens later,
 * such as a refund of one of its sales, lands in the day it happens. A day not yet begun cannot be closed.
 */
export function closeDay(ctx: DayContext, principal: Principal, day: string): Report {
  return ctx.events.unitOfWork(() => {
    const now = ctx.clock.now()
    if (getDayClose(ctx.db, day)) throw new EngineError('INVALID_STATE', `${day} is already closed`)
    const startHour = dayStartHour(ctx.db)
    const window = dayWindow(ctx.db, day, startHour)
    if (now < window.start) throw new EngineError('INVALID_STATE', `${day} has not begun`)
    const end = Math.min(now, window.end)
    const { staffId } = actorOf(principal)
    const report: Report = {
      ...{ day, status: 'closed', startHour, startsAt: toIso(window.start), endsAt: toIso(end) },
      ...{ closedAt: toIso(now), closedBy: staffId },
      ...dayFigures(ctx.db, day, { start: window.start, end }),
    }
    const closed = insertDayClose(ctx.db, {
      ...{ day, starts_at: window.start, ends_at: end, closed_at: now, closed_by: staffId },
      report: JSON.stringify(report),
    })
    if (!closed) throw new EngineError('CONCURRENT_UPDATE', `${day} was closed meanwhile`)
    ctx.events.append({ type: 'day.closed', data: { day, netFen: report.totals.netFen } })
    appendAudit(ctx.db, {
      entity: 'day',
      entityId: day,
      before: null,
      after: { closed: true, netFen: report.totals.netFen },
      at: now,
    })
    return report
  })
}

/** The last days, today first, each open or closed. */
export function listDays(ctx: DayContext, count: number): { day: string; status: 'open' | 'closed'; netFen: number }[] {
  const today = businessDayOf(ctx.clock.now(), dayStartHour(ctx.db))
  const closed = new Map(listDayCloses(ctx.db, count + 31).map((row) => [row.day, row]))
  return Array.from({ length: count }, (_, i) => {
    const day = nextDay(today, -i)
    const row = closed.get(day)
    return row
      ? { day, status: 'closed' as const, netFen: (JSON.parse(row.report) as Report).totals.netFen }
      : { day, status: 'open' as const, netFen: dayReport(ctx, day).totals.netFen }
  })
}

export function configureDays(ctx: DayContext, startHour: number): { startHour: number } {
  return ctx.events.unitOfWork(() => {
    const before = dayStartHour(ctx.db)
    setDayStartHour(ctx.db, startHour)
    appendAudit(ctx.db, {
      entity: 'days',
      entityId: 'startHour',
      before: { startHour: before },
      after: { startHour },
      at: ctx.clock.now(),
    })
    return { startHour }
  })
}
