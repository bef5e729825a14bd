// The console in a real browser: Debian's chromium driven by playwright-core (never a
// downloaded browser). Run by tests/console/main.rs, which starts `wangan serve`, seeds the
// vault and passes everything in the environment; this script exits non-zero on the first
// failed check, naming it, and saves a screenshot of every page it visits to $SHOTS.
"use strict";
const { chromium } = require("playwright-core");
const fs = require("fs");
const path = require("path");

const BASE = process.env.BASE_URL;
const SHOTS = process.env.SHOTS;
const DOWNLOADS = process.env.DOWNLOADS;
const ADMIN = process.env.ADMIN_USER;
const ADMIN_PW = process.env.ADMIN_PASSWORD;
const AUDITOR = process.env.AUDITOR_USER;
const AUDITOR_PW = process.env.AUDITOR_PASSWORD;
const INGEST = process.env.INGEST_TOKEN;
const AUDITOR_TOKEN = process.env.AUDITOR_TOKEN;

let step = "start";
let current = null;
function check(cond, what) {
  if (!cond) {
    throw new Error(`check failed at step "${step}": ${what}`);
  }
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
}

// every visible input, select and textarea has a label (or an aria name)
async function labelsOnEveryInput(page) {
  const missing = await page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll("input, select, textarea")) {
      if (el.type === "hidden") continue;
      const named =
        (el.labels && el.labels.length > 0) ||
        el.getAttribute("aria-label") ||
        el.getAttribute("aria-labelledby");
      if (!named) out.push(el.outerHTML.slice(0, 120));
    }
    return out;
  });
  check(missing.length === 0, `inputs without a label on ${page.url()}: ${missing.join(" | ")}`);
}

// the controls that change something: every POST form except sign-out and verification
async function editControls(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("form")]
      .filter((f) => (f.getAttribute("method") || "get").toLowerCase() === "post")
      .map((f) => f.getAttribute("action"))
      .filter((a) => a !== "/console/logout" && a !== "/console/verify"),
  );
}

async function keyboardLogin(page, user, pw) {
  await page.goto(`${BASE}/console/`);
  check(page.url().includes("/console/login"), "an anonymous visit is sent to the login page");
  await labelsOnEveryInput(page);
  // autofocus is on the user name: no mouse anywhere
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  check(focused === "user", `the user name field has focus on load (focus on ${focused})`);
  await page.keyboard.type(user);
  await page.keyboard.press("Tab");
  const next = await page.evaluate(() => document.activeElement && document.activeElement.id);
  check(next === "password", "Tab moves from the user name to the password");
  await page.keyboard.type(pw);
  await Promise.all([page.waitForURL(`${BASE}/console/`), page.keyboard.press("Enter")]);
}

