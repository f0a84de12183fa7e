import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { compression, defineAlgorithm } from 'vite-plugin-compression2';

/** The console is served by the server at `/`; `pnpm dev` proxies the API to a local server. */
export default defineConfig({
  base: '/',
  plugins: [
    react(),
    // Precompressed copies next to every text asset (name.js.br, name.js.gz), which the server
    // sends to browsers that accept them (server/src/common/console-static.ts).
    compression({
      algorithms: [defineAlgorithm('brotliCompress'), defineAlgorithm('gzip', { level: 9 })],
      include: /\.(js|mjs|css|html|svg|json|txt)$/,
      threshold: 1024,
      skipIfLargerOrEqual: true,
    }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    port: 5173,
    proxy: {
      // ws: the live-updates socket (/api/live) goes through the proxy too.
      '/api': { target: 'http://127.0.0.1:3000', ws: true },
      '/uploads': 'http://127.0.0.1:3000',
      '/h5': 'http://127.0.0.1:3000',
    },
  },
});
