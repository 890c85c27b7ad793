// Drives a running code-server with playwright-core and headless Chromium for
// scripts/screenshot-vscode.sh: opens the policy, waits for the language server's diagnostics
// (the error squiggle), opens the Problems panel, hovers the table name `response` on the line
// of the error, waits for the hover and takes the screenshot.
//
// node scripts/screenshot-vscode.mjs --url URL --chromium PATH --out FILE.png --file NAME
//   --line N (the line of the error) --modules DIR (the node_modules holding playwright-core)
import { createRequire } from 'node:module';
import path from 'node:path';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const name of ['url', 'chromium', 'out', 'file', 'line', 'modules']) {
  if (!args[name]) throw new Error(`missing --${name}`);
}
const require = createRequire(path.join(path.resolve(args.modules), 'noop.js'));
const { chromium } = require('playwright-core');

const ERROR_LINE = 'coverd and response.hours_only';  // the line of the typo and of the hover
const HOVER_WORD = 'response';
const PANEL_HEIGHT = 130;  // pixels: the Problems panel's tabs and the problem with its help line
const step = (what) => console.log(`screenshot: ${what}`);

const browser = await chromium.launch({ executablePath: args.chromium, headless: true, args: ['--no-sandbox'] });
let page;
try {
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  page.setDefaultTimeout(60_000);
  step(`loading ${args.url}`);
  await page.goto(args.url);
  await page.waitForSelector('.monaco-workbench .part.editor');
  await page.waitForTimeout(1500);  // let the workbench finish restoring before typing into it

  step(`opening ${args.file} with Quick Open`);
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input');
  await page.keyboard.type(args.file);
  await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${args.file}"]`);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.monaco-editor .view-lines');

  step(`going to line ${args.line}`);
  await page.keyboard.press('Control+G');
  await page.waitForSelector('.quick-input-widget input');
  await page.keyboard.type(`:${args.line}`);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');

  step('waiting for the diagnostics of proviso lsp');
  await page.waitForSelector('.monaco-editor .squiggly-error');

  step('opening the Problems panel');
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel .monaco-list-row', { hasText: 'did you mean' }).first().waitFor();
  // Make the panel lower (it opens at a third of the window, mostly empty): drag the sash above it.
  const panel = await page.locator('.part.panel.bottom').boundingBox();
  if (panel && panel.height > PANEL_HEIGHT) {
    const x = panel.x + panel.width / 2;
    await page.mouse.move(x, panel.y);
    await page.mouse.down();
    await page.mouse.move(x, panel.y + (panel.height - PANEL_HEIGHT), { steps: 5 });
    await page.mouse.up();
  }
  await page.keyboard.press('Control+1');  // the focus back to the editor

  step(`hovering ${HOVER_WORD}`);
  const box = await page.evaluate(({ text, word }) => {
    for (const el of document.querySelectorAll('.monaco-editor .view-line')) {
      const content = el.textContent.replace(/\u00a0/g, ' ');
      const at = content.indexOf(text);
      if (at < 0) continue;
      const start = at + text.indexOf(word);
      // Find the text node and offset of character `start`.
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      let seen = 0;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const len = node.textContent.length;
        if (start < seen + len) {
          const range = document.createRange();
          range.setStart(node, start - seen);
          range.setEnd(node, Math.min(len, start - seen + word.length));
          const r = range.getBoundingClientRect();
          return { x: r.x, y: r.y, width: r.width, height: r.height };
        }
        seen += len;
      }
    }
    return null;
  }, { text: ERROR_LINE, word: HOVER_WORD });
  if (!box) throw new Error(`no line with "${ERROR_LINE}" on the screen`);
  await page.mouse.move(box.x + box.width / 2 - 10, box.y + box.height / 2);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
  await page.locator('.monaco-editor .monaco-hover:not(.hidden) .hover-contents', { hasText: `table ${HOVER_WORD}` })
    .first().waitFor();
  await page.waitForTimeout(500);

  step(`writing ${args.out}`);
  await page.screenshot({ path: args.out });
} catch (err) {
  // What the page showed when it failed, for the diagnosis.
  const failed = args.out.replace(/\.png$/, '') + '.failed.png';
  await page?.screenshot({ path: failed }).then(() => console.error(`screenshot: the page is in ${failed}`), () => {});
  throw err;
} finally {
  await browser.close();
}
