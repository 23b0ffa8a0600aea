import { execFile } from 'node:child_process';

export interface BinaryCheck {
  bin: string;
  ok: boolean;
  version?: string;
  error?: string;
}

/** `fleet doctor`: runs `BIN --version` (codex, claude, gemini) and reports its first line. */
export function checkBinary(bin: string, args: string[] = ['--version'], timeoutMs = 10_000): Promise<BinaryCheck> {
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        resolve({ bin, ok: false, error: code === 'ENOENT' ? 'not installed or not on PATH' : err.message.split('\n')[0] });
        return;
      }
      resolve({ bin, ok: true, version: (stdout || stderr).trim().split('\n')[0] });
    });
  });
}

/** The binaries the model-backed CLI agents use, from the environment like the agents do. */
export function agentBinaries(env: NodeJS.ProcessEnv = process.env): { codex: string; claude: string; gemini: string } {
  return { codex: env.AGENTFLEET_CODEX_BIN ?? 'codex', claude: env.AGENTFLEET_CLAUDE_BIN ?? 'claude', gemini: env.AGENTFLEET_GEMINI_BIN ?? 'gemini' };
}
