import { createRouter, createWebHistory } from 'vue-router'
import { setPageTitle } from '@/lib/pageTitle'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'dashboard', component: () => import('@/pages/DashboardPage.vue'), meta: { title: 'Dashboard' } },
    { path: '/hosts', name: 'hosts', component: () => import('@/pages/HostsPage.vue'), meta: { title: 'Hosts' } },
    {
      path: '/hosts/:id',
      name: 'host',
      component: () => import('@/pages/HostDetailPage.vue'),
      props: true,
      meta: { title: 'Host' },
    },
    { path: '/vms', name: 'vms', component: () => import('@/pages/VmsPage.vue'), meta: { title: 'Virtual machines' } },
    {
      path: '/vms/:id',
      name: 'vm',
      component: () => import('@/pages/VmDetailPage.vue'),
      props: true,
      meta: { title: 'Virtual machine' },
    },
    {
      path: '/discovered',
      name: 'discovered',
      component: () => import('@/pages/DiscoveredVmsPage.vue'),
      meta: { title: 'Discovered VMs' },
    },
    { path: '/networks', name: 'networks', component: () => import('@/pages/NetworksPage.vue'), meta: { title: 'Networks' } },
    { path: '/ports', name: 'ports', component: () => import('@/pages/PortsPage.vue'), meta: { title: 'Ports' } },
    { path: '/topology', name: 'topology', component: () => import('@/pages/TopologyPage.vue'), meta: { title: 'Topology' } },
    { path: '/tasks', name: 'tasks', component: () => import('@/pages/TasksPage.vue'), meta: { title: 'Tasks' } },
    { path: '/plugins', name: 'plugins', component: () => import('@/pages/PluginsPage.vue'), meta: { title: 'Plugins' } },
    { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('@/pages/NotFoundPage.vue'), meta: { title: 'Not found' } },
  ],
})

router.afterEach((to) => {
  const title = to.meta.title as string | undefined
  setPageTitle(title)
})
