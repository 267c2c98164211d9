// The footer snippet for a CMS: <a data-reprise-link>…</a> plus <script src="…/licensing/embed.js" async></script>.
// Each marked link goes to the form with this article filled in: its canonical URL, its title (og:title, else the
// page title) and its language. No dependencies. The form's address is written in by the service when it serves the
// script (never read from the page, which the publisher's readers may have a hand in).
(function () {
  'use strict';
  if (!window.URLSearchParams) return;
  var form = '__REPRISE_FORM__';
  var meta = function (selector, attribute) {
    var element = document.querySelector(selector);
    return element ? (element.getAttribute(attribute) || '').trim() : '';
  };
  var run = function () {
    var canonical = document.querySelector('link[rel="canonical"]');
    var params = new URLSearchParams();
    params.set('url', canonical ? canonical.href : location.href.split('#')[0]);
    params.set('title', (meta('meta[property="og:title"]', 'content') || document.title || '').slice(0, 300));
    var lang = (document.documentElement.lang || '').slice(0, 2).toLowerCase();
    if (lang === 'en' || lang === 'fr' || lang === 'ar') params.set('lang', lang);
    var links = document.querySelectorAll('a[data-reprise-link]');
    for (var i = 0; i < links.length; i++) links[i].href = form + '?' + params.toString();
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', run);
  else run();
})();
