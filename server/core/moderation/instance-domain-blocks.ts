import { sql } from "kysely";
import type { InstanceDomainBlockSeverity } from "../../db/schema.ts";
import type { CoreContext } from "../context.ts";
import { Invalid, NotFound } from "../errors.ts";
import { pageQuery, pageRows, type PageRequest } from "../paging.ts";
import { deleteFollow } from "../relationships/follows.ts";
import { normaliseDomain } from "../relationships/domain-blocks.ts";
import type { InstanceDomainBlockRow } from "../rows.ts";
import { domainAndParents, ruleAmong } from "../visibility/instance-domain-limits.ts";
import { write, type WriteTransaction } from "../write.ts";

/**
 * The instance's domain blocks, as Mastodon's DomainBlock: suspend (nothing from the domain is stored,
 * fetched or delivered; follows with it are severed), silence (its accounts are limited), noop (only the
 * reject_media / reject_reports flags). A block covers the domain's subdomains too; of several blocks that
 * cover a host, the most specific one rules (Mastodon's DomainBlock.rule_for).
 */

export const SEVERITIES: readonly InstanceDomainBlockSeverity[] = ["suspend", "silence", "noop"];

/** What a block is made or changed from; absent fields keep their value (or take Mastodon's default). */
export interface InstanceDomainBlockInput {
  severity?: InstanceDomainBlockSeverity;
  reject_media?: boolean;
  reject_reports?: boolean;
  private_comment?: string | null;
  public_comment?: string | null;
  obfuscate?: boolean;
}

/** The block that rules a domain, if any (Mastodon's DomainBlock.rule_for). */
export async function instanceDomainRule(ctx: Pick<CoreContext, "db">, domainInput: string): Promise<InstanceDomainBlockRow | undefined> {
  let domain: string;
  try {
    domain = normaliseDomain(domainInput);
  } catch {
    // Not a domain one could block (a bare host name): nothing rules it.
    return undefined;
  }
  const rows = await ctx.db.selectFrom("instance_domain_blocks").selectAll().where("domain", "in", domainAndParents(domain)).execute();
  return ruleAmong(new Map(rows.map((row) => [row.domain, row])), domain);
}

/** Whether the instance suspends a domain (or a parent of it): nothing from there is stored, fetched or delivered. */
export async function isInstanceDomainBlocked(ctx: Pick<CoreContext, "db">, domainInput: string): Promise<boolean> {
  return (await instanceDomainRule(ctx, domainInput))?.severity === "suspend";
}

/**
 * isInstanceDomainBlocked for many hosts, the blocks read once: a post to 10,000 followers asked the database
 * 10,000 times, the largest part of a fan-out's own CPU after signing (bench/fan-out.ts's profile).
 */
export async function instanceDomainSuspensions(ctx: Pick<CoreContext, "db">): Promise<(domainInput: string) => boolean> {
  const rows = await ctx.db.selectFrom("instance_domain_blocks").selectAll().execute();
  const rules = new Map(rows.map((row) => [row.domain, row]));
  const answers = new Map<string, boolean>();
  return (domainInput) => {
    let answer = answers.get(domainInput);
    if (answer === undefined) {
      let domain: string | undefined;
      try {
        domain = normaliseDomain(domainInput);
      } catch {
        // Not a domain one could block (a bare host name): nothing rules it.
      }
      answer = domain !== undefined && ruleAmong(rules, domain)?.severity === "suspend";
      answers.set(domainInput, answer);
    }
    return answer;
  };
}

/** Whether media from a domain is neither fetched nor cached (reject_media, or a suspension). */
export async function isMediaRejectedFrom(ctx: Pick<CoreContext, "db">, domain: string): Promise<boolean> {
  const rule = await instanceDomainRule(ctx, domain);
  return rule !== undefined && (rule.severity === "suspend" || rule.reject_media === 1);
}

