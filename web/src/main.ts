import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { router } from './router'
import { getEventStream, startEventStream } from './composables/useEventStream'
import { hostsCache } from './modules/hosts/queries'
import { bindStatsStore } from './modules/stats/queries'
import { bindTaskStore } from './modules/tasks/queries'
import { vmCounts } from './modules/vms/queries'
import { useStatsStore } from './stores/stats'
import { useTaskStore } from './stores/tasks'
import './style.css'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(router)

// One WebSocket for the whole app; caches apply its events and refetch on every (re)connect.
hostsCache.bind(getEventStream())
vmCounts.bind(getEventStream())
bindTaskStore(useTaskStore(pinia), getEventStream())
bindStatsStore(useStatsStore(pinia), getEventStream())
startEventStream()

app.mount('#app')
