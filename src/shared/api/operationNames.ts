/**
 * The names of every API operation, kept free of schema code so the sandboxed preload can
 * allow-list them without bundling the validators. `operations.ts` must define exactly these.
 */
export const OPERATION_NAMES = [
  'store.get',
  'products.list',
  'products.create',
  'wallets.list',
  'wallets.update',
  'routing.get',
  'routing.update',
  'audit.list',
  'audit.verify',
  'backups.list',
  'backups.run',
  'backups.configure',
  'backups.restore',
  'logs.export',
  'orders.create',
  'orders.list',
  'orders.get',
  'orders.cancel',
  'orders.paymentOptions',
  'payments.create',
  'payments.get',
  'payments.close',
  'friendPay.create',
  'friendPay.get',
  'friendPay.list',
  'friendPay.cancel',
  'refunds.create',
  'refunds.list',
  'refunds.get',
  'refunds.retry',
  'credentials.get',
  'credentials.set',
  'wallets.testConnection',
  'auth.signInOptions',
  'auth.signIn',
  'auth.signOut',
  'auth.me',
  'auth.changePin',
  'tills.register',
  'tills.list',
  'staff.list',
  'staff.create',
  'staff.update',
  'permissions.get',
  'permissions.update',
] as const

export type OperationName = (typeof OPERATION_NAMES)[number]

export function isOperationName(value: unknown): value is OperationName {
  return typeof value === 'string' && (OPERATION_NAMES as readonly string[]).includes(value)
}
