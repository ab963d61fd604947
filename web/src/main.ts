import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { router } from './router'
import { getEventStream, startEventStream } from './composables/useEventStream'
import { hostsCache } from './modules/hosts/queries'
import { vmCounts } from './modules/vms/queries'
import './style.css'

const app = createApp(App)
app.use(createPinia())
app.use(router)

// One WebSocket for the whole app; caches apply its events and refetch on every (re)connect.
hostsCache.bind(getEventStream())
vmCounts.bind(getEventStream())
startEventStream()

app.mount('#app')
