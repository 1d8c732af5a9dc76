import { createHash } from 'node:crypto';

/**
 * The public pages' only style sheet and script, served from our origin (the CSP allows no
 * inline style or script). The script is an enhancement: the photos are plain <img>/<picture>
 * in the HTML, each linked to its large JPEG, so everything shows without it. With it: a
 * lightbox (keyboard: ←/→/Esc; swipe; focus kept inside and given back) and analytics by
 * navigator.sendBeacon — impressions (a tile half in view for a second), views (opened
 * large), clicks (contact and social links) — batched, never with a cookie or an identifier.
 * It sends nothing when the browser says Do Not Track or Global Privacy Control.
 */

export const portfolioCss = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1c1c1c;background:#fafafa}
a{color:#0b5cad}
a:focus-visible,button:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
.skip{position:absolute;left:-9999px}.skip:focus{left:8px;top:8px;background:#fff;padding:8px;z-index:10}
header.profile{max-width:1200px;margin:0 auto;padding:32px 16px 8px;display:flex;gap:20px;align-items:center;flex-wrap:wrap}
header.profile img{border-radius:50%;width:96px;height:96px;object-fit:cover}
header.profile h1{margin:0;font-size:1.8rem}
.bio{margin:4px 0 8px;max-width:60ch;white-space:pre-line}
.links{display:flex;flex-wrap:wrap;gap:8px;padding:0;margin:0;list-style:none}
.links a{display:inline-flex;align-items:center;min-height:44px;padding:0 14px;border:1px solid #c8c8c8;border-radius:22px;text-decoration:none;background:#fff}
main{max-width:1200px;margin:0 auto;padding:16px}
.crumbs{margin:0 0 8px}
.crumbs a{display:inline-flex;min-height:44px;align-items:center}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,240px),1fr));gap:12px;padding:0;margin:0;list-style:none}
.grid li{margin:0}
.grid a{display:block;text-decoration:none;color:inherit;border-radius:6px;overflow:hidden;background:#eee}
.grid img{display:block;width:100%;height:auto}
.card h2{font-size:1.1rem;margin:8px 8px 0}
.card p{margin:0 8px 8px;color:#555}
.empty{color:#555}
footer{max-width:1200px;margin:0 auto;padding:24px 16px;color:#666;font-size:.875rem}
.lightbox{position:fixed;inset:0;background:rgba(0,0,0,.92);display:flex;align-items:center;justify-content:center;z-index:20;touch-action:pan-y}
.lightbox[hidden]{display:none}
.lightbox img{max-width:100vw;max-height:100vh;width:auto;height:auto;object-fit:contain}
.lightbox button{position:absolute;min-width:48px;min-height:48px;background:rgba(0,0,0,.5);color:#fff;border:1px solid #777;border-radius:24px;font-size:1.4rem;cursor:pointer}
.lightbox .close{top:12px;right:12px}
.lightbox .prev{left:12px;top:50%}
.lightbox .next{right:12px;top:50%}
.lightbox .caption{position:absolute;bottom:12px;left:0;right:0;text-align:center;color:#ddd}
@media (prefers-reduced-motion:no-preference){.lightbox img{transition:opacity .15s}}
`;

export const portfolioJs = `(function () {
  'use strict';
  var body = document.body;
  var portfolio = body.getAttribute('data-portfolio');
  if (!portfolio) return;
  var collection = body.getAttribute('data-collection') || undefined;
  var endpoint = body.getAttribute('data-events');
  var quiet = navigator.doNotTrack === '1' || window.doNotTrack === '1' || navigator.globalPrivacyControl === true;
  var queue = [];
  var timer = null;
  var referrer = '';
  try { if (document.referrer) { var from = new URL(document.referrer); if (from.host !== location.host) referrer = from.hostname; } } catch (e) {}
  function flush() {
    timer = null;
    if (quiet || queue.length === 0 || !endpoint) { queue = []; return; }
    while (queue.length > 0) {
      var batch = queue.splice(0, 50);
      var payload = { portfolio: portfolio, events: batch };
      if (referrer) payload.referrer = referrer;
      var blob = new Blob([JSON.stringify(payload)], { type: 'application/json' });
      if (!(navigator.sendBeacon && navigator.sendBeacon(endpoint, blob))) {
        fetch(endpoint, { method: 'POST', body: blob, keepalive: true, credentials: 'omit', headers: { 'content-type': 'application/json' } }).catch(function () {});
      }
    }
  }
  function track(event) {
    if (quiet) return;
    if (collection && !event.collectionId) event.collectionId = collection;
    queue.push(event);
    if (queue.length >= 50) flush();
    else if (!timer) timer = setTimeout(flush, 2000);
  }
  document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'hidden') flush(); });
  window.addEventListener('pagehide', flush);

  var tiles = Array.prototype.slice.call(document.querySelectorAll('a[data-photo]'));
  if ('IntersectionObserver' in window) {
    var seen = {};
    var pending = {};
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        var id = entry.target.getAttribute('data-photo');
        if (entry.isIntersecting) {
          if (seen[id] || pending[id]) return;
          pending[id] = setTimeout(function () { seen[id] = true; delete pending[id]; observer.unobserve(entry.target); track({ kind: 'impression', photoId: id }); }, 1000);
        } else if (pending[id]) { clearTimeout(pending[id]); delete pending[id]; }
      });
    }, { threshold: 0.5 });
    tiles.forEach(function (tile) { observer.observe(tile); });
  }
  Array.prototype.forEach.call(document.querySelectorAll('a[data-track]'), function (link) {
    link.addEventListener('click', function () { track({ kind: 'click', target: link.getAttribute('data-track') }); flush(); });
  });

  if (tiles.length === 0) return;
  var box = document.createElement('div');
  box.className = 'lightbox';
  box.hidden = true;
  box.setAttribute('role', 'dialog');
  box.setAttribute('aria-modal', 'true');
  box.setAttribute('aria-label', 'Photo viewer');
  var image = document.createElement('img');
  image.alt = '';
  var caption = document.createElement('p');
  caption.className = 'caption';
  function button(cls, label, text) { var b = document.createElement('button'); b.type = 'button'; b.className = cls; b.setAttribute('aria-label', label); b.textContent = text; box.appendChild(b); return b; }
  box.appendChild(image);
  box.appendChild(caption);
  var closeButton = button('close', 'Close', '\\u00d7');
  var prevButton = button('prev', 'Previous photo', '\\u2039');
  var nextButton = button('next', 'Next photo', '\\u203a');
  body.appendChild(box);
  var current = -1;
  var opener = null;
  function show(index) {
    current = (index + tiles.length) % tiles.length;
    var tile = tiles[current];
    var thumb = tile.querySelector('img');
    image.src = tile.getAttribute('data-large') || tile.href;
    image.srcset = tile.getAttribute('data-srcset') || '';
    image.sizes = '100vw';
    image.alt = thumb ? thumb.alt : '';
    caption.textContent = (current + 1) + ' / ' + tiles.length;
    track({ kind: 'view', photoId: tile.getAttribute('data-photo') });
  }
  function open(index) { opener = document.activeElement; box.hidden = false; body.style.overflow = 'hidden'; show(index); closeButton.focus(); }
  function close() { box.hidden = true; body.style.overflow = ''; current = -1; if (opener && opener.focus) opener.focus(); }
  tiles.forEach(function (tile, index) {
    tile.addEventListener('click', function (event) {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      open(index);
    });
  });
  closeButton.addEventListener('click', close);
  prevButton.addEventListener('click', function () { show(current - 1); });
  nextButton.addEventListener('click', function () { show(current + 1); });
  box.addEventListener('click', function (event) { if (event.target === box) close(); });
  document.addEventListener('keydown', function (event) {
    if (box.hidden) return;
    if (event.key === 'Escape') { event.preventDefault(); close(); }
    else if (event.key === 'ArrowLeft') { event.preventDefault(); show(current - 1); }
    else if (event.key === 'ArrowRight') { event.preventDefault(); show(current + 1); }
    else if (event.key === 'Tab') {
      var focusable = [closeButton, prevButton, nextButton];
      var at = focusable.indexOf(document.activeElement);
      event.preventDefault();
      focusable[(at + (event.shiftKey ? -1 : 1) + focusable.length) % focusable.length].focus();
    }
  });
  var startX = null;
  box.addEventListener('pointerdown', function (event) { startX = event.clientX; });
  box.addEventListener('pointerup', function (event) {
    if (startX === null) return;
    var moved = event.clientX - startX;
    startX = null;
    if (Math.abs(moved) > 50) show(current + (moved < 0 ? 1 : -1));
  });
})();
`;

/** Content hashes: the assets' URLs change with them, so they are cached for a year. */
export const assetVersion = createHash('sha256').update(portfolioCss).update(portfolioJs).digest('hex').slice(0, 12);
