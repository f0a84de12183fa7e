import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

// The config files call Taro's build-time globals; here they only hand back their argument.
const g = globalThis as unknown as Record<string, (c: unknown) => unknown>;
g.defineAppConfig = (c) => c;
g.definePageConfig = (c) => c;

interface AppConfig {
  pages: string[];
  subPackages: Array<{ root: string; pages: string[] }>;
  window: { navigationBarTitleText?: string };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const app = (require('./app.config') as { default: AppConfig }).default;
const pages = [...app.pages, ...app.subPackages.flatMap((p) => p.pages.map((page) => `${p.root}/${page}`))];

/** The resident's pages (the staff subpackages are their own side). */
const residentPages = pages.filter((p) => /^(pages|subpackages\/orders|subpackages\/account)\//.test(p));

const configOf = (page: string) => {
  const file = path.join(__dirname, `${page}.config.ts`);
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
};

describe('navigation bar', () => {
  it.each(pages)('%s sets a Chinese title', (page) => {
    const title = /navigationBarTitleText:\s*'([^']*)'/.exec(configOf(page))?.[1] ?? '';
    expect(title).toMatch(/^[\u4e00-\u9fff][\u4e00-\u9fff /]*$/);
  });

  // Taro's H5 router hides its bar (title, back control, 首页) unless navigationStyle is 'default'.
  it.each(residentPages)('%s shows the bar on H5', (page) => {
    expect(configOf(page)).toMatch(/navigationStyle:\s*'default'/);
  });

  it('covers every resident page', () => {
    expect(residentPages).toHaveLength(15);
  });
});
