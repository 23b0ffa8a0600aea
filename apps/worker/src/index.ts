// The worker app is run, not imported: its entry points are hostd.js, worker-process.js, launcher.js.
export { exitCause, backoffMs, Supervisor } from './supervisor.js';
export { readSettings, slotName } from './settings.js';
