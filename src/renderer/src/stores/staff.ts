import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { OperationInput, OperationOutput } from '../../../shared/api/operations'
import { requireApi } from '../services/connection'

export type StaffMember = OperationOutput<'staff.list'>['staff'][number]
export type PermissionSettings = OperationOutput<'permissions.get'>
export type NewStaffMember = OperationInput<'staff.create'>
export type StaffChange = OperationInput<'staff.update'>

/** The owner's view of the staff and of what each role may do. */
export const useStaffStore = defineStore('staff', () => {
  const members = ref<StaffMember[]>([])
  const permissions = ref<PermissionSettings | null>(null)
  const loaded = ref(false)
  const savingPermissions = ref(false)

  async function load(): Promise<void> {
    const api = requireApi()
    const [list, settings] = await Promise.all([api.call('staff.list', {}), api.call('permissions.get', {})])
    members.value = list.staff
    permissions.value = settings
    loaded.value = true
  }

  function remember(member: StaffMember): StaffMember {
    const index = members.value.findIndex((m) => m.id === member.id)
    members.value = index < 0 ? [...members.value, member] : members.value.map((m) => (m.id === member.id ? member : m))
    return member
  }

  async function create(input: NewStaffMember): Promise<StaffMember> {
    return remember(await requireApi().callOnce('staff.create', input))
  }

  async function update(change: StaffChange): Promise<StaffMember> {
    return remember(await requireApi().call('staff.update', change))
  }

  async function savePermissions(next: PermissionSettings): Promise<void> {
    savingPermissions.value = true
    try {
      permissions.value = await requireApi().call('permissions.update', next)
    } finally {
      savingPermissions.value = false
    }
  }

  return { members, permissions, loaded, savingPermissions, load, create, update, savePermissions }
})
