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
// plotly.js puts its own CSS into the page with inline <style>, which the portal's security
// policy refuses; the same rules, taken from the pinned bundle, are served as a stylesheet.
writeFileSync(join(staticDir, "plotly", "plotly.css"), plotlyRules(join(plotly, "plotly.min.js")));

function plotlyRules(bundlePath) {
  const bundle = readFileSync(bundlePath, "utf8");
  const start = bundle.lastIndexOf("{", bundle.indexOf('"X,X div":'));
  let depth = 0;
  let quote = null;
  let end = start;
  for (; end < bundle.length; end += 1) {
    const character = bundle[end];
    if (quote) {
      if (character === "\\") end += 1;
      else if (character === quote) quote = null;
    } else if (character === '"' || character === "'") quote = character;
    else if (character === "{") depth += 1;
    else if (character === "}" && (depth -= 1) === 0) break;
  }
  const rules = new Function(`return ${bundle.slice(start, end + 1)};`)();
  const selectors = { X: ".js-plotly-plot .plotly", Y: ".plotly-notifier" };
  const css = Object.entries(rules).map(([selector, body]) => {
    const full = selector.replace(/[XY]/g, (name) => selectors[name]);
    return `${full}{${body}}`;
  });
  if (!css.some((rule) => rule.startsWith(".js-plotly-plot .plotly .main-svg{position:absolute"))) {
    throw new Error("plotly.css lacks the rule that stacks a chart's layers");
  }
  return css.join("\n") + "\n";
}

const versions = ["nhsuk-frontend", "htmx.org", "plotly.js-dist-min"].map((name) => {
  const pkg = JSON.parse(readFileSync(join(here, "node_modules", name, "package.json")));
  return `${name} ${pkg.version}`;
});
writeFileSync(join(staticDir, "VERSIONS.txt"), versions.join("\n") + "\n");
console.log("built static/css/portal.css;", versions.join(", "));
