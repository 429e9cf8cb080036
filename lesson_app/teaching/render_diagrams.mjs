// Draw Mermaid diagrams as SVG files' text, all in one page of one headless Chromium: `node render_diagrams.mjs JOB`.
// mmdc opens a new page and loads Mermaid again for every diagram (about 3 s each on a busy machine); loading it
// once and calling mermaid.render() per diagram does the same work in a fraction of the time.
// JOB is a JSON file: {"node_modules", "chromium", "args", "config", "sources"}. Prints a JSON list, one entry
// per source and in order: {"svg": "<svg ...>"} or {"error": "Mermaid's message"}.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
// puppeteer and mermaid are mermaid-cli's own dependencies, installed by `npm ci` beside it.
const require = createRequire(join(job.node_modules, "package.json"));
const { default: puppeteer } = await import(pathToFileURL(require.resolve("puppeteer")).href);

function drawAll(config, sources) {
  // Runs in the page. As mmdc does: a white background, and XMLSerializer for text that is valid XML.
  return (async () => {
    globalThis.mermaid.initialize({ startOnLoad: false, ...config });
    const container = document.getElementById("container");
    const drawn = [];
    for (const source of sources) {
      try {
        const { svg } = await globalThis.mermaid.render("my-svg", source, container);
        container.innerHTML = svg;
        const element = container.querySelector("svg");
        element.style.backgroundColor = "white";
        drawn.push({ svg: new XMLSerializer().serializeToString(element) });
      } catch (error) {
        drawn.push({ error: String(error?.message ?? error) });
      }
      container.innerHTML = "";
    }
    return drawn;
  })();
}

// The job names the system's Chromium: puppeteer never looks for, or downloads, a browser of its own.
const browser = await puppeteer.launch({ executablePath: job.chromium, args: job.args, headless: true });
try {
  const page = await browser.newPage();
  await page.setContent('<!doctype html><html><body><div id="container"></div></body></html>');
  await page.addScriptTag({ path: join(job.node_modules, "mermaid", "dist", "mermaid.min.js") });
  await page.evaluate(() => document.fonts.ready);
  const drawn = await page.evaluate(drawAll, job.config, job.sources);
  process.stdout.write(JSON.stringify(drawn));
} finally {
  await browser.close();
}
