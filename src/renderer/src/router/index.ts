import { createRouter, createWebHashHistory, type Router } from 'vue-router'
import { useSessionStore } from '../stores/session'
import CashierView from '../views/CashierView.vue'
import CheckoutView from '../views/CheckoutView.vue'
import PairingView from '../views/PairingView.vue'
import ReceiptView from '../views/ReceiptView.vue'

function stringParam(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

/** Hash history: the same build is served from app://console/ in the desktop app and over HTTP, with no server routes. */
export function createAppRouter(): Router {
  const router = createRouter({
    history: createWebHashHistory(),
    routes: [
      { path: '/', name: 'cashier', component: CashierView },
      {
        path: '/checkout/:orderId',
        name: 'checkout',
        component: CheckoutView,
        props: (route) => ({ orderId: stringParam(route.params.orderId) }),
      },
      {
        path: '/receipt/:orderId',
        name: 'receipt',
        component: ReceiptView,
        props: (route) => ({ orderId: stringParam(route.params.orderId) }),
      },
      {
        path: '/orders/:orderId?',
        name: 'orders',
        // The back-office screens load on first visit, so the cashier screen is interactive sooner.
        component: () => import('../views/OrdersView.vue'),
        props: (route) => ({ orderId: stringParam(route.params.orderId) }),
      },
      { path: '/settings', name: 'settings', component: () => import('../views/SettingsView.vue') },
      { path: '/pair', name: 'pair', component: PairingView },
      { path: '/:unknown(.*)*', redirect: { name: 'cashier' } },
    ],
  })

  router.beforeEach((to) => {
    const session = useSessionStore()
    if (!session.paired && to.name !== 'pair') return { name: 'pair' }
    return true
  })

  return router
}
