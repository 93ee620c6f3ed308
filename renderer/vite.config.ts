import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
  },
  server: {
    // In development the page talks to a Hearth served on its default port (the streaming API included).
    proxy: {
      "/api": { target: "http://127.0.0.1:8330", ws: true },
      "/healthz": "http://127.0.0.1:8330",
      "/oauth": "http://127.0.0.1:8330",
      "/media": "http://127.0.0.1:8330",
    },
  },
});
