import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from "kysely";
import { statusRowsByIds } from "../../db/cached-status-rows.ts";
import { compiledQuery } from "../../db/compiled-queries.ts";
import type { DatabaseSchema, InstanceDomainBlockSeverity, Visibility } from "../../db/schema.ts";
import type { StatusRow } from "../rows.ts";
import { accountDomainsUnderBlocks } from "./instance-domain-limits.ts";

/**
 * Who may see a status, as Mastodon's StatusPolicy has it: public and unlisted statuses anyone; private
 * ones their author, the author's accepted followers and the accounts mentioned; direct ones their author
 * and the accounts mentioned. An author who blocks the viewer (or whose domain the viewer blocks) is hidden
 * from that viewer whatever the visibility. The row-level check is for single statuses; the expressions are
 * the same rules for queries over many.
 */

type Db = Kysely<DatabaseSchema>;

/** What the visibility rules need to know about a status and its viewer. */
export interface VisibilityFacts {
  visibility: Visibility;
  isAuthor: boolean;
  isMentioned: boolean;
  /** The viewer follows the author (accepted, not a pending request). */
  isFollower: boolean;
  /** The author blocks the viewer, or the viewer blocks the author's domain. */
  isBlockedByAuthor: boolean;
}

/** The rule itself, without the database: can a viewer (null for anonymous) see a status with these facts? */
export function visibilityAllows(facts: VisibilityFacts | null, visibility: Visibility): boolean {
  if (facts === null) return visibility === "public" || visibility === "unlisted";
  if (facts.isAuthor) return true;
  if (facts.isBlockedByAuthor) return false;
  switch (facts.visibility) {
    case "public":
    case "unlisted":
      return true;
    case "private":
      return facts.isFollower || facts.isMentioned;
    case "direct":
      return facts.isMentioned;
  }
}

/** Whether `viewerId` (null: anonymous) may see the status; boosts are judged with the status they boost. */
export async function canViewStatus(
  db: Db,
  status: { id: string; account_id: string; visibility: Visibility; reblog_of_id: string | null },
  viewerId: string | null,
): Promise<boolean> {
  if (status.reblog_of_id !== null) {
    const original = await db
      .selectFrom("statuses")
      .select(["id", "account_id", "visibility", "reblog_of_id"])
      .where("id", "=", status.reblog_of_id)
      .executeTakeFirst();
    if (!original || !(await canViewStatus(db, original, viewerId))) return false;
  }
  const author = await db.selectFrom("accounts").select("suspended_at").where("id", "=", status.account_id).executeTakeFirst();
  if (author?.suspended_at != null) return false;
  if (viewerId === null) return visibilityAllows(null, status.visibility);
  if (viewerId === status.account_id) return true;
  const [mention, follow, block, domainBlock] = await Promise.all([
    db.selectFrom("mentions").select("account_id").where("status_id", "=", status.id).where("account_id", "=", viewerId).executeTakeFirst(),
    db
      .selectFrom("follows")
      .select("id")
      .where("account_id", "=", viewerId)
      .where("target_account_id", "=", status.account_id)
      .where("state", "=", "accepted")
      .executeTakeFirst(),
    db
      .selectFrom("blocks")
      .select("id")
      .where("account_id", "=", status.account_id)
      .where("target_account_id", "=", viewerId)
      .executeTakeFirst(),
    db
      .selectFrom("account_domain_blocks")
      .innerJoin("accounts", "accounts.domain", "account_domain_blocks.domain")
      .select("account_domain_blocks.id")
      .where("accounts.id", "=", status.account_id)
      .where("account_domain_blocks.account_id", "=", viewerId)
      .executeTakeFirst(),
  ]);
  return visibilityAllows(
    {
      visibility: status.visibility,
      isAuthor: false,
      isMentioned: mention !== undefined,
      isFollower: follow !== undefined,
      isBlockedByAuthor: block !== undefined || domainBlock !== undefined,
    },
    status.visibility,
  );
}

type StatusesEb = ExpressionBuilder<DatabaseSchema, "statuses">;


// A page of notifications asks for it every page rendered: compiled once per number of ids (compiled-queries.ts).
const visibleIdsOf = compiledQuery((db, { ids, viewerId }: { ids: readonly string[]; viewerId: string | null }) =>
  db
    .selectFrom("statuses")
    .select("statuses.id")
    .where("statuses.id", "in", ids)
    .where((eb) => eb.and([visibleTo(eb, viewerId, { byIds: true }), notBlockedByAuthor(eb, viewerId)])),
);

/**
 * canViewStatus for many statuses at once (a page of notifications, a conversation list): one query for the
 * statuses and the ones they boost. Keeps the order given.
 */
