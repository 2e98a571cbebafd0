/**
 * Builds the web app into apps/web/dist for the server to serve. No inline
 * script or style ends up in the output: the server's CSP forbids both.
 * Run from apps/web (`npm run build -w @palisade/web`).
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The polyfill would be an inline script; every browser we support has modulepreload.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
