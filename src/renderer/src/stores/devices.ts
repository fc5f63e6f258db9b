import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { OperationInput, OperationOutput } from '../../../shared/api/operations'
import { requireApi } from '../services/connection'

export type PairedDeviceView = OperationOutput<'devices.list'>['devices'][number]
export type PairingCodeView = OperationOutput<'pairing.createCode'>
export type PairingRequest = OperationInput<'pairing.createCode'>

/** The owner's view of paired tills and customer displays, and the one-time code being shown. */
export const useDevicesStore = defineStore('devices', () => {
  const devices = ref<PairedDeviceView[]>([])
  const loaded = ref(false)
  const code = ref<PairingCodeView | null>(null)

  async function load(): Promise<void> {
    devices.value = (await requireApi().call('devices.list', {})).devices
    loaded.value = true
  }

  async function createCode(request: PairingRequest): Promise<PairingCodeView> {
    code.value = await requireApi().call('pairing.createCode', request)
    return code.value
  }

  async function revoke(id: string): Promise<void> {
    const revoked = await requireApi().call('devices.revoke', { id })
    devices.value = devices.value.map((device) => (device.id === id ? revoked : device))
  }

  /** A device paired or revoked elsewhere (or the code just shown was used): read the list again. */
  function onDeviceEvent(): void {
    if (loaded.value) void load().catch((error: unknown) => console.error('devices', error))
  }

  return { devices, loaded, code, load, createCode, revoke, onDeviceEvent }
})
