import { randomBytes } from 'node:crypto'
import { EngineError } from '../../../shared/errors'
import type { ConnectionTestResult } from '../common'
import { queryBillAnswer } from './bills'
import type { ChinaumsContext, ChinaumsFailure } from './client'

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** A trade number no checkout ever uses: today's time, then 16 random characters. */
function probeId(ctx: ChinaumsContext): string {
  let time = ''
  for (let ms = ctx.deps.clock.now(), i = 0; i < 10; i++, ms = Math.floor(ms / 32)) time = CROCKFORD[ms % 32] + time
  const random = Array.from(randomBytes(16), (b) => CROCKFORD[b % 32]).join('')
  return `${ctx.trades.prefix}_${time}${random}`
}

function result(code: ConnectionTestResult['code'], message: string): ConnectionTestResult {
  return { ok: code === 'OK', code, message }
}

function configProblem(ctx: ChinaumsContext): ConnectionTestResult | null {
  const c = ctx.config
  if (!c.appId || !c.mid || !c.tid || !c.msgSrcId || !c.instMid) {
    return result(
      'NOT_CONFIGURED',
      'The AppId, merchant number, terminal number, business type or source number is missing.',
    )
  }
  if (!/^[0-9A-Za-z]{4}$/.test(c.msgSrcId))
    return result('NOT_CONFIGURED', 'The source number (来源编号) has 4 characters.')
  if (!c.appKey) return result('WRONG_KEY', 'The AppKey is missing.')
  if (!c.notifyKey) return result('WRONG_KEY', 'The communication key (通讯密钥) for notifications is missing.')
  return null
}

/**
 * "Test connection": a signed query of a bill that cannot exist. An answer (found or "no such bill") proves the
 * AppId, AppKey and clock; the merchant numbers are proven when the answer is not a refusal of them.
 */
export async function testConnection(ctx: ChinaumsContext): Promise<ConnectionTestResult> {
  const problem = configProblem(ctx)
  if (problem) return problem
  try {
    await queryBillAnswer(ctx, probeId(ctx))
    return result('OK', 'Connected: China UMS accepted our signature and answered the test query.')
  } catch (error) {
    return explainFailure(error)
  }
}

function explainFailure(error: unknown): ConnectionTestResult {
  const details = (error instanceof EngineError ? error.details : null) as Record<string, unknown> | null
  const reason = details?.reason as ChinaumsFailure | undefined
  const status = typeof details?.status === 'number' ? details.status : null
  switch (reason) {
    case 'TIMEOUT':
    case 'UNREACHABLE':
      return result('UNREACHABLE', 'China UMS could not be reached: check the network and the gateway address.')
    case 'AUTH_REFUSED':
      return details?.clockSkewed === true
        ? result('CLOCK_SKEW', "China UMS refused our request time: set this computer's clock automatically.")
        : result('WRONG_KEY', 'China UMS refused our signature: check the AppId and the AppKey.')
    case 'RESPONSE_SIGNATURE':
      return result(
        'BAD_RESPONSE_SIGNATURE',
        'The answer did not verify with the communication key: check the key, or the network may be tampering with traffic.',
      )
    case 'BAD_RESPONSE':
      return result(
        'WRONG_GATEWAY',
        `The gateway answered like no China UMS server (HTTP ${status ?? '?'}): check its address.`,
      )
    case 'BAD_CONFIG':
      return result('WRONG_KEY', 'The AppId or AppKey is missing.')
    case 'API_ERROR': {
      if (status !== null && status >= 500) {
        return result('UNREACHABLE', 'China UMS is having trouble right now: try again in a few minutes.')
      }
      const code = typeof details?.umsCode === 'string' ? ` (${details.umsCode})` : ''
      return result(
        'REJECTED',
        `China UMS accepted our signature but refused the query${code}: check the merchant number, terminal number, business type and source number.`,
      )
    }
    default:
      return result('REJECTED', error instanceof EngineError ? error.message : 'The connection test failed.')
  }
}
