// The API contract over a journey: every answer the journey receives, from its own HTTP client
// and from the browsers' pages alike, is checked against the server's OpenAPI document (docs/api.md,
// "The contract"): an undocumented status or a field the schema lacks fails the journey.
import type { Page } from 'playwright-core';
import { ApiContract } from '../../../server/src/testing/api-contract.js';
import type { TestServer } from '../../../server/src/testing/test-server.js';

export class ContractWatch {
  private readonly pending = new Set<Promise<void>>();

  private constructor(readonly contract: ApiContract) {}

  /** Load the served document; from now on an answer of `server.api` that breaks it throws. */
  static async start(server: TestServer): Promise<ContractWatch> {
    const watch = new ContractWatch(await ApiContract.load(server.url));
    server.api.onAnswer = (a) => watch.contract.check(a);
    return watch;
  }

  /** Record every /api answer the page receives (checked at the end by assertKept). */
  page(page: Page): void {
    page.on('response', (res) => {
      const url = new URL(res.url());
      if (!url.pathname.startsWith('/api/') || url.pathname.startsWith('/api/docs')) return;
      const method = res.request().method();
      if (method === 'OPTIONS' || method === 'HEAD') return;
      const done = (async () => {
        const contentType = res.headers()['content-type'] ?? null;
        let body: unknown = null;
        if (res.status() !== 204 && /json/i.test(contentType ?? '')) {
          const text = await res.text().catch(() => null);
          if (text === null) return; // the page went away before the body arrived
          body = text ? JSON.parse(text) : null;
        }
        this.contract.record({ method, url: res.url(), status: res.status(), contentType, body });
      })().finally(() => this.pending.delete(done));
      this.pending.add(done);
    });
  }

  /** Every answer so far kept the contract (awaits the browsers' answers still being read). */
  async violations(): Promise<string[]> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
    return [...new Set(this.contract.violations)];
  }

  get checked(): number {
    return this.contract.checked;
  }
}