export async function filterVisibleStatuses<T extends { id: string; reblog_of_id: string | null }>(db: Db, rows: readonly T[], viewerId: string | null): Promise<T[]> {
  if (rows.length === 0) return [];
  const ids = [...new Set(rows.flatMap((row) => (row.reblog_of_id ? [row.id, row.reblog_of_id] : [row.id])))];
  const visible = await visibleIdsOf(db, { ids, viewerId });
  const seen = new Set(visible.map((row) => row.id));
  return rows.filter((row) => seen.has(row.id) && (row.reblog_of_id === null || seen.has(row.reblog_of_id)));
}

// Whether the viewer is suspended: the one part of the rule their own statuses can fail (visibleTo).
const suspendedAccountOf = compiledQuery((db, { id }: { id: string }) =>
  db.selectFrom("accounts").select("accounts.id").where("accounts.id", "=", id).where("accounts.suspended_at", "is not", null),
);

/**
 * The statuses with these ids that `viewerId` may see, in the order of `ids`: the rows from the status rows'
 * cache (db/cached-status-rows.ts), which a page of notifications mostly shares with the page before it, and
 * the rule applied in one query to those the viewer did not write. The viewer's own statuses pass every part
 * of the rule but the author's suspension, asked of the viewer's row alone: a page of notifications names
 * mostly the recipient's statuses, and the rule over forty ids was the largest statement of its page (issue
 * #19). A boost also needs the status it boosts to be visible (checked only when there are boosts).
 */
export async function findVisibleStatuses(db: Db, ids: readonly string[], viewerId: string | null): Promise<StatusRow[]> {
  if (ids.length === 0) return [];
  const unique = [...new Set(ids)];
  const rowsById = await statusRowsByIds(db, unique);
  const own: StatusRow[] = [];
  const others: string[] = [];
  for (const id of unique) {
    const row = rowsById.get(id);
    if (row === undefined) continue;
    if (viewerId !== null && row.account_id === viewerId) own.push(row);
    else others.push(id);
  }
  const ownHidden = own.length > 0 && (await suspendedAccountOf(db, { id: viewerId! })).length > 0;
  const visibleOthers = others.length === 0 ? [] : await visibleIdsOf(db, { ids: others, viewerId });
  const rows = ownHidden ? [] : own;
  for (const { id } of visibleOthers) {
    const row = rowsById.get(id);
    if (row !== undefined) rows.push(row);
  }
  const boosts = rows.filter((row) => row.reblog_of_id !== null);
  const hidden = new Set(boosts.map((row) => row.id));
  for (const row of await filterVisibleStatuses(db, boosts, viewerId)) hidden.delete(row.id);
  const position = new Map(ids.map((id, index) => [id, index] as const).reverse());
  return rows.filter((row) => !hidden.has(row.id)).sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0));
}

/**
 * The whole per-row rule findVisibleStatuses applies, as one condition on `statuses` (for queries that only
 * count, such as unread notifications). Boosts are not re-checked against the status they boost: the
 * callers' rows (notifications) always name the original status.
 */
export function visibleAndNotBlocked(eb: StatusesEb, viewerId: string | null): Expression<SqlBool> {
  return eb.and([visibleTo(eb, viewerId), notBlockedByAuthor(eb, viewerId)]);
}

/** The author does not block the viewer, nor does the viewer block the author's domain (as canViewStatus has it). */
function notBlockedByAuthor(eb: StatusesEb, viewerId: string | null): Expression<SqlBool> {
  if (viewerId === null) return eb.lit(true);
  return eb.or([
    eb("statuses.account_id", "=", viewerId),
    eb.and([
      eb.not(
        eb.exists(
          eb
            .selectFrom("blocks")
            .select("blocks.id")
            .whereRef("blocks.account_id", "=", "statuses.account_id")
            .where("blocks.target_account_id", "=", viewerId),
        ),
      ),
      eb.not(
        eb.exists(
          eb
            .selectFrom("accounts")
            .innerJoin("account_domain_blocks", "account_domain_blocks.domain", "accounts.domain")
            .select("accounts.id")
            .whereRef("accounts.id", "=", "statuses.account_id")
            .where("account_domain_blocks.account_id", "=", viewerId),
        ),
      ),
    ]),
  ]);
}

/**
 * The visibility rule as a condition on `statuses` rows (a boost row carries its own visibility). `byIds`: the
 * query names its statuses by id (a list of ids, a feed's rows), and the rule must not be read from the
 * visibility or author indexes instead.
 */
export function visibleTo(eb: StatusesEb, viewerId: string | null, { byIds = false }: { byIds?: boolean } = {}): Expression<SqlBool> {
  return eb.and([authorNotSuspended(eb), visibleByAudience(eb, viewerId, byIds)]);
}

/**
 * A suspended account's statuses are hidden from everyone (Mastodon answers as if they were gone). The
 * subquery is not correlated, so SQLite reads the few suspended ids once (accounts_suspended, 0016).
 */
