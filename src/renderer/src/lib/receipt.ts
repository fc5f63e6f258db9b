import type { OrderDetail, PaymentAttempt } from '../../../shared/api/types'

/** The attempt that paid the order: the first success on the paid wallet (a later duplicate is refunded). */
export function payingAttempt(order: Pick<OrderDetail, 'attempts' | 'paidWallet'>): PaymentAttempt | null {
  const succeeded = order.attempts
    .filter((a) => a.status === 'succeeded')
    .sort((a, b) => (a.succeededAt ?? '').localeCompare(b.succeededAt ?? ''))
  return succeeded.find((a) => a.wallet === order.paidWallet) ?? succeeded[0] ?? null
}