async function main() {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
  });
  const ctx = await browser.newContext({
    locale: "zh-CN",
    acceptDownloads: true,
    viewport: { width: 1360, height: 900 },
  });
  const page = await ctx.newPage();
  current = page;
  const cspErrors = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text());
  });
  page.on("pageerror", (e) => cspErrors.push(String(e)));
  await page.addInitScript(() => {
    window.__xss = 0;
  });

  step = "login page";
  await page.goto(`${BASE}/console/login`);
  await shot(page, "01-login.png");

  step = "keyboard-only login";
  await keyboardLogin(page, ADMIN, ADMIN_PW);

  step = "dashboard";
  const resp = await page.goto(`${BASE}/console/`);
  const h = resp.headers();
  check(h["content-security-policy"] && !h["content-security-policy"].includes("unsafe-inline"), "CSP without unsafe-inline");
  check(h["content-security-policy"].includes("frame-ancestors 'none'"), "CSP frame-ancestors 'none'");
  check(h["x-frame-options"] === "DENY", "X-Frame-Options DENY");
  check((await page.textContent("h1")).includes("仪表盘"), "Chinese dashboard heading");
  check((await page.locator("svg.heatmap").count()) === 1, "the coverage heatmap is drawn");
  check((await page.locator("svg.heatmap rect").count()) > 100, "the heatmap has a cell per day");
  const cards = await page.locator(".cards .card").count();
  check(cards >= 4, `vault health cards (${cards})`);
  check((await page.locator("#h-duties ~ p.counts .badge").count()) === 6, "duties counted by status");
  const worst = await page.locator("#h-duties ~ table tbody tr .badge").first().textContent();
  check(worst.includes("未履行"), `the worst duty comes first (${worst})`);
  await labelsOnEveryInput(page);
  await shot(page, "02-dashboard.png");

  step = "assessment: duties by status and the report download";
  await page.goto(`${BASE}/console/assessment`);
  check((await page.locator("table.data tbody tr").count()) >= 30, "every duty of the law crate is listed");
  await shot(page, "02c-assessment.png");
  const [assess] = await Promise.all([page.waitForEvent("download"), page.click("a[href='/console/assessment.json']")]);
  const assessFile = path.join(DOWNLOADS, "assess.json");
  await assess.saveAs(assessFile);
  check(JSON.parse(fs.readFileSync(assessFile, "utf8")).schema === "wangan.assess/1", "the assessment downloads as wangan.assess/1");

  step = "search logs in Chinese";
  await page.goto(`${BASE}/console/logs`);
  await labelsOnEveryInput(page);
  await page.fill("#q", "登录失败");
  await Promise.all([page.waitForURL(/\/console\/logs\?/), page.click("form.search button[type=submit]")]);
  const rows = await page.locator("table.logs tbody tr").count();
  check(rows >= 3, `Chinese search finds the seeded records (${rows})`);
  const texts = await page.locator("table.logs td.msg").allTextContents();
  check(texts.every((t) => t.includes("登录失败")), "every hit holds the Chinese term");
  await shot(page, "03-logs-search-zh.png");

  step = "export the selection";
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.click("form[action='/console/logs/export'] button"),
  ]);
  const bundle = path.join(DOWNLOADS, "search.wgb");
  await download.saveAs(bundle);
  check(fs.statSync(bundle).size > 100, "the bundle was downloaded");

  step = "a <script> record renders as text";
  await page.goto(`${BASE}/console/logs?q=alert`);
  const xssRows = await page.locator("table.logs td.msg").allTextContents();
  check(xssRows.some((t) => t.includes("<script>")), "the <script> record shows as text");
  check(xssRows.some((t) => t.includes("<img")), "the <img onerror> record shows as text");
  check((await page.evaluate(() => window.__xss)) === 0, "no injected script ran");
  check((await page.locator("main script, main img[src=x]").count()) === 0, "no injected element exists");
  await shot(page, "04-logs-script-as-text.png");

  step = "record with its inclusion proof";
  await page.click("table.logs td.num a");
  await page.waitForURL(/\/console\/logs\/\d+$/);
  const rawText = await page.locator("pre.raw").first().textContent();
  check(rawText.includes("<img") || rawText.includes("<script>"), "raw markup is shown as text");
  check((await page.locator("#h-proof ~ p .badge.good, section[aria-labelledby=h-proof] .badge.good").count()) >= 1, "the proof holds");
  check((await page.evaluate(() => window.__xss)) === 0, "no injected script ran on the record page");
  await shot(page, "05-record-proof.png");

  step = "cursor paging under concurrent ingest";
  await page.goto(`${BASE}/console/logs?q=paging&limit=3`);
  const seqs1 = (await page.locator("table.logs td.num").allTextContents()).map(Number);
  check(seqs1.length === 3, `first page holds 3 (${seqs1})`);
  for (let i = 0; i < 5; i++) {
    const r = await fetch(`${BASE}/api/v1/logs`, {
      method: "POST",
      headers: { authorization: `Bearer ${INGEST}` },
      body: JSON.stringify({ msg: `paging late arrival ${i}` }),
    });
    check(r.status === 200, "ingest during paging");
  }
  await page.click("a[rel=next]");
  const seqs2 = (await page.locator("table.logs td.num").allTextContents()).map(Number);
  check(seqs2.length > 0, "the second page has records");
  check(Math.max(...seqs2) < Math.min(...seqs1), `the next page continues below the first (${seqs1} then ${seqs2})`);

  step = "verification";
  await page.goto(`${BASE}/console/verify`);
  await page.click("form[action='/console/verify'] button");
  await page.waitForSelector("section[aria-labelledby=h-last] .badge.good", { timeout: 60000 });
  await shot(page, "06-verify.png");

  step = "open an incident and see its deadline";
  await page.goto(`${BASE}/console/registers`);
  await shot(page, "13-registers.png");
  await page.goto(`${BASE}/console/registers/incident/new`);
  await labelsOnEveryInput(page);
  // a form error is explained next to its field
  await Promise.all([page.waitForNavigation(), page.click("form.stack button[type=submit]")]);
  check((await page.locator(".field-error").count()) >= 1, "a missing required field is explained next to it");
  await page.fill("#f-title", "勒索软件加密文件服务器");
  await page.selectOption("#f-grade", "large");
  // discovered ten minutes ago (console time, UTC+08:00)
  const d = new Date(Date.now() + 8 * 3600e3 - 10 * 60e3).toISOString().slice(0, 19);
  await page.fill("#f-discovered_at", d);
  await Promise.all([page.waitForNavigation(), page.click("form.stack button[type=submit]")]);
  check(/\/console\/registers\/incident\/INC-\d+$/.test(page.url()), `the incident was created (${page.url()})`);
  const clock = await page.locator("table.clocks tbody tr").first().textContent();
  check(clock.includes("+08:00"), `the deadline shows its due time with offset: ${clock}`);
  check((await page.locator("table.clocks .badge.warn").count()) >= 1, "a running clock, not yet due");
  await shot(page, "14-incident.png");

  step = "download a report (incident initial report draft)";
  const [report] = await Promise.all([
    page.waitForEvent("download"),
    page.click("a.dl[href*='kind=initial&format=docx']"),
  ]);
  const docx = path.join(DOWNLOADS, "initial.docx");
  await report.saveAs(docx);
  const head = fs.readFileSync(docx).subarray(0, 2).toString("latin1");
  check(head === "PK", "the DOCX report is a zip package");
  await page.goto(`${BASE}/console/`);
  check((await page.locator("#h-clocks ~ table.clocks tbody tr").count()) >= 1, "the dashboard lists the running clock");
  await shot(page, "02b-dashboard-clocks.png");

  step = "assessment: run it from the console and download every report";
  await page.goto(`${BASE}/console/assessment`);
  await labelsOnEveryInput(page);
  // the assessment `wangan assess` saved is offered in every format already (read back from its file)
  check((await page.locator("a.download:not(.yearly)").count()) === 10, "the saved assessment's reports before a run");
  await Promise.all([page.waitForURL(`${BASE}/console/assessment`), page.click("form[action='/console/assessment/run'] button")]);
  check((await page.locator("a.download:not(.yearly)").count()) === 10, "five formats in two languages after a run");
  check((await page.locator("a.download.yearly").count()) === 6, "the yearly CII report in three formats, two languages");
  await shot(page, "02d-assessment-run.png");
  async function fetchReport(format, lang, name) {
    const [dl] = await Promise.all([
      page.waitForEvent("download"),
      page.click(`a.download[href='/console/assessment/report?format=${format}&lang=${lang}']`),
    ]);
    const file = path.join(DOWNLOADS, name);
    await dl.saveAs(file);
    check(dl.suggestedFilename().startsWith("wangan-"), `a report file name (${dl.suggestedFilename()})`);
    return fs.readFileSync(file);
  }
  const html = (await fetchReport("html", "zh", "report-zh.html")).toString("utf8");
  check(html.startsWith("<!DOCTYPE html>") && html.includes("网络安全法"), "the HTML report in Chinese");
  const md = (await fetchReport("md", "en", "report-en.md")).toString("utf8");
  check(md.startsWith("#") && md.includes("Cybersecurity Law"), "the Markdown report in English");
  const csv = await fetchReport("csv", "en", "report-en.csv");
  check(csv[0] === 0xef && csv[1] === 0xbb && csv[2] === 0xbf, "the CSV starts with a byte-order mark");
  const oscal = JSON.parse((await fetchReport("oscal", "zh", "report-oscal.json")).toString("utf8"));
  check(oscal["assessment-results"] && oscal["assessment-results"].results.length === 1, "OSCAL assessment-results");
  const run = JSON.parse((await fetchReport("json", "en", "report-run.json")).toString("utf8"));
  check(run.schema === "wangan.assess/1" && run.duties.length >= 30, "the run as wangan.assess/1");
  const [ydl] = await Promise.all([
    page.waitForEvent("download"),
    page.click("a.download.yearly[href='/console/assessment/yearly?format=docx&lang=zh']"),
  ]);
  const yearly = path.join(DOWNLOADS, "cii-yearly.docx");
  await ydl.saveAs(yearly);
  check(fs.readFileSync(yearly).subarray(0, 2).toString("latin1") === "PK", "the yearly CII report is a DOCX package");
  check(ydl.suggestedFilename().startsWith("wangan-cii-yearly-"), `the yearly report's name (${ydl.suggestedFilename()})`);
  // a report opened from disk in the browser: self-contained, readable
  const local = await ctx.newPage();
  await local.goto("file://" + path.join(DOWNLOADS, "report-zh.html"));
  check((await local.locator("h1").count()) >= 1, "the downloaded HTML report opens in the browser");
  await local.screenshot({ path: path.join(SHOTS, "02e-report-html.png"), fullPage: false });
  await local.close();

  step = "scan results of the data stores";
  await page.goto(`${BASE}/console/scans`);
  const stores = await page.locator("#scans tbody tr").allTextContents();
  check(stores.length === 2, `two data stores listed (${stores.length})`);
  const hr = stores.find((r) => r.includes("hr-files"));
  check(hr && hr.includes("有效"), `the saved scan of hr-files is current: ${hr}`);
  check(hr.includes("mobile"), `the kinds found are listed: ${hr}`);
  check(stores.some((r) => r.includes("user-db") && r.includes("从未扫描")), "a store never scanned says so");
  await shot(page, "02f-scans.png");

  step = "settings: create a token, see it once, revoke it";
  await page.goto(`${BASE}/console/settings`);
  await labelsOnEveryInput(page);
  await shot(page, "07-settings.png");
  await page.selectOption("#token-role", "metrics");
  await Promise.all([
    page.waitForNavigation(),
    page.click("form[action='/console/settings/tokens'] button"),
  ]);
  const secret = await page.locator(".secret").nth(1).textContent();
  check(/^wgn_[0-9a-f]{8}_/.test(secret.trim()), `the new token is shown once (${secret.slice(0, 12)}…)`);
  await shot(page, "08-token-created.png");
  await page.goto(`${BASE}/console/settings`);
  check(!(await page.content()).includes(secret.trim()), "the secret is not shown again");
  const id = secret.trim().split("_")[1];
  page.once("dialog", (d) => d.accept());
  await Promise.all([
    page.waitForNavigation(),
    page.click(`form[action='/console/settings/tokens/${id}/revoke'] button`),
  ]);
  check(!(await page.content()).includes(`>${id}<`), "the revoked token is gone");

  step = "settings: add a user; a bad password is explained next to its field";
  await page.goto(`${BASE}/console/settings`);
  await page.fill("#new-name", "olga");
  await page.selectOption("#new-role", "operator");
  await page.fill("#new-password", "short");
  await Promise.all([page.waitForNavigation(), page.click("form[action='/console/settings/users'] button")]);
  check((await page.locator("#new-password-error").count()) === 1, "a too-short password is explained next to the field");
  check((await page.getAttribute("#new-password", "aria-invalid")) === "true", "the password field is marked invalid");
  check((await page.inputValue("#new-name")) === "olga", "the user name entered is kept");
  check((await page.inputValue("#new-role")) === "operator", "the role chosen is kept");
  await shot(page, "08b-user-field-error.png");
  // an empty password: wangan generates one and shows it once
  await page.fill("#new-password", "");
  await Promise.all([page.waitForNavigation(), page.click("form[action='/console/settings/users'] button")]);
  const secrets = await page.locator(".secret").allTextContents();
  check(secrets.length === 2 && secrets[0].trim() === "olga", `the new user and its password are shown (${secrets.length} secrets)`);
  const olgaPw = secrets[1].trim();
  check(olgaPw.length >= 12, "the generated password is at least 12 characters");
  await shot(page, "08c-user-created.png");
  await page.goto(`${BASE}/console/settings`);
  check(!(await page.content()).includes(olgaPw), "the generated password is not shown again");
  const olgaRole = await page.locator("form[action='/console/settings/users/olga/role'] select").inputValue();
  check(olgaRole === "operator", `the users table lists olga as an operator (${olgaRole})`);
  await page.fill("#new-name", "olga");
  await page.fill("#new-password", "another long enough password");
  await Promise.all([page.waitForNavigation(), page.click("form[action='/console/settings/users'] button")]);
  check((await page.locator("#new-name-error").count()) === 1, "adding an existing user name is explained next to the field");

  step = "the new operator signs in and may edit registers, not users";
  const octx = await browser.newContext({ locale: "zh-CN", viewport: { width: 1360, height: 900 } });
  const opage = await octx.newPage();
  current = opage;
  await keyboardLogin(opage, "olga", olgaPw);
  const newIncident = await opage.goto(`${BASE}/console/registers/incident/new`);
  check(newIncident.status() === 200, `an operator opens the new-incident form (got ${newIncident.status()})`);
  check((await opage.locator("form.stack[method=post]").count()) === 1, "an operator sees the register form");
  await opage.goto(`${BASE}/console/settings`);
  check((await opage.locator("#h-users").count()) === 0, "an operator sees no users section");
  check((await opage.locator("form[action='/console/settings/users']").count()) === 0, "an operator sees no add-user form");
  const ocsrf = await opage.getAttribute("form[action='/console/logout'] input[name=csrf]", "value");
  const forged = await opage.request.post(`${BASE}/console/settings/users`, {
    form: { csrf: ocsrf, name: "mallory", role: "admin", password: "a long enough password" },
    maxRedirects: 0,
  });
  check(forged.status() === 403, `an operator's POST to add a user gets 403 (got ${forged.status()})`);
  await shot(opage, "08d-operator-settings.png");
  await octx.close();
  current = page;

  step = "language switch is remembered";
  await page.goto(`${BASE}/console/`);
  await Promise.all([page.waitForNavigation(), page.click("a.lang")]);
  check((await page.getAttribute("html", "lang")) === "en", "English after the switch");
  await page.goto(`${BASE}/console/logs`);
  check((await page.getAttribute("html", "lang")) === "en", "English remembered on the next page");
  await page.goto(`${BASE}/console/`);
  await shot(page, "09-dashboard-en.png");
  await Promise.all([page.waitForNavigation(), page.click("a.lang")]);
  check((await page.getAttribute("html", "lang")) === "zh-CN", "back to Chinese");

  step = "sign out";
  await page.click("form[action='/console/logout'] button");
  await page.waitForURL(/\/console\/login/);

  step = "auditor: read-only";
  await keyboardLogin(page, AUDITOR, AUDITOR_PW);
  for (const [p, name] of [
    ["/console/", null],
    ["/console/logs?q=登录失败", "10-auditor-logs.png"],
    ["/console/settings", "11-auditor-settings.png"],
    ["/console/verify", null],
    ["/console/registers/incident", "15-auditor-registers.png"],
    ["/console/assessment", "16-auditor-assessment.png"],
    ["/console/scans", null],
  ]) {
    await page.goto(`${BASE}${p}`);
    const edits = await editControls(page);
    check(edits.length === 0, `an auditor sees no edit control on ${p}: ${edits}`);
    await labelsOnEveryInput(page);
    if (name) await shot(page, name);
  }
  step = "auditor: downloads the reports, runs nothing";
  await page.goto(`${BASE}/console/assessment`);
  check((await page.locator("form[action='/console/assessment/run']").count()) === 0, "no run control for an auditor");
  const auditorCsv = await fetchReport("csv", "zh", "auditor.csv");
  check(auditorCsv.length > 100, "an auditor downloads a report");
  await page.goto(`${BASE}/console/logs?q=登录失败`);
  await Promise.all([page.waitForURL(/\/console\/logs\/\d+$/), page.click("table.logs td.num a")]);
  check((await editControls(page)).length === 0, "no export control on a record for an auditor");
  await shot(page, "12-auditor-record.png");
  const csrf = await page.getAttribute("form[action='/console/logout'] input[name=csrf]", "value");
  for (const [action, form] of [
    ["/console/settings/users", { csrf, name: "mallory", role: "admin", password: "a long enough password" }],
    ["/console/settings/tokens", { csrf, role: "admin" }],
    ["/console/logs/export", { csrf, q: "登录失败" }],
    ["/console/registers/incident", { csrf, title: "forged", grade: "general", discovered_at: "2026-01-01T00:00" }],
    ["/console/settings/users", { name: "mallory", role: "admin", password: "a long enough password" }],
    ["/console/assessment/run", { csrf }],
  ]) {
    const r = await page.request.post(`${BASE}${action}`, { form, maxRedirects: 0 });
    check(r.status() === 403, `a forged POST to ${action} by an auditor gets 403 (got ${r.status()})`);
  }
  const api = await fetch(`${BASE}/api/v1/users`, {
    method: "POST",
    headers: { authorization: `Bearer ${AUDITOR_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "mallory", role: "admin" }),
  });
  check(api.status === 403, `an auditor token gets 403 from the API (got ${api.status})`);
  check((await api.json()).type === "urn:wangan:problem:forbidden", "the 403 is a problem document");
  for (const [method, url, body] of [
    ["POST", "/api/v1/assessment", undefined],
    ["PATCH", "/api/v1/registers/incident/INC-1", JSON.stringify({ title: "forged" })],
  ]) {
    const r = await fetch(`${BASE}${url}`, {
      method,
      headers: { authorization: `Bearer ${AUDITOR_TOKEN}`, "content-type": "application/json" },
      body,
    });
    check(r.status === 403, `an auditor token gets 403 from ${method} ${url} (got ${r.status})`);
  }
  const rep = await fetch(`${BASE}/api/v1/assessment/report?format=md&lang=zh`, {
    headers: { authorization: `Bearer ${AUDITOR_TOKEN}` },
  });
  check(rep.status === 200 && (await rep.text()).includes("网络安全法"), `an auditor token reads a report (got ${rep.status})`);

  check(cspErrors.length === 0, `no Content-Security-Policy violation or page error: ${cspErrors.join(" | ")}`);
  await browser.close();
  fs.writeFileSync(path.join(DOWNLOADS, "done.json"), JSON.stringify({ bundle }));
}

main().catch(async (e) => {
  console.error(String(e && e.stack ? e.stack : e));
  if (current) {
    try {
      console.error(`page: ${current.url()}`);
      await current.screenshot({ path: path.join(SHOTS, "failure.png"), fullPage: true });
    } catch (_) {
      // the browser is gone
    }
  }
  process.exit(1);
});
