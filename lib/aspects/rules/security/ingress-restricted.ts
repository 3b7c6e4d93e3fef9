import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { jsonOf, logicalIdOf, memoPerRun, numberOf, prop, resourcesOfType, stringOf, verdict } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';
import { elementsOf, mayBe, referencedResource } from '../intrinsics';
import { cidrInterval, exposure, Family, Interval, touchesPublic, WORLD_PREFIX } from '../../analysis/address-ranges';

/** The only ports (TCP) a security group may open to the internet: HTTP and HTTPS. */
export const PUBLIC_TCP_PORTS: readonly number[] = [80, 443];

const ANY_IPV4 = ['0.0.0.0/0'];
const ANY_IPV6 = ['::/0', '::0/0', '0:0:0:0:0:0:0:0/0'];
const PROTOCOL_NUMBERS: Record<string, string> = { tcp: '6', udp: '17', icmp: '1', icmpv6: '58' };
const PROTOCOL_NAMES: Record<string, string> = { '6': 'TCP', '17': 'UDP', '1': 'ICMP', '58': 'ICMPv6', '-1': 'all protocols' };
const MAX_PORT = 65535;

/** One ingress permission as the union needs it: who (resource and place), protocol, ports, addresses. */
interface Entry {
  readonly owner: CfnResource;
  readonly where: string;
  /** Protocol number as a string; '-1' for all. */
  readonly protocol: string;
  readonly from: number;
  readonly to: number;
  readonly family: Family;
  readonly range: Interval;
  /** How the finding shows the source: `0.0.0.0/1`, or `Ref AdminCidr (could be 0.0.0.0/0)`. */
  readonly source: string;
}

/** The permissions of one ingress rule (inline item or standalone resource properties) that come from address ranges. */
function entriesOf(owner: CfnResource, rule: Record<string, unknown>, where: string): Entry[] {
  const raw = stringOf(owner, rule.IpProtocol)?.toLowerCase();
  // A protocol the rule cannot read could be all of them.
  const protocol = raw === undefined ? '-1' : PROTOCOL_NUMBERS[raw] ?? raw;
  let from = 0;
  let to = MAX_PORT;
  if (protocol === '6' || protocol === '17') {
    const f = numberOf(owner, rule.FromPort);
    const t = numberOf(owner, rule.ToPort);
    // Ports it cannot read could be any; -1 means all.
    from = f === undefined || f < 0 ? 0 : f;
    to = t === undefined || t < 0 ? MAX_PORT : t;
  }
  const out: Entry[] = [];
  for (const [key, family, world] of [['CidrIp', 'ipv4', ANY_IPV4], ['CidrIpv6', 'ipv6', ANY_IPV6]] as const) {
    const value = rule[key];
    if (value === undefined || value === null) continue;
    const literal = stringOf(owner, value);
    let range = literal !== undefined ? cidrInterval(literal, family) : undefined;
    let source = literal ?? '';
    if (range === undefined) {
      // A value it cannot read (a parameter) could be the whole internet; a resource's CIDR (a VPC's) cannot.
      if (literal === undefined && !mayBe(owner, value, world)) continue;
      range = cidrInterval(world[0], family)!;
      source = literal !== undefined ? `"${literal}" (not a CIDR)` : `a value the template leaves to deploy time (could be ${world[0]})`;
    }
    out.push({ owner, where, protocol, from, to, family, range, source });
  }
  return out;
}

/** The group a standalone ingress resource adds to: the group resource, or the rendered GroupId/GroupName when it is not in the app. */
function groupKeyOf(ingress: CfnResource): CfnResource | string {
  const id = prop(ingress, 'GroupId') ?? prop(ingress, 'GroupName');
  return referencedResource(ingress, id) ?? `${Stack.of(ingress).node.path}|${jsonOf(id)}`;
}

function standaloneEntries(ingress: CfnResource): Entry[] {
  const props: Record<string, unknown> = {};
  for (const k of ['IpProtocol', 'FromPort', 'ToPort', 'CidrIp', 'CidrIpv6']) props[k] = prop(ingress, k);
  return entriesOf(ingress, props, logicalIdOf(ingress));
}

/** Standalone AWS::EC2::SecurityGroupIngress resources of the app, by the group they add to (one index per run and world). */
function standaloneByGroup(root: CfnResource): Map<CfnResource | string, CfnResource[]> {
  return memoPerRun(root.node.root, 'ingress-restricted:standalone-by-group', () => {
    const byGroup = new Map<CfnResource | string, CfnResource[]>();
    for (const ingress of resourcesOfType(root.node.root, 'AWS::EC2::SecurityGroupIngress')) {
      const key = groupKeyOf(ingress);
      byGroup.set(key, [...(byGroup.get(key) ?? []), ingress]);
    }
    return byGroup;
  });
}

/** Every address-range permission of a group: its inline rules and every standalone ingress resource that adds to it. */
function groupEntries(group: CfnResource | string, anchor: CfnResource): { entries: Entry[]; unreadable: boolean } {
  const entries: Entry[] = [];
  let unreadable = false;
  if (typeof group !== 'string') {
    const inline = elementsOf(group, prop(group, 'SecurityGroupIngress'));
    if (inline === undefined) unreadable = true;
    (inline ?? []).forEach((r, i) => {
      if (!r || typeof r !== 'object' || Array.isArray(r)) {
        unreadable = true;
        return;
      }
      entries.push(...entriesOf(group, r as Record<string, unknown>, `SecurityGroupIngress.${i}`));
    });
  }
  for (const ingress of standaloneByGroup(anchor).get(group) ?? []) entries.push(...standaloneEntries(ingress));
  return { entries, unreadable };
}

