import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server sends a strict CSP (`script-src 'self'; style-src 'self'; font-src 'self'`),
// so the build must not put anything inline in index.html or in data: URLs.
export default defineConfig({
  plugins: [react()],
  build: {
    // The polyfill is an inline <script>; every browser we support has modulepreload.
    modulePreload: { polyfill: false },
    // Emit every asset as a file: `font-src 'self'` refuses data: URLs, and files cache better.
    assetsInlineLimit: 0,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // The password checker's dictionaries (~1.6 MB, loaded only by pages that ask for a
            // new password): several parallel downloads under the 500 kB warning, not one.
            { name: 'password-dictionaries', test: /[\\/]@zxcvbn-ts[\\/]/, maxSize: 480 * 1024 },
          ],
        },
      },
    },
  },
});
