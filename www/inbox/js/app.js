// The supervisors' pages: a hash router over small views. The session lives in an HttpOnly cookie
// set by the endpoint; this module only knows who is logged in and which view to show.
import { clear, notice } from './dom.js';
import * as session from './session.js';
import { renderLogin } from './views/login.js';
import { renderInbox } from './views/inbox.js';
import { renderCase } from './views/case.js';
import { renderHolds } from './views/holds.js';
import { renderTakedowns } from './views/takedowns.js';
import { renderReports } from './views/reports.js';
import { renderProviders } from './views/providers.js';
import { renderAudit } from './views/audit.js';

const ROUTES = {
  inbox: renderInbox,
  case: renderCase,
  holds: renderHolds,
  takedowns: renderTakedowns,
  reports: renderReports,
  providers: renderProviders,
  audit: renderAudit,
};
/** Views only some roles may open (the endpoint refuses the rest anyway; this keeps the menu honest). */
const ROLES_FOR = { reports: ['supervisor', 'admin'], audit: ['admin'] };

let me = null;
let renderSeq = 0;

/** "#/case/12" → {name: 'case', args: ['12']}; a malformed escape in a pasted link is kept as typed. */
function parseHash() {
  const decode = (p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  };
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decode);
  return { name: parts[0] || 'inbox', args: parts.slice(1) };
}

function showChrome(user) {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  nav.classList.toggle('hidden', !user);
  who.classList.toggle('hidden', !user);
  if (!user) return;
  document.getElementById('who-name').textContent = session.describe(user);
  for (const a of nav.querySelectorAll('a[data-roles]')) a.classList.toggle('hidden', !a.getAttribute('data-roles').split(' ').includes(user.role));
}

function markCurrent(name) {
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.getAttribute('data-route') === (name === 'case' ? 'inbox' : name)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

async function route() {
  const seq = ++renderSeq;
  const main = document.getElementById('main');
  if (!me) {
    try {
      me = await session.current();
    } catch (err) {
      if (seq !== renderSeq) return;
      const retry = document.createElement('button');
      retry.type = 'button';
      retry.textContent = '再読み込み';
      retry.addEventListener('click', () => route());
      clear(main).append(notice('error', err?.message || String(err)), retry);
      return;
    }
  }
  if (seq !== renderSeq) return;
  showChrome(me);
  if (!me) {
    clear(main);
    renderLogin(main, async (user) => {
      me = user;
      if (!location.hash || location.hash === '#/login') location.hash = '#/inbox';
      else route();
    });
    return;
  }
  const { name, args } = parseHash();
  const view = ROUTES[name];
  markCurrent(name);
  clear(main);
  if (!view) {
    main.append(notice('error', 'ページが見つかりません。'));
    return;
  }
  if (me.role === 'volunteer') {
    main.append(notice('error', '監督者ページは警察官・監督者・管理者が利用します。報告は拡張機能から行ってください。'));
    return;
  }
  if (ROLES_FOR[name] && !ROLES_FOR[name].includes(me.role)) {
    main.append(notice('error', name === 'audit' ? 'このページは管理者のみ利用できます。' : 'このページは監督者・管理者が利用します。'));
    return;
  }
  try {
    await view(main, { me, args, isCurrent: () => seq === renderSeq });
  } catch (err) {
    if (seq !== renderSeq) return;
    main.append(notice('error', err?.message || String(err)));
  }
}

window.addEventListener('hashchange', route);
window.addEventListener('patrol:unauthorized', () => {
  if (!me) return;
  me = null;
  route();
});
document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('logout').addEventListener('click', async () => {
    await session.logout();
    me = null;
    location.hash = '#/login';
    route();
  });
  route();
});
