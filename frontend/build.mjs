// Compiles portal.scss and copies the pinned NHS.UK frontend, htmx and plotly.js files into
// ../static.
import { copyFileSync, mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const staticDir = join(here, "..", "static");
const nhsuk = join(here, "node_modules", "nhsuk-frontend");
const htmx = join(here, "node_modules", "htmx.org");
// The same plotly.js version as the Python plotly package draws with (plotly/package_data).
const plotly = join(here, "node_modules", "plotly.js-dist-min");

const css = sass.compile(join(here, "portal.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  quietDeps: true,
  silenceDeprecations: ["import"],
});
// Guards: the page must get the NHS.UK font stack (without it every page falls back
// to the browser's serif font), and the portal never calls another host from CSS.
if (!/html\{[^}]*font-family:"Frutiger W01",arial,sans-serif/.test(css.css)) {
  throw new Error("portal.css sets no NHS.UK font-family on html");
}
const external = css.css.match(/url\(\s*["']?(?:[a-z][a-z0-9+.-]*:)?\/\/[^)]*\)/gi);
if (external) {
  throw new Error(`portal.css refers to another host: ${external.join(", ")}`);
}
mkdirSync(join(staticDir, "css"), { recursive: true });
writeFileSync(join(staticDir, "css", "portal.css"), css.css + "\n");

const copies = [
  [join(nhsuk, "dist/nhsuk/nhsuk-frontend.min.js"), "nhsuk-frontend/nhsuk-frontend.min.js"],
  [join(htmx, "dist/htmx.min.js"), "htmx/htmx.min.js"],
  [join(htmx, "LICENSE"), "htmx/LICENSE"],
  [join(plotly, "plotly.min.js"), "plotly/plotly.min.js"],
  [join(plotly, "LICENSE"), "plotly/LICENSE"],
];
for (const image of ["favicon.ico", "favicon.svg", "nhsuk-icon-180.png", "nhsuk-icon-192.png",
  "nhsuk-icon-512.png", "nhsuk-icon-arrow-down.svg", "nhsuk-icon-arrow-up-down.svg",
  "nhsuk-icon-arrow-up.svg", "nhsuk-icon-cross.svg"]) {
  copies.push([join(nhsuk, "dist/nhsuk/assets/images", image), `nhsuk-frontend/assets/images/${image}`]);
}
for (const [from, to] of copies) {
  mkdirSync(dirname(join(staticDir, to)), { recursive: true });
  copyFileSync(from, join(staticDir, to));
}
const versions = ["nhsuk-frontend", "htmx.org", "plotly.js-dist-min"].map((name) => {
  const pkg = JSON.parse(readFileSync(join(here, "node_modules", name, "package.json")));
  return `${name} ${pkg.version}`;
});
writeFileSync(join(staticDir, "VERSIONS.txt"), versions.join("\n") + "\n");
console.log("built static/css/portal.css;", versions.join(", "));
