// Run by loop.test.ts inside tmux (npx vite-node): `fleet top` on a real pseudo-terminal over a
// plain-object source, until q is pressed.
import { runTop } from '../../src/top/loop.js';
import { topSource } from './fixture.js';

await runTop({ source: topSource(), stdout: process.stdout, stdin: process.stdin, intervalMs: 200 });
process.stdout.write('TOP-EXITED\n');
process.exit(0);
