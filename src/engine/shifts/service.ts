import type { z } from 'zod'
import type {
  CashMoveInput,
  CloseShiftInput,
  ListShiftsInput,
  OpenShiftInput,
  Shift,
} from '../../shared/api/shiftSchemas'
import { EngineError } from '../../shared/errors'
import { present } from '../../shared/assert'
import { toIso, toIsoOrNull, type Clock } from '../clock'
import type { EventLog } from '../events/log'
import type { IdPrefix } from '../ids'
import { ACCOUNTS, drawerAccount } from '../ledger/accounts'
import { post } from '../ledger/journal'
import { getPermissionSettings } from '../staff/permissions'
import { actorOf, type Principal } from '../staff/principal'
import { getTillRow } from '../staff/queries'
import type { StaffService } from '../staff/service'
import type { Database } from 'better-sqlite3'
import {
  closeShiftRow,
  expectedCash,
  getShiftRow,
  insertMovement,
  insertShift,
  listMovements,
  listShiftRows,
  openShiftOf,
  type ShiftRow,
} from './queries'
import { shiftReport } from './report'

export interface ShiftContext {
  db: Database
  clock: Clock
  events: EventLog
  newId: (prefix: IdPrefix) => string
  staff: Pick<StaffService, 'approveWithPin'>
}

type ShiftView = z.output<typeof Shift>

export function shiftView(ctx: ShiftContext, row: ShiftRow): ShiftView {
  return {
    id: row.id,
    tillId: row.till_id,
    status: row.status,
    openedBy: row.opened_by,
    openedAt: toIso(row.opened_at),
    openingFloatFen: row.opening_float_fen,
    closedBy: row.closed_by,
    closedAt: toIsoOrNull(row.closed_at),
    countedCashFen: row.counted_cash_fen,
    differenceFen: row.difference_fen,
    approvedBy: row.approved_by,
    note: row.note,
    movements: listMovements(ctx.db, row.id).map((m) => ({
      id: m.id,
      kind: m.kind,
      amountFen: m.amount_fen,
      reason: m.reason,
      staffId: m.staff_id,
      at: toIso(m.at),
    })),
    report: row.report !== null ? JSON.parse(row.report) : shiftReport(ctx.db, row, ctx.clock.now()),
  }
}

function tillOf(principal: Principal, tillId: string | undefined): string {
  const till = tillId ?? (principal.kind === 'staff' ? principal.tillId : null)
  if (till === null)
    throw new EngineError('VALIDATION_FAILED', 'which till? sign in at a till or name it', { field: 'tillId' })
  return till
}

/** Opens a till's shift with its float in the drawer; a till has one open shift at a time. */
export function openShift(ctx: ShiftContext, principal: Principal, input: z.output<typeof OpenShiftInput>): ShiftView {
  const tillId = tillOf(principal, input.tillId)
  if (!getTillRow(ctx.db, tillId)) throw new EngineError('NOT_FOUND', `no till ${tillId}`)
  const { staffId } = actorOf(principal)
  return ctx.events.unitOfWork(() => {
    const now = ctx.clock.now()
    if (openShiftOf(ctx.db, tillId)) throw new EngineError('INVALID_STATE', 'this till already has an open shift')
    const id = ctx.newId('shf')
    insertShift(ctx.db, { id, tillId, openedBy: staffId, floatFen: input.openingFloatFen }, now)
    if (input.openingFloatFen > 0) {
      const movementId = ctx.newId('cmv')
      const movement = { id: movementId, shift_id: id, kind: 'float' as const, amount_fen: input.openingFloatFen }
      insertMovement(ctx.db, { ...movement, reason: null, attempt_id: null, refund_id: null, staff_id: staffId }, now)
      post(ctx.db, {
        kind: 'float',
        at: now,
        shiftId: id,
        movementId,
        staffId,
        tillId,
        entries: [
          { account: drawerAccount(tillId), amountFen: input.openingFloatFen },
          { account: ACCOUNTS.cashTransfers, amountFen: -input.openingFloatFen },
        ],
      })
    }
    ctx.events.append({ type: 'shift.opened', data: { shiftId: id, tillId, openingFloatFen: input.openingFloatFen } })
    return shiftView(ctx, present(getShiftRow(ctx.db, id), 'the shift just opened'))
  })
}

function requireOpen(ctx: ShiftContext, id: string): ShiftRow {
  const shift = getShiftRow(ctx.db, id)
  if (!shift) throw new EngineError('NOT_FOUND', `no shift ${id}`)
  if (shift.status !== 'open') throw new EngineError('INVALID_STATE', `shift ${id} is closed`)
  return shift
}

