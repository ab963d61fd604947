import { afterEach, describe, expect, it } from 'vitest'
import { keepFocus } from './keepFocus'

afterEach(() => {
  document.body.innerHTML = ''
})

function buttons() {
  document.body.innerHTML = '<button id="a">a</button><button id="b">b</button>'
  return [document.getElementById('a') as HTMLButtonElement, document.getElementById('b') as HTMLButtonElement] as const
}

describe('keepFocus', () => {
  it('gives the focus back when a disabled button dropped it', async () => {
    const [a] = buttons()
    a.focus()
    const out = await keepFocus(async () => {
      // As a browser does when the focused button becomes disabled.
      a.blur()
      a.disabled = true
      expect(document.activeElement).toBe(document.body)
      a.disabled = false
      return 7
    })
    expect(out).toBe(7)
    expect(document.activeElement).toBe(a)
  })

  it('leaves focus the user moved elsewhere, and gives it back after a failure too', async () => {
    const [a, b] = buttons()
    a.focus()
    await keepFocus(async () => b.focus())
    expect(document.activeElement).toBe(b)

    b.focus()
    await expect(
      keepFocus(async () => {
        b.blur()
        throw new Error('no')
      }),
    ).rejects.toThrow('no')
    expect(document.activeElement).toBe(b)
  })
})
