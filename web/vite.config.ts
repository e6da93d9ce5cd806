// The console's build: one small app served by the API's Fastify (server/http/static.ts). In development, `npx vite
// --config web/vite.config.ts` proxies the API to a running `npm start` so cookies stay same-origin.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    target: 'es2022',
    // maplibre alone is ~1 MB: the map screen is loaded lazily, so it is its own chunk, fetched when first opened.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/health': 'http://127.0.0.1:8080', '/metrics': 'http://127.0.0.1:8080' },
  },
});
