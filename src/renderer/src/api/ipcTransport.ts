import { EngineError, isErrorData } from '../../../shared/errors'
import type { HutongBridge } from '../../../preload/api'
import type { Transport } from './client'

export function createIpcTransport(bridge: HutongBridge): Transport {
  return {
    async call(operation, input, options) {
      const result = await bridge.invoke(operation, input, options?.idempotencyKey, options?.session ?? null)
      if (result.ok) return result.data
      throw EngineError.fromData(
        isErrorData(result.error) ? (result.error as never) : { code: 'INTERNAL', message: 'Internal error' },
      )
    },
    subscribe: (listener) => bridge.onEvent(listener),
  }
}