/** Whether reports (Flag) from a domain are ignored (reject_reports, or a suspension). */
export async function areReportsRejectedFrom(ctx: Pick<CoreContext, "db">, domain: string): Promise<boolean> {
  const rule = await instanceDomainRule(ctx, domain);
  return rule !== undefined && (rule.severity === "suspend" || rule.reject_reports === 1);
}

/** Whether a domain's accounts are limited (silenced): out of public timelines, notifications only from those followed. */
export async function isInstanceDomainSilenced(ctx: Pick<CoreContext, "db">, domain: string): Promise<boolean> {
  return (await instanceDomainRule(ctx, domain))?.severity === "silence";
}

function flagOf(value: boolean | undefined): number | undefined {
  return value === undefined ? undefined : value ? 1 : 0;
}

function commentOf(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

/** Remote accounts a domain's block covers: the domain itself and its subdomains. */
function coveredAccountIds(trx: WriteTransaction, domain: string) {
  return trx
    .selectFrom("accounts")
    .select("id")
    .where((eb) => eb.or([eb(eb.fn("lower", ["domain"]), "=", domain), eb(eb.fn("lower", ["domain"]), "like", `%.${domain}`)]));
}

/**
 * What a suspension does at once, as Mastodon's BlockDomainService: follows both ways between our accounts
 * and the domain's are severed (the domain hears nothing of it: deliveries there are refused). Their
 * statuses are hidden by the visibility rules, not deleted, so lifting the block brings them back.
 */
async function severFollows(trx: WriteTransaction, domain: string): Promise<number> {
  const follows = await trx
    .selectFrom("follows")
    .selectAll()
    .where((eb) => eb.or([eb("account_id", "in", coveredAccountIds(trx, domain)), eb("target_account_id", "in", coveredAccountIds(trx, domain))]))
    .execute();
  for (const follow of follows) await deleteFollow(trx, follow);
  return follows.length;
}

function validated(input: InstanceDomainBlockInput): InstanceDomainBlockInput {
  if (input.severity !== undefined && !SEVERITIES.includes(input.severity)) {
    throw new Invalid(`severity must be one of ${SEVERITIES.join(", ")}, not "${String(input.severity)}".`);
  }
  return input;
}

/** sever: false when the caller has counted no follow either way with the domain (an import's preview). */
interface SeverOptions {
  sever?: boolean;
}

/** A new block would only repeat (or loosen) one that already rules its domain: Mastodon answers 422 with that block. */
export class ExistingDomainBlock extends Invalid {
  override name = "ExistingDomainBlock";
  readonly existing: InstanceDomainBlockRow;
  constructor(existing: InstanceDomainBlockRow) {
    super(`${existing.domain} is already blocked (${existing.severity}), which covers this domain; change that block instead.`);
    this.existing = existing;
  }
}

type Limits = Pick<InstanceDomainBlockRow, "severity" | "reject_media" | "reject_reports">;

/** Whether a block limits more than another (Mastodon's DomainBlock#stricter_than?). */
export function isStricterThan(block: Limits, other: Limits): boolean {
  if (block.severity === "suspend") return true;
  if (other.severity === "suspend") return false;
  if (other.severity === "silence" && block.severity === "noop") return false;
  return (block.reject_media === 1 || other.reject_media === 0) && (block.reject_reports === 1 || other.reject_reports === 0);
}

/**
 * Writes a new block inside an open write. As Mastodon's API, a domain with a block of its own is refused, and
 * so is a subdomain block no stricter than its parent's (it would change nothing).
 */
export async function insertInstanceDomainBlock(
  ctx: CoreContext,
  trx: WriteTransaction,
  domain: string,
  input: InstanceDomainBlockInput,
  options: SeverOptions = {},
): Promise<InstanceDomainBlockRow> {
  const existing = await instanceDomainRule({ db: trx }, domain);
  const limits = { severity: input.severity ?? "silence", reject_media: flagOf(input.reject_media) ?? 0, reject_reports: flagOf(input.reject_reports) ?? 0 };
  if (existing && (existing.domain === domain || !isStricterThan(limits, existing))) throw new ExistingDomainBlock(existing);
  const now = ctx.clock.now();
  const block = await trx
    .insertInto("instance_domain_blocks")
    .values({
      id: ctx.ids.next(now),
      domain,
      ...limits,
      private_comment: commentOf(input.private_comment) ?? null,
      public_comment: commentOf(input.public_comment) ?? null,
      obfuscate: flagOf(input.obfuscate) ?? 0,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (block.severity === "suspend" && options.sever !== false) await severFollows(trx, domain);
  return block;
}

/** Changes a block inside an open write; a change to suspend severs follows as a new suspension does. */
export async function changeInstanceDomainBlock(
  ctx: CoreContext,
  trx: WriteTransaction,
  id: string,
  input: InstanceDomainBlockInput,
  options: SeverOptions = {},
): Promise<InstanceDomainBlockRow> {
  const before = await trx.selectFrom("instance_domain_blocks").selectAll().where("id", "=", id).executeTakeFirst();
  if (!before) throw new NotFound(`There is no domain block with id ${id}.`);
  const block = await trx
    .updateTable("instance_domain_blocks")
    .set({
      severity: input.severity,
      reject_media: flagOf(input.reject_media),
      reject_reports: flagOf(input.reject_reports),
      private_comment: commentOf(input.private_comment),
      public_comment: commentOf(input.public_comment),
      obfuscate: flagOf(input.obfuscate),
      updated_at: ctx.clock.now().toISOString(),
    })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (block.severity === "suspend" && before.severity !== "suspend" && options.sever !== false) await severFollows(trx, block.domain);
  return block;
}

/**
 * Blocks a domain. Mastodon's API defaults an absent severity to silence (DomainBlock's column default);
 * the blocklist import defaults it to suspend (see blocklist-csv.ts).
 */
export async function createInstanceDomainBlock(ctx: CoreContext, domainInput: string, input: InstanceDomainBlockInput = {}): Promise<InstanceDomainBlockRow> {
  const domain = normaliseDomain(domainInput);
  validated(input);
  return write(ctx, (trx) => insertInstanceDomainBlock(ctx, trx, domain, input));
}

export async function updateInstanceDomainBlock(ctx: CoreContext, id: string, input: InstanceDomainBlockInput): Promise<InstanceDomainBlockRow> {
  validated(input);
  return write(ctx, (trx) => changeInstanceDomainBlock(ctx, trx, id, input));
}

/** Lifts a block. Severed follows stay severed (Mastodon cannot make a remote account follow again either). */
export async function deleteInstanceDomainBlock(ctx: CoreContext, id: string): Promise<InstanceDomainBlockRow> {
  return write(ctx, async (trx) => {
    const block = await trx.deleteFrom("instance_domain_blocks").where("id", "=", id).returningAll().executeTakeFirst();
    if (!block) throw new NotFound(`There is no domain block with id ${id}.`);
    return block;
  });
}

export async function getInstanceDomainBlock(ctx: CoreContext, id: string): Promise<InstanceDomainBlockRow> {
  const block = await ctx.db.selectFrom("instance_domain_blocks").selectAll().where("id", "=", id).executeTakeFirst();
  if (!block) throw new NotFound(`There is no domain block with id ${id}.`);
  return block;
}

/** The instance's blocks, newest first, paged by id. */
export async function listInstanceDomainBlocks(ctx: CoreContext, page: PageRequest): Promise<InstanceDomainBlockRow[]> {
  const rows = await pageQuery(ctx.db.selectFrom("instance_domain_blocks").selectAll(), "id", page).execute();
  return pageRows(rows, page);
}

/** Every block, oldest first (the export's order, as Mastodon's). */
export async function allInstanceDomainBlocks(ctx: Pick<CoreContext, "db">): Promise<InstanceDomainBlockRow[]> {
  return ctx.db.selectFrom("instance_domain_blocks").selectAll().orderBy("id", "asc").execute();
}

/** A suspension with only a note: for code and tests that need a domain refused outright. */
export async function blockInstanceDomain(ctx: CoreContext, domainInput: string, reason: string | null = null): Promise<InstanceDomainBlockRow> {
  const domain = normaliseDomain(domainInput);
  return write(ctx, async (trx) => {
    const existing = await trx.selectFrom("instance_domain_blocks").select("id").where("domain", "=", domain).executeTakeFirst();
    if (existing) return changeInstanceDomainBlock(ctx, trx, existing.id, { severity: "suspend", private_comment: reason });
    return insertInstanceDomainBlock(ctx, trx, domain, { severity: "suspend", private_comment: reason });
  });
}

export async function unblockInstanceDomain(ctx: CoreContext, domainInput: string): Promise<void> {
  await write(ctx, (trx) => trx.deleteFrom("instance_domain_blocks").where("domain", "=", normaliseDomain(domainInput)).execute());
}

/** What blocking a domain would cut: follows of its accounts by ours, our accounts' followers there, its known accounts. */
export interface DomainImpact {
  follows: number;
  followers: number;
  accounts: number;
}

/**
 * What blocks of these domains would cut, by domain, counted once over the database (not once per domain):
 * a blocklist of a thousand domains is previewed in one pass. An account counts under the most specific
 * of the given domains that covers it.
 */
export async function domainImpacts(ctx: Pick<CoreContext, "db">, domains: readonly string[]): Promise<Map<string, DomainImpact>> {
  const impacts = new Map<string, DomainImpact>(domains.map((domain) => [domain, { follows: 0, followers: 0, accounts: 0 }]));
  if (domains.length === 0) return impacts;
  const byDomain = (side: "follows.account_id" | "follows.target_account_id", other: "follows.account_id" | "follows.target_account_id") =>
    ctx.db
      .selectFrom("follows")
      .innerJoin("accounts as remote", "remote.id", side)
      .innerJoin("accounts as local", "local.id", other)
      .select([sql<string>`lower(remote.domain)`.as("domain"), (eb) => eb.fn.countAll<number>().as("count")])
      .where("remote.domain", "is not", null)
      .where("local.domain", "is", null)
      .groupBy(sql`lower(remote.domain)`)
      .execute();
  const [followed, following, accounts] = await Promise.all([
    byDomain("follows.target_account_id", "follows.account_id"),
    byDomain("follows.account_id", "follows.target_account_id"),
    ctx.db
      .selectFrom("accounts")
      .select([sql<string>`lower(domain)`.as("domain"), (eb) => eb.fn.countAll<number>().as("count")])
      .where("domain", "is not", null)
      .groupBy(sql`lower(domain)`)
      .execute(),
  ]);
  const add = (rows: Array<{ domain: string; count: number }>, key: keyof DomainImpact) => {
    for (const row of rows) {
      const impact = ruleAmong(impacts, row.domain);
      if (impact) impact[key] += Number(row.count);
    }
  };
  add(followed, "follows");
  add(following, "followers");
  add(accounts, "accounts");
  return impacts;
}

/**
 * The blocks the instance's public list shows (Mastodon's with_user_facing_limitations.by_severity): those that
 * limit (silence, suspend) or refuse media, noop first, then silence, then suspend, each by domain.
 */
export async function listUserFacingDomainBlocks(ctx: Pick<CoreContext, "db">): Promise<InstanceDomainBlockRow[]> {
  const rows = await ctx.db
    .selectFrom("instance_domain_blocks")
    .selectAll()
    .where((eb) => eb.or([eb("severity", "in", ["silence", "suspend"]), eb("reject_media", "=", 1)]))
    .execute();
  const order = (row: InstanceDomainBlockRow) => SEVERITIES.length - 1 - SEVERITIES.indexOf(row.severity);
  return rows.sort((a, b) => order(a) - order(b) || a.domain.localeCompare(b.domain));
}
