import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { ApiError } from '@/api/client'
import { useToastStore } from '@/stores/toasts'
import { facts, makeHost } from '../testing'
import { hostsCache } from '../queries'
import AddHostModal from './AddHostModal.vue'

const api = vi.hoisted(() => ({
  list: vi.fn(),
  get: vi.fn(),
  create: vi.fn(),
  update: vi.fn(),
  remove: vi.fn(),
  connect: vi.fn(),
  disconnect: vi.fn(),
  test: vi.fn(),
}))
vi.mock('@/modules/hosts/api', () => ({ hostsApi: api }))

const KEY = { keyType: 'ssh-ed25519', fingerprint: 'SHA256:uX3nXkTfl3l0mQvZ0b0p1t0s8yHq2Jc2m5p8b3rXxXw' }
const unverified = () =>
  new ApiError(422, { code: 'host_key_unverified', message: 'Host key is not trusted yet', details: { hostKey: KEY } })

function mountModal() {
  return mount(AddHostModal, {
    props: { open: true },
    global: { stubs: { teleport: true } },
  })
}
const byId = (w: ReturnType<typeof mountModal>, id: string) => w.find(`[data-testid="${id}"]`)

beforeEach(() => {
  setActivePinia(createPinia())
  Object.values(api).forEach((f) => f.mockReset())
  hostsCache.state.hosts = []
})

