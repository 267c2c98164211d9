// Progressive enhancement for the licensing form. The form works without it;
// with it: the error summary takes focus and its links land on their control,
// the indicative fee updates as the user types (POST /api/v1/quote, asked only
// once the form can be priced, announced politely) and stays in view in a bar at
// the foot of the screen, article rows are added and removed without a round
// trip, and an article's word count is asked for only when an extract is chosen.
// Plain browser JavaScript, no build step; loaded with `defer` (CSP: script-src 'self').
(function () {
  'use strict';
  var form = document.getElementById('licensing-form');
  if (!form || !window.fetch || !window.FormData) return;
  var locale = document.documentElement.lang || 'en';

  var fill = function (template, params) {
    return template.replace(/\{(\w+)\}/g, function (m, name) {
      return name in params ? String(params[name]) : m;
    });
  };

  // ---- Error summary -------------------------------------------------------
  var summary = document.getElementById('error-summary');
  if (summary) {
    summary.focus();
    summary.addEventListener('click', function (event) {
      var link = event.target.closest('a[href^="#"]');
      var target = link && document.getElementById(link.getAttribute('href').slice(1));
      if (!target) return;
      event.preventDefault();
      // Show the question with its control: the legend or label sits above the field.
      var group = target.closest('fieldset.field') || target.closest('.field') || target;
      group.scrollIntoView({ block: 'start' });
      target.focus({ preventScroll: true });
    });
  }

  // ---- Form fields → the JSON request, as src/http/public/form-to-request.ts does ----
  var GROUPED = /^\d{1,3}([ ,.'\u00a0\u202f]\d{3})+$/;
  var MAX_ROWS = 20;
  function toRequest(data) {
    var text = function (name) {
      var v = data.get(name);
      return typeof v !== 'string' || v.trim() === '' ? undefined : v;
    };
    var bool = function (name) {
      var v = text(name);
      return v === 'true' ? true : v === 'false' ? false : v;
    };
    var whole = function (name) {
      var v = text(name);
      if (v === undefined) return undefined;
      var t = v.trim();
      if (/^\d+$/.test(t) || GROUPED.test(t)) {
        var n = Number(t.replace(/\D/g, ''));
        if (Number.isSafeInteger(n)) return n;
      }
      return v;
    };
    var defined = function (o) {
      var out = {};
      Object.keys(o).forEach(function (k) {
        if (o[k] !== undefined) out[k] = o[k];
      });
      return out;
    };
    var max = -1;
    data.forEach(function (_v, key) {
      var m = /^articles\[(\d{1,4})\]\[/.exec(key);
      if (m) max = Math.max(max, Number(m[1]));
    });
    var rows = Math.min(max + 1, MAX_ROWS + 1);
    var articles = [];
    for (var i = 0; i < rows; i++) {
      var p = 'articles[' + i + ']';
      var a = defined({
        url: text(p + '[url]'),
        title: text(p + '[title]'),
        portion: text(p + '[portion]'),
        extractWords: whole(p + '[extractWords]'),
      });
      var filled = a.url !== undefined || a.title !== undefined || a.extractWords !== undefined;
      if (filled || (i === 0 && rows === 1 && Object.keys(a).length)) articles.push(a);
    }
    if (articles.length === 0) articles.push({});
    articles.forEach(function (a) {
      if (a.portion === 'full') delete a.extractWords;
    });
    var countries = data.getAll('usage[countries]').filter(function (c) {
      return c.trim() !== '';
    });
    var territory = text('usage[territory]');
    return defined({
      locale: text('locale'),
      requester: defined({
        name: text('requester[name]'),
        email: text('requester[email]'),
        phone: text('requester[phone]'),
        jobTitle: text('requester[jobTitle]'),
      }),
      organisation: defined({
        name: text('organisation[name]'),
        type: text('organisation[type]'),
        country: text('organisation[country]'),
        website: text('organisation[website]'),
        nonProfit: bool('organisation[nonProfit]'),
      }),
      articles: articles,
      usage: defined({
        medium: text('usage[medium]'),
        territory: territory,
        countries: territory === 'worldwide' || countries.length === 0 ? undefined : countries,
        language: text('usage[language]'),
        translation: bool('usage[translation]'),
        audience: whole('usage[audience]'),
        startDate: text('usage[startDate]'),
        durationMonths: whole('usage[durationMonths]'),
        exclusive: bool('usage[exclusive]'),
        commercial: bool('usage[commercial]'),
        images: bool('usage[images]'),
      }),
      message: text('message'),
      consent: bool('consent'),
    });
  }

  // ---- What a quote needs ------------------------------------------------------
  // The fields schemas/quote-request.schema.json requires, checked as it checks them, and the start date's
  // window (src/services/request-checks.ts): the quote is asked for only when it can be priced, so no request
  // is sent to be refused.
  var DAY = 86400000;
  var isoDay = function (time) {
    return new Date(time).toISOString().slice(0, 10);
  };
  var within = function (n, min, max) {
    return typeof n === 'number' && n >= min && n <= max;
  };
  var yesNo = function (v) {
    return v === true || v === false;
  };
  function httpUrl(text) {
    var url = text === undefined ? '' : text.trim();
    if (!/^https?:\/\/[^\s/?#@]+([/?#]\S*)?$/i.test(url)) return false; // no user name or password
    if (!window.URL.canParse) return url.length <= 2048 && /^[\x21-\x7e]+$/.test(url); // older browsers
    // Letters beyond ASCII are accepted and stored percent-encoded, as the browser writes the address.
    return window.URL.canParse(url) && (/^[\x21-\x7e]+$/.test(url) ? url : new URL(url).href).length <= 2048;
  }
  function startDate(text) {
    var m = text === undefined ? null : /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
    if (!m) return false;
    var day = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    if (isoDay(day) !== m[0]) return false; // 2027-02-30 is no date
    var today = Date.now();
    return m[0] >= isoDay(today - DAY) && m[0] <= isoDay(today + 5 * 366 * DAY);
  }
  function pricable(req) {
    var u = req.usage;
    var countries = (u.countries || []).length;
    var articles =
      req.articles.length <= MAX_ROWS &&
      req.articles.every(function (a) {
        var title = a.title === undefined ? '' : a.title.trim();
        var portion = a.portion === 'full' || (a.portion === 'extract' && within(a.extractWords, 1, 100000));
        return httpUrl(a.url) && title.length > 0 && title.length <= 300 && portion;
      });
    var territory =
      u.territory === 'worldwide' ||
      (u.territory === 'single_country' && countries === 1) ||
      (u.territory === 'region' && countries >= 2);
    return (
      articles &&
      territory &&
      u.medium !== undefined &&
      u.language !== undefined &&
      within(u.audience, 0, 10000000000) &&
      startDate(u.startDate) &&
      within(u.durationMonths, 1, 120) &&
      [u.translation, u.exclusive, u.commercial, u.images].every(yesNo)
    );
  }

  // ---- Live quote ------------------------------------------------------------
  var box = document.getElementById('live-quote');
  var rtl = document.documentElement.dir === 'rtl';
  // Formatters are made when a fee first arrives: on a slow phone each costs tens of milliseconds.
  var moneyFormats = {};
  var dateFmt = null;
  // As the server formats money (src/i18n/index.ts): in right-to-left text the currency symbol is isolated.
  var money = function (minor, currency) {
    var fmt = (moneyFormats[currency] =
      moneyFormats[currency] || new Intl.NumberFormat(locale, { style: 'currency', currency: currency }));
    var value = minor / Math.pow(10, fmt.resolvedOptions().maximumFractionDigits);
    if (!rtl) return fmt.format(value);
    return fmt
      .formatToParts(value)
      .map(function (p) {
        return p.type === 'currency' ? '\u2066' + p.value + '\u2069' : p.value;
      })
      .join('');
  };
  var longDate = function (iso) {
    dateFmt = dateFmt || new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
    return dateFmt.format(new Date(iso));
  };
  var el = function (tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      node[k] = props[k];
    });
    (children || []).forEach(function (c) {
      node.append(c);
    });
    return node;
  };
  // Amounts are isolated so a Latin "£1,200.00" keeps its order inside Arabic text.
  var amount = function (text) {
    return el('bdi', { textContent: text });
  };

  /** The short, announced part: the total, or why there is none. */
  function quoteSummary(q) {
    if (q.referToDesk)
      return [el('p', { className: 'quote-referred' }, [el('strong', { textContent: box.dataset.referred })])];
    return [
      el('p', { className: 'live-total' }, [
        box.dataset.total + ' ',
        el('strong', {}, [amount(money(q.totalMinor, q.currency))]),
      ]),
    ];
  }
  /** The breakdown beside it, for whoever wants to read it. */
  function quoteBreakdown(q) {
    if (q.referToDesk) {
      return [
        el('p', { textContent: box.dataset.reasons }),
        el(
          'ul',
          { className: 'quote-reasons' },
          q.reasons.map(function (r) {
            return el('li', { textContent: r.message });
          }),
        ),
      ];
    }
    var rows = q.lines.map(function (l) {
      return el('tr', {}, [
        el('th', { scope: 'row', textContent: l.label }),
        el('td', { className: 'amount' }, [amount(money(l.amountMinor, q.currency))]),
      ]);
    });
    var total = el('tr', {}, [
      el('th', { scope: 'row', textContent: box.dataset.total }),
      el('td', { className: 'amount total' }, [amount(money(q.totalMinor, q.currency))]),
    ]);
    return [
      el('table', { className: 'quote-table' }, [
        el('caption', {
          className: 'visually-hidden',
          textContent: document.getElementById('live-quote-title').textContent,
        }),
        el('tbody', {}, rows),
        el('tfoot', {}, [total]),
      ]),
      el('p', {
        className: 'hint',
        textContent: fill(box.dataset.validUntil, {
          date: longDate(q.validUntil),
          version: q.rateCardVersion,
        }),
      }),
    ];
  }

  // ---- The fee kept in view -------------------------------------------------------
  // A bar fixed at the foot of the screen shows the fee while the quote itself is further down, and hides once the
  // quote comes into view, so the button after it is never covered. Scrolling to a focused field keeps the field
  // above the bar (scroll padding); the bar's one link, next in the tab order after the use, leads to the quote.
  var bar = document.getElementById('fee-bar');
  var barText = document.getElementById('fee-bar-text');
  var quoteSection = box && box.closest('section');
  var feeKnown = false;
  var quoteBelow = true;
  function placeBar() {
    var visible = feeKnown && quoteBelow;
    if (!visible && bar.hidden) return;
    bar.hidden = !visible;
    // Room for the focused field's outline too.
    document.documentElement.style.scrollPaddingBlockEnd = visible ? bar.offsetHeight + 12 + 'px' : '';
  }
  function barShows(q) {
    feeKnown = Boolean(q);
    if (q && q.referToDesk) barText.replaceChildren(box.dataset.referred);
    else if (q)
      barText.replaceChildren(barText.dataset.label + ' ', el('strong', {}, [amount(money(q.totalMinor, q.currency))]));
    placeBar();
  }
  if (bar && barText && quoteSection && window.IntersectionObserver) {
    new window.IntersectionObserver(function (entries) {
      var entry = entries[entries.length - 1];
      quoteBelow = !entry.isIntersecting && entry.boundingClientRect.top > 0;
      placeBar();
    }).observe(quoteSection);
    bar.querySelector('a').addEventListener('click', function (event) {
      // The link's target takes focus, so the bar hiding does not leave focus nowhere.
      var title = document.getElementById('live-quote-title');
      event.preventDefault();
      title.setAttribute('tabindex', '-1');
      quoteSection.scrollIntoView({ block: 'start' });
      title.focus({ preventScroll: true });
    });
  } else bar = null;

  var breakdown = document.getElementById('live-quote-breakdown');
  var shown = '';
  var slow = 0;
  /** Shows a quote's summary and breakdown (`q` the quote, or nothing when there is no fee to show). */
  function show(key, summaryNodes, breakdownNodes, q) {
    clearTimeout(slow);
    box.setAttribute('aria-busy', 'false');
    if (breakdown) breakdown.classList.remove('is-updating');
    if (key === shown) return; // nothing new: say nothing
    shown = key;
    box.replaceChildren.apply(box, summaryNodes);
    if (breakdown) breakdown.replaceChildren.apply(breakdown, breakdownNodes);
    if (bar) barShows(q);
  }
  var incomplete = function () {
    show('incomplete', [el('p', { textContent: box.dataset.incomplete })], []);
  };

  var pending = null;
  var timer = 0;
  var asked = '';
  function refreshQuote() {
    var req = toRequest(new FormData(form));
    if (!pricable(req)) {
      if (pending) pending.abort();
      asked = '';
      return incomplete();
    }
    // Only what prices the request is sent: a mistyped email or website must not hide the fee.
    var body = JSON.stringify({
      locale: req.locale,
      organisation: req.organisation.nonProfit === undefined ? undefined : { nonProfit: req.organisation.nonProfit },
      articles: req.articles,
      usage: req.usage,
    });
    if (body === asked) return; // only the requester's details changed: the fee has not
    asked = body;
    if (pending) pending.abort();
    var controller = (pending = new AbortController());
    box.setAttribute('aria-busy', 'true');
    clearTimeout(slow);
    // A slow answer is shown as such (not announced: the region is busy meanwhile).
    slow = setTimeout(function () {
      if (breakdown) {
        breakdown.classList.add('is-updating');
        breakdown.setAttribute('data-label', box.dataset.updating);
      }
    }, 600);
    fetch('/api/v1/quote', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body,
      signal: controller.signal,
      credentials: 'same-origin',
    })
      .then(function (res) {
        if (res.ok)
          return res.json().then(function (q) {
            show(JSON.stringify(q), quoteSummary(q), quoteBreakdown(q), q);
          });
        if (res.status === 400) return incomplete(); // a rule the checks above do not know
        asked = ''; // busy server or rate limit: keep what is shown, ask again at the next change
        show(shown, [], []);
      })
      .catch(function (err) {
        if (err.name === 'AbortError') return;
        asked = '';
        show(shown, [], []);
      });
  }
  function scheduleQuote() {
    clearTimeout(timer);
    timer = setTimeout(refreshQuote, 400);
  }
  if (box) {
    form.addEventListener('input', scheduleQuote);
    form.addEventListener('change', scheduleQuote);
    setTimeout(refreshQuote, 0); // a task of its own: the script's first one stays short
  }

  // ---- Article rows ------------------------------------------------------------
  var list = form.querySelector('.article-rows');
  var addButton = form.querySelector('.add-article');
  if (!list || !addButton) return;
  var maxRows = Number(list.dataset.max) || MAX_ROWS;
  var rowsOf = function () {
    return Array.prototype.slice.call(list.querySelectorAll('.article-row'));
  };

  /** Gives a row the names, ids and labels of position i, so the server reads rows in order. */
  function setIndex(row, i, count) {
    row.dataset.index = String(i);
    row.querySelectorAll('[id],[for],[name],[aria-describedby],button[value]').forEach(function (node) {
      ['id', 'for', 'name', 'aria-describedby'].forEach(function (attr) {
        var v = node.getAttribute(attr);
        if (v)
          node.setAttribute(
            attr,
            v.replace(/articles\[\d+\]/g, 'articles[' + i + ']').replace(/f-articles-\d+-/g, 'f-articles-' + i + '-'),
          );
      });
      if (node.matches('button.remove-article')) {
        node.value = 'remove_article:' + i;
        node.textContent = fill(list.dataset.remove, { n: i + 1 });
        node.hidden = count < 2;
      }
    });
    row.querySelector('legend').textContent = fill(list.dataset.legend, { n: i + 1 });
  }
  function renumber() {
    var rows = rowsOf();
    rows.forEach(function (row, i) {
      setIndex(row, i, rows.length);
    });
    addButton.hidden = rows.length >= maxRows;
  }

  /** The word count only matters for an extract: shown when "extract" is chosen, hidden for the full text. */
  function syncExtract(row) {
    var words = row.querySelector('input[name$="[extractWords]"]');
    var extract = row.querySelector('input[type="radio"][name$="[portion]"][value="extract"]');
    var field = words && words.closest('.field');
    if (!field || !extract) return;
    // A field the server marked as wrong stays in view whatever is chosen.
    field.hidden = !extract.checked && !field.classList.contains('field--error');
  }
  rowsOf().forEach(syncExtract);
  list.addEventListener('change', function (event) {
    if (event.target.matches('input[type="radio"][name$="[portion]"]'))
      syncExtract(event.target.closest('.article-row'));
  });

  /** A new row is a copy of the first, emptied and without error state. */
  function blankRow() {
    var row = rowsOf()[0].cloneNode(true);
    row.querySelectorAll('.field-error').forEach(function (n) {
      n.remove();
    });
    row.querySelectorAll('.field--error').forEach(function (n) {
      n.classList.remove('field--error');
    });
    row.querySelectorAll('[aria-invalid]').forEach(function (n) {
      n.removeAttribute('aria-invalid');
    });
    row.querySelectorAll('[aria-describedby]').forEach(function (n) {
      var ids = n
        .getAttribute('aria-describedby')
        .split(' ')
        .filter(function (id) {
          return !/-error$/.test(id);
        });
      if (ids.length) n.setAttribute('aria-describedby', ids.join(' '));
      else n.removeAttribute('aria-describedby');
    });
    // Renamed before it enters the page: a checked radio joining row 1's group would uncheck row 1's choice.
    setIndex(row, rowsOf().length, rowsOf().length + 1);
    row.querySelectorAll('input').forEach(function (input) {
      if (input.type === 'radio') input.checked = input.value === 'full';
      else input.value = '';
    });
    syncExtract(row);
    return row;
  }

  addButton.addEventListener('click', function (event) {
    event.preventDefault();
    if (rowsOf().length >= maxRows) return;
    var row = blankRow();
    list.append(row);
    renumber();
    row.querySelector('input').focus();
    scheduleQuote();
  });

  list.addEventListener('click', function (event) {
    var button = event.target.closest('button.remove-article');
    if (!button) return;
    event.preventDefault();
    var rows = rowsOf();
    if (rows.length < 2) return;
    var index = rows.indexOf(button.closest('.article-row'));
    rows[index].remove();
    renumber();
    // Focus goes to the row that took its place, or to the one before it.
    var next = rowsOf()[Math.min(index, rowsOf().length - 1)];
    next.querySelector('input').focus();
    scheduleQuote();
  });
})();
