import { EngineError } from '../../../shared/errors'
import type { IncomingNotification, ProviderTrade } from '../types'
import { asObject, report, safeJson, type Json, type WechatPayContext } from './context'
import { decryptResource } from './crypto'
import { toTrade } from './trades'
import { verifySigned } from './verify'

/** The encrypted transaction of a payment notification, as WeChat Pay sends it. */
interface EncryptedResource {
  nonce: string
  associatedData: string
  ciphertext: string
}

/**
 * A payment notification: its signature and freshness verified, its resource decrypted with the APIv3 key,
 * checked to be ours, and read as a trade. Anything else is NOTIFICATION_REJECTED.
 */
export async function parseNotification(
  ctx: WechatPayContext,
  notification: IncomingNotification,
): Promise<ProviderTrade> {
  const body = Buffer.from(notification.body, 'utf8')
  refuseUnverified(ctx, notification, body)
  const transaction = decryptTransaction(ctx, paymentResource(ctx, body))
  if (
    transaction.mchid !== ctx.config.mchId ||
    (transaction.appid !== undefined && transaction.appid !== ctx.config.appId)
  ) {
    throw new EngineError('NOTIFICATION_REJECTED', 'notification is for another merchant account')
  }
  try {
    return toTrade(ctx, transaction.out_trade_no, transaction)
  } catch {
    // The engine records the rejection (notification.rejected); the sweep's query reads the trade itself.
    throw new EngineError('NOTIFICATION_REJECTED', 'notification reports an unreadable trade')
  }
}

function refuseUnverified(ctx: WechatPayContext, notification: IncomingNotification, body: Buffer): void {
  const problem = verifySigned(ctx, notification.headers, body)
  if (!problem) return
  const replay = problem.reason === 'CLOCK_SKEW'
  report(ctx, replay ? 'notification_replay' : 'notification_signature', problem.detail)
  throw new EngineError(
    'NOTIFICATION_REJECTED',
    replay ? 'notification timestamp outside the accepted window' : 'notification signature does not verify',
  )
}

/** The resource of a TRANSACTION.* notification, which must be AEAD_AES_256_GCM. */
function paymentResource(ctx: WechatPayContext, body: Buffer): EncryptedResource {
  const envelope = asObject(safeJson(body))
  const resource = asObject(envelope?.resource)
  if (!envelope || !resource) throw new EngineError('NOTIFICATION_REJECTED', 'notification has no resource')
  const eventType = typeof envelope.event_type === 'string' ? envelope.event_type : ''
  if (!eventType.startsWith('TRANSACTION.')) {
    throw new EngineError(
      'NOTIFICATION_REJECTED',
      `notification ${eventType.slice(0, 40) || 'without a type'} is not about a payment`,
    )
  }
  const { algorithm, ciphertext, nonce, associated_data: associatedData } = resource
  if (
    algorithm !== 'AEAD_AES_256_GCM' ||
    typeof ciphertext !== 'string' ||
    typeof nonce !== 'string' ||
    (associatedData !== undefined && typeof associatedData !== 'string')
  ) {
    report(ctx, 'notification_decrypt', 'resource is not AEAD_AES_256_GCM')
    throw new EngineError('NOTIFICATION_REJECTED', 'notification resource cannot be decrypted')
  }
  return { nonce, associatedData: associatedData ?? '', ciphertext }
}

function decryptTransaction(ctx: WechatPayContext, resource: EncryptedResource): Json & { out_trade_no: string } {
  let transaction: Json | null
  try {
    transaction = asObject(JSON.parse(decryptResource(ctx.config.apiV3Key, resource)))
  } catch {
    // A wrong key, a forged tag or no JSON inside: reported as notification_decrypt just below.
    transaction = null
  }
  if (!transaction || typeof transaction.out_trade_no !== 'string') {
    report(ctx, 'notification_decrypt', 'resource does not decrypt with the APIv3 key to a transaction')
    throw new EngineError('NOTIFICATION_REJECTED', 'notification resource cannot be decrypted')
  }
  return transaction as Json & { out_trade_no: string }
}