describe('AddHostModal', () => {
  it('tests the connection, shows facts, saves and closes', async () => {
    const w = mountModal()
    await byId(w, 'add-host-name').setValue('lab')
    await byId(w, 'add-host-uri').setValue('test:///default')
    expect(byId(w, 'add-host-keyfile').exists()).toBe(false)

    api.test.mockResolvedValue({ facts, hostKey: null })
    await byId(w, 'add-host-test').trigger('click')
    await flushPromises()
    expect(api.test).toHaveBeenCalledWith({ uri: 'test:///default', keyFile: null, acceptedHostKey: null })
    expect(byId(w, 'add-host-facts').text()).toContain('testhost.example')
    expect(byId(w, 'add-host-facts').text()).toContain('8 GiB')

    const created = makeHost({ name: 'lab', state: 'connecting' })
    api.create.mockResolvedValue(created)
    await byId(w, 'add-host-save').trigger('click')
    await flushPromises()
    expect(api.create).toHaveBeenCalledWith({
      name: 'lab',
      uri: 'test:///default',
      keyFile: null,
      acceptedHostKey: null,
      autoConnect: true,
    })
    expect(w.emitted('created')?.[0]).toEqual([created])
    expect(w.emitted('close')).toHaveLength(1)
    // The new host shows up right away (before its hostUpserted event).
    expect(hostsCache.state.hosts).toContainEqual(created)
    expect(useToastStore().toasts.map((t) => t.title)).toContain('Host added')
  })

  it('asks to trust an unknown SSH host key and resends with acceptedHostKey', async () => {
    const w = mountModal()
    await byId(w, 'add-host-name').setValue('remote')
    await byId(w, 'add-host-uri').setValue('qemu+ssh://root@10.0.0.5:22/system')
    // SSH transport: key file field appears.
    await byId(w, 'add-host-keyfile').setValue('/etc/virtumancer/id_ed25519')

    api.test.mockRejectedValueOnce(unverified())
    await byId(w, 'add-host-test').trigger('click')
    await flushPromises()

    const prompt = byId(w, 'add-host-hostkey')
    expect(prompt.exists()).toBe(true)
    expect(byId(w, 'add-host-hostkey-type').text()).toBe('ssh-ed25519')
    expect(byId(w, 'add-host-hostkey-fingerprint').text()).toBe(KEY.fingerprint)
    // Nothing can be sent until the user trusts the key.
    expect(byId(w, 'add-host-save').attributes('disabled')).toBeDefined()
    expect(byId(w, 'add-host-test').attributes('disabled')).toBeDefined()

    await byId(w, 'add-host-trust-key').setValue(true)
    api.test.mockResolvedValueOnce({ facts, hostKey: KEY })
    await byId(w, 'add-host-test').trigger('click')
    await flushPromises()
    expect(api.test).toHaveBeenLastCalledWith({
      uri: 'qemu+ssh://root@10.0.0.5:22/system',
      keyFile: '/etc/virtumancer/id_ed25519',
      acceptedHostKey: KEY.fingerprint,
    })
    expect(byId(w, 'add-host-facts').text()).toContain(KEY.fingerprint)

    api.create.mockResolvedValue(makeHost({ name: 'remote', hostKey: KEY }))
    await byId(w, 'add-host-save').trigger('click')
    await flushPromises()
    expect(api.create).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'remote', keyFile: '/etc/virtumancer/id_ed25519', acceptedHostKey: KEY.fingerprint }),
    )
    expect(w.emitted('close')).toHaveLength(1)
  })

  it('handles host_key_unverified on save too, and forgets the approval when the URI changes', async () => {
    const w = mountModal()
    await byId(w, 'add-host-name').setValue('remote')
    await byId(w, 'add-host-uri').setValue('qemu+ssh://root@a/system')
    api.create.mockRejectedValueOnce(unverified())
    await byId(w, 'add-host-save').trigger('click')
    await flushPromises()
    expect(w.emitted('close')).toBeUndefined()
    expect(byId(w, 'add-host-hostkey').exists()).toBe(true)
    await byId(w, 'add-host-trust-key').setValue(true)

    await byId(w, 'add-host-uri').setValue('qemu+ssh://root@b/system')
    expect(byId(w, 'add-host-hostkey').exists()).toBe(false)
    api.create.mockResolvedValueOnce(makeHost({ name: 'remote' }))
    await byId(w, 'add-host-save').trigger('click')
    await flushPromises()
    expect(api.create).toHaveBeenLastCalledWith(expect.objectContaining({ uri: 'qemu+ssh://root@b/system', acceptedHostKey: null }))
  })

  it('shows host_key_mismatch without an accept option', async () => {
    const w = mountModal()
    await byId(w, 'add-host-uri').setValue('qemu+ssh://root@a/system')
    api.test.mockRejectedValueOnce(
      new ApiError(422, { code: 'host_key_mismatch', message: 'The host key changed! Possible MITM.', details: { hostKey: KEY } }),
    )
    await byId(w, 'add-host-test').trigger('click')
    await flushPromises()
    expect(byId(w, 'add-host-error').text()).toContain('The host key changed! Possible MITM.')
    expect(byId(w, 'add-host-trust-key').exists()).toBe(false)
  })

  it('shows server validation errors, marks the field and stays open', async () => {
    const w = mountModal()
    await byId(w, 'add-host-name').setValue('bad')
    await byId(w, 'add-host-uri').setValue('foo://bar')
    api.create.mockRejectedValueOnce(
      new ApiError(422, { code: 'unsupported_uri_scheme', message: 'URI scheme "foo" is not supported by any plugin' }),
    )
    await byId(w, 'add-host-save').trigger('click')
    await flushPromises()
    const err = byId(w, 'add-host-error')
    expect(err.text()).toBe('URI scheme "foo" is not supported by any plugin')
    expect(err.attributes('data-code')).toBe('unsupported_uri_scheme')
    expect(byId(w, 'add-host-uri').attributes('aria-invalid')).toBe('true')
    expect(byId(w, 'add-host-name').attributes('aria-invalid')).toBeUndefined()
    expect(w.emitted('close')).toBeUndefined()
    expect(w.emitted('created')).toBeUndefined()
    expect(hostsCache.state.hosts).toEqual([])

    // Editing the URI clears the field error.
    await byId(w, 'add-host-uri').setValue('test:///default')
    expect(byId(w, 'add-host-error').exists()).toBe(false)
  })

  it('shows connection failures from the test and requires name + URI to save', async () => {
    const w = mountModal()
    expect(byId(w, 'add-host-save').attributes('disabled')).toBeDefined()
    expect(byId(w, 'add-host-test').attributes('disabled')).toBeDefined()
    await byId(w, 'add-host-uri').setValue('qemu+tcp://nowhere:16509/system')
    api.test.mockRejectedValueOnce(new ApiError(422, { code: 'connection_failed', message: 'unable to connect to server: Connection refused' }))
    await byId(w, 'add-host-test').trigger('click')
    await flushPromises()
    expect(byId(w, 'add-host-error').text()).toContain('Connection refused')
    expect(byId(w, 'add-host-facts').exists()).toBe(false)
    expect(byId(w, 'add-host-save').attributes('disabled')).toBeDefined() // no name yet
  })
})
