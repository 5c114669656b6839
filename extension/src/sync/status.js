// @ts-check
/**
 * The queue's state as the officer reads it: the counts and times of queue.status() plus one Japanese
 * sentence that says what is happening and what, if anything, the officer must do.
 */

/** @param {string|null} iso */
function jst(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo', hour12: false });
}

/**
 * @param {Awaited<ReturnType<typeof import('./queue.js').status>>} s
 * @param {{endpoint: string}} settings
 */
export function syncView(s, settings) {
  const configured = settings.endpoint !== '';
  /** @type {string[]} */
  const parts = [];
  if (!configured) {
    parts.push(`送信先が設定されていません。報告は端末内に保存され、設定画面で送信先を設定すると自動的に送信されます（未送信 ${s.queued} 件）。`);
  } else if (s.queued > 0) {
    parts.push(`未送信 ${s.queued} 件。`);
    if (s.paused_until) {
      parts.push(`送信先に届きません${s.last_error ? `（${s.last_error}）` : ''}。${jst(s.paused_until)} に自動で再送します。`);
    } else {
      parts.push('送信中です。');
    }
  } else {
    parts.push('未送信の報告はありません。');
  }
  if (s.refused.length > 0) parts.push(`送信先に受け付けられなかった報告が ${s.refused.length} 件あります（端末内に保存しています）。内容を確認してください。`);
  if (s.settle_pending > 0) parts.push(`送信済みで端末内の証拠の削除が済んでいないものが ${s.settle_pending} 件あります。`);
  if (s.last_success_at) parts.push(`最終送信: ${jst(s.last_success_at)}。`);
  return { ...s, endpoint_configured: configured, message: parts.join('') };
}
