import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The API the dev server proxies to (`npm run dev` serves it on port 3000). */
const DEV_API_ORIGIN = 'http://127.0.0.1:3000';

const webRoot = decodeURIComponent(new URL('.', import.meta.url).pathname);

/**
 * `switchboard/sdk` is bundled from its TypeScript source, not from dist/: the dashboard
 * builds without a server build first, and always against the SDK of the same checkout.
 * web/tsconfig.json maps the same name to the same file for the type check.
 */
const SDK_ENTRY = decodeURIComponent(new URL('../src/sdk/index.ts', import.meta.url).pathname);

/** Long-lived libraries in their own chunks: they change less often than the app, so they stay cached. */
function vendorChunk(id: string): string | undefined {
  if (!id.includes('/node_modules/')) return undefined;
  if (/\/node_modules\/(socket\.io-client|socket\.io-parser|engine\.io-client|engine\.io-parser|@socket\.io)\//.test(id))
    return 'socket-io';
  if (/\/node_modules\/(react|react-dom|scheduler|react-router|react-router-dom|@tanstack\/query-core|@tanstack\/react-query)\//.test(id))
    return 'vendor';
  return undefined;
}

/**
 * The dashboard is built to static files (`web/dist`) that the API serves at `/`.
 * Every request it makes is same-origin and relative, so the dev server only has to
 * proxy `/api` and the Socket.io endpoint (with WebSocket upgrade) to a running API.
 */
export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react()],
  resolve: { alias: { 'switchboard/sdk': SDK_ENTRY } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    reportCompressedSize: true,
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 400,
    rollupOptions: { output: { manualChunks: vendorChunk } },
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: DEV_API_ORIGIN, changeOrigin: false },
      '/socket.io': { target: DEV_API_ORIGIN, ws: true, changeOrigin: false },
    },
  },
});
