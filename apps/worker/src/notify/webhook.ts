/** A webhook that answered with something other than 2xx, or could not be reached. */
export class DeliveryError extends Error {}

/**
 * POSTs one JSON body. The URL is a secret: no error says it (fetch's own message can, so
 * only its cause's code or the HTTP status is kept).
 */
export async function postJson(url: string, body: unknown, timeoutMs: number, signal: AbortSignal): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause;
    const why = (e as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause?.code ?? (e as Error).name);
    throw new DeliveryError(why);
  }
  await res.body?.cancel().catch(() => undefined);
  if (!res.ok) throw new DeliveryError(`HTTP ${res.status}`);
}
