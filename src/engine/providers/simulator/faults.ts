import { z } from 'zod'
import { EngineError } from '../../../shared/errors'
import { TransportError } from '../network'

/** The simulator's calls a fault can hit. */
export const SIMULATOR_CALLS = [
  'createQr',
  'query',
  'close',
  'payWithCode',
  'reverse',
  'refund',
  'queryRefund',
  'downloadBill',
] as const
export type SimulatorCall = (typeof SIMULATOR_CALLS)[number]

/**
 * What can go wrong with a real wallet, on demand (demos, tests, a merchant's rehearsal):
 * - calls: `timeout` (done at the wallet, the answer never comes), `server_error` (a 5xx, nothing done),
 *   `connection_reset` (nothing done), `malformed_answer` (done, the answer unreadable);
 * - notifications: `wrong_signature`, `duplicate_notification`, `late_notification` (after `delayMs`),
 *   `out_of_order_notifications` (the next one held back until the one after it has arrived);
 * - races: `close_races_payment` (the customer pays just as the code is closed), `refund_processing` (a refund
 *   answers PROCESSING `times` times before it succeeds).
 */
export const SIMULATOR_FAULT_KINDS = [
  'timeout',
  'server_error',
  'connection_reset',
  'malformed_answer',
  'wrong_signature',
  'duplicate_notification',
  'late_notification',
  'out_of_order_notifications',
  'close_races_payment',
  'refund_processing',
] as const
export type SimulatorFaultKind = (typeof SIMULATOR_FAULT_KINDS)[number]

const CALL_FAULTS: readonly SimulatorFaultKind[] = ['timeout', 'server_error', 'connection_reset', 'malformed_answer']

export const SimulatorFaultSchema = z.strictObject({
  kind: z.enum(SIMULATOR_FAULT_KINDS),
  /** For call faults: which calls it hits (default: any). */
  calls: z.array(z.enum(SIMULATOR_CALLS)).min(1).optional(),
  /** How many times it strikes before it is spent. */
  times: z.number().int().min(1).max(1000).default(1),
  /** For late notifications: how late. */
  delayMs: z.number().int().min(0).max(600_000).default(3000),
})
export type SimulatorFault = z.output<typeof SimulatorFaultSchema>
export const SimulatorFaultPlanSchema = z.strictObject({ faults: z.array(SimulatorFaultSchema).max(50) })

/** The faults still to strike, in the order they were planned. */
export interface FaultPlan {
  pending: SimulatorFault[]
}

/** Takes the first planned fault that matches, spending one of its strikes. */
export function takeFault(plan: FaultPlan, matches: (fault: SimulatorFault) => boolean): SimulatorFault | null {
  const index = plan.pending.findIndex(matches)
  if (index < 0) return null
  const fault = plan.pending[index]!
  if (fault.times <= 1) plan.pending.splice(index, 1)
  else plan.pending[index] = { ...fault, times: fault.times - 1 }
  return fault
}

/** Runs a call to the simulated wallet through the call faults planned for it. */
export function withCallFaults<T>(plan: FaultPlan, call: SimulatorCall, work: () => Promise<T>): Promise<T> {
  if (plan.pending.length === 0) return work()
  const fault = takeFault(plan, (f) => CALL_FAULTS.includes(f.kind) && (!f.calls || f.calls.includes(call)))
  return fault ? failedCall(fault, work) : work()
}

async function failedCall<T>(fault: SimulatorFault, work: () => Promise<T>): Promise<T> {
  if (fault.kind === 'server_error')
    throw new EngineError('PROVIDER_ERROR', 'the wallet answered 500 Internal Server Error')
  if (fault.kind === 'connection_reset') throw new TransportError('unreachable', 'connection reset')
  // Carried out at the wallet; only the answer is lost.
  await work()
  if (fault.kind === 'timeout') throw new TransportError('timeout', 'the wallet did not answer in time')
  throw new EngineError('PROVIDER_ERROR', 'the wallet’s answer could not be read')
}
