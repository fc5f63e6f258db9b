import { watch } from 'vue'
import { createRouter, createWebHashHistory, type Router } from 'vue-router'
import type { Permission } from '../../../shared/staff'
import type { ReportGranularity } from '../../../shared/api/reportSchemas'
import { isPaperWidth, type PaperWidth } from '../lib/receiptModel'
import { routeAccess, signInFirst, type RouteNeeds, SIGN_IN_ROUTE } from '../lib/routeAccess'
import { useSessionStore } from '../stores/session'
import { useTillStore } from '../stores/till'
import CashierView from '../views/CashierView.vue'
import CheckoutView from '../views/CheckoutView.vue'
import PairingView from '../views/PairingView.vue'
import ReceiptView from '../views/ReceiptView.vue'
import SignInView from '../views/SignInView.vue'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable before signing in (the sign-in and pairing screens). */
    public?: boolean
    /** What the signed-in member must be allowed to do to open the screen. */
    permission?: Permission
    /** Shown without the console's header (the customer display). */
    bare?: boolean
  }
}

function stringParam(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

function paperParam(value: unknown): PaperWidth | null {
  const width = Number(value)
  return isPaperWidth(width) ? width : null
}

function dayParam(value: unknown): string | null {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null
}

/** Read without the report's schema, which would bring its validators into the first screen's bundle. */
const GRANULARITIES: readonly ReportGranularity[] = ['hour', 'day', 'week', 'month']

function granularityParam(value: unknown): ReportGranularity | null {
  return GRANULARITIES.find((granularity) => granularity === value) ?? null
}

/** Hash history: the same build is served from app://console/ in the desktop app and over HTTP, with no server routes. */
export function createAppRouter(): Router {
  const router = createRouter({
    history: createWebHashHistory(),
    routes: [
      // Any signed-in member reaches the cashier screen: it is where a screen they may not use sends them.
      { path: '/', name: 'cashier', component: CashierView },
      {
        path: '/checkout/:orderId',
        name: 'checkout',
        component: CheckoutView,
        meta: { permission: 'sell' },
        props: (route) => ({ orderId: stringParam(route.params.orderId) }),
      },
      {
        path: '/receipt/:orderId',
        name: 'receipt',
        component: ReceiptView,
        meta: { permission: 'view' },
        props: (route) => ({ orderId: stringParam(route.params.orderId) }),
      },
      {
        path: '/receipt/:orderId/print',
        name: 'receipt-print',
        component: () => import('../views/ReceiptPrintView.vue'),
        meta: { permission: 'view' },
        props: (route) => ({
          orderId: stringParam(route.params.orderId),
          paper: paperParam(route.query.paper),
          refundId: stringParam(route.query.refund),
        }),
      },
      {
        // The customer display (客显): a second screen or a tablet facing the customer, for the till in ?till=.
        path: '/display',
        name: 'display',
        component: () => import('../views/DisplayView.vue'),
        meta: { public: true, bare: true },
        props: (route) => ({ tillId: stringParam(route.query.till) }),
      },
      {
        path: '/orders/:orderId?',
        name: 'orders',
        // The back-office screens load on first visit, so the cashier screen is interactive sooner.
        component: () => import('../views/OrdersView.vue'),
        meta: { permission: 'view' },
        props: (route) => ({ orderId: stringParam(route.params.orderId) }),
      },
      {
        path: '/shift/:shiftId?',
        name: 'shift',
        component: () => import('../views/ShiftView.vue'),
        meta: { permission: 'sell' },
        props: (route) => ({ shiftId: stringParam(route.params.shiftId) }),
      },
      {
        path: '/day/:day?',
        name: 'day',
        component: () => import('../views/DayView.vue'),
        meta: { permission: 'reports' },
        props: (route) => ({ day: stringParam(route.params.day) }),
      },
      {
        path: '/reports',
        name: 'reports',
        component: () => import('../views/ReportsView.vue'),
        meta: { permission: 'reports' },
        props: (route) => ({
          from: dayParam(route.query.from),
          to: dayParam(route.query.to),
          granularity: granularityParam(route.query.g),
        }),
      },
      {
        path: '/reconciliation/:date?',
        name: 'reconciliation',
        component: () => import('../views/ReconciliationView.vue'),
        meta: { permission: 'reports' },
        props: (route) => ({ date: stringParam(route.params.date) }),
      },
      {
        path: '/settings',
        name: 'settings',
        component: () => import('../views/SettingsView.vue'),
        meta: { permission: 'settings' },
      },
      { path: '/sign-in', name: SIGN_IN_ROUTE, component: SignInView, meta: { public: true } },
      { path: '/pair', name: 'pair', component: PairingView, meta: { public: true } },
      { path: '/:unknown(.*)*', redirect: { name: 'cashier' } },
    ],
  })

  router.beforeEach((to) => {
    const till = useTillStore()
    const session = useSessionStore()
    const needs: RouteNeeds = { public: to.meta.public, permission: to.meta.permission }
    return routeAccess(
      { name: typeof to.name === 'string' ? to.name : null, fullPath: to.fullPath, needs },
      {
        paired: till.paired,
        signedIn: session.signedIn,
        pinChangeRequired: session.pinChangeRequired,
        can: session.can,
      },
    )
  })

  return router
}

/** Signed out by any means (切换, the idle lock, an expired session): the screen goes back to the sign-in. */
export function returnToSignInOnSignOut(router: Router): void {
  const session = useSessionStore()
  watch(
    () => session.signedIn,
    (signedIn) => {
      const route = router.currentRoute.value
      if (signedIn || route.meta.public) return
      void router.replace(signInFirst(route.fullPath))
    },
  )
}
