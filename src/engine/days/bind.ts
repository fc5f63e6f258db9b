import type { Principal } from '../staff/principal'
import { closeDay, configureDays, dayReport, listDays, type DayContext } from './service'

/** Business days: their reports, closing them, and when they start; this binds them to their context. */
export function createDayService(ctx: DayContext) {
  return {
    report: (day: string) => dayReport(ctx, day),
    list: (count: number) => listDays(ctx, count),
    close: (principal: Principal, day: string) => closeDay(ctx, principal, day),
    configure: (startHour: number) => configureDays(ctx, startHour),
  }
}

export type DayService = ReturnType<typeof createDayService>