const PORT_LIMITED = new Set(['6', '17']);

/** Segments of (protocol, ports) over which the set of covering entries is constant. */
function segments(entries: readonly Entry[]): Array<{ protocol: string; from: number; to: number }> {
  const protocols = new Set(entries.map((e) => e.protocol));
  const out: Array<{ protocol: string; from: number; to: number }> = [];
  for (const protocol of protocols) {
    if (!PORT_LIMITED.has(protocol)) {
      out.push({ protocol, from: 0, to: MAX_PORT });
      continue;
    }
    const cuts = new Set<number>([0, MAX_PORT + 1]);
    for (const e of entries) {
      if (e.protocol !== protocol && e.protocol !== '-1') continue;
      cuts.add(e.from);
      cuts.add(e.to + 1);
    }
    // The web ports are their own segments, so that TCP 80/443 open to the world is told apart from the rest.
    if (protocol === '6') for (const p of PUBLIC_TCP_PORTS) (cuts.add(p), cuts.add(p + 1));
    const sorted = [...cuts].sort((a, b) => a - b);
    for (let i = 0; i + 1 < sorted.length; i++) out.push({ protocol, from: sorted[i], to: sorted[i + 1] - 1 });
  }
  return out;
}

const covers = (e: Entry, seg: { protocol: string; from: number; to: number }) =>
  (e.protocol === '-1' || e.protocol === seg.protocol) && (!PORT_LIMITED.has(seg.protocol) || (e.from <= seg.from && e.to >= seg.to));

function portsText(seg: { protocol: string; from: number; to: number }): string {
  const name = PROTOCOL_NAMES[seg.protocol] ?? `protocol ${seg.protocol}`;
  if (!PORT_LIMITED.has(seg.protocol)) return name;
  return seg.from === seg.to ? `${name} ${seg.from}` : `${name} ${seg.from}-${seg.to}`;
}

/**
 * What `owner` opens to the world, given every permission of its group: one text per (protocol, ports,
 * address family) that the union admits from the world (all of it, or a /8 (IPv6: /16) worth of public
 * space) beyond TCP 80/443, where `owner` contributes a public range.
 */
function worldOpenings(owner: CfnResource, entries: readonly Entry[]): string[] {
  const out: string[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    const ofFamily = entries.filter((e) => e.family === family);
    const seen = new Set<string>();
    for (const seg of segments(ofFamily)) {
      if (seg.protocol === '6' && seg.from === seg.to && PUBLIC_TCP_PORTS.includes(seg.from)) continue;
      const covering = ofFamily.filter((e) => covers(e, seg));
      const x = exposure(covering.map((e) => e.range), family);
      if (!x.world) continue;
      // Contributors: every covering range when they add up to all addresses, otherwise those with public space.
      const contributing = x.all ? covering : covering.filter((e) => touchesPublic(e.range, family));
      if (!contributing.some((e) => e.owner === owner)) continue;
      const sources = [...new Set(contributing.map((e) => `${e.source} (${e.where})`))];
      const how = x.all ? `all of ${family === 'ipv4' ? 'IPv4' : 'IPv6'}` : `a /${WORLD_PREFIX[family]} or more of public ${family === 'ipv4' ? 'IPv4' : 'IPv6'}`;
      const text = `${sources.join(' + ')} ${sources.length === 1 ? 'admits' : 'together admit'} ${how} on ${portsText(seg)}`;
      if (!seen.has(text)) (seen.add(text), out.push(text));
    }
  }
  return out;
}

/**
 * Readiness-INGRESS-RESTRICTED: no security group admits the world on anything but TCP 80 and TCP 443.
 * The ranges of a group are united per protocol and port across its inline SecurityGroupIngress and every
 * AWS::EC2::SecurityGroupIngress that adds to it (`0.0.0.0/1` + `128.0.0.0/1` is all of IPv4); "the world"
 * is all of IPv4 or IPv6, or a /8 (IPv6: /16) worth of public address space. `IpProtocol -1` covers every
 * protocol and port; a protocol, port or CIDR the rule cannot read counts as the widest. Security group
 * sources, prefix lists and a VPC's own CIDR are not the world. Each resource that contributes a public
 * range to an opening is flagged.
 */
export const IngressRestricted: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'INGRESS-RESTRICTED',
  controlId: 'SECURITY-HARDENING',
  category: 'security',
  resourceTypes: ['AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress'],
  info: 'The security group admits the internet on something other than TCP 80 or 443 (the finding names the ranges and ports).',
  explanation:
    'SSH, database, cache and admin ports open to the internet are scanned within minutes (gap 2.2, "/security/hardening"). ' +
    'Open only HTTPS (and HTTP for the redirect) to the world, on the load balancer; admit everything else from a security group ' +
    '(`sg.connections.allowFrom(otherSg, port)`), a VPC CIDR, or a prefix list; use Session Manager instead of SSH.',
  test: 'test/aspects/rules/security/ingress-restricted.spec.ts',
  check: (node: CfnResource) => {
    const group = node.cfnResourceType === 'AWS::EC2::SecurityGroup' ? node : groupKeyOf(node);
    const { entries, unreadable } = groupEntries(group, node);
    const findings = worldOpenings(node, entries);
    if (unreadable && node === group) findings.unshift('SecurityGroupIngress cannot be read from the template (it could admit anything)');
    return findings.length === 0 ? NagRuleCompliance.COMPLIANT : verdict(findings);
  },
});
