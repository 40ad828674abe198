// Vite 8 (Rolldown) building a Lambda handler in SSR mode with the use-durable plugin.
//   npx vite build --config examples/vite/vite.config.ts
import { defineConfig } from "vite";
import durable from "use-durable/vite";

const here = import.meta.dirname;

export default defineConfig({
  root: here,
  plugins: [durable({ manifest: "dist/use-durable.manifest.json" })],
  ssr: { noExternal: true }, // bundle dependencies: a Lambda zip has no node_modules
  build: {
    ssr: `${here}/../checkout.ts`,
    outDir: `${here}/dist`,
    emptyOutDir: true,
    target: "node22", // durable functions need the nodejs22.x runtime or later
    sourcemap: true,
    rolldownOptions: {
      external: [/^@aws-sdk\//], // provided by the Lambda runtime
      output: { format: "es", entryFileNames: "[name].mjs" },
    },
  },
});
