import { describe, expect, it } from 'vitest'
import {
  checkMemberChange,
  checkNewMember,
  checkPermissionsDraft,
  permissionsDraft,
  toggleGrant,
} from '../../../src/renderer/src/lib/staffForm'

const settings = {
  manager: ['view', 'sell', 'cancel', 'refund', 'reports', 'dayClose'],
  cashier: ['view', 'sell', 'cancel', 'refund'],
  integration: ['view', 'sell', 'cancel', 'refund'],
  cashierRefundLimitFen: 10_000,
  autoLockMinutes: 5,
  shiftDifferenceLimitFen: 1000,
} as Parameters<typeof permissionsDraft>[0]

describe('adding and changing a staff member', () => {
  it('needs a name and a 4–6 digit PIN for a new member', () => {
    expect(checkNewMember({ name: ' 张三 ', role: 'cashier', active: true, pin: '2468' })).toEqual({
      ok: true,
      value: { name: '张三', role: 'cashier', pin: '2468' },
    })
    const refused = checkNewMember({ name: '', role: 'cashier', active: true, pin: '12' })
    expect(refused.ok).toBe(false)
    if (!refused.ok) {
      expect(refused.errors).toContainEqual({ field: 'name', code: 'REQUIRED' })
      expect(refused.errors).toContainEqual({ field: 'pin', code: 'INVALID_PIN' })
    }
  })

  it('sends only what changed; an empty PIN keeps the member’s PIN', () => {
    const member = { id: 'stf_1', name: '李收银', role: 'cashier' as const, active: true }
    expect(checkMemberChange(member, { name: '李收银', role: 'manager', active: true, pin: '' })).toEqual({
      ok: true,
      value: { id: 'stf_1', role: 'manager' },
    })
    expect(checkMemberChange(member, { name: '李收银', role: 'cashier', active: false, pin: '135790' })).toEqual({
      ok: true,
      value: { id: 'stf_1', active: false, pin: '135790' },
    })
    expect(checkMemberChange(member, { name: '李收银', role: 'cashier', active: true, pin: '1a2b' }).ok).toBe(false)
  })
})

describe('the permissions form', () => {
  it('round-trips the settings, the refund limit in yuan', () => {
    const draft = permissionsDraft(settings)
    expect(draft.refundLimitYuan).toBe('100.00')
    expect(checkPermissionsDraft(settings, draft)).toEqual({ ok: true, value: settings })
  })

  it('turns a typed limit into fen and minutes into a number', () => {
    const draft = {
      ...permissionsDraft(settings),
      refundLimitYuan: '0.50',
      autoLockMinutes: ' 15 ',
      shiftDifferenceYuan: '25',
    }
    expect(checkPermissionsDraft(settings, draft)).toEqual({
      ok: true,
      value: { ...settings, cashierRefundLimitFen: 50, autoLockMinutes: 15, shiftDifferenceLimitFen: 2500 },
    })
  })

  it('refuses an amount that is not one and minutes outside 1–240', () => {
    const draft = { ...permissionsDraft(settings), refundLimitYuan: '1.234', autoLockMinutes: '0' }
    const checked = checkPermissionsDraft(settings, draft)
    expect(checked.ok).toBe(false)
    if (!checked.ok) {
      expect(checked.errors.map((e) => e.field).sort()).toEqual(['autoLockMinutes', 'cashierRefundLimitFen'])
    }
  })

  it('grants and withdraws one permission, in the catalogue’s order', () => {
    const granted = permissionsDraft(settings).granted
    expect(toggleGrant(granted, 'cashier', 'view', false).cashier).toEqual(['sell', 'cancel', 'refund'])
    expect(toggleGrant(granted, 'cashier', 'settings', true).cashier).toEqual([
      'view',
      'sell',
      'cancel',
      'refund',
      'settings',
    ])
    expect(granted.cashier).toEqual(['view', 'sell', 'cancel', 'refund'])
  })
})
