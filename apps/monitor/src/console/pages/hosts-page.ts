import type { HostStatus } from '@agentfleet/store';
import { actionForm, ago, esc, page } from '../html.js';

const GiB = 1024 ** 3;
const gib = (n: number) => `${(n / GiB).toFixed(1)} GiB`;

export interface PausedProvider {
  provider: string;
  until: number;
  reason: string | null;
}

/** `/hosts`: each host's slots, CPU, memory, disk and heartbeat, with drain and slots actions; paused providers. */
export function hostsPage(hosts: readonly HostStatus[], paused: readonly PausedProvider[], csrf: string | null, now = Date.now()): string {
  const rows = hosts.map((h) => {
    const slotsForm = actionForm('slots', 'Set', { host: h.name }, csrf, `<input type="number" name="slots" min="0" max="512" value="${h.slots.desired}" aria-label="slots of ${esc(h.name)}">`);
    const drain = h.draining ? actionForm('undrain', 'Undrain', { host: h.name }, csrf) : actionForm('drain', 'Drain', { host: h.name }, csrf);
    return `<tr data-host="${esc(h.name)}"><td>${esc(h.name)}</td><td><span class="badge ${h.up ? 's-succeeded' : 's-failed'}">${h.up ? 'up' : 'down'}</span>${h.draining ? ' <span class="badge s-parked">draining</span>' : ''}</td>
<td>${h.slots.busy} busy / ${h.slots.idle} idle / ${h.slots.desired} desired</td><td>${Math.round(h.cpu * 100)}% · load ${h.load1.toFixed(2)}</td><td>${gib(h.memory.used)} / ${gib(h.memory.total)}</td><td>${gib(h.diskFree)} free</td>
<td>${h.heartbeatAgeMs === null ? '-' : `${ago(h.heartbeatAgeMs)} ago`}</td><td>${esc(h.labels.join(', ') || '-')}</td><td>${esc(h.version)}</td><td class="acts">${slotsForm}${drain}</td></tr>`;
  });
  const pauses = paused.map((p) => `<tr><td>${esc(p.provider)}</td><td>${esc(p.reason ?? 'rate limited (429)')}</td><td>${new Date(p.until).toISOString()} (in ${ago(p.until - now)})</td></tr>`);
  const body = `<h1>Hosts</h1>${hosts.length ? `<table class="hosts"><thead><tr><th>host</th><th>state</th><th>slots</th><th>CPU</th><th>memory</th><th>disk</th><th>heartbeat</th><th>labels</th><th>version</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '<p>No host daemon has registered yet (<code>fleet up</code>).</p>'}
<h2>Paused providers</h2>${pauses.length ? `<table><thead><tr><th>provider</th><th>why</th><th>resumes</th></tr></thead><tbody>${pauses.join('')}</tbody></table>` : '<p class="muted">none</p>'}`;
  return page({ title: 'hosts', csrf }, body);
}
