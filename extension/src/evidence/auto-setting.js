// @ts-check
/**
 * The automatic-capture setting (evidence/auto.js), apart from the capture code so that the options
 * page can read and write it without loading the worker's capture machinery. Default: off.
 */
export const AUTO_KEY = 'evidence_auto_capture';

/** @returns {Promise<boolean>} */
export async function autoCaptureOn() {
  return (await chrome.storage.local.get(AUTO_KEY))[AUTO_KEY] === true;
}

/** @param {boolean} on */
export async function setAutoCapture(on) {
  await chrome.storage.local.set({ [AUTO_KEY]: on === true });
}
