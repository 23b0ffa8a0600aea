// A terminal for tests of full-screen output: a tmux server of the test's own (its own socket),
// commands sent to it, and the screen of a session read back as text until it shows something.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { waitFor } from './wait-for.js';

export class TmuxServer {
  constructor(readonly socket: string) {}

  /** `tmux ARGS` on this server. */
  tmux(...args: string[]): SpawnSyncReturns<string> {
    return spawnSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** What the session's pane shows now. */
  screen(session: string): string {
    return this.tmux('capture-pane', '-p', '-t', session).stdout;
  }

  /** Waits until `test` holds for the session's screen and returns that screen; a timeout shows the last one. */
  async waitForScreen(session: string, what: string, test: (screen: string) => boolean, timeoutMs = 30_000, everyMs = 100): Promise<string> {
    try {
      const seen = await waitFor(what, () => {
        const text = this.screen(session);
        return test(text) && { text };
      }, timeoutMs, everyMs);
      return seen.text;
    } catch (e) {
      throw new Error(`${(e as Error).message}\nlast screen:\n${this.screen(session)}`);
    }
  }

  kill(): void {
    this.tmux('kill-server');
  }
}
