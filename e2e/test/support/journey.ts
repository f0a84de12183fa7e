// Helpers of the whole-product journey (journey.spec.ts): a MariaDB database whatever
// LINLI_TEST_DB says, one Chromium with a context per person (two phones and a desktop), the
// rollup jobs run to the end, and the dashboard's headline figures as the API and the shared
// formulas give them.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import {
  addRating,
  complaintsPer1000,
  csat,
  ftfRate,
  indexChain,
  isSatisfied,
  needsFollowUp,
  ratingScore,
  reopenRate,
  repeatRate,
  responseRate,
  slaCompliance,
  type SummaryView,
  type WeightedSum,
} from '@linli/shared';
import type { DatabaseConfig } from '../../../server/src/config/config.js';
import { JobRunner } from '../../../server/src/modules/jobs/job-runner.service.js';
import { RollupDirty } from '../../../server/src/modules/satisfaction/satisfaction.entities.js';
import { freshDatabase, type TestServer } from '../../../server/src/testing/test-server.js';
import { CHROMIUM_PATH } from './browser.js';

/** A fresh MariaDB database (127.0.0.1:3306 unless LINLI_TEST_DB_* say otherwise); drop it with dropDatabase. */
export function freshMariaDb(): { db: DatabaseConfig; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'linli-journey-'));
  return {
    db: { ...freshDatabase(dir), type: 'mariadb' },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Run the job runner until no job is due and no rollup partition is dirty (the worker does not
 * tick by itself in tests), so the scores API reads fresh rollups.
 */
export async function settleJobs(server: TestServer): Promise<void> {
  const runner = server.app.get(JobRunner);
  for (let i = 0; i < 50; i++) {
    const fired = await runner.tick();
    if (fired === 0 && (await server.ds.getRepository(RollupDirty).count()) === 0) return;
  }
  throw new Error('the jobs did not settle after 50 ticks');
}

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Device {
  name: string;
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors, console errors and HTTP errors, printed at the end. */
  problems: string[];
}

/** One headless Chromium; each person gets a context of their own (own storage, own viewport). */
export class Devices {
  readonly all: Device[] = [];
  /** Sees each new page (the API contract watch: ContractWatch.page). */
  onPage?: (page: Page) => void;
  private constructor(private readonly browser: Browser) {}

  static async launch(): Promise<Devices> {
    return new Devices(await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS }));
  }

  /** A phone: 390x844 CSS px at 2x, as launchPhone() of browser.ts. */
  phone(name: string): Promise<Device> {
    return this.open(name, { width: 390, height: 844 }, 2);
  }

  /** A desktop at 1280x800, the size every console page must be usable at. */
  desktop(name: string): Promise<Device> {
    return this.open(name, { width: 1280, height: 800 }, 1);
  }

  private async open(name: string, viewport: { width: number; height: number }, deviceScaleFactor: number) {
    const context = await this.browser.newContext({
      viewport,
      deviceScaleFactor,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    const page = await context.newPage();
    this.onPage?.(page);
    page.setDefaultTimeout(15000);
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !msg.location().url.endsWith('/favicon.ico'))
        problems.push(`console: ${msg.text()} (${msg.location().url})`);
    });
    page.on('response', (res) => {
      if (res.status() >= 400) problems.push(`HTTP ${res.status()} ${res.request().method()} ${res.url()}`);
    });
    const device = { name, context, page, problems };
    this.all.push(device);
    return device;
  }

  async close(): Promise<void> {
    for (const d of this.all) await d.context.close().catch(() => undefined);
    await this.browser.close();
  }
}

/** The dashboard's headline figures (data-testid="metric-<name>"). */
export const METRICS = [
  'index',
  'csat',
  'response-rate',
  'sla-overall',
  'first-time-fix-rate',
  'repeat-rate',
  'reopen-rate',
  'complaints-per-1000',
] as const;
export type MetricName = (typeof METRICS)[number];
export type Figures = Record<MetricName, number | null>;

