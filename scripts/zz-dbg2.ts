import { SshSession, resolveHost } from '@agentfleet/fleet';
import { parseConfig } from '@agentfleet/core';
import { readFileSync } from 'node:fs';
const cfg = parseConfig(readFileSync('/dev/shm/af-dbg/fleet.yaml','utf8'),'x');
const s = await SshSession.connect(resolveHost(cfg.hosts[0]!), { agentSocket: '' });
let bad = 0;
for (let i = 0; i < 1000; i++) {
  const r = await s.exec(['sh', '-c', 'echo oops >&2; exit 7']);
  if (r.code !== 7) bad++;
}
console.log('bad', bad);
s.close();
