/**
 * The console's page, stylesheet and script, served from memory (nothing to build, nothing from a
 * CDN: decision 0040). The script is plain browser JavaScript kept in a string so it ships in dist
 * with the rest; it writes vendor text with textContent only, never as HTML, and binds events in
 * code, so the CSP forbids every inline script and handler.
 */

export const CONSOLE_HTML =
  `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ics-conformance console</title>
<link rel="stylesheet" href="/console/console.css">
<script src="/console/console.js" defer></script>
</head>
<body>
<header><h1>ics-conformance <span>console</span></h1><nav id="nav" hidden><button data-tab="sessions" ` +
  `class="tab on">Sessions</button><button data-tab="runs" class="tab">Runs</button><button id="logout" ` +
  `class="link">Log out</button></nav></header>
<main>
<section id="login" hidden>
  <h2>Log in</h2>
  <p>Enter the server's control token (printed by <code>ics-conformance console</code>, or <code>$ICS_CONTROL_TOKEN</code>).</p>
  <form id="login-form"><input id="login-token" type="password" autocomplete="current-password" ` +
  `placeholder="control token" aria-label="control token"> <button id="login-btn" type="submit">Log in</button></form>
  <p id="login-error" class="error" role="alert"></p>
</section>
<section id="sessions" hidden>
  <div class="cols">
    <div class="col-left">
      <h2>Sessions</h2>
      <form id="session-form" class="row"><input id="new-session-name" placeholder="vendor / session name" aria-label="session name" maxlength="100">
        <select id="new-session-dataset" aria-label="dataset"><option value="">no data</option><option value="hannah">Hannah's story</option><option value="population">population</option></select>
        <button id="create-session" type="submit">Create</button></form>
      <p id="session-error" class="error" role="alert"></p>
      <div id="credentials" hidden></div>
      <table id="session-list"><thead><tr><th>Session</th><th>Name</th><th>Clients</th><th></th></tr></thead><tbody></tbody></table>
    </div>
    <div class="col-right">
      <h2 id="journal-title">Journal</h2>
      <p id="journal-hint" class="muted">Open a session's journal: every exchange appears here as it happens.</p>
      <div id="journal-filters" class="row" hidden>
        <select id="f-service" aria-label="service"><option value="">every service</option><option>contactpoint</option><option>ecaf</option></select>
        <input id="f-operation" placeholder="operation" aria-label="operation">
        <select id="f-verdict" aria-label="verdict"><option value="">every verdict</option><option>accepted</option><option>rejected</option><option>fault</option><option>error</option></select>
        <input id="f-child" placeholder="child (name or NHS number)" aria-label="child">
        <span id="journal-count" class="muted"></span>
      </div>
      <ol id="journal"></ol>
    </div>
  </div>
</section>
<section id="runs" hidden>
  <div class="cols">
    <div class="col-left">
      <h2>Start a run</h2>
      <form id="run-form">
        <label for="statement">Conformance statement (YAML or JSON)</label>
        <textarea id="statement" rows="12" spellcheck="false" placeholder="vendor: ...&#10;product: ...&#10;version: ...&#10;sourceSystemType: ics&#10;capabilities: [contactpoint-feed]"></textarea>
        <div class="row"><input id="statement-file" type="file" accept=".yml,.yaml,.json" aria-label="upload statement"></div>
        <div class="row"><input id="sut-url" placeholder="driver API URL (or sut.driverUrl)" aria-label="driver API URL">
        <label class="inline"><input id="interactive" type="checkbox"> witnessed (a tester acts in the ICS)</label></div>
        <button id="start-run" type="submit">Start run</button>
      </form>
      <div id="run-error" class="error" role="alert"></div>
      <h2>Past runs</h2>
      <table id="run-list"><thead><tr><th>A</th><th>B</th><th>Run</th><th>System</th><th>Verdict</th><th></th></tr></thead><tbody></tbody></table>
      <button id="diff-runs" type="button">Diff A → B</button>
      <pre id="diff" hidden></pre>
    </div>
    <div class="col-right" id="run-view">
      <p class="muted" id="run-hint">Start a run or pick one: its progress, the tester's cards and the verdict show here live.</p>
      <div id="run-head" hidden><h2 id="run-title"></h2><p><span id="run-state" class="badge"></span> <span id="run-verdict" class="badge"></span> <span id="run-progress"></span></p>
        <div class="bar"><div id="run-bar"></div></div><p id="run-links"></p>
        <form id="stop-form" class="row" hidden><input id="stop-by" placeholder="your name" aria-label="who ` +
  `stops the run" maxlength="100"><button id="stop-run" type="submit" class="danger">Stop run (bundle marked ` +
  `INCOMPLETE)</button></form></div>
      <div id="cards"></div>
      <table id="run-tests"><thead><tr><th>Test</th><th>Status</th><th>Why</th><th></th></tr></thead><tbody></tbody></table>
    </div>
  </div>
</section>
</main>
</body>
</html>
`;