/** Cash brought into the drawer (change) or taken out (a paid-out, to the safe), with its reason. */
export function moveCash(ctx: ShiftContext, principal: Principal, input: z.output<typeof CashMoveInput>): ShiftView {
  const { staffId } = actorOf(principal)
  return ctx.events.unitOfWork(() => {
    const shift = requireOpen(ctx, input.id)
    const now = ctx.clock.now()
    const into = input.direction === 'in' ? input.amountFen : -input.amountFen
    if (into < 0 && expectedCash(ctx.db, shift.id) + into < 0) {
      throw new EngineError('INVALID_STATE', 'the drawer does not hold that much cash', {
        expectedFen: expectedCash(ctx.db, shift.id),
      })
    }
    const movementId = ctx.newId('cmv')
    const reason = input.note ? `${input.reason}: ${input.note}` : input.reason
    insertMovement(
      ctx.db,
      {
        id: movementId,
        shift_id: shift.id,
        kind: input.direction,
        amount_fen: into,
        reason,
        attempt_id: null,
        refund_id: null,
        staff_id: staffId,
      },
      now,
    )
    const counter = input.direction === 'out' && input.reason === 'paid_out' ? ACCOUNTS.paidOut : ACCOUNTS.cashTransfers
    post(ctx.db, {
      kind: input.direction === 'in' ? 'cash_in' : 'cash_out',
      at: now,
      shiftId: shift.id,
      movementId,
      staffId,
      tillId: shift.till_id,
      memo: reason,
      entries: [
        { account: drawerAccount(shift.till_id), amountFen: into },
        { account: counter, amountFen: -into },
      ],
    })
    ctx.events.append({
      type: 'cash.moved',
      data: { shiftId: shift.id, direction: input.direction, amountFen: input.amountFen, reason: input.reason },
    })
    return shiftView(ctx, present(getShiftRow(ctx.db, shift.id), 'the shift'))
  })
}

/**
 * Closes a shift with the counted cash: the difference goes to over/short. A cashier whose count is off by more
 * than the owner's limit needs a manager's PIN on the same request; the report is kept as it stood.
 */
export async function closeShift(
  ctx: ShiftContext,
  principal: Principal,
  input: z.output<typeof CloseShiftInput>,
): Promise<ShiftView> {
  const shift = requireOpen(ctx, input.id)
  const difference = input.countedCashFen - expectedCash(ctx.db, shift.id)
  const limit = getPermissionSettings(ctx.db).shiftDifferenceLimitFen
  const needsApproval = Math.abs(difference) > limit && principal.kind === 'staff' && principal.role === 'cashier'
  if (needsApproval && !input.approval) {
    throw new EngineError('APPROVAL_REQUIRED', `a difference above ${limit} fen needs a manager's PIN`, {
      limitFen: limit,
      differenceFen: difference,
    })
  }
  const approvedBy = needsApproval
    ? await ctx.staff.approveWithPin(principal, present(input.approval, 'approval'))
    : null
  return ctx.events.unitOfWork(() => recordClose(ctx, principal, input, approvedBy))
}

function recordClose(
  ctx: ShiftContext,
  principal: Principal,
  input: z.output<typeof CloseShiftInput>,
  approvedBy: string | null,
): ShiftView {
  const shift = requireOpen(ctx, input.id)
  const now = ctx.clock.now()
  const { staffId } = actorOf(principal)
  const expectedFen = expectedCash(ctx.db, shift.id)
  const differenceFen = input.countedCashFen - expectedFen
  if (differenceFen !== 0) {
    post(ctx.db, {
      kind: 'shift_difference',
      at: now,
      shiftId: shift.id,
      staffId,
      tillId: shift.till_id,
      entries: [
        { account: drawerAccount(shift.till_id), amountFen: differenceFen },
        { account: ACCOUNTS.overShort, amountFen: -differenceFen },
      ],
    })
  }
  const closing = { ...shift, status: 'closed' as const, closed_at: now, expected_cash_fen: expectedFen }
  const report = shiftReport(
    ctx.db,
    { ...closing, counted_cash_fen: input.countedCashFen, difference_fen: differenceFen },
    now,
  )
  const closed = closeShiftRow(
    ctx.db,
    shift.id,
    {
      closedBy: staffId,
      expectedFen,
      countedFen: input.countedCashFen,
      approvedBy,
      note: input.note ?? null,
      report: JSON.stringify(report),
    },
    now,
  )
  if (!closed) throw new EngineError('CONCURRENT_UPDATE', 'the shift was closed meanwhile')
  ctx.events.append({
    type: 'shift.closed',
    data: { shiftId: shift.id, tillId: shift.till_id, expectedFen, countedFen: input.countedCashFen, differenceFen },
  })
  return shiftView(ctx, present(getShiftRow(ctx.db, shift.id), 'the shift just closed'))
}

export function getShift(ctx: ShiftContext, id: string): ShiftView {
  const row = getShiftRow(ctx.db, id)
  if (!row) throw new EngineError('NOT_FOUND', `no shift ${id}`)
  return shiftView(ctx, row)
}

export function currentShift(ctx: ShiftContext, principal: Principal, tillId: string | undefined): ShiftView | null {
  const row = openShiftOf(ctx.db, tillOf(principal, tillId))
  return row ? shiftView(ctx, row) : null
}

export function listShifts(ctx: ShiftContext, input: z.output<typeof ListShiftsInput>): ShiftView[] {
  return listShiftRows(ctx.db, input).map((row) => shiftView(ctx, row))
}
