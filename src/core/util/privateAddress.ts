// Whether a URL points at this computer or a private network. VS Code opens such links without asking (it
// trusts local addresses), so links from untrusted text (a model's reply) are confirmed first: a click must
// not reach a local service (a dev server, a router's admin page) unasked. Pure: unit-tested.

/** IPv4 ranges that are not the public internet: [first octets, prefix length]. */
const PRIVATE_V4: readonly [number[], number][] = [
  [[0], 8], // "this network"
  [[10], 8],
  [[100, 64], 10], // carrier-grade NAT
  [[127], 8], // loopback
  [[169, 254], 16], // link-local
  [[172, 16], 12],
  [[192, 168], 16],
];

function v4Octets(host: string): number[] | undefined {
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return undefined;
  const octets = parts.map(Number);
  return octets.every((o) => o <= 255) ? octets : undefined;
}

function isPrivateV4(octets: readonly number[]): boolean {
  const value = ((octets[0]! << 24) >>> 0) + (octets[1]! << 16) + (octets[2]! << 8) + octets[3]!;
  return PRIVATE_V4.some(([start, bits]) => {
    const base = start.reduce((sum, octet, i) => sum + octet * 2 ** (24 - 8 * i), 0);
    const size = 2 ** (32 - bits);
    return value >= base && value < base + size;
  });
}

function isPrivateV6(host: string): boolean {
  const address = host.toLowerCase();
  if (address === '::1' || address === '::') return true;
  // IPv4-mapped (::ffff:7f00:1, as the URL parser writes ::ffff:127.0.0.1): judged as the IPv4 address.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(address);
  if (mapped) {
    const [high, low] = [parseInt(mapped[1]!, 16), parseInt(mapped[2]!, 16)];
    return isPrivateV4([high >> 8, high & 255, low >> 8, low & 255]);
  }
  const first = parseInt(address.split(':')[0] || '0', 16);
  return (first & 0xfe00) === 0xfc00 /* unique local fc00::/7 */ || (first & 0xffc0) === 0xfe80; /* link-local fe80::/10 */
}

/**
 * True for a URL whose host is a loopback, private, link-local or local-network address or name
 * (`localhost`, `*.localhost`, `*.local`, 127.0.0.1, 10.x, 192.168.x, [::1], …), in any spelling the URL
 * parser accepts (`http://2130706433/` is 127.0.0.1). False for public hosts and for text that is no URL.
 */
export function isPrivateAddressUrl(value: string): boolean {
  let host: string;
  try {
    host = new URL(value).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return false;
  }
  if (host.startsWith('[') && host.endsWith(']')) return isPrivateV6(host.slice(1, -1));
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) return true;
  const octets = v4Octets(host);
  return octets !== undefined && isPrivateV4(octets);
}
