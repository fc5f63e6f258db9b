import { EngineError, isErrorData } from '../../../shared/errors'
import type { FilesBridge, HutongBridge } from '../../../preload/api'
import type { Transport } from './client'
import type { DisplaySnapshot } from '../../../shared/display'

export function createIpcTransport(bridge: HutongBridge, files?: FilesBridge): Transport {
  return {
    async exportFile(operation, input, options) {
      if (!files) throw new EngineError('INTERNAL', 'this window cannot save files')
      const result = await files.saveExport(operation, input, options?.session ?? null)
      if (!result.ok)
        throw EngineError.fromData(
          isErrorData(result.error) ? (result.error as never) : { code: 'INTERNAL', message: 'Internal error' },
        )
      return result.data.saved ? { kind: 'saved', fileName: result.data.fileName } : { kind: 'cancelled' }
    },
    async call(operation, input, options) {
      const result = await bridge.invoke(operation, input, options?.idempotencyKey, options?.session ?? null)
      if (result.ok) return result.data
      throw EngineError.fromData(
        isErrorData(result.error) ? (result.error as never) : { code: 'INTERNAL', message: 'Internal error' },
      )
    },
    subscribe: (listener) => bridge.onEvent(listener),
    subscribeDisplay(tillId, listener) {
      const unsubscribe = bridge.onDisplay((snapshot) => {
        if (snapshot.tillId === tillId) listener(snapshot)
      })
      void bridge.invoke('display.get', { tillId }).then((result) => {
        if (result.ok) listener(result.data as DisplaySnapshot)
        else console.error('display state', result.error)
      })
      return unsubscribe
    },
  }
}
