import type { OperationParsedInput } from '../../shared/api/operations'
import type { WalletId } from '../../shared/wallets'
import type { AttemptRow } from '../payments/queries'
import { linkOf, requireRequest, type FriendPayContext, type FriendPayDeps } from './context'
import { findByPayCode, pageState, pay, proofValid, verify } from './page'
import { listFriendPay, type FriendPayRow } from './queries'
import { cancelRequest, createRequest, expireDue, onOrderPaid, view } from './requests'

export { maskName, maskPhone, normalizePayCode } from './codes'
export { MAX_WRONG_ANSWERS, type FriendPayDeps } from './context'
export type { FriendPage, FriendPageState, VerifyResult } from './page'

/**
 * Ask a friend to pay (找人代付): a share link with a QR and a short pay code, three verification modes,
 * expiry enforced from the database (so it survives restarts), and money that arrives too late refunded.
 *
 * The requester's side (`requests`: create, view, cancel, expire, follow the paid order) and the friend's
 * page (`page`: resolve the link, verify, pay) are plain functions taking the dependencies; this binds them.
 */
export function createFriendPayService(deps: FriendPayDeps) {
  const ctx: FriendPayContext = deps
  return {
    create: (input: OperationParsedInput<'friendPay.create'>) => createRequest(ctx, input),
    get: async (id: string) => view(ctx, requireRequest(ctx, id)),
    list: async (input: OperationParsedInput<'friendPay.list'>) =>
      Promise.all(
        listFriendPay(ctx.db, { status: input.status, orderId: input.orderId }, input.limit).map((row) =>
          view(ctx, row),
        ),
      ),
    cancel: (id: string) => cancelRequest(ctx, id),
    expireDue: () => expireDue(ctx),
    onOrderPaid: (orderId: string, attempt: AttemptRow, now: number) => onOrderPaid(ctx, orderId, attempt, now),
    pageState: (ref: string) => pageState(ctx, ref),
    verify: (ref: string, answer: string) => verify(ctx, ref, answer),
    pay: (ref: string, wallet: WalletId, proof: string | undefined) => pay(ctx, ref, wallet, proof),
    proofValid: (row: FriendPayRow, proof: string | undefined) => proofValid(ctx, row, proof),
    linkOf,
    findByPayCode: (text: string) => findByPayCode(ctx, text),
  }
}

export type FriendPayService = ReturnType<typeof createFriendPayService>
