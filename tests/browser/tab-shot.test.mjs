// Screenshots close together must all succeed: chrome.tabs.captureVisibleTab allows two calls a second.
// Regression: a CI run's automatic capture and a manual one a moment later got
// "This request exceeds the MAX_CAPTURE_VISIBLE_TAB_CALLS_PER_SECOND quota" and fell back to a blurred whole tab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spacedCapture, SPACING_MS } from '../../extension/src/evidence/tab-shot.js';

/** A fake browser that enforces the quota the way Chromium does: a call within 500 ms of the one before fails. */
function fakeBrowser() {
  let clock = 0;
  const calls = [];
  const capture = async (windowId) => {
    const prev = calls.at(-1);
    calls.push(clock);
    if (prev !== undefined && clock - prev < 500) {
      throw new Error('This request exceeds the MAX_CAPTURE_VISIBLE_TAB_CALLS_PER_SECOND quota.');
    }
    return `data:image/png;base64,${windowId}`;
  };
  const now = () => clock;
  const sleep = async (ms) => { clock += ms; };
  return { capture, now, sleep, calls };
}

test('five captures requested at once each get their screenshot, at least SPACING_MS apart', async () => {
  const b = fakeBrowser();
  const captureTab = spacedCapture(b.capture, b.now, b.sleep);
  const shots = await Promise.all([1, 2, 3, 4, 5].map((w) => captureTab(w)));
  assert.deepEqual(shots, [1, 2, 3, 4, 5].map((w) => `data:image/png;base64,${w}`));
  for (let i = 1; i < b.calls.length; i++) assert.ok(b.calls[i] - b.calls[i - 1] >= SPACING_MS);
});

test('without the queue the same burst is refused (the fake browser does enforce the quota)', async () => {
  const b = fakeBrowser();
  const results = await Promise.allSettled([1, 2].map((w) => b.capture(w)));
  assert.equal(results[1].status, 'rejected');
});

test('a quota refusal is retried; any other error is passed on at once, and the queue goes on', async () => {
  const b = fakeBrowser();
  let refusals = 1;
  const flaky = async (w) => {
    if (w === 7 && refusals-- > 0) throw new Error('This request exceeds the MAX_CAPTURE_VISIBLE_TAB_CALLS_PER_SECOND quota.');
    if (w === 8) throw new Error('Cannot access contents of url "chrome://newtab/"');
    return b.capture(w);
  };
  const captureTab = spacedCapture(flaky, b.now, b.sleep);
  assert.equal(await captureTab(7), 'data:image/png;base64,7');
  await assert.rejects(captureTab(8), /Cannot access contents/);
  assert.equal(await captureTab(9), 'data:image/png;base64,9');
});
