// A host in its own network namespace: reachable over SSH, reaches this machine's link address,
// and is cut off (and comes back) when its link goes down (and up).
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshError, SshSession, resolveHost, type ResolvedHost } from '@agentfleet/fleet';
import { canRunNetnsHosts, removeDir, startNetnsHosts, tempDir, type NetnsHosts } from '@agentfleet/testkit';

const enabled = canRunNetnsHosts();
const opts = { agentSocket: '', timeoutMs: 1500 };

describe.skipIf(!enabled)('netns test host', () => {
  let nh: NetnsHosts;
  let tmp: string;
  let host: ResolvedHost;
  let server: Server;
  let serverPort = 0;

  beforeAll(async () => {
    nh = await startNetnsHosts({ n: 1, firstOctet: 201, userPrefix: 'afnet', names: ['island'] });
    tmp = tempDir('netns-test');
    host = resolveHost(nh.hosts[0]!, { home: tmp });
    server = createServer((sock) => sock.end('hello from the machine\n'));
    await new Promise<void>((r) => server.listen(0, nh.machineAddress.island, r));
    const a = server.address();
    serverPort = typeof a === 'object' && a ? a.port : 0;
  });

  afterAll(async () => {
    server?.close();
    await nh?.down();
    if (tmp) removeDir(tmp);
  });

  it('is reachable over SSH and reaches this machine at its link address', async () => {
    expect(host).toMatchObject({ host: '169.254.201.2', port: 22, user: 'afnet1' });
    const s = await SshSession.connect(host, opts);
    const r = await s.exec(['bash', '-c', 'exec 3<>"/dev/tcp/$1/$2"; cat <&3', 'bash', nh.machineAddress.island!, String(serverPort)]);
    s.close();
    expect(r.stdout).toBe('hello from the machine\n');
  });

  it('is cut off while the link is down and comes back after restore', async () => {
    const live = await SshSession.connect(host, { ...opts, keepaliveMs: 200 });
    await nh.cut('island');
    try {
      await expect(SshSession.connect(host, opts)).rejects.toBeInstanceOf(SshError);
      // The open session notices through its keepalives.
      for (let i = 0; i < 50 && !live.isClosed; i++) await new Promise((r) => setTimeout(r, 100));
      expect(live.isClosed).toBe(true);
    } finally {
      await nh.restore('island');
      live.close();
    }
    const back = await SshSession.connect(host, opts);
    expect((await back.exec(['whoami'])).stdout.trim()).toBe('afnet1');
    back.close();
  });
});
