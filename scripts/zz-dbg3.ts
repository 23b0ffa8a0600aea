import ssh2 from 'ssh2';
import { readFileSync } from 'node:fs';
const c = new ssh2.Client();
c.on('ready', async () => {
  for (let i = 0; i < 1000; i++) {
    const log = [];
    await new Promise((res) => {
      c.exec("sh -c 'echo oops >&2; exit 7'", (err, ch) => {
        ch.on('exit', (...a) => log.push(['exit', ...a]));
        ch.on('end', () => log.push(['end']));
        ch.on('close', (...a) => { log.push(['close', ...a]); res(); });
        ch.on('data', () => {});
        ch.stderr.on('data', (d) => log.push(['stderr', String(d)]));
        ch.end();
      });
    });
    if (!log.some((l) => l[0] === 'exit')) { bad++; if (bad < 3) console.log(i, JSON.stringify(log), JSON.stringify(dbg.slice(-14))); }
    dbg.length = 0;
  }
  c.end();
});
const dbg = []; let bad = 0; process.on('exit', () => console.log('raw bad', bad));
c.connect({ host: '127.0.0.40', port: 2399, username: 'afdbg1', privateKey: readFileSync('/dev/shm/af-dbg/client/id_ed25519'), ...(process.env.AH ? { authHandler: [{ type: 'publickey', username: 'afdbg1', key: readFileSync('/dev/shm/af-dbg/client/id_ed25519') }] } : {}), ...(process.env.ALG ? { algorithms: { serverHostKey: ['ssh-ed25519','ecdsa-sha2-nistp256','rsa-sha2-512'] } } : {}), keepaliveInterval: Number(process.env.KA ?? 0), keepaliveCountMax: 3, hostVerifier: () => true, debug: (m) => dbg.push(m) });
