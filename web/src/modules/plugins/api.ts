import { api, unwrap } from '@/api/client'

export const pluginsApi = {
  list: () => unwrap(api.GET('/api/v1/plugins')),
}
