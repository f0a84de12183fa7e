import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The console is served by the server at `/`; `pnpm dev` proxies the API to a local server. */
export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/uploads': 'http://127.0.0.1:3000',
      '/h5': 'http://127.0.0.1:3000',
    },
  },
});
