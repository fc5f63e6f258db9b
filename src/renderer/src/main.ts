// Element Plus styles per component in use (the whole theme is five times larger); the settings screen
// imports the styles of its own form controls.
import 'element-plus/theme-chalk/base.css'
import 'element-plus/theme-chalk/el-overlay.css'
import 'element-plus/theme-chalk/el-button.css'
import 'element-plus/theme-chalk/el-dialog.css'
import 'element-plus/theme-chalk/el-input.css'
import 'element-plus/theme-chalk/el-input-number.css'
import 'element-plus/theme-chalk/el-message.css'
import 'element-plus/theme-chalk/el-message-box.css'
import 'element-plus/theme-chalk/el-notification.css'
import './styles/theme.css'
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { i18n } from './i18n'
import { createAppRouter, returnToSignInOnSignOut } from './router'
import { onAccessLost, openConnection } from './services/connection'
import { useSessionStore } from './stores/session'
import { useTillStore } from './stores/till'

// The connection (and the token it checks) and the staff session a reload kept are settled before the first
// screen is chosen.
await openConnection()

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
const session = useSessionStore(pinia)
await session.restore()
const router = createAppRouter()
app.use(router)
app.use(i18n)
returnToSignInOnSignOut(router)

// A token the server no longer accepts: forget it and ask for a new one.
onAccessLost('UNAUTHORIZED', () => {
  useTillStore(pinia).unpair()
  void router.replace({ name: 'pair' })
})
// The session ended on the server (it lapsed, the PIN was changed, the member turned away): sign in again.
onAccessLost('SESSION_EXPIRED', () => session.end('expired'))
// Signed in with a demo PIN while a real wallet went live: the sign-in screen asks for a new PIN first.
onAccessLost('PIN_CHANGE_REQUIRED', () => {
  session.requirePinChange()
  void router.replace({ name: 'sign-in' })
})

app.mount('#app')
