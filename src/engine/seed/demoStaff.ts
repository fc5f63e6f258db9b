import type { Database } from 'better-sqlite3'
import type { StaffRole } from '../../shared/staff'
import type { Clock } from '../clock'
import { countStaff, insertStaff } from '../staff/queries'

/**
 * The demo store's owner and cashier. Their PINs are published (the sign-in screen shows them while every wallet
 * is simulated), so their hashes are made once, here, rather than at every first start; a store upgraded from a
 * version without staff gets them too, and must replace the PINs before a real wallet's money is handled.
 */
export const DEMO_STAFF: readonly { name: string; role: StaffRole; pin: string; pinHash: string }[] = [
  {
    name: '王店长',
    role: 'owner',
    pin: '8888',
    pinHash: 'scrypt$16384$8$1$NJ7WQ3gazYM/BMkwn+i2Cg==$xWm2f5lhf3/bGiu15/XBx9oDFTJ6Oh+YWNJwkDUqQIM=',
  },
  {
    name: '李收银',
    role: 'cashier',
    pin: '1234',
    pinHash: 'scrypt$16384$8$1$UCmS9bxtNqPwftXFkxqq+w==$kNw0Y9x109kpQvDKeTUZHY6d+vmppucNKI61AYrZDyc=',
  },
]

/** A store without any staff gets the demo owner and cashier (nobody could sign in otherwise). */
export function ensureStaff(db: Database, clock: Clock, newId: (prefix: 'stf') => string): void {
  db.transaction(() => {
    if (countStaff(db) > 0) return
    for (const member of DEMO_STAFF) {
      insertStaff(
        db,
        { id: newId('stf'), name: member.name, role: member.role, pinHash: member.pinHash, demoPin: member.pin },
        clock.now(),
      )
    }
  })()
}
