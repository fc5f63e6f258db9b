import { listDeviceRows, deviceView } from './queries'
import { createPairingCode, deviceOfToken, redeemPairingCode, revokePairedDevice, type DeviceContext } from './pairing'
import type { OperationParsedInput } from '../../shared/api/operations'

export type DeviceService = ReturnType<typeof createDeviceService>

/** Paired tills and customer displays: one-time codes, their own credentials, revocation. */
export function createDeviceService(ctx: DeviceContext) {
  return {
    createCode: (input: OperationParsedInput<'pairing.createCode'>) => createPairingCode(ctx, input),
    redeem: (code: string) => redeemPairingCode(ctx, code),
    list: () => listDeviceRows(ctx.db).map(deviceView),
    revoke: (id: string) => revokePairedDevice(ctx, id),
    verify: (token: string) => deviceOfToken(ctx, token),
  }
}
