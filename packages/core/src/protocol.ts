/**
 * The version of what a run asks of the hosts that work on it: its records in Redis, the
 * Lua scripts, the plan keys. A run records the version it was submitted with; a host daemon
 * takes only runs of its version or older, so a host on an older release leaves a newer
 * run's tasks alone (and says so), and a newer release still finishes older runs.
 *   1: the first releases (no version recorded)
 *   2: attempt history and spend, protocol-named queues
 *   3: tasks in a sandbox (a daemon that does not know it would run them unconfined), queues named by their sandbox need;
 *      approval gates, `when:` and `after: any`, plan fragments (`expands`), task outputs (one bump for the release)
 */
export const PROTOCOL_VERSION = 3;