function authorNotSuspended(eb: StatusesEb): Expression<SqlBool> {
  return eb("statuses.account_id", "not in", eb.selectFrom("accounts").select("accounts.id").where("accounts.suspended_at", "is not", null));
}

function visibleByAudience(eb: StatusesEb, viewerId: string | null, byIds: boolean): Expression<SqlBool> {
  // For ids bound as one JSON array (compiled-queries.ts), SQLite without statistics on these indexes (every
  // instance: Hearth never runs ANALYZE) took an OR over them, each branch 10 rows by its guess: every public
  // status read to find a page's forty. The unary + keeps them out of the plan; the ids' index leads.
  const visibility = byIds ? sql<Visibility>`+${sql.ref("statuses.visibility")}` : eb.ref("statuses.visibility");
  const author = byIds ? sql<string>`+${sql.ref("statuses.account_id")}` : eb.ref("statuses.account_id");
  const open = eb(visibility, "in", ["public", "unlisted"]);
  if (viewerId === null) return open;
  const mentioned = eb.exists(
    eb.selectFrom("mentions").select("mentions.status_id").whereRef("mentions.status_id", "=", "statuses.id").where("mentions.account_id", "=", viewerId),
  );
  const follower = eb.exists(
    eb
      .selectFrom("follows")
      .select("follows.id")
      .whereRef("follows.target_account_id", "=", "statuses.account_id")
      .where("follows.account_id", "=", viewerId)
      .where("follows.state", "=", "accepted"),
  );
  if (byIds) {
    // The same rule as a CASE, where no index is to be chosen from it anyway: SQLite paid for the OR's
    // subqueries on every row though the first branch passed, about half a microsecond a row (issue #19: the
    // home page's query took 88-92 µs for forty public statuses with the OR, 65-70 with the CASE).
    return eb
      .case()
      .when(eb.or([open, eb(author, "=", viewerId)]))
      .then(eb.lit(true))
      .when(visibility, "=", "private")
      .then(eb.or([follower, mentioned]))
      .when(visibility, "=", "direct")
      .then(mentioned)
      .else(eb.lit(false))
      .end();
  }
  return eb.or([
    open,
    eb(author, "=", viewerId),
    eb.and([eb(visibility, "=", "private"), eb.or([follower, mentioned])]),
    eb.and([eb(visibility, "=", "direct"), mentioned]),
  ]);
}

/**
 * The accounts and domains a viewer does not want to see (or may not): blocks both ways, mutes that have
 * not expired, the viewer's domain blocks. Small lists, loaded once per request, as Mastodon's
 * excluded_account_ids are; queries then test rows against them.
 */
export interface ViewerExclusions {
  /** Accounts the viewer blocks or is blocked by. */
  blocked: readonly string[];
  /** Accounts the viewer mutes. */
  muted: readonly string[];
  /** Domains the viewer blocks, and those the instance suspends (hidden from everyone). */
  domains: readonly string[];
  /**
   * Silenced (limited) accounts the viewer does not follow: left out wherever mutes are, as Mastodon hides a
   * limited account from public timelines and from whoever does not follow it.
   */
  limited?: readonly string[];
  /** Domains the instance silences: their accounts are left out of public timelines. */
  silencedDomains?: readonly string[];
}

export const NO_EXCLUSIONS: ViewerExclusions = { blocked: [], muted: [], domains: [] };

type ExclusionKind = "blocked" | "muted" | "domain" | "limited" | `instance-${InstanceDomainBlockSeverity}`;

/**
 * The viewer's exclusions (blocks either way, mutes in force, blocked domains), the silenced accounts the
 * viewer (null: anonymous) does not follow, nor is, and the instance's own domain blocks, as one compound
 * query: every timeline page asks, and the lists are usually empty, so four queries' fixed costs (building,
 * compiling, the driver's turn) would be most of the work.
 */
