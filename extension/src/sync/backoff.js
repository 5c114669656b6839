// @ts-check
/**
 * Retry timing of the offline queue. Exponential so a down endpoint is not hammered by every officer's
 * browser at once; jittered so browsers that lost the endpoint together do not all come back in the
 * same second; capped so a long outage is noticed within minutes of its end, not hours.
 */

/** First retry after about this long (ms). */
export const BASE_MS = 2000;
/** No wait is longer than this (ms): the queue is retried at least every ten minutes while it has work. */
export const CAP_MS = 10 * 60 * 1000;

/**
 * The wait before attempt number `attempts + 1`, "equal jitter": half the exponential step is fixed,
 * the other half random, so the wait still grows with every failure but browsers spread out.
 * @param {number} attempts failed attempts so far (≥ 1 after the first failure)
 * @param {() => number} [random] uniform in [0, 1); injectable for tests
 * @returns {number} milliseconds
 */
export function retryDelay(attempts, random = Math.random) {
  const n = Math.max(0, Math.min(attempts - 1, 30));
  const step = Math.min(CAP_MS, BASE_MS * 2 ** n);
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * A server's `Retry-After` (seconds or an HTTP date) in ms, bounded by the cap; null when absent or unreadable.
 * @param {string|null} header
 * @param {number} now ms since the epoch
 */
export function retryAfterMs(header, now) {
  if (!header) return null;
  const secs = Number(header);
  if (Number.isFinite(secs) && secs >= 0) return Math.min(CAP_MS, secs * 1000);
  const at = Date.parse(header);
  if (Number.isNaN(at)) return null;
  return Math.min(CAP_MS, Math.max(0, at - now));
}