/** The headline figures as the API gives them (what the dashboard's data-value must hold). */
export function figuresOf(s: SummaryView): Figures {
  return {
    index: s.index.value,
    csat: s.csat.value,
    'response-rate': s.responseRate,
    'sla-overall': s.sla.overall.compliance,
    'first-time-fix-rate': s.firstTimeFixRate,
    'repeat-rate': s.repeatRate,
    'reopen-rate': s.reopenRate,
    'complaints-per-1000': s.complaintsPer1000Households,
  };
}

/** The headline figures the page shows now (data-value of each metric; null when it says "null"). */
export async function readFigures(page: Page): Promise<Figures> {
  const out = {} as Figures;
  for (const name of METRICS) {
    const raw = await page.getByTestId(`metric-${name}`).getAttribute('data-value');
    if (raw === null) throw new Error(`metric-${name} has no data-value`);
    out[name] = raw === 'null' ? null : Number(raw);
  }
  return out;
}

/** One order of the slice, first completed in the period (one visit, no reopen), rated `stars`. */
export interface OneOrder {
  stars: number;
  fixed: boolean;
  /** SLA clocks of the order that stopped in the period, and those of them met. */
  slaStopped: number;
  slaMet: number;
}

/** The level sums of the summary's index chain (every weight is 1 in a fixed period). */
function chainSums(s: SummaryView): WeightedSum[] {
  return s.index.chain.map((l) => ({ sumW: l.weight, sumWX: (l.mean ?? 0) * l.weight, sumW2: l.weight }));
}

/** The index the summary's own chain gives (a check that chainSums reads the chain right). */
export function indexOfChain(s: SummaryView): number {
  return indexChain(chainSums(s)).at(-1)!;
}

/** The index of a community slice after a rating of `stars` elsewhere in its company (its prior moves). */
export function indexAfterCompanyRating(base: SummaryView, stars: number): number {
  const [company, ...below] = chainSums(base);
  return indexChain([addRating({ ...company }, ratingScore(stars)), ...below]).at(-1)!;
}

/**
 * What the summary of a slice must read after one more order, created, completed once and rated
 * within the period, computed from the baseline's counts with the shared formulas. Only these
 * move: created, completed, first-time fixed, rated, satisfied (≥ 4 stars), the follow-ups due
 * (≤ 2 stars or not fixed), the SLA clocks, and the index of every level of the chain.
 */
export function afterOneOrder(base: SummaryView, o: OneOrder) {
  const c = base.counts;
  const counts = {
    ...c,
    created: c.created + 1,
    completed: c.completed + 1,
    firstTimeFixed: c.firstTimeFixed + 1,
    rated: c.rated + 1,
    satisfied: c.satisfied + (isSatisfied(o.stars) ? 1 : 0),
    fixedYes: c.fixedYes + (o.fixed ? 1 : 0),
    fixedNo: c.fixedNo + (o.fixed ? 0 : 1),
    followUpsDue: c.followUpsDue + (needsFollowUp(o) ? 1 : 0),
  };
  const sla = { met: base.sla.overall.met + o.slaMet, total: base.sla.overall.total + o.slaStopped };
  // Every level of the chain (company, community) holds the order: each gets the rating.
  const levels = chainSums(base).map((sum) => addRating({ ...sum }, ratingScore(o.stars)));
  const satisfaction = csat(counts.satisfied, counts.rated);
  const figures: Figures = {
    index: indexChain(levels).at(-1)!,
    csat: satisfaction.csat,
    'response-rate': responseRate(counts.rated, counts.completed),
    'sla-overall': slaCompliance(sla.met, sla.total),
    'first-time-fix-rate': ftfRate(counts.firstTimeFixed, counts.completed),
    'repeat-rate': repeatRate(counts.repeats, counts.created),
    'reopen-rate': reopenRate(counts.reopened, counts.completed),
    'complaints-per-1000': base.households === null ? null : complaintsPer1000(counts.complaints, base.households),
  };
  return { counts, sla, csatInterval: satisfaction.interval, effectiveN: base.index.effectiveN + 1, figures };
}
