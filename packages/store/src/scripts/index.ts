export { ScriptRunner, runScriptKeys, RUN_SCRIPT_KEYS, type ScriptDef } from './script-runner.js';
export { ScriptReply, parseReady } from './replies.js';
export { luaSource, commandsDir } from './lua-source.js';
export { claimScript, type ClaimArgs, type ClaimResult } from './claim.js';
export { completeScript, type CompleteArgs } from './complete.js';
export { retryingScript, type RetryingArgs } from './retrying.js';
export { recordAttemptScript, type RecordAttemptArgs } from './record-attempt.js';
export { cancelScript, type CancelArgs, type CancelResult } from './cancel.js';
export { retryScript, type RetryArgs } from './retry.js';
