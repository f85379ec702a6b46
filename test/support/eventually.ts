/**
 * Reads until `done` holds of what was read, every 20 ms, and returns it; throws, naming `what`,
 * after `timeoutMs`. For what the background does on its own schedule (a delivery's outcome is
 * written at its worker's next cycle), which a loaded machine can delay by seconds. `what` may be
 * a function, to say at the timeout what was seen instead.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string | (() => string),
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === "string" ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
