// Bundles the npm packages of package.json into claimgraph/web/static/vendor/ (not committed; `make install`
// runs this after `npm ci`). One minified IIFE: no eval, no inline script, so the page's CSP stays strict.
import { buildSync } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
buildSync({
  entryPoints: [join(here, "vendor.js")],
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  legalComments: "linked",
  outfile: join(here, "..", "static", "vendor", "graph-vendor.js"),
});
console.log("built claimgraph/web/static/vendor/graph-vendor.js");
