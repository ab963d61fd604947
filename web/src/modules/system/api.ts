import { api, unwrap } from '@/api/client'

export const systemApi = {
  health: () => unwrap(api.GET('/api/v1/health')),
}
