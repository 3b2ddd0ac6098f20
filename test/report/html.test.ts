// The HTML report: its structure as a string (the CSP, nothing loaded from the network, escaping,
// code frames, determinism), then the page itself in headless Chromium (Debian's `chromium`,
// which .ci/run installs): what a person sees, the filters, dark mode, and no network request.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRule } from '../../rules/index.js';
import type { Finding, Report } from '../../src/core/types.js';
import { codeFrame, HTML_CSP, inlineHtml, renderHtml } from '../../src/report/html.js';
import { docsUrl } from '../../src/report/rule-docs.js';
import { scanWithSources } from '../../src/scan.js';
import { FIXTURES, onlyRules, REPORTER_RULES } from '../support/fixtures.js';
import { findingMaker, reportOf } from '../support/reports.js';

const ORDERS = join(FIXTURES, 'projects', 'orders-service');
const HOSTILE = '<img src=x onerror=alert(1)>';

const finding = findingMaker({
  ruleId: 'require-http-timeout',
  category: 'resilience',
  severity: 'high',
  column: 26,
  endColumn: 52,
  message: '`axios.get` has no timeout: pass `{ timeout }` or create the client with one',
});

/** A report whose every field from the scanned repository tries to inject markup. */
function hostileReport(): Report {
  const report = reportOf(
    [
      finding({ file: 'src/<b>x</b>.ts', line: 2, column: 17, endColumn: 31, message: `${HOSTILE} in \`a<b>"c"\` </script><script>alert(2)</script>` }),
      finding({ file: 'src/y.ts', line: 1, ruleId: 'x"><svg onload=alert(3)>', message: 'unknown rule' }),
    ],
    { overall: 71, grade: 'C' },
    2,
  );
  report.errors = [{ file: 'src/"bad".ts', message: `could not parse: ${HOSTILE}` }];
  return report;
}

function hostileSource(file: string): string | undefined {
  return file === 'src/<b>x</b>.ts' ? `// header\nconst r = await axios.get(url); // ${HOSTILE} & "quotes"\n` : undefined;
}

