import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/**
 * The console is served by every node at /console (server/src/transport/http.ts), so assets
 * are addressed under that base. `npm run dev -w web-console` serves it with hot reload and
 * forwards the socket and the node's HTTP endpoints to a node on HOARD_URL (default :3000).
 */
const node = process.env.HOARD_URL ?? "http://localhost:3000";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/console/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    reportCompressedSize: false,
  },
  server: {
    proxy: {
      "/socket.io": { target: node, ws: true },
      "/health": node,
      "/metrics": node,
    },
  },
});