const exclusionRows = compiledQuery((db, { viewerId, now }: { viewerId: string | null; now: string }) => {
  const instanceBlocks = db
    .selectFrom("instance_domain_blocks")
    .select([sql<ExclusionKind>`'instance-' || ${sql.ref("instance_domain_blocks.severity")}`.as("kind"), "instance_domain_blocks.domain as value"]);
  if (viewerId === null) {
    return instanceBlocks.unionAll((eb) =>
      eb.selectFrom("accounts").select([sql<ExclusionKind>`'limited'`.as("kind"), "accounts.id as value"]).where("accounts.silenced_at", "is not", null),
    );
  }
  return instanceBlocks
    .unionAll((eb) =>
      eb
        .selectFrom("accounts")
        .select([sql<ExclusionKind>`'limited'`.as("kind"), "accounts.id as value"])
        .where("accounts.silenced_at", "is not", null)
        .where("accounts.id", "!=", viewerId)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom("follows")
                .select("follows.id")
                .whereRef("follows.target_account_id", "=", "accounts.id")
                .where("follows.account_id", "=", viewerId)
                .where("follows.state", "=", "accepted"),
            ),
          ),
        ),
    )
    .unionAll((eb) => eb.selectFrom("blocks").select([sql<ExclusionKind>`'blocked'`.as("kind"), "target_account_id as value"]).where("account_id", "=", viewerId))
    .unionAll((eb) => eb.selectFrom("blocks").select([sql<ExclusionKind>`'blocked'`.as("kind"), "account_id as value"]).where("target_account_id", "=", viewerId))
    .unionAll((eb) =>
      eb
        .selectFrom("mutes")
        .select([sql<ExclusionKind>`'muted'`.as("kind"), "target_account_id as value"])
        .where("account_id", "=", viewerId)
        .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)])),
    )
    .unionAll((eb) => eb.selectFrom("account_domain_blocks").select([sql<ExclusionKind>`'domain'`.as("kind"), "domain as value"]).where("account_id", "=", viewerId));
});

export async function loadViewerExclusions(db: Db, viewerId: string | null, now: string): Promise<ViewerExclusions> {
  const rows = await exclusionRows(db, { viewerId, now });
  const of = (kind: ExclusionKind) => rows.filter((row) => row.kind === kind).map((row) => row.value);
  // The instance's own blocks hold for every viewer: suspended domains' statuses are hidden (not deleted, so
  // lifting the block brings them back), silenced ones' kept out of public timelines.
  const instanceBlocks = (["suspend", "silence", "noop"] as const).flatMap((severity) => of(`instance-${severity}`).map((domain) => ({ domain, severity })));
  const { suspended, silenced: silencedDomains } = await accountDomainsUnderBlocks({ db }, instanceBlocks);
  const limited = of("limited");
  if (viewerId === null) return { ...NO_EXCLUSIONS, domains: suspended, silencedDomains, limited };
  return { blocked: [...new Set(of("blocked"))], muted: of("muted"), domains: [...of("domain"), ...suspended], silencedDomains, limited };
}

/**
 * Leaves out statuses whose author (or, for a boost, the boosted status's author) is excluded: blocked
 * either way, on a blocked domain, and, when `withMutes`, muted.
 */
export function notExcluded(eb: StatusesEb, exclusions: ViewerExclusions, withMutes: boolean): Expression<SqlBool> {
  const accounts = withMutes ? [...exclusions.blocked, ...exclusions.muted, ...(exclusions.limited ?? [])] : [...exclusions.blocked];
  const domains = [...exclusions.domains];
  const conditions: Expression<SqlBool>[] = [authorNotSuspended(eb)];
  if (accounts.length > 0) {
    conditions.push(eb("statuses.account_id", "not in", accounts));
    conditions.push(
      eb.not(
        eb.exists(
          eb
            .selectFrom("statuses as original")
            .select("original.id")
            .whereRef("original.id", "=", "statuses.reblog_of_id")
            .where("original.account_id", "in", accounts),
        ),
      ),
    );
  }
  if (domains.length > 0) {
    conditions.push(
      eb.not(
        eb.exists(
          eb.selectFrom("accounts").select("accounts.id").whereRef("accounts.id", "=", "statuses.account_id").where("accounts.domain", "in", domains),
        ),
      ),
    );
    conditions.push(
      eb.not(
        eb.exists(
          eb
            .selectFrom("statuses as original")
            .innerJoin("accounts", "accounts.id", "original.account_id")
            .select("original.id")
            .whereRef("original.id", "=", "statuses.reblog_of_id")
            .where("accounts.domain", "in", domains),
        ),
      ),
    );
  }
  return conditions.length > 0 ? eb.and(conditions) : eb.lit(true);
}

/** Leaves out statuses by accounts on domains the instance silences (public and hashtag timelines, as Mastodon's PublicFeed). */
export function notSilenced(eb: StatusesEb, exclusions: ViewerExclusions): Expression<SqlBool> {
  const domains = [...(exclusions.silencedDomains ?? [])];
  if (domains.length === 0) return eb.lit(true);
  return eb.not(eb.exists(eb.selectFrom("accounts").select("accounts.id").whereRef("accounts.id", "=", "statuses.account_id").where("accounts.domain", "in", domains)));
}

/** Whether an account (and its domain) is excluded, for rows already loaded. */
export function isExcludedAccount(
  account: { id: string; domain: string | null },
  exclusions: ViewerExclusions,
  withMutes: boolean,
): boolean {
  if (exclusions.blocked.includes(account.id)) return true;
  if (withMutes && (exclusions.muted.includes(account.id) || (exclusions.limited ?? []).includes(account.id))) return true;
  return account.domain !== null && exclusions.domains.includes(account.domain);
}