describe('the HTML as a string', () => {
  let html: string;
  let hostile: string;
  beforeAll(async () => {
    const { report, source } = await scanWithSources({ root: ORDERS, config: onlyRules(REPORTER_RULES) });
    html = renderHtml(report, { ruleOf: getRule, source });
    hostile = renderHtml(hostileReport(), { ruleOf: getRule, source: hostileSource, generatedAt: '<i>2024</i>' });
  });

  it('declares a CSP that forbids every network load and allows only its own script, by hash', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]?.[1]).toBe('');
    const hash = createHash('sha256')
      .update(scripts[0]?.[2] ?? '')
      .digest('base64');
    expect(HTML_CSP).toBe(`default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${hash}'; img-src data:; base-uri 'none'; form-action 'none'`);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">`);
    // The CSP comes before anything it governs.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
  });

  it('loads nothing: no external stylesheet, script, image, frame or CSS url; http(s) only in links to rule docs', () => {
    for (const doc of [html, hostile]) {
      expect(doc).not.toMatch(/<(link|img|iframe|object|embed|video|audio|source)\b/i);
      expect(doc).not.toMatch(/url\(|@import/i);
      const attributes = [...doc.matchAll(/<(\w+)\b[^>]*?\s(src|href|action|srcset|xlink:href)="([^"]*)"/g)].map((m) => ({ tag: m[1], attr: m[2], value: m[3] ?? '' }));
      for (const a of attributes) {
        if (/^(https?:)?\/\//i.test(a.value)) {
          expect(a).toMatchObject({ tag: 'a', attr: 'href' });
          expect(a.value).toMatch(/^https:\/\/github\.com\/prodcheck\/prodcheck\/blob\/main\/docs\/rules\/[a-z-]+\.md$/);
        } else {
          expect(a.value).toMatch(/^#[\w-]+$/);
        }
      }
    }
    const docsLinks = [...html.matchAll(/<a class="rule" href="([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[2], m[1]]);
    expect(new Set(docsLinks.map(([id]) => id))).toEqual(new Set(['async-handler-errors', 'no-console-log', 'no-floating-promise', 'no-in-memory-session', 'require-http-timeout']));
    for (const [id, url] of docsLinks) expect(url).toBe(docsUrl(id ?? ''));
  });

  it('escapes everything that comes from the scanned repository; code spans become <code>', () => {
    expect(hostile).not.toContain('<img');
    expect(hostile).not.toContain('<svg onload');
    expect(hostile.match(/<script/g)).toHaveLength(1);
    expect(hostile).toContain(
      '<p class="message">&lt;img src=x onerror=alert(1)&gt; in <code>a&lt;b&gt;&quot;c&quot;</code> &lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;</p>',
    );
    expect(hostile).toContain('<section class="file" data-file="src/&lt;b&gt;x&lt;/b&gt;.ts"><h3>src/&lt;b&gt;x&lt;/b&gt;.ts <span class="count">1 finding</span></h3>');
    expect(hostile).toContain('<a class="place" href="#finding-1">src/&lt;b&gt;x&lt;/b&gt;.ts:2:17</a>');
    // An unknown rule id gets no docs link, only escaped text.
    expect(hostile).toContain('<code class="rule">x&quot;&gt;&lt;svg onload=alert(3)&gt;</code>');
    expect(hostile).toContain('<tr><td><code>src/&quot;bad&quot;.ts</code></td><td>could not parse: &lt;img src=x onerror=alert(1)&gt;</td></tr>');
    expect(hostile).toContain('&gt; 2 │</span> const r = await <mark>axios.get(url)</mark>; // &lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;</span>');
    expect(hostile).toContain('<footer>prodcheck v0.1.0 · generated &lt;i&gt;2024&lt;/i&gt;</footer>');
  });

  it('turns backtick code spans into <code>, longer fences and lone backticks included', () => {
    expect(inlineHtml('`axios.get` has no `{ timeout }`')).toBe('<code>axios.get</code> has no <code>{ timeout }</code>');
    expect(inlineHtml('``a ` b`` and `x')).toBe('<code>a ` b</code> and `x');
    expect(inlineHtml('a < b & `c > d`')).toBe('a &lt; b &amp; <code>c &gt; d</code>');
  });

  it('builds a code frame of the lines around the finding, its line marked and its columns highlighted', () => {
    const source = ['import axios from "axios";', '', 'export async function stock(sku: string) {', '  const { data } = await axios.get(`/stock/${sku}`);', '  return data;', '}', ''].join('\n');
    const f: Finding = finding({ file: 'src/a.ts', line: 4, column: 26, endColumn: 52 });
    expect(codeFrame(source, f)).toBe(
      '<pre class="frame" aria-label="code around line 4"><code>' +
        '<span class="line" data-line="2"><span class="ln" aria-hidden="true">  2 │</span> </span>' +
        '<span class="line" data-line="3"><span class="ln" aria-hidden="true">  3 │</span> export async function stock(sku: string) {</span>' +
        '<span class="line marked" data-line="4"><span class="ln" aria-hidden="true">&gt; 4 │</span>   const { data } = await <mark>axios.get(`/stock/${sku}`)</mark>;</span>' +
        '<span class="line" data-line="5"><span class="ln" aria-hidden="true">  5 │</span>   return data;</span>' +
        '<span class="line" data-line="6"><span class="ln" aria-hidden="true">  6 │</span> }</span>' +
        '</code></pre>',
    );
    // A finding spanning lines is highlighted to the end of its first line; a project finding
    // without a range marks the line only; a finding without a line has no frame.
    expect(codeFrame(source, finding({ file: 'src/a.ts', line: 3, endLine: 6, column: 8 }))).toContain('&gt; 3 │</span> export <mark>async function stock(sku: string) {</mark></span>');
    expect(codeFrame(source, finding({ file: 'src/a.ts', line: 1, column: 1, endColumn: 1 }))).toContain('&gt; 1 │</span> import axios from &quot;axios&quot;;</span>');
    expect(codeFrame(source, finding({ file: 'src/a.ts', line: 0, column: 0 }))).toBe('');
    expect(codeFrame(source, finding({ file: 'src/a.ts', line: 99 }))).toBe('');
  });

  it('shows n/a for categories without a score, and an empty report plainly', () => {
    const empty = renderHtml(reportOf([], { overall: 100, grade: 'A' }, 3), { ruleOf: getRule });
    expect(empty).toContain('<p class="empty">No findings.</p>');
    expect(empty).not.toContain('id="filters"');
    expect(empty).toContain(
      '<tr class="category none" data-category="security"><th scope="row">security</th><td class="bar-cell"><div class="bar" aria-hidden="true"></div></td><td class="score">n/a</td><td class="detail">no applicable checks</td></tr>',
    );
    const unscored = reportOf([], { overall: 100, grade: 'A' }, 0);
    unscored.score.overall = null;
    unscored.score.grade = null;
    const out = renderHtml(unscored, { ruleOf: getRule });
    expect(out).toContain('<title>prodcheck report: nothing to score</title>');
    expect(out).toContain('aria-label="No score: no applicable checks"');
    expect(out).not.toContain('class="arc"');
  });

  it('is deterministic: the same report gives the same bytes, and no time unless given', async () => {
    const again = await scanWithSources({ root: ORDERS, config: onlyRules(REPORTER_RULES) });
    expect(renderHtml(again.report, { ruleOf: getRule, source: again.source })).toBe(html);
    expect(html).toContain('<footer>prodcheck v0.1.0</footer>');
    expect(html).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });
});

interface Colors {
  color: string;
  background: string;
}

/** Relative luminance (WCAG 2) of a computed `rgb(…)`/`rgba(…)` colour. */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}

function contrast(c: Colors): number {
  const [hi, lo] = [luminance(c.color), luminance(c.background)].sort((a, b) => b - a);
  return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
}

/** The text colour of the first element matching `selector` and the background it is drawn on. */
async function colorsOf(page: Page, selector: string): Promise<Colors> {
  // The callback runs in the page; the test is compiled without DOM types, hence the `any`s.
  return page.locator(selector).first().evaluate((el) => {
    const view = el.ownerDocument.defaultView;
    let background = 'rgba(0, 0, 0, 0)';
    for (let node = el; node; node = node.parentElement) {
      const bg: string = view.getComputedStyle(node).backgroundColor;
      if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') {
        background = bg;
        break;
      }
    }
    return { color: view.getComputedStyle(el).color as string, background };
  });
}

