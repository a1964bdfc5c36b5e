import { BlockList, isIP } from 'node:net';

/**
 * Which peers may tell us the client's address in `X-Forwarded-For`: nobody (`false`,
 * the default: the socket's peer is the client), everybody (`true`: only when a proxy is
 * the sole way in), or the proxies' addresses and CIDR ranges (plus the names
 * `loopback`, `linklocal` and `uniquelocal`). No hop count: it cannot tell a proxy from
 * a client that sends enough made-up hops, which is why Fastify refuses one too.
 */
export type TrustProxy = boolean | readonly string[];

/** Named ranges, as Fastify's proxy-addr spells them, so the same setting means the same there and here. */
export const TRUST_PROXY_PRESETS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
});

/** Decides, hop by hop from the socket inwards, whether an address is a proxy we believe. */
export type TrustFunction = (address: string, hop: number) => boolean;

/**
 * Why an entry of a trust list is unusable, or null when it is an address, a CIDR range
 * or a preset name. config.ts calls it so a typo stops start-up.
 */
export function trustEntryProblem(entry: string): string | null {
  if (TRUST_PROXY_PRESETS[entry] !== undefined) return null;
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined)
    return `"${entry}" is not an address, a CIDR range or one of ${Object.keys(TRUST_PROXY_PRESETS).join(', ')}`;
  if (prefix !== undefined && (!/^\d+$/.test(prefix) || Number(prefix) > (family === 4 ? 32 : 128)))
    return `"${entry}" has an invalid prefix length`;
  return null;
}

/**
 * The trust rule as one function, handed both to Fastify (`trustProxy`, so `request.ip`
 * follows it) and to {@link clientAddress} for Socket.io handshakes: one rule, two transports.
 */
export function trustFunction(rule: TrustProxy): TrustFunction {
  if (rule === true) return () => true;
  if (rule === false || rule.length === 0) return () => false;
  const list = new BlockList();
  for (const entry of rule.flatMap((e) => TRUST_PROXY_PRESETS[e] ?? [e])) {
    const [address = '', prefix] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return (address) => {
    const plain = unmapped(address);
    const family = isIP(plain);
    return family !== 0 && list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/**
 * The client's address: walks from the socket's peer back through `X-Forwarded-For`
 * (right to left) while each hop is trusted, and answers the first untrusted one, as
 * Fastify's `request.ip` does. Without trust, the header is ignored: a client cannot
 * choose its own address (and so its own rate-limit bucket).
 */
export function clientAddress(remoteAddress: string, forwardedFor: string | string[] | undefined, trust: TrustFunction): string {
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  const hops = [
    remoteAddress,
    ...(header ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h !== '')
      .reverse(),
  ];
  for (let i = 0; i < hops.length - 1; i++) if (!trust(hops[i] ?? '', i)) return hops[i] ?? remoteAddress;
  return hops.at(-1) ?? remoteAddress;
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) checked as `10.0.0.1`. */
function unmapped(address: string): string {
  const m = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return m?.[1] ?? address;
}
