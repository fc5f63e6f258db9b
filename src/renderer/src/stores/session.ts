import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { OperationOutput } from '../../../shared/api/operations'
import type { Permission } from '../../../shared/staff'
import { getConnection, requireApi } from '../services/connection'
import { forgetSessionToken, loadSessionToken, storeSessionToken } from '../services/sessionTokenStorage'
import { useTillStore } from './till'

export type SessionView = OperationOutput<'auth.me'>
export type SignInOptions = OperationOutput<'auth.signInOptions'>
export type SignInMember = SignInOptions['staff'][number]
/** Why the console last went back to the sign-in screen: 切换, the idle lock, or the session ended elsewhere. */
export type SignOutReason = 'switched' | 'locked' | 'expired'

/** Who is working the till: the staff member signed in by PIN, and what they may do. */
export const useSessionStore = defineStore('session', () => {
  const view = ref<SessionView | null>(null)
  const options = ref<SignInOptions | null>(null)
  const endedBy = ref<SignOutReason | null>(null)

  const signedIn = computed(() => view.value?.principal === 'staff' && view.value.staff !== null)
  const member = computed(() => (signedIn.value ? view.value!.staff : null))
  const pinChangeRequired = computed(() => view.value?.pinChangeRequired ?? false)
  /** The largest refund this member gives alone; null: no limit. */
  const refundLimitFen = computed(() => view.value?.refundLimitFen ?? null)
  const autoLockMinutes = computed(() => (signedIn.value ? view.value!.autoLockMinutes : null))
  /** Those who may approve a refund above the limit on this member's screen. */
  const approvers = computed(() =>
    (options.value?.staff ?? []).filter((m) => m.role !== 'cashier' && m.id !== member.value?.id),
  )

  function can(permission: Permission): boolean {
    return signedIn.value && !pinChangeRequired.value && view.value!.permissions.includes(permission)
  }

  /** A staff member's name by id, as far as the sign-in list knows them (active members). */
  function staffName(id: string): string | null {
    return options.value?.staff.find((m) => m.id === id)?.name ?? null
  }

  function begin(token: string, session: SessionView): void {
    requireApi().setSession(token)
    storeSessionToken(token)
    view.value = session
    endedBy.value = null
  }

  /**
   * Why the member is leaving, while a sign-out is on its way: a call refused meanwhile (the server ended the
   * session first) must not turn a lock or a switch into "expired".
   */
  let leaving: SignOutReason | null = null

  /** Forgets the session here; the server has ended it, or will let it lapse. */
  function end(reason: SignOutReason): void {
    getConnection().api?.setSession(null)
    forgetSessionToken()
    if (signedIn.value) endedBy.value = leaving ?? reason
    view.value = null
  }

  /** After a reload: the session this window had, if the server still takes it. */
  async function restore(): Promise<void> {
    const token = loadSessionToken()
    const api = getConnection().api
    if (!token || !api) return
    api.setSession(token)
    try {
      const me = await api.call('auth.me', {})
      if (me.principal === 'staff') view.value = me
      else end('expired')
    } catch {
      // Expired, or the server is not answering: the sign-in screen says which.
      end('expired')
    }
  }

  async function loadOptions(): Promise<SignInOptions> {
    options.value = await requireApi().call('auth.signInOptions', {})
    return options.value
  }

  async function signIn(staffId: string, pin: string, tillName: string): Promise<SessionView> {
    const till = await useTillStore().ensureRegistered(tillName)
    const signed = await requireApi().call('auth.signIn', { staffId, pin, ...(till ? { tillId: till.id } : {}) })
    begin(signed.token, signed.session)
    return signed.session
  }

  async function changePin(currentPin: string, newPin: string): Promise<void> {
    view.value = await requireApi().call('auth.changePin', { currentPin, newPin })
  }

  /** The engine refused a call until the demo PIN is replaced. */
  function requirePinChange(): void {
    if (view.value) view.value = { ...view.value, pinChangeRequired: true }
  }

  /** What this member may do, read again (the owner changed the permissions). */
  async function refresh(): Promise<void> {
    if (!signedIn.value) return
    const me = await requireApi().call('auth.me', {})
    if (me.principal === 'staff') view.value = me
  }

  async function signOut(reason: Exclude<SignOutReason, 'expired'>): Promise<void> {
    if (!signedIn.value) return
    leaving = reason
    try {
      await requireApi().call('auth.signOut', {})
    } catch {
      // Already ended (expired), or the server is away: the session lapses there on its own.
    } finally {
      end(reason)
      leaving = null
    }
  }

  return {
    view,
    options,
    endedBy,
    signedIn,
    member,
    pinChangeRequired,
    refundLimitFen,
    autoLockMinutes,
    approvers,
    can,
    staffName,
    restore,
    loadOptions,
    signIn,
    changePin,
    refresh,
    requirePinChange,
    signOut,
    end,
  }
})
