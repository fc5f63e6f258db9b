/**
 * Every failure that crosses a boundary (IPC, HTTP) is an EngineError with a stable code.
 * The code decides the HTTP status; the message is for humans and may change.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  AMOUNT_OUT_OF_RANGE: 400,
  UNAUTHORIZED: 401,
  SESSION_EXPIRED: 401,
  FORBIDDEN: 403,
  PIN_INCORRECT: 403,
  PAIRING_CODE_INVALID: 403,
  PIN_CHANGE_REQUIRED: 403,
  APPROVAL_REQUIRED: 403,
  FORBIDDEN_HOST: 403,
  NOT_FOUND: 404,
  ORDER_NOT_FOUND: 404,
  PRODUCT_NOT_FOUND: 404,
  PAYMENT_NOT_FOUND: 404,
  DEVICE_NOT_FOUND: 404,
  UNKNOWN_OPERATION: 404,
  INVALID_STATE: 409,
  ORDER_NOT_PAYABLE: 409,
  ORDER_NOT_REFUNDABLE: 409,
  REFUND_EXCEEDS_PAID: 422,
  REFUND_WINDOW_CLOSED: 422,
  IDEMPOTENCY_CONFLICT: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  CONCURRENT_UPDATE: 409,
  SKU_TAKEN: 409,
  WALLET_UNAVAILABLE: 422,
  PAYMENT_CODE_UNRECOGNIZED: 422,
  INSUFFICIENT_TENDER: 422,
  INSTALLMENTS_UNAVAILABLE: 422,
  FRIEND_PAY_UNAVAILABLE: 422,
  FRIEND_PAY_NOT_FOUND: 404,
  VERIFICATION_FAILED: 403,
  LOCKED: 423,
  REQUEST_TIMEOUT: 408,
  RATE_LIMITED: 429,
  METHOD_UNSUPPORTED: 422,
  PAYLOAD_TOO_LARGE: 413,
  BACKUP_INVALID: 422,
  BILL_NOT_AVAILABLE: 409,
  BILL_INVALID: 422,
  RECONCILIATION_NOT_FOUND: 404,
  DISCREPANCY_NOT_FOUND: 404,
  NOTIFICATION_REJECTED: 400,
  PROVIDER_ERROR: 502,
  DATABASE_TOO_NEW: 500,
  SECRETS_UNAVAILABLE: 503,
  STORAGE_FAILED: 503,
  PAYMENT_OUTCOME_UNKNOWN: 503,
  INTERNAL: 500,
} as const

export type ErrorCode = keyof typeof ERROR_STATUS

export interface ErrorData {
  code: ErrorCode
  message: string
  details?: unknown
}

export class EngineError extends Error {
  readonly code: ErrorCode
  readonly details?: unknown

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message)
    this.name = 'EngineError'
    this.code = code
    this.details = details
  }

  get httpStatus(): number {
    return ERROR_STATUS[this.code]
  }

  toData(): ErrorData {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details }
  }

  static fromData(data: ErrorData): EngineError {
    const code = data.code in ERROR_STATUS ? data.code : 'INTERNAL'
    return new EngineError(code, data.message, data.details)
  }
}

export function isErrorData(value: unknown): value is ErrorData {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorData).code === 'string' &&
    typeof (value as ErrorData).message === 'string'
  )
}

/** Turns anything thrown into data safe to send: unknown exceptions never leak their text or stack. */
export function toErrorData(error: unknown): ErrorData {
  if (error instanceof EngineError) return error.toData()
  return { code: 'INTERNAL', message: 'Internal error' }
}

/**
 * Why a payment attempt failed or was ended (`failureCode` of an attempt, `reason` of payment events):
 * DECLINED — the customer's wallet refused (e.g. insufficient balance); AMOUNT_MISMATCH — the wallet reported a
 * different amount than asked, so the payment was refused and what it took refunded; PROVIDER_ERROR — the wallet could
 * not be reached or answered an error; USERPAYING_TIMEOUT — the customer never confirmed a payment code,
 * so it was reversed; UNKNOWN_OUTCOME — the wallet's answer was lost, so the payment was reversed;
 * expired, closed_by_cashier, order_paid, order_cancelled, order_expired, friend_pay_expired,
 * friend_pay_cancelled, closed_by_wallet, create_interrupted — why a payment was closed.
 */
export const PAYMENT_END_REASONS = [
  'DECLINED',
  'AMOUNT_MISMATCH',
  'PROVIDER_ERROR',
  'USERPAYING_TIMEOUT',
  'UNKNOWN_OUTCOME',
  'expired',
  'closed_by_cashier',
  'order_paid',
  'order_cancelled',
  'order_expired',
  'friend_pay_expired',
  'friend_pay_cancelled',
  'closed_by_wallet',
  'create_interrupted',
  'routing_changed',
] as const
