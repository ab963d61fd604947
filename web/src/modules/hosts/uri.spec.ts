import { describe, expect, it } from 'vitest'
import { fieldForCode, unverifiedHostKey } from './errors'
import { ApiError } from '@/api/client'
import { uriTransport, usesSsh } from './uri'

describe('uri helpers', () => {
  it('detects SSH transports', () => {
    expect(usesSsh('qemu+ssh://root@host:22/system')).toBe(true)
    expect(usesSsh('qemu+libssh2://root@host/system')).toBe(true)
    expect(usesSsh('QEMU+SSH://h/system')).toBe(true)
    expect(usesSsh('qemu+tcp://host:16509/system')).toBe(false)
    expect(usesSsh('qemu:///system')).toBe(false)
    expect(usesSsh('test:///default')).toBe(false)
    expect(usesSsh('garbage')).toBe(false)
    expect(uriTransport('qemu+tls://host/system')).toBe('tls')
  })
})

describe('error helpers', () => {
  it('maps error codes to form fields', () => {
    expect(fieldForCode('invalid_name')).toBe('name')
    expect(fieldForCode('host_name_taken')).toBe('name')
    expect(fieldForCode('invalid_uri')).toBe('uri')
    expect(fieldForCode('unsupported_uri_scheme')).toBe('uri')
    expect(fieldForCode('host_uri_taken')).toBe('uri')
    expect(fieldForCode('invalid_key_file')).toBe('keyFile')
    expect(fieldForCode('connection_failed')).toBeNull()
  })
  it('extracts the host key from host_key_unverified only', () => {
    const key = { keyType: 'ssh-ed25519', fingerprint: 'SHA256:abc' }
    expect(unverifiedHostKey(new ApiError(422, { code: 'host_key_unverified', message: 'm', details: { hostKey: key } }))).toEqual(key)
    expect(unverifiedHostKey(new ApiError(422, { code: 'host_key_mismatch', message: 'm', details: { hostKey: key } }))).toBeNull()
    expect(unverifiedHostKey(new ApiError(422, { code: 'host_key_unverified', message: 'm', details: null }))).toBeNull()
    expect(unverifiedHostKey(new Error('x'))).toBeNull()
  })
})
