import type { WebhookConfig } from "../config.js";
import { AppError } from "../errors/app-error.js";
import { checkedAddresses, hostOf, RefusedAddressError, type Resolver } from "./address-guard.js";

const refused = (reason: string) =>
  new AppError("webhook_url_not_allowed", {
    message: `The webhook URL is not allowed: ${reason}.`,
    details: { field: "url", reason },
  });

/**
 * The URL an endpoint may be registered with, normalised; 422 webhook_url_not_allowed otherwise:
 * https only (http with WEBHOOK_ALLOW_HTTP), no credentials in it, and a host whose every address
 * is public (unless WEBHOOK_ALLOW_PRIVATE). The addresses are checked again at every connection.
 */
export async function checkEndpointUrl(
  raw: string,
  config: Pick<WebhookConfig, "allowHttp" | "allowPrivate">,
  resolve: Resolver,
): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused("it is not an absolute URL");
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && config.allowHttp)) {
    throw refused(config.allowHttp ? "use https or http" : "use https");
  }
  if (url.username || url.password) throw refused("credentials in the URL are not allowed");
  if (url.hash) throw refused("a fragment is not allowed");
  if (!config.allowPrivate) {
    try {
      await checkedAddresses(hostOf(url), resolve);
    } catch (error) {
      if (error instanceof RefusedAddressError) throw refused(error.message);
      throw refused(`${hostOf(url)} does not resolve (${(error as { code?: string }).code ?? "lookup failed"})`);
    }
  }
  return url.toString();
}
