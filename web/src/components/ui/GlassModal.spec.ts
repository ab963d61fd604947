import { afterEach, describe, expect, it } from 'vitest'
import { mount, type VueWrapper } from '@vue/test-utils'
import { defineComponent, h, nextTick, ref } from 'vue'
import ConfirmDialog from './ConfirmDialog.vue'
import GlassModal from './GlassModal.vue'
import { useConfirm } from '@/composables/useConfirm'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

const Page = defineComponent({
  setup() {
    const open = ref(false)
    return () =>
      h('div', [
        h('button', { id: 'behind', onClick: () => (open.value = true) }, 'open'),
        h('button', { id: 'other' }, 'other'),
        h(
          GlassModal,
          { open: open.value, title: 'T', onClose: () => (open.value = false) },
          {
            default: () => h('input', { id: 'field' }),
            footer: () => [h('button', { id: 'cancel' }, 'Cancel'), h('button', { id: 'ok', onClick: () => (open.value = false) }, 'OK')],
          },
        ),
      ])
  },
})

function tab(shift = false) {
  const e = new KeyboardEvent('keydown', { key: 'Tab', shiftKey: shift, bubbles: true, cancelable: true })
  document.dispatchEvent(e)
  return e
}
const focused = () => (document.activeElement as HTMLElement | null)?.id

describe('GlassModal focus', () => {
  it('keeps Tab inside the open modal and gives the focus back when it closes', async () => {
    wrapper = mount(Page, { attachTo: document.body })
    const behind = document.getElementById('behind')!
    behind.focus()
    behind.click()
    await nextTick()
    await nextTick()
    expect(focused()).toBe('field')

    // Close (the ✕ in the header) is the first control, OK the last: Tab wraps both ways.
    document.getElementById('ok')!.focus()
    expect(tab().defaultPrevented).toBe(true)
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Close')
    expect(tab(true).defaultPrevented).toBe(true)
    expect(focused()).toBe('ok')
    // Tab from inside, not at an end, is left to the browser.
    document.getElementById('field')!.focus()
    expect(tab().defaultPrevented).toBe(false)
    // Focus that escaped (a click behind the backdrop) is pulled back in.
    document.getElementById('other')!.focus()
    tab()
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Close')

    document.getElementById('ok')!.click()
    await nextTick()
    await nextTick()
    expect(focused()).toBe('behind')
  })

  it('puts the focus on Cancel when the confirmation is destructive, on the action otherwise', async () => {
    wrapper = mount(ConfirmDialog, { attachTo: document.body })
    const { confirm } = useConfirm()
    void confirm({ title: 'Delete', message: 'Sure?', confirmLabel: 'Delete', danger: true })
    await nextTick()
    await nextTick()
    expect(document.activeElement?.getAttribute('data-testid')).toBe('confirm-cancel')
    ;(document.querySelector('[data-testid="confirm-cancel"]') as HTMLElement).click()
    await nextTick()
    void confirm({ title: 'Import', message: 'Sure?', confirmLabel: 'Import' })
    await nextTick()
    await nextTick()
    expect(document.activeElement?.getAttribute('data-testid')).toBe('confirm-accept')
  })
})