// .ci/run installs Debian's chromium; where that is impossible this suite is skipped (and .ci/run says why).
const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('the page in headless Chromium', () => {
  let browser: Browser;
  let html: string;
  let page: Page;
  /** What each page tried to load and what it complained about, by page. */
  const requests = new Map<Page, string[]>();
  const problems = new Map<Page, string[]>();

  async function open(content: string, options: { bypassCSP?: boolean } = {}): Promise<Page> {
    const p = await browser.newPage({ viewport: { width: 1200, height: 900 }, bypassCSP: options.bypassCSP ?? false });
    const tried: string[] = [];
    const complaints: string[] = [];
    requests.set(p, tried);
    problems.set(p, complaints);
    // Record every request the page tries, and let none of them reach the network.
    p.on('request', (r) => tried.push(r.url()));
    await p.route('**/*', (route) => route.abort());
    p.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') complaints.push(m.text());
    });
    p.on('pageerror', (e) => complaints.push(e.message));
    p.on('dialog', (d) => {
      complaints.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await p.setContent(content, { waitUntil: 'load' });
    return p;
  }

  const visiblePlaces = () => page.locator('.finding:visible').evaluateAll((els) => els.map((e) => e.dataset.place as string));

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const { report, source } = await scanWithSources({ root: ORDERS, config: onlyRules(REPORTER_RULES) });
    html = renderHtml(report, { ruleOf: getRule, source });
    page = await open(html);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the score, the six categories and the eight findings, with no request and no error', async () => {
    expect(await page.title()).toBe('prodcheck report: 43/100 (F)');
    expect(await page.locator('.overall').textContent()).toBe('43/100');
    expect(await page.locator('.totals .grade').textContent()).toBe('F');
    expect(await page.locator('svg.gauge').getAttribute('aria-label')).toBe('Score 43 of 100, grade F');
    expect(await page.locator('svg.gauge .value').textContent()).toBe('43');
    const rows = await page.locator('tr.category').evaluateAll((els) => els.map((e) => (e.innerText as string).split(/\s+/).join(' ')));
    expect(rows).toEqual([
      'resilience 63 5 findings',
      'scalability 0 1 finding',
      'observability 83 2 findings',
      'security n/a no applicable checks',
      'architecture n/a no applicable checks',
      'operations n/a no applicable checks',
    ]);
    expect(await page.locator('.finding').count()).toBe(8);
    expect(await page.locator('.finding:visible').count()).toBe(8);
    expect(await page.locator('section.file h3').allTextContents()).toEqual([
      'src/app.ts 1 finding',
      'src/jobs/reconcile-payments.job.ts 1 finding',
      'src/routes/orders.routes.ts 1 finding',
      'src/server.ts 1 finding',
      'src/services/inventory.service.ts 1 finding',
      'src/services/notification.service.ts 1 finding',
      'src/services/orders.service.ts 2 findings',
    ]);
    expect(await page.locator('.fix-first tbody tr').allInnerTexts()).toEqual([
      '+33.3\tno-in-memory-session\t1 of 1 session middleware set-ups',
      '+13.9\tasync-handler-errors\t1 of 3 async handlers registered on Express apps and routers',
      '+5.6\tno-console-log\t2 of 12 log calls (console and logger)',
    ]);
    // The filter script ran (the CSP accepted its hash) and counts what it shows.
    expect(await page.locator('#filters').isVisible()).toBe(true);
    expect(await page.locator('#shown').textContent()).toBe('Showing 8 of 8 findings');
    expect((await page.locator('label.severity-high').innerText()).trim()).toBe('high 5');
    expect(requests.get(page)).toEqual([]);
    expect(problems.get(page)).toEqual([]);
  });

  it('shows each finding with its place, severity, message, docs link, code frame and fix hint', async () => {
    const f = page.locator('.finding[data-place="src/app.ts:29:11"]');
    expect(await f.locator('.sev').textContent()).toBe('high');
    expect(await f.locator('.place').textContent()).toBe('src/app.ts:29:11');
    expect(await f.locator('.message').innerText()).toBe(
      "session(…) from express-session has no store: sessions live in this process's memory — pass a shared store (connect-redis, connect-pg-simple)",
    );
    expect(await f.locator('.message code').allTextContents()).toEqual(['session(…)', 'store']);
    expect(await f.locator('a.rule').getAttribute('href')).toBe(docsUrl('no-in-memory-session'));
    const marked = f.locator('.frame .line.marked');
    expect(await marked.count()).toBe(1);
    expect(await marked.getAttribute('data-line')).toBe('29');
    expect(await marked.textContent()).toBe('> 29 │   app.use(session({ secret: config.sessionSecret, resave: false, saveUninitialized: false }));');
    expect(await marked.locator('mark').textContent()).toBe('session({ secret: config.sessionSecret, resave: false, saveUninitialized: false })');
    expect(await f.locator('.frame .line').evaluateAll((els) => els.map((e) => e.dataset.line as string))).toEqual(['27', '28', '29', '30', '31']);
    expect(await f.locator('.fix').innerText()).toBe(`Fix: ${getRule('no-in-memory-session')?.docs.fix.replace(/`/g, '')}`);
  });

  it('hides exactly the high findings when "high" is unchecked, and a file with nothing left', async () => {
    const highs = await page.locator('.finding[data-severity="high"]').evaluateAll((els) => els.map((e) => e.dataset.place as string));
    expect(highs).toEqual([
      'src/app.ts:29:11',
      'src/jobs/reconcile-payments.job.ts:13:29',
      'src/services/inventory.service.ts:14:26',
      'src/services/notification.service.ts:15:26',
      'src/services/orders.service.ts:38:3',
    ]);
    const before = await visiblePlaces();
    await page.locator('input[name="severity"][value="high"]').uncheck();
    const after = await visiblePlaces();
    expect(after).toEqual(before.filter((p) => !highs.includes(p)));
    expect(after).toHaveLength(3);
    expect(await page.locator('#shown').textContent()).toBe('Showing 3 of 8 findings');
    expect(await page.locator('section.file[data-file="src/app.ts"]').isVisible()).toBe(false);
    expect(await page.locator('section.file[data-file="src/services/orders.service.ts"]').isVisible()).toBe(true);

    // Category and severity combine: observability without high leaves the two medium log calls.
    await page.locator('input[name="category"][value="resilience"]').uncheck();
    expect(await visiblePlaces()).toEqual(['src/server.ts:9:3', 'src/services/orders.service.ts:31:5']);
    await page.locator('input[name="severity"][value="high"]').check();
    await page.locator('input[name="category"][value="resilience"]').check();
    expect(await visiblePlaces()).toEqual(before);
    expect(await page.locator('#shown').textContent()).toBe('Showing 8 of 8 findings');
    expect(await page.locator('input[name="severity"][value="low"]').isDisabled()).toBe(true);
  });

  it('is readable in light and dark mode (contrast of text, muted text, links, badges, code frames)', async () => {
    const checks = ['body', '.sub', 'a.rule', '.fix', '.sev-critical', '.sev-high', '.sev-medium', '.frame .line', '.frame .marked', '.frame mark', '.categories .bad .score', 'label:has(input:disabled)'];
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const body = await colorsOf(page, 'body');
      if (scheme === 'light') {
        expect(luminance(body.background)).toBeGreaterThan(0.9);
        expect(luminance(body.color)).toBeLessThan(0.05);
      } else {
        expect(luminance(body.background)).toBeLessThan(0.02);
        expect(luminance(body.color)).toBeGreaterThan(0.7);
      }
      for (const selector of checks) {
        const c = await colorsOf(page, selector);
        // WCAG AA for normal text.
        expect({ scheme, selector, ratio: contrast(c) >= 4.5 }).toEqual({ scheme, selector, ratio: true });
      }
      await page.screenshot({ path: scheme === 'light' ? '/tmp/prodcheck-report.png' : '/tmp/prodcheck-report-dark.png', fullPage: true });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('makes no request even with the CSP switched off, and the recorder does see one when there is', async () => {
    const unguarded = await open(html, { bypassCSP: true });
    expect(await unguarded.locator('.finding').count()).toBe(8);
    expect(requests.get(unguarded)).toEqual([]);
    // The control: the same recorder catches an image load.
    const control = await open('<!DOCTYPE html><img src="http://127.0.0.1:9/probe.png">', { bypassCSP: true });
    expect(requests.get(control)).toEqual(['http://127.0.0.1:9/probe.png']);
    await Promise.all([unguarded.close(), control.close()]);
  });

  it('renders a hostile message as text: no element, no script, no dialog', async () => {
    const p = await open(renderHtml(hostileReport(), { ruleOf: getRule, source: hostileSource }));
    expect(await p.locator('img').count()).toBe(0);
    expect(await p.locator('script').count()).toBe(1);
    expect(await p.locator('.finding .message').first().innerText()).toBe(`${HOSTILE} in a<b>"c" </script><script>alert(2)</script>`);
    expect(await p.locator('.errors td').nth(1).textContent()).toBe(`could not parse: ${HOSTILE}`);
    expect(problems.get(p)).toEqual([]);
    expect(requests.get(p)).toEqual([]);
    await p.close();
  });
});
