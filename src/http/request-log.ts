import { LogController } from "fastify";

/**
 * One log line per request, when it has been answered: method, URL, client, status and time.
 * Fastify's default is two lines, one on arrival and one on completion: twice the serialising,
 * redacting and writing for the same facts (3 % of a PATCH).
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(...[error, request, reply]: Parameters<LogController["requestCompleted"]>): void {
    if (this.isLogDisabled(request)) return;
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, "request errored");
    else reply.log.info(line, "request completed");
  }
}