export const CONSOLE_CSS = `
:root { --fg:#1b1f24; --muted:#59636e; --line:#d0d7de; --bg:#f6f8fa; --ok:#1a7f37; --bad:#cf222e; --warn:#9a6700; --acc:#0969da; }
* { box-sizing: border-box; }
[hidden] { display:none !important; }
button { white-space:nowrap; }
body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--fg); background:#fff; }
header { display:flex; align-items:center; justify-content:space-between; padding:8px 16px; border-bottom:1px solid var(--line); background:var(--bg); }
h1 { font-size:18px; margin:0; } h1 span { color:var(--muted); font-weight:400; }
h2 { font-size:16px; margin:12px 0 8px; }
main { padding:0 16px 24px; }
nav button { margin-left:4px; }
button { font:inherit; padding:4px 10px; border:1px solid var(--line); border-radius:6px; background:#fff; cursor:pointer; }
button:hover { border-color:var(--acc); }
button.tab.on { background:var(--acc); color:#fff; border-color:var(--acc); }
button.link { border:none; background:none; color:var(--acc); }
button.danger { color:var(--bad); }
input, select, textarea { font:inherit; padding:4px 6px; border:1px solid var(--line); border-radius:6px; }
textarea { width:100%; font-family:ui-monospace, monospace; font-size:12px; }
label { display:block; margin:4px 0; } label.inline { display:inline; }
.row { display:flex; gap:6px; flex-wrap:wrap; align-items:center; margin:6px 0; }
.row input:not([type=checkbox]):not([type=file]) { flex:1; min-width:120px; }
.cols { display:grid; grid-template-columns:minmax(400px, 1fr) 1.4fr; gap:20px; }
.col-left, .col-right { min-width:0; overflow-x:auto; }
@media (max-width: 900px) { .cols { grid-template-columns:1fr; } }
table { border-collapse:collapse; width:100%; margin:6px 0; }
th, td { text-align:left; padding:4px 6px; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-weight:600; color:var(--muted); font-size:12px; }
#run-list code { font-size:11px; word-break:break-all; }
#run-list td > div { white-space:nowrap; }
#run-list a { white-space:nowrap; display:block; }
td.why { color:var(--muted); font-size:12px; word-break:break-word; }
code, pre { font-family:ui-monospace, monospace; font-size:12px; }
pre { background:var(--bg); border:1px solid var(--line); border-radius:6px; padding:8px; overflow:auto; max-height:320px; white-space:pre-wrap; word-break:break-word; margin:4px 0; }
.muted { color:var(--muted); }
.error { color:var(--bad); white-space:pre-wrap; }
.error:empty { display:none; }
#credentials { border:2px solid var(--warn); background:#fff8c5; border-radius:6px; padding:8px; margin:8px 0; }
#journal { list-style:none; padding:0; margin:0; }
.entry { border:1px solid var(--line); border-left:4px solid var(--ok); border-radius:6px; margin:4px 0; }
.entry.rejected, .entry.error { border-left-color:var(--bad); }
.entry.fault { border-left-color:var(--warn); }
.entry summary { cursor:pointer; padding:4px 8px; display:flex; gap:8px; flex-wrap:wrap; }
.entry .body { padding:0 8px 8px; }
.seq { color:var(--muted); min-width:3em; }
.badge:empty { display:none; }
#stop-form input { flex:0 1 220px; }
.badge { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; font-weight:600; background:var(--bg); border:1px solid var(--line); }
.PASSED, .accepted, .pass, .received { color:var(--ok); }
.FAILED, .rejected, .fail, .error-v, .ERROR, .refused { color:var(--bad); }
.WARNING, .REVIEW, .fault, .incomplete { color:var(--warn); }
.SKIPPED, .PENDING { color:var(--muted); }
.RUNNING { color:var(--acc); }
.bar { height:6px; background:var(--bg); border-radius:3px; overflow:hidden; margin:4px 0 8px; }
#run-bar { height:100%; width:0; background:var(--acc); transition:width .2s; }
.card { border:1px solid var(--line); border-left:6px solid var(--acc); border-radius:8px; padding:8px 12px; margin:8px 0; background:#fff; }
.card.received { border-left-color:var(--ok); background:#dafbe1; }
.card.refused { border-left-color:var(--bad); background:#ffebe9; }
.card.done.waiting { opacity:.75; }
.card .what { white-space:pre-wrap; margin:4px 0; color:var(--fg); }
.card .meta { font-size:12px; color:var(--muted); }
.card .msgs { font-size:12px; margin:4px 0 0; padding-left:16px; }
`;

