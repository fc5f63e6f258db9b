import type { Permission } from '../../../shared/staff'

/** What a route asks of the console: nothing (sign-in, pairing), or a signed-in member with a permission. */
export interface RouteNeeds {
  /** Reachable before signing in. */
  public?: boolean
  permission?: Permission
}

/** Where the console stands. */
export interface AccessState {
  paired: boolean
  signedIn: boolean
  pinChangeRequired: boolean
  can: (permission: Permission) => boolean
}

export type RouteTarget = { name: string; query?: Record<string, string> }

export const SIGN_IN_ROUTE = 'sign-in'
export const PAIR_ROUTE = 'pair'
export const HOME_ROUTE = 'cashier'

/**
 * Whether the console may show a route, or where it goes instead: an unpaired browser pairs first; nobody
 * signed in signs in (and comes back to the route afterwards); a demo PIN is replaced first; a route the member
 * may not use leads to the cashier screen.
 */
export function routeAccess(
  to: { name: string | null; fullPath: string; needs: RouteNeeds },
  state: AccessState,
): true | RouteTarget {
  if (to.name === PAIR_ROUTE) return true
  if (!state.paired) return { name: PAIR_ROUTE }
  if (to.name === SIGN_IN_ROUTE) return state.signedIn && !state.pinChangeRequired ? { name: HOME_ROUTE } : true
  if (to.needs.public) return true
  if (!state.signedIn || state.pinChangeRequired) return signInFirst(to.fullPath)
  if (to.needs.permission && !state.can(to.needs.permission)) return { name: HOME_ROUTE }
  return true
}

export function signInFirst(returnTo: string): RouteTarget {
  return returnTo && returnTo !== '/' ? { name: SIGN_IN_ROUTE, query: { redirect: returnTo } } : { name: SIGN_IN_ROUTE }
}

/** Where to go after signing in: back where the console was, when that is a path of ours. */
export function afterSignIn(redirect: unknown): string {
  return typeof redirect === 'string' && redirect.startsWith('/') && !redirect.startsWith('//') ? redirect : '/'
}
