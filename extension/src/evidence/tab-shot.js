/**
 * `chrome.tabs.captureVisibleTab` refuses more than two calls a second per browser
 * (MAX_CAPTURE_VISIBLE_TAB_CALLS_PER_SECOND). Two captures close together — an officer pressing 証拠を保存 on two
 * posts, or an automatic capture of a 003 §4(1) notice beside a manual one — must both get their screenshot, not
 * one of them a quota error and a blurred whole-tab fallback. So every capture goes through one queue that spaces
 * the calls, and a quota refusal (a busy browser can still count differently) is retried after a pause.
 */

/** Spacing between two calls: a little over the half second the quota allows. */
export const SPACING_MS = 550;
const QUOTA = /MAX_CAPTURE_VISIBLE_TAB_CALLS_PER_SECOND/;
const RETRIES = 3;

/**
 * @param {(windowId: number) => Promise<string>} capture the browser's call (injected for tests)
 * @param {() => number} now
 * @param {(ms: number) => Promise<void>} sleep
 */
export function spacedCapture(capture, now = Date.now, sleep = (ms) => new Promise((ok) => setTimeout(ok, ms))) {
  /** @type {Promise<unknown>} */
  let chain = Promise.resolve();
  let last = -Infinity;
  /** @param {number} windowId @returns {Promise<string>} */
  return function captureTab(windowId) {
    const run = async () => {
      for (let attempt = 0; ; attempt++) {
        const wait = last + SPACING_MS - now();
        if (wait > 0) await sleep(wait);
        last = now();
        try {
          return await capture(windowId);
        } catch (e) {
          const quota = QUOTA.test(e instanceof Error ? e.message : String(e));
          if (!quota || attempt >= RETRIES) throw e;
          await sleep(SPACING_MS * (attempt + 1));
        }
      }
    };
    const result = chain.then(run, run);
    chain = result.catch(() => undefined);
    return result;
  };
}

/** The worker's one queue for screenshots of the visible tab. */
export const captureTab = spacedCapture((windowId) => chrome.tabs.captureVisibleTab(windowId, { format: 'png' }));
