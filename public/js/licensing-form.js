// Progressive enhancement for the licensing form. The form works without it;
// with it: the error summary takes focus and its links land on their control,
// the indicative fee updates as the user types (POST /api/v1/quote, announced
// politely), article rows are added and removed without a round trip, and an
// article's word count is asked for only when an extract is chosen.
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

  // ---- Live quote ------------------------------------------------------------
  var box = document.getElementById('live-quote');
  var rtl = document.documentElement.dir === 'rtl';
  // As the server formats money (src/i18n/index.ts): in right-to-left text the currency symbol is isolated.
  var money = function (minor, currency) {
    var fmt = new Intl.NumberFormat(locale, { style: 'currency', currency: currency });
    var value = minor / Math.pow(10, fmt.resolvedOptions().maximumFractionDigits);
    if (!rtl) return fmt.format(value);
    return fmt
      .formatToParts(value)
      .map(function (p) {
        return p.type === 'currency' ? '\u2066' + p.value + '\u2069' : p.value;
      })
      .join('');
  };
  var dateFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
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
          date: dateFmt.format(new Date(q.validUntil)),
          version: q.rateCardVersion,
        }),
      }),
    ];
  }

  var breakdown = document.getElementById('live-quote-breakdown');
  var shown = '';
  var slow = 0;
  function show(key, summaryNodes, breakdownNodes) {
    clearTimeout(slow);
    box.setAttribute('aria-busy', 'false');
    if (breakdown) breakdown.classList.remove('is-updating');
    if (key === shown) return; // nothing new: say nothing
    shown = key;
    box.replaceChildren.apply(box, summaryNodes);
    if (breakdown) breakdown.replaceChildren.apply(breakdown, breakdownNodes);
  }

  var pending = null;
  var timer = 0;
  function refreshQuote() {
    var req = toRequest(new FormData(form));
    // Only what prices the request is sent: a mistyped email or website must not hide the fee.
    var body = JSON.stringify({
      locale: req.locale,
      organisation: req.organisation.nonProfit === undefined ? undefined : { nonProfit: req.organisation.nonProfit },
      articles: req.articles,
      usage: req.usage,
    });
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
            show(JSON.stringify(q), quoteSummary(q), quoteBreakdown(q));
          });
        if (res.status === 400) return show('incomplete', [el('p', { textContent: box.dataset.incomplete })], []);
        show(shown, [], []); // busy server or rate limit: keep what is shown
      })
      .catch(function (err) {
        if (err.name !== 'AbortError') show(shown, [], []);
      });
  }
  function scheduleQuote() {
    clearTimeout(timer);
    timer = setTimeout(refreshQuote, 400);
  }
  if (box) {
    form.addEventListener('input', scheduleQuote);
    form.addEventListener('change', scheduleQuote);
    refreshQuote();
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
