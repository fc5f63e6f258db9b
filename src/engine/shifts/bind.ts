import type { OperationParsedInput } from '../../shared/api/operations'
import type { Principal } from '../staff/principal'
import { closeShift, currentShift, getShift, listShifts, moveCash, openShift, type ShiftContext } from './service'

/** Shifts: open with a float, move cash, close with the count; this binds them to their context. */
export function createShiftService(ctx: ShiftContext) {
  return {
    open: (principal: Principal, input: OperationParsedInput<'shifts.open'>) => openShift(ctx, principal, input),
    current: (principal: Principal, tillId: string | undefined) => currentShift(ctx, principal, tillId),
    get: (id: string) => getShift(ctx, id),
    list: (input: OperationParsedInput<'shifts.list'>) => listShifts(ctx, input),
    moveCash: (principal: Principal, input: OperationParsedInput<'shifts.moveCash'>) => moveCash(ctx, principal, input),
    close: (principal: Principal, input: OperationParsedInput<'shifts.close'>) => closeShift(ctx, principal, input),
  }
}

export type ShiftService = ReturnType<typeof createShiftService>
