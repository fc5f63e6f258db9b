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
import { createAppRouter } from './router'
import { onUnauthorized, openConnection } from './services/connection'
import { useSessionStore } from './stores/session'

// The connection (and the token it checks) is settled before anything asks for the API.
await openConnection()

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
const router = createAppRouter()
app.use(router)
app.use(i18n)

// A token the server no longer accepts: forget it and ask for a new one.
onUnauthorized(() => {
  useSessionStore(pinia).unpair()
  void router.replace({ name: 'pair' })
})

app.mount('#app')
