import { describe, expect, it } from 'vitest';
import { defaultSlots, parseProbe } from '@agentfleet/fleet';

const GIB = 1024 ** 3;

describe('defaultSlots', () => {
  it('gives 3 slots per 4 cores, limited by memory, at least 1', () => {
    expect(defaultSlots(16, 64 * GIB)).toBe(12);
    expect(defaultSlots(8, 32 * GIB)).toBe(6);
    expect(defaultSlots(16, 6 * GIB)).toBe(4);
    expect(defaultSlots(1, 512 * 1024 ** 2)).toBe(1);
    expect(defaultSlots(2, 0)).toBe(1);
  });
});

describe('parseProbe', () => {
  const base = 'home=/home/u\narch=x86_64\ncores=8\nmemkb=16000000\nmemlimit=max\n';

  it('prefers node on PATH, then the newest nvm node, then fixed places; needs >= 20', () => {
    const p = parseProbe(`${base}node-path=v18.19.0|/usr/bin/node\nnode-nvm=v20.1.0|/home/u/.nvm/versions/node/v20.1.0/bin/node\nnode-nvm=v22.3.0|/home/u/.nvm/versions/node/v22.3.0/bin/node\nnode-fixed=v18.19.0|/usr/bin/node\ngit=git version 2.39.5|/usr/bin/git\n`, 'mugen');
    expect(p).toEqual({
      node: { path: '/home/u/.nvm/versions/node/v22.3.0/bin/node', version: 'v22.3.0' },
      git: '2.39.5', gitPath: '/usr/bin/git', cores: 8, memBytes: 16000000 * 1024, home: '/home/u', arch: 'x86_64', missing: [],
    });
  });

  it('says exactly what is missing', () => {
    const old = parseProbe(`${base}node-path=v18.19.0|/usr/bin/node\nnode-fixed=v18.19.0|/usr/bin/node\n`, 'majin');
    expect(old.node).toBeUndefined();
    expect(old.missing).toEqual([
      'node >= 20 is required on majin, found only v18.19.0 (/usr/bin/node)',
      'git is not installed on majin (looked in PATH, /usr/bin, /usr/local/bin)',
    ]);
    const none = parseProbe(`${base}git=git version 2.43.0|/usr/bin/git\n`, 'majin');
    expect(none.missing).toEqual(['node >= 20 is not installed on majin (looked in PATH, ~/.nvm/versions/node/*/bin, ~/.volta/bin, ~/.local/bin, /usr/local/bin, /usr/bin)']);
  });

  it('takes a cgroup memory limit below the physical memory', () => {
    expect(parseProbe('cores=4\nmemkb=16000000\nmemlimit=2147483648\n', 'h').memBytes).toBe(2147483648);
  });
});
