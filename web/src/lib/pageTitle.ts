/** Shows `title` (a page's or a thing's name) in the browser tab, after the app's name. */
export function setPageTitle(title: string | undefined) {
  document.title = title ? `${title} · Virtumancer` : 'Virtumancer'
}
