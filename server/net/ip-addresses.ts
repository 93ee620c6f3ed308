import { isIP } from "node:net";

/**
 * Which IP addresses anybody on the internet could reach. Everything else (this machine, the LAN, link-local,
 * carrier-grade NAT, multicast, unspecified, documentation and benchmark ranges, and IPv6 forms that carry one
 * of those IPv4 addresses) is refused to remote peers: a peer names URLs, and must not make us reach into the
 * home network Hearth runs in (SSRF).
 */

/** [first octets, prefix length] of the IPv4 ranges nobody on the internet can be at. */
const IPV4_NOT_PUBLIC: ReadonlyArray<readonly [number, number, number, number, number]> = [
  [0, 0, 0, 0, 8], // "this network", and the unspecified 0.0.0.0
  [10, 0, 0, 0, 8], // RFC 1918
  [100, 64, 0, 0, 10], // carrier-grade NAT (RFC 6598)
  [127, 0, 0, 0, 8], // loopback
  [169, 254, 0, 0, 16], // link-local
  [172, 16, 0, 0, 12], // RFC 1918
  [192, 0, 0, 0, 24], // IETF protocol assignments
  [192, 0, 2, 0, 24], // documentation
  [192, 88, 99, 0, 24], // 6to4 relay anycast
  [192, 168, 0, 0, 16], // RFC 1918
  [198, 18, 0, 0, 15], // benchmarking
  [198, 51, 100, 0, 24], // documentation
  [203, 0, 113, 0, 24], // documentation
  [224, 0, 0, 0, 4], // multicast
  [240, 0, 0, 0, 4], // reserved, and the broadcast 255.255.255.255
];

function ipv4Number(address: string): number {
  return address.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);
}

function isPublicIpv4(address: string): boolean {
  const value = ipv4Number(address);
  return !IPV4_NOT_PUBLIC.some(([a, b, c, d, prefix]) => {
    const size = 2 ** (32 - prefix);
    return Math.floor(value / size) === Math.floor(ipv4Number(`${a}.${b}.${c}.${d}`) / size);
  });
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted quad included), or undefined if it is not one. */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) {
    const value = ipv4Number(dotted);
    text = `${text.slice(0, -dotted.length)}${Math.floor(value / 65536).toString(16)}:${(value % 65536).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((group) => parseInt(group, 16)));
  const first = parse(head);
  const last = tail === undefined ? [] : parse(tail);
  const groups = tail === undefined ? first : [...first, ...new Array<number>(8 - first.length - last.length).fill(0), ...last];
  return groups.length === 8 && groups.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff) ? groups : undefined;
}

function embeddedIpv4(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
}

function isPublicIpv6(address: string): boolean {
  const groups = ipv6Groups(address);
  if (!groups) return false;
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, , g5 = 0, g6 = 0, g7 = 0] = groups;
  const zerosUpTo = (count: number) => groups.slice(0, count).every((group) => group === 0);
  // ::, ::1, and IPv4-compatible ::a.b.c.d (deprecated, but a socket may still take it).
  if (zerosUpTo(6)) return g6 !== 0 && isPublicIpv4(embeddedIpv4(g6, g7));
  // IPv4-mapped ::ffff:a.b.c.d: the socket connects to the IPv4 address.
  if (zerosUpTo(5) && g5 === 0xffff) return isPublicIpv4(embeddedIpv4(g6, g7));
  // NAT64 (64:ff9b::/96 and the local-use 64:ff9b:1::/48): a gateway translates to an address we cannot see.
  if (g0 === 0x64 && g1 === 0xff9b) return false;
  // 6to4 carries an IPv4 address in its second and third groups.
  if (g0 === 0x2002) return isPublicIpv4(embeddedIpv4(g1, g2));
  if (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) return false; // discard-only
  if (g0 === 0x2001 && g1 === 0xdb8) return false; // documentation
  if ((g0 & 0xfe00) === 0xfc00) return false; // unique local fc00::/7
  if ((g0 & 0xffc0) === 0xfe80 || (g0 & 0xffc0) === 0xfec0) return false; // link-local, old site-local
  if ((g0 & 0xff00) === 0xff00) return false; // multicast
  return true;
}

/** Whether an IP address is one anybody on the internet could reach. Anything that is not an IP address is not. */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const version = isIP(bare);
  if (version === 4) return isPublicIpv4(bare);
  if (version === 6) return isPublicIpv6(bare);
  return false;
}
