// Pages for the extension's browser tests, generated in the markup the site profiles read
// (profiles/x.json: stable data-testid hooks, #react-root; profiles/5ch.json …). Page text is always
// HTML-escaped here, exactly as a site would serve user text; hostile *markup* is added deliberately
// where a test says so.

export const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/** One X post (article[data-testid="tweet"]), with an author, a permalink and a time. */
export function xArticle({ id, handle, name = handle, text, time = '2026-11-22T12:00:00.000Z', rawText = null }) {
  return `<article data-testid="tweet" tabindex="0"><div class="r-1"><div data-testid="User-Name">` +
    `<a href="/${handle}" role="link"><span>${esc(name)}</span></a><a href="/${handle}" role="link"><span>@${handle}</span></a>` +
    `<a href="/${handle}/status/${id}"><time datetime="${time}">1時間</time></a></div>` +
    `<div data-testid="tweetText" lang="ja">${rawText ?? esc(text)}</div></div></article>`;
}

/** An X timeline page; `script` (page JS, for late rendering / scrolling) runs in the page's own world. */
export function xPage({ title = 'ホーム / X', articles = [], script = '', primaryExtra = '' }) {
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body>` +
    `<div id="react-root"><main><div data-testid="primaryColumn">${primaryExtra}<section id="timeline">${articles.join('\n')}</section>` +
    `</div></main></div>${script ? `<script>${script}</script>` : ''}</body></html>`;
}

/** A page no profile recognises (a news site). */
export function newsPage() {
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>ニュース</title></head><body>` +
    `<h1>地域のニュース</h1><p>今夜、熊本で花火大会が開かれます。</p><p>自殺防止の相談窓口をご利用ください。</p></body></html>`;
}
