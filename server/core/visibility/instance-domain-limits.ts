import type { Kysely } from "kysely";
import type { DatabaseSchema, InstanceDomainBlockSeverity } from "../../db/schema.ts";

/**
 * Which domains the instance's own blocks cover (core/moderation/instance-domain-blocks.ts makes them): a
 * block covers its domain's subdomains, and of several the most specific rules, as Mastodon's
 * DomainBlock.rule_for. Here because the visibility rules ask it of every timeline.
 */

/** The domain and every parent domain, most specific first: a block of example.com covers social.example.com. */
export function domainAndParents(domain: string): string[] {
  const host = domain.replace(/:\d+$/, "");
  const candidates = host === domain ? [domain] : [domain, host];
  // An address has no parent domains; a name's parents stop before the top-level domain.
  if (/^[\d.]+$/.test(host) || host.startsWith("[")) return candidates;
  const labels = host.split(".");
  for (let index = 1; index < labels.length - 1; index++) candidates.push(labels.slice(index).join("."));
  return candidates;
}

/** Of the blocks given by domain, the one that rules a host: the most specific that covers it. */
export function ruleAmong<T>(blocks: ReadonlyMap<string, T>, host: string): T | undefined {
  for (const candidate of domainAndParents(host.toLowerCase())) {
    const block = blocks.get(candidate);
    if (block) return block;
  }
  return undefined;
}

/**
 * The remote account domains the instance's blocks of a severity cover: the small list the visibility rules
 * test rows against (blocks cover subdomains, which SQL's `in` cannot say, so it is worked out here).
 */
export async function accountDomainsUnder(ctx: { db: Kysely<DatabaseSchema> }, severity: InstanceDomainBlockSeverity): Promise<string[]> {
  const blocks = await ctx.db.selectFrom("instance_domain_blocks").select(["domain", "severity"]).execute();
  if (!blocks.some((block) => block.severity === severity)) return [];
  const rules = new Map(blocks.map((block) => [block.domain, block.severity]));
  const domains = await ctx.db.selectFrom("accounts").select("domain").distinct().where("domain", "is not", null).execute();
  return domains.flatMap(({ domain }) => (domain !== null && ruleAmong(rules, domain) === severity ? [domain] : []));
}

/**
 * accountDomainsUnder for suspend and silence at once, from the instance's blocks already read (every
 * timeline page reads them with the viewer's own exclusions, status-visibility.ts): the accounts' domains are
 * read only when a block suspends or silences.
 */
export async function accountDomainsUnderBlocks(
  ctx: { db: Kysely<DatabaseSchema> },
  blocks: ReadonlyArray<{ domain: string; severity: InstanceDomainBlockSeverity }>,
): Promise<{ suspended: string[]; silenced: string[] }> {
  if (!blocks.some((block) => block.severity === "suspend" || block.severity === "silence")) return { suspended: [], silenced: [] };
  const rules = new Map(blocks.map((block) => [block.domain, block.severity]));
  const domains = await ctx.db.selectFrom("accounts").select("domain").distinct().where("domain", "is not", null).execute();
  const suspended: string[] = [];
  const silenced: string[] = [];
  for (const { domain } of domains) {
    if (domain === null) continue;
    const severity = ruleAmong(rules, domain);
    if (severity === "suspend") suspended.push(domain);
    else if (severity === "silence") silenced.push(domain);
  }
  return { suspended, silenced };
}
