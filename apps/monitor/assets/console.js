// agentfleet console: live updates over server-sent events (the server polls Redis once per
// watched run; browsers only listen), and action forms submitted without leaving the page.
'use strict';

function notice(text, bad) {
  let el = document.getElementById('notice');
  if (!el) {
    el = document.createElement('div');
    el.id = 'notice';
    el.setAttribute('role', 'status');
    document.body.appendChild(el);
  }
  el.textContent = text;
  el.className = bad ? 'bad' : '';
}

function setStatusClass(el, status) {
  for (const c of [...el.classList]) if (c.startsWith('s-')) el.classList.remove(c);
  el.classList.add(`s-${status}`);
}

function onRunStatus(data) {
  for (const [task, status] of Object.entries(data.changes || {})) {
    const node = document.querySelector(`.node[data-task="${CSS.escape(task)}"]`);
    if (node) {
      setStatusClass(node, status);
      node.dataset.status = status;
    }
  }
  const run = document.getElementById('run-status');
  if (run && data.run) {
    run.textContent = data.run.status;
    setStatusClass(run, data.run.status);
  }
  if (data.figuresHtml) document.getElementById('figures').innerHTML = data.figuresHtml;
}

function onEntries(lines, source) {
  const box = document.getElementById('transcript');
  const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 8;
  for (const html of lines) box.insertAdjacentHTML('beforeend', html);
  if (atBottom) box.scrollTop = box.scrollHeight;
  const last = box.lastElementChild;
  const end = last && last.classList.contains('step') ? /· attempt (?:ok|failed|skipped): (\w+)/.exec(last.textContent) : null;
  if (end) {
    source.close();
    const live = document.getElementById('live');
    if (live) live.textContent = 'ended';
    const status = document.getElementById('task-status');
    if (status) {
      status.textContent = end[1];
      setStatusClass(status, end[1]);
    }
  }
}

function follow(url) {
  const source = new EventSource(url);
  source.addEventListener('open', () => (document.body.dataset.ready = '1'));
  source.addEventListener('status', (e) => onRunStatus(JSON.parse(e.data)));
  source.addEventListener('entries', (e) => onEntries(JSON.parse(e.data), source));
}

function enhanceForms() {
  for (const form of document.querySelectorAll('form.action')) {
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const res = await fetch(form.action, { method: 'POST', body: new URLSearchParams(new FormData(form)), headers: { accept: 'application/json' }, credentials: 'same-origin' });
      const body = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
      notice(res.ok ? body.message : `refused: ${body.error}`, !res.ok);
    });
  }
}

enhanceForms();
if (document.body.dataset.live) follow(document.body.dataset.live);
else document.body.dataset.ready = '1';
