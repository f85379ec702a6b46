import { lookup as dnsLookup } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";

/** Resolves a host name to every address it has (dns.lookup with `all`, or a test's own). */
export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

/** The system resolver, as sockets use it. */
export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

/**
 * Why `address` may not be connected to, or null when it is a public unicast address. Only
 * ipaddr.js's "unicast" range passes: loopback, private (RFC 1918), link-local (169.254/16,
 * the cloud metadata address), CGNAT, 0.0.0.0/8, broadcast, multicast, reserved, unique-local and
 * link-local IPv6 are refused, and so is every IPv6 form that embeds an IPv4 address (mapped
 * ::ffff:a.b.c.d, 6to4 2002::/16, NAT64 64:ff9b::/96, Teredo), whatever the IPv4 inside.
 */
export function refusedAddressReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return "not an IP address";
  const parsed = ipaddr.parse(address);
  const range = parsed.range();
  return range === "unicast" ? null : `${address} is a ${range} address`;
}

/** An address or a host name the guard will not connect to. */
export class RefusedAddressError extends Error {
  override name = "RefusedAddressError";
  readonly code = "ERR_WEBHOOK_ADDRESS_REFUSED";
}

/** Brackets-free host of a URL: `[::1]` is `::1`. */
export const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, "$1");

/**
 * Every address `host` stands for, each checked; throws RefusedAddressError when any is refused
 * (a name with one public and one private address is refused: the socket could take either).
 */
export async function checkedAddresses(
  host: string,
  resolve: Resolver,
): Promise<Array<{ address: string; family: number }>> {
  const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await resolve(host);
  if (addresses.length === 0) throw new RefusedAddressError(`${host} does not resolve`);
  for (const { address } of addresses) {
    const reason = refusedAddressReason(address);
    if (reason) throw new RefusedAddressError(`${host} resolves to a non-public address (${reason})`);
  }
  return addresses;
}

/**
 * A `lookup` for sockets (undici's connect options) that refuses non-public addresses: the check
 * is made on the addresses the socket is about to connect to, so a name that resolved to a
 * public address at registration and to 127.0.0.1 now (DNS rebinding) is still refused.
 */
export function guardedLookup(resolve: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    checkedAddresses(hostOf(new URL(`http://${hostname.includes(":") ? `[${hostname}]` : hostname}`)), resolve).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
        const usable = wanted ? addresses.filter((entry) => entry.family === wanted) : addresses;
        if (usable.length === 0) {
          callback(new RefusedAddressError(`${hostname} has no IPv${wanted} address`), "", 0);
        } else if (options.all) {
          (callback as unknown as (error: null, addresses: typeof usable) => void)(null, usable);
        } else {
          const first = usable[0] as { address: string; family: number };
          callback(null, first.address, first.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 0),
    );
  };
}
