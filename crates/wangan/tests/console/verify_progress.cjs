// A full verification watched in a real browser (Debian's chromium, playwright-core): the
// page shows a progress bar that moves while the run goes on and turns into the result by
// itself. Run by tests/console/main.rs over a vault large enough for a run to take a while;
// exits non-zero on the first failed check, naming it; screenshots go to $SHOTS.
"use strict";
const { chromium } = require("playwright-core");
const path = require("path");

const BASE = process.env.BASE_URL;
const SHOTS = process.env.SHOTS;
const RECORDS = Number(process.env.RECORDS);

function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
}

async function main() {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
  });
  const page = await browser.newPage({ locale: "zh-CN", viewport: { width: 1360, height: 900 } });
  await page.goto(`${BASE}/console/login`);
  await page.fill("#user", process.env.ADMIN_USER);
  await page.fill("#password", process.env.ADMIN_PASSWORD);
  await Promise.all([page.waitForURL(`${BASE}/console/`), page.press("#password", "Enter")]);

  await page.goto(`${BASE}/console/verify`);
  check((await page.locator("#verify-progress").count()) === 0, "no progress bar before a run");
  await Promise.all([page.waitForURL(`${BASE}/console/verify`), page.click("form[action='/console/verify'] button")]);
  // the page the start leads to shows the run and its bar
  const bar = page.locator("#verify-progress");
  check((await bar.count()) === 1, "the running verification shows a progress bar");
  const total = Number(await bar.getAttribute("max"));
  check(total >= RECORDS, `the bar counts every record (max ${total}, ${RECORDS} ingested)`);
  check((await page.getAttribute("#verify-progress", "aria-label")) === "校验进度", "the bar has an accessible name");
  check((await page.locator("meta[http-equiv=refresh]").count()) === 1, "the running page refreshes itself");
  check((await page.locator("form[action='/console/verify']").count()) === 0, "no second start while one runs");
  await page.screenshot({ path: path.join(SHOTS, "verify-running.png"), fullPage: true });

  // what the page says while the run goes on, read with the browser's session beside the
  // page (which reloads itself every two seconds meanwhile)
  const seen = [];
  for (;;) {
    const html = await (await page.request.get(`${BASE}/console/verify`)).text();
    const m = html.match(/<progress id="verify-progress" max="(\d+)" value="(\d+)"/);
    if (!m) break;
    seen.push(Number(m[2]));
    await new Promise((r) => setTimeout(r, 20));
  }
  const between = seen.filter((v) => v > 0 && v < total);
  check(between.length >= 1, `the bar moved during the run (values seen: ${[...new Set(seen)].join(", ")})`);
  for (let i = 1; i < seen.length; i++) check(seen[i] >= seen[i - 1], `the bar never goes back (${seen[i - 1]} then ${seen[i]})`);

  // no click: the refresh brings the result
  await page.waitForSelector("section[aria-labelledby=h-last] .badge.good", { timeout: 120000 });
  check((await page.locator("#verify-progress").count()) === 0, "the bar is gone when the run ends");
  const kv = await page.locator("section[aria-labelledby=h-last] dl.kv").textContent();
  const m = kv.match(/([\d,]+)\s*\/\s*([\d,]+)/);
  check(m && m[1] === m[2] && Number(m[1].replace(/,/g, "")) >= RECORDS, `every record checked: ${kv}`);
  await page.screenshot({ path: path.join(SHOTS, "verify-done.png"), fullPage: true });
  console.log(`progress seen: ${[...new Set(seen)].join(", ")} of ${total}`);
  await browser.close();
}

main().catch((e) => {
  console.error(String(e && e.stack ? e.stack : e));
  process.exit(1);
});
