import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The dashboard (contract §9): built from these sources into dist/app/, served by the API server
// at /app/ (src/web/dashboard.plugin.ts). `base` must equal that path, or the page stays blank.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/app/",
  plugins: [react()],
  // The page speaks to the API only through the typed client (contract §11), compiled from its
  // TypeScript sources with the page (tree-shaken, no build order to mind); web/tsconfig.json's
  // `paths` says the same to the type checker.
  resolve: { alias: { "valara-users/client": fileURLToPath(new URL("../client/index.ts", import.meta.url)) } },
  build: {
    outDir: fileURLToPath(new URL("../dist/app", import.meta.url)),
    emptyOutDir: true,
    // Every browser that runs this page knows <link rel="modulepreload">: no polyfill to ship.
    modulePreload: { polyfill: false },
    // Never inline assets as data: URLs into the JS/CSS: small files stay cacheable on their own.
    assetsInlineLimit: 0,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: { port: 3200, strictPort: true, proxy: { "/api": "http://127.0.0.1:3000" } },
});
