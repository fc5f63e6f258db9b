import { resolve } from 'node:path'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'electron-vite'

export default defineConfig({
  main: {
    build: {
      rolldownOptions: {
        input: {
          // The Electron main process, and the same engine + server without Electron (`npm run serve`).
          index: resolve('src/main/index.ts'),
          serve: resolve('src/server/cli.ts'),
          // `npm run restore -- <backup>`: stages a backup for the next start.
          restore: resolve('src/server/restore.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // Sandboxed preloads cannot require() from node_modules: bundle everything into one file.
      externalizeDeps: false,
      rolldownOptions: { input: { index: resolve('src/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    base: './',
    build: {
      chunkSizeWarningLimit: 1500,
      rolldownOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
    plugins: [vue()],
  },
})
