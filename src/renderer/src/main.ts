import 'element-plus/dist/index.css'
import './styles/theme.css'
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { i18n } from './i18n'
import { createAppRouter } from './router'
import { onUnauthorized, openConnection } from './services/connection'
import { useSessionStore } from './stores/session'

openConnection()

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