/*
 * Browser JavaScript (ES2020). No template literals or "${" inside: this file is itself a template.
 * Every vendor-controlled value goes through el(...)'s text, i.e. textContent.
 */
export const CONSOLE_JS = String.raw`'use strict';
(function () {
  var $ = function (id) { return document.getElementById(id); };
  function el(tag, attrs, kids) {
    var n = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (k === 'text') n.textContent = attrs[k];
      else if (k === 'cls') n.className = attrs[k];
      else if (attrs[k] !== undefined && attrs[k] !== null && attrs[k] !== false) n.setAttribute(k, attrs[k]);
    }
    (kids || []).forEach(function (c) { if (c) n.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return n;
  }
  function clear(n) { while (n.firstChild) n.removeChild(n.firstChild); }
  function pretty(v) { if (v === undefined) return ''; if (typeof v === 'string') return v; try { return JSON.stringify(v, null, 2);
    } catch (e) { return String(v); } }
  function problemText(p) {
    if (!p || typeof p !== 'object') return String(p);
    var lines = [(p.title || 'Error') + (p.detail ? ': ' + p.detail : '')];
    (p.errors || []).forEach(function (e) {
      if (e.message !== p.detail) lines.push('  ' + (e.path || '/') + ' ' + e.message + (e.requirement ? ' [' + e.requirement + ']' : '')); });
    return lines.join('\n');
  }
  function api(method, path, body) {
    var init = { method: method, credentials: 'same-origin', headers: { 'x-ics-console': '1' } };
    if (body !== undefined) { init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch('/console/api' + path, init).then(function (res) {
      return res.text().then(function (t) {
        var data = t ? JSON.parse(t) : undefined;
        if (res.status === 401 && path !== '/login') showLogin();
        if (!res.ok) { var e = new Error(problemText(data)); e.problem = data; e.status = res.status; throw e; }
        return data;
      });
    });
  }

  // ---- login and tabs
  function showLogin() { $('login').hidden = false; $('nav').hidden = true; $('sessions').hidden = true; $('runs').hidden = true;
    $('login-token').focus(); }
  function showApp(tab) {
    $('login').hidden = true; $('nav').hidden = false;
    $('sessions').hidden = tab !== 'sessions'; $('runs').hidden = tab !== 'runs';
    Array.prototype.forEach.call(document.querySelectorAll('button.tab'), function (b) { b.classList.toggle('on', b.dataset.tab === tab); });
    if (tab === 'sessions') loadSessions(); else loadRuns();
  }
  $('login-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    $('login-error').textContent = '';
    api('POST', '/login', { token: $('login-token').value }).then(function () { $('login-token').value = ''; showApp('sessions'); })
      .catch(function (e) { $('login-error').textContent = e.message; });
  });
  $('logout').addEventListener('click', function () { api('POST', '/logout').then(showLogin, showLogin); });
  Array.prototype.forEach.call(document.querySelectorAll('button.tab'), function (b) { b.addEventListener('click', function () {
    showApp(b.dataset.tab); }); });

  // ---- sessions
  function loadSessions() {
    return api('GET', '/sessions').then(function (d) {
      var tb = $('session-list').tBodies[0]; clear(tb);
      d.sessions.forEach(function (s) {
        var open = el('button', { text: 'Journal', cls: 'open-journal' }); open.addEventListener('click', function () { openJournal(s.id, s.name); });
        var reset = el('button', { text: 'Reset', cls: 'reset' }); reset.addEventListener('click', function () {
          if (!confirm('Wipe the data, journal, clock and faults of ' + s.id + '? (Clients and tokens stay.)')) return;
          api('POST', '/sessions/' + encodeURIComponent(s.id) + '/reset').then(loadSessions, showSessionError);
        });
        var del = el('button', { text: 'Delete', cls: 'delete danger' }); del.addEventListener('click', function () {
          if (!confirm('Delete session ' + s.id + ' and all its state?')) return;
          api('DELETE', '/sessions/' + encodeURIComponent(s.id)).then(loadSessions, showSessionError);
        });
        tb.appendChild(el('tr', { 'data-id': s.id }, [el('td', {}, [el('code', { text: s.id })]), el('td', {
          text: s.name || '' }), el('td', { text: String((s.clients || []).length) }), el('td', {}, [open, ' ', reset, ' ', del])]));
      });
    }, showSessionError);
  }
  function showSessionError(e) { $('session-error').textContent = e.message; }
  $('session-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    $('session-error').textContent = '';
    var body = {}; var name = $('new-session-name').value.trim(); if (name) body.name = name;
    var ds = $('new-session-dataset').value; if (ds) body.dataset = ds;
    api('POST', '/sessions', body).then(function (d) { showCredentials(d); $('new-session-name').value = ''; loadSessions(); }, showSessionError);
  });
  // Tokens exist only in this answer (the store keeps hashes): shown once, then gone from the page.
  function showCredentials(d) {
    var box = $('credentials'); clear(box); box.hidden = false;
    box.appendChild(el('p', {}, [el('strong', { text: 'Session ' + d.session.id + ' created. ' }), 'Copy these tokens now: they are shown only once.']));
    var t = el('table', { id: 'credential-table' }, [el('thead', {}, [el('tr', {}, [el('th', { text: 'Client' }), el('th', { text: 'Token (Authorization: Bearer ...)' })])])]);
    var tb = el('tbody');
    (d.credentials || []).forEach(function (c) { tb.appendChild(el('tr', {}, [el('td', { text: c.clientId }), el('td', {}, [el('code',
      { cls: 'token', text: c.token })])])); });
    t.appendChild(tb); box.appendChild(t);
    var hide = el('button', { id: 'hide-credentials', text: 'I have copied them: hide' });
    hide.addEventListener('click', function () {
      Array.prototype.forEach.call(box.querySelectorAll('code.token'), function (c) { c.textContent = '••••••••'; });
      hide.remove();
    });
    box.appendChild(hide);
  }

  // ---- live journal
  var journalSource = null; var journalCount = 0;
  function openJournal(id, name) {
    if (journalSource) journalSource.close();
    clear($('journal')); journalCount = 0;
    $('journal-title').textContent = 'Journal of ' + id + (name ? ' (' + name + ')' : '');
    $('journal-hint').textContent = 'Live: exchanges appear as they happen.';
    $('journal-filters').hidden = false;
    journalSource = new EventSource('/console/api/sessions/' + encodeURIComponent(id) + '/journal/events');
    journalSource.addEventListener('entry', function (ev) { addEntry(JSON.parse(ev.data)); });
    journalSource.addEventListener('error', function () { $('journal-hint').textContent = 'Connection lost: reconnecting...'; });
    journalSource.addEventListener('ready', function () { $('journal-hint').textContent = 'Live: exchanges appear as they happen.'; });
  }
  function addEntry(e) {
    var problems = e.problems || [];
    var summary = el('summary', {}, [el('span', { cls: 'seq', text: '#' + e.seq }), el('span', { cls: 'muted', text: (e.at || '').slice(11, 23) }),
      el('span', { text: e.service }), el('strong', { text: e.operationId || e.path }), el('span', { text: e.method + ' ' + e.path }),
      el('span', { cls: 'badge ' + e.verdict, text: e.status + ' ' + e.verdict }), el('span', { cls: 'muted', text: (e.clientId || '') + (e.children.length ? ' · ' + e.children.join(', ') : '') })]);
    var body = el('div', { cls: 'body' });
    if (problems.length) {
      var pt = el('table', { cls: 'problems' }, [el('thead', {}, [el('tr', {}, [el('th', { text: 'Path' }), el('th', {
        text: 'Rule' }), el('th', { text: 'Requirement' }), el('th', { text: 'Message' })])])]);
      var ptb = el('tbody');
      problems.forEach(function (p) { ptb.appendChild(el('tr', {}, [el('td', {}, [el('code', { text: p.path || '/' })]), el('td', {
        text: p.rule }), el('td', { text: p.requirement }), el('td', { text: p.message })])); });
      pt.appendChild(ptb); body.appendChild(pt);
    }
    if (e.fault) body.appendChild(el('p', { cls: 'fault', text: 'Injected fault: ' + e.fault }));
    body.appendChild(el('div', { cls: 'muted', text: 'Request' }));
    body.appendChild(el('pre', { cls: 'request', text: pretty(e.requestBody) || '(no body)' }));
    body.appendChild(el('div', { cls: 'muted', text: 'Response' }));
    body.appendChild(el('pre', { cls: 'response', text: pretty(e.responseBody) || '(no body)' }));
    var li = el('li', { cls: 'entry ' + e.verdict, 'data-seq': String(e.seq) }, [el('details', {}, [summary, body])]);
    li._e = { service: e.service, op: (e.operationId || '').toLowerCase(), verdict: e.verdict, child: e.children.join(' ').toLowerCase() };
    filterOne(li);
    var list = $('journal'); list.insertBefore(li, list.firstChild);
    journalCount++; updateCount();
  }
  function filterOne(li) {
    var f = li._e; var svc = $('f-service').value; var op = $('f-operation').value.trim().toLowerCase(); var v = $('f-verdict').value; var ch = $('f-child').value.trim().toLowerCase();
    li.hidden = !!((svc && f.service !== svc) || (op && f.op.indexOf(op) < 0) || (v && f.verdict !== v) || (ch && f.child.indexOf(ch) < 0));
  }
  function updateCount() { var shown = document.querySelectorAll('#journal > li:not([hidden])').length;
    $('journal-count').textContent = shown + ' of ' + journalCount + ' shown'; }
  ['f-service', 'f-operation', 'f-verdict', 'f-child'].forEach(function (id) {
    $(id).addEventListener('input', function () { Array.prototype.forEach.call($('journal').children, filterOne); updateCount(); });
  });

  // ---- runs
  $('statement-file').addEventListener('change', function () {
    var f = this.files && this.files[0]; if (!f) return;
    f.text().then(function (t) { $('statement').value = t; });
  });
  $('run-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    $('run-error').textContent = '';
    api('POST', '/runs', { statement: $('statement').value, sutUrl: $('sut-url').value, interactive: $('interactive').checked })
      .then(function (v) { watchRun(v.id); loadRuns(); }, function (e) { $('run-error').textContent = e.message; });
  });
  var runSource = null; var lastState = '';
  function watchRun(id) {
    lastState = '';
    if (runSource) runSource.close();
    clear($('cards')); clear($('run-tests').tBodies[0]);
    runSource = new EventSource('/console/api/runs/' + encodeURIComponent(id) + '/events');
    runSource.addEventListener('run', function (ev) { renderRun(JSON.parse(ev.data)); });
  }
  function renderRun(v) {
    $('run-hint').hidden = true; $('run-head').hidden = false;
    $('run-title').textContent = v.vendor + ' ' + v.product + ' ' + v.version + ' · ' + v.id;
    $('run-state').textContent = v.state + (v.mode === 'interactive' ? ' · witnessed' : '');
    var done = v.tests.filter(function (t) { return t.status !== 'RUNNING'; }).length;
    $('run-progress').textContent = done + ' of ' + (v.total || '?') + ' tests';
    $('run-bar').style.width = v.total ? Math.round(100 * done / v.total) + '%' : '0';
    var verdict = $('run-verdict');
    if (v.summary) { verdict.textContent = v.summary.label; verdict.className = 'badge ' + v.summary.verdict; } else if (v.error) {
      verdict.textContent = 'harness error: ' + v.error; verdict.className = 'badge fail'; } else { verdict.textContent = '';
      verdict.className = 'badge'; }
    $('stop-form').hidden = v.state !== 'running' || !!v.stopped;
    if (v.state !== lastState) { lastState = v.state; if (v.state !== 'finished') loadRuns(); }
    var links = $('run-links'); clear(links);
    if (v.stopped) links.appendChild(el('span', { cls: 'incomplete',
      text: 'Stopped by ' + v.stopped.by + ' at ' + v.stopped.at.slice(11, 19) + '. ' }));
    if (v.only) links.appendChild(el('span', { cls: 'muted', text: 'Only ' + v.only + '. ' }));
    if (v.state === 'finished') { links.appendChild(reportLink(v.id)); links.appendChild(document.createTextNode(' · '));
      links.appendChild(bundleLink(v.id)); loadRuns(); if (runSource) { runSource.close(); runSource = null; } }
    v.cards.forEach(renderCard);
    var tb = $('run-tests').tBodies[0]; clear(tb);
    v.tests.slice().reverse().forEach(function (t) {
      var again = null;
      if (v.state === 'finished') {
        again = el('button', { cls: 'rerun', type: 'button', text: 'Re-run' });
        again.addEventListener('click', function () { api('POST', '/runs/' + encodeURIComponent(v.id) + '/rerun', {
          test: t.id }).then(function (n) { watchRun(n.id); loadRuns(); }, function (e) { $('run-error').textContent = e.message; }); });
      }
      tb.appendChild(el('tr', { 'data-test': t.id }, [el('td', {}, [el('code', { text: t.id }), el('div', { cls: 'muted',
        text: t.title })]), el('td', { cls: t.status, text: t.status }), el('td', { cls: 'why', text: t.reason || '' }), el('td', {}, [again])]));
    });
  }
  // Cards are kept, not redrawn: a note being typed must survive the next update.
  function renderCard(c) {
    var card = document.querySelector('.card[data-id="' + c.id + '"]');
    if (!card) {
      card = el('div', { cls: 'card', 'data-id': String(c.id), 'data-kind': c.kind });
      card.appendChild(el('div', { cls: 'meta', text: (c.kind === 'ask' ? 'Attestation' : 'Do this in the ICS') + (c.test ? ' · ' + c.test : '') }));
      card.appendChild(el('div', { cls: 'what' }));
      var form = el('form', { cls: 'row' });
      if (c.kind === 'ask') {
        form.appendChild(el('label', { cls: 'inline' }, [el('input', { type: 'radio', name: 'a' + c.id, value: 'yes', cls: 'yes' }), ' yes']));
        form.appendChild(el('label', { cls: 'inline' }, [el('input', { type: 'radio', name: 'a' + c.id, value: 'no', cls: 'no' }), ' no']));
        form.appendChild(el('input', { cls: 'note', placeholder: 'note (optional)', 'aria-label': 'note', maxlength: '1000' }));
        form.appendChild(el('input', { cls: 'by', placeholder: 'answered by', 'aria-label': 'answered by', maxlength: '100' }));
        form.appendChild(el('button', { type: 'submit', cls: 'answer', text: 'Answer' }));
      } else form.appendChild(el('button', { type: 'submit', cls: 'done', text: 'Done' }));
      var skip = el('button', { type: 'button', cls: 'skip link', text: 'Skip this test' });
      if (c.test) form.appendChild(skip);
      var err = el('div', { cls: 'error' });
      skip.addEventListener('click', function () {
        if (!confirm('Skip this test? It ends SKIPPED and the run is marked PARTIAL.')) return;
        var who = form.querySelector('.by'); err.textContent = '';
        api('POST', '/runs/' + encodeURIComponent(currentRun()) + '/prompts/' + c.id, { skip: true,
          by: who && who.value.trim() ? who.value.trim() : undefined }).catch(function (e) { err.textContent = e.message; });
      });
      form.addEventListener('submit', function (ev) {
        ev.preventDefault(); err.textContent = '';
        var body = {};
        if (c.kind === 'ask') { var picked = form.querySelector('input[type=radio]:checked');
          if (picked) body.answer = picked.value; body.note = form.querySelector('.note').value; body.by = form.querySelector('.by').value; }
        api('POST', '/runs/' + encodeURIComponent(currentRun()) + '/prompts/' + c.id, body).catch(function (e) { err.textContent = e.message; });
      });
      card.appendChild(form); card.appendChild(err); card.appendChild(el('ul', { cls: 'msgs' }));
      $('cards').insertBefore(card, $('cards').firstChild);
    }
    card.querySelector('.what').textContent = c.text;
    card.className = 'card ' + c.state + ' ' + c.outcome;
    var f = card.querySelector('form'); if (c.state === 'done' && f) { f.remove(); card.appendChild(el('div', { cls: 'meta',
      text: c.skipped ? 'Test skipped by ' + c.skipped.by : c.answer ? 'Answered ' + c.answer.answer + ' by ' + c.answer.by + (c.answer.note ? ': ' + c.answer.note : '') : 'Done' })); }
    var msgs = card.querySelector('.msgs'); clear(msgs);
    c.messages.forEach(function (m) {
      var line = '#' + m.seq + ' ' + m.operationId + ' ' + m.status + ' ' + (m.status < 400 ? 'received' : 'refused');
      m.problems.forEach(function (p) { line += ' · ' + (p.path || '/') + ' ' + p.rule + ' [' + p.requirement + ']: ' + p.message; });
      msgs.appendChild(el('li', { cls: m.status < 400 ? 'received' : 'refused', text: line }));
    });
  }
  $('stop-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    if (!confirm('Stop this run? What has run so far is written as an INCOMPLETE bundle.')) return;
    api('POST', '/runs/' + encodeURIComponent(currentRun()) + '/stop', {
      by: $('stop-by').value.trim() || undefined }).catch(function (e) { $('run-error').textContent = e.message; });
  });
  function currentRun() { var t = $('run-title').textContent; return t.slice(t.lastIndexOf(' ') + 1); }
  function reportLink(id, text) { return el('a', { href: '/console/api/runs/' + encodeURIComponent(id) + '/report.html',
    target: '_blank', rel: 'noopener', cls: 'report', text: text || 'Open report' }); }
  function bundleLink(id, text) { return el('a', { href: '/console/api/runs/' + encodeURIComponent(id) + '/bundle.tar',
    download: id + '.tar', cls: 'bundle', text: text || 'Download bundle' }); }
  function loadRuns() {
    return api('GET', '/runs').then(function (d) {
      var tb = $('run-list').tBodies[0]; clear(tb);
      d.runs.forEach(function (r) {
        var watch = el('button', { text: 'Watch', cls: 'watch' }); watch.addEventListener('click', function () { watchRun(r.id); });
        if (r.state === 'interrupted') {
          watch = el('button', { text: 'Resume', cls: 'resume' });
          watch.addEventListener('click', function () { api('POST',
            '/runs/' + encodeURIComponent(r.id) + '/resume').then(function (v) { watchRun(v.id); loadRuns(); }, function (e) {
            $('run-error').textContent = e.message; }); });
        }
        var fin = r.state === 'finished';
        tb.appendChild(el('tr', { 'data-id': r.id }, [
          el('td', {}, [fin ? el('input', { type: 'radio', name: 'diff-a', value: r.id, 'aria-label': 'baseline' }) : null]),
          el('td', {}, [fin ? el('input', { type: 'radio', name: 'diff-b', value: r.id, 'aria-label': 'run' }) : null]),
          el('td', {}, [el('div', { text: (r.startedAt || '').replace('T', ' ').slice(0, 19) }), el('code', { cls: 'muted', text: r.id })]),
          el('td', { title: r.vendor, text: r.product + ' ' + r.version }),
          el('td', { cls: r.summary ? r.summary.verdict : '', text: r.summary ? r.summary.label : r.state }),
          el('td', {}, fin ? [reportLink(r.id, 'Report'), ' ', bundleLink(r.id, 'Bundle')] : [watch])]));
      });
    }, function (e) { $('run-error').textContent = e.message; });
  }
  $('diff-runs').addEventListener('click', function () {
    var a = document.querySelector('input[name=diff-a]:checked'); var b = document.querySelector('input[name=diff-b]:checked');
    var out = $('diff'); out.hidden = false;
    if (!a || !b) { out.textContent = 'Pick a baseline (A) and a run (B).'; return; }
    api('GET', '/diff?baseline=' + encodeURIComponent(a.value) + '&run=' + encodeURIComponent(b.value)).then(function (d) {
      out.textContent = d.text; }, function (e) { out.textContent = e.message; });
  });

  api('GET', '/runs').then(function () { showApp('sessions'); }, function () { showLogin(); });
})();
`;
