/** Small helpers to drive Taro's H5 components in jsdom. */
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { Current } from '@tarojs/runtime';

/** Tap the element with this text (or the element itself). */
export function tap(target: string | Element): void {
  const el = typeof target === 'string' ? screen.getByText(target) : target;
  fireEvent.click(el);
}

/**
 * Type into a Taro <Input>/<Textarea>: set the native field inside Taro's H5 element and fire
 * `input` on it, so that the element itself reports `detail.value` as it does in a browser.
 */
export async function typeInto(host: Element, value: string): Promise<void> {
  // The element renders its field a moment after mounting, as in a browser.
  const field = await waitFor(() => {
    const f = host.querySelector('input, textarea');
    if (!f) throw new Error(`no native field inside <${host.tagName.toLowerCase()}> yet`);
    return f as HTMLInputElement | HTMLTextAreaElement;
  });
  act(() => {
    fireEvent.input(field, { target: { value } });
  });
}

/** Route parameters for pages that read useRouter(). */
export function setRouter(path: string, params: Record<string, string>): void {
  Current.router = { path, params, onReady: '', onHide: '', onShow: '' } as unknown as typeof Current.router;
}

/** Stub navigation (there is no app router in a component test) and record where pages go. */
export function stubNavigation() {
  const urls: string[] = [];
  const record = (opts: { url: string }) => {
    urls.push(opts.url);
    return Promise.resolve({ errMsg: 'ok' });
  };
  jest.spyOn(Taro, 'navigateTo').mockImplementation(record as never);
  jest.spyOn(Taro, 'reLaunch').mockImplementation(record as never);
  jest.spyOn(Taro, 'redirectTo').mockImplementation(record as never);
  jest.spyOn(Taro, 'navigateBack').mockImplementation((() => Promise.resolve({ errMsg: 'ok' })) as never);
  jest.spyOn(Taro, 'showToast').mockImplementation((() => Promise.resolve({ errMsg: 'ok' })) as never);
  return urls;
}

export const tick = () => act(() => new Promise((r) => setTimeout(r, 0)));
