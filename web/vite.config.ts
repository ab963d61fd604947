import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import tailwindcss from '@tailwindcss/vite'

const target = process.env.VIRTUMANCER_API ?? 'http://127.0.0.1:8080'

export default defineConfig({
  plugins: [vue(), tailwindcss()],
  // Absolute /assets/... paths: the server serves web/dist at / with SPA fallback.
  base: '/',
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  server: {
    proxy: {
      // Listed first so the WebSocket upgrade is proxied.
      '/api/v1/events': { target, ws: true, changeOrigin: true },
      '/api': { target, changeOrigin: true },
    },
  },
})
