import type { CoreContext } from "../context.ts";
import type { AccountRow } from "../rows.ts";

/**
 * How a local account stands with others, everything Mastodon's Relationship says, read for many accounts
 * at once (a timeline's worth) in a fixed number of queries.
 */

export interface Relationship {
  id: string;
  following: boolean;
  showingReblogs: boolean;
  notifying: boolean;
  languages: string[] | null;
  followedBy: boolean;
  blocking: boolean;
  blockedBy: boolean;
  muting: boolean;
  mutingNotifications: boolean;
  requested: boolean;
  requestedBy: boolean;
  domainBlocking: boolean;
  endorsed: boolean;
  note: string;
}

function parseLanguages(json: string | null): string[] | null {
  if (json === null) return null;
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === "string") : null;
  } catch {
    return null;
  }
}

/** Relationships of the viewer with each account that exists, in the order asked; unknown ids are left out. */
export async function getRelationships(ctx: CoreContext, viewerId: string, accountIds: readonly string[]): Promise<Relationship[]> {
  const ids = [...new Set(accountIds)];
  if (ids.length === 0) return [];
  const now = ctx.clock.now().toISOString();
  const db = ctx.db;
  const [accounts, outgoing, incoming, blocking, blockedBy, mutes, domainBlocks, endorsements, notes] = await Promise.all([
    db.selectFrom("accounts").select(["id", "domain"]).where("id", "in", ids).execute(),
    db.selectFrom("follows").selectAll().where("account_id", "=", viewerId).where("target_account_id", "in", ids).execute(),
    db.selectFrom("follows").select(["account_id", "state"]).where("target_account_id", "=", viewerId).where("account_id", "in", ids).execute(),
    db.selectFrom("blocks").select("target_account_id").where("account_id", "=", viewerId).where("target_account_id", "in", ids).execute(),
    db.selectFrom("blocks").select("account_id").where("target_account_id", "=", viewerId).where("account_id", "in", ids).execute(),
    db
      .selectFrom("mutes")
      .select(["target_account_id", "hide_notifications"])
      .where("account_id", "=", viewerId)
      .where("target_account_id", "in", ids)
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
      .execute(),
    db.selectFrom("account_domain_blocks").select("domain").where("account_id", "=", viewerId).execute(),
    db.selectFrom("account_endorsements").select("target_account_id").where("account_id", "=", viewerId).where("target_account_id", "in", ids).execute(),
    db.selectFrom("account_notes").select(["target_account_id", "comment"]).where("account_id", "=", viewerId).where("target_account_id", "in", ids).execute(),
  ]);
  const byId = new Map(accounts.map((account) => [account.id, account]));
  const outgoingBy = new Map(outgoing.map((follow) => [follow.target_account_id, follow]));
  const incomingBy = new Map(incoming.map((follow) => [follow.account_id, follow.state]));
  const blockingSet = new Set(blocking.map((row) => row.target_account_id));
  const blockedBySet = new Set(blockedBy.map((row) => row.account_id));
  const muteBy = new Map(mutes.map((row) => [row.target_account_id, row.hide_notifications === 1]));
  const blockedDomains = new Set(domainBlocks.map((row) => row.domain));
  const endorsed = new Set(endorsements.map((row) => row.target_account_id));
  const noteBy = new Map(notes.map((row) => [row.target_account_id, row.comment]));

  return ids.flatMap((id) => {
    const account = byId.get(id);
    if (!account) return [];
    const follow = outgoingBy.get(id);
    const following = follow?.state === "accepted";
    return [
      {
        id,
        following,
        // Mastodon reports the follow's options for a request too, and its defaults when there is none.
        showingReblogs: follow ? follow.show_reblogs === 1 : false,
        notifying: follow ? follow.notify === 1 : false,
        languages: follow ? parseLanguages(follow.languages_json) : null,
        followedBy: incomingBy.get(id) === "accepted",
        blocking: blockingSet.has(id),
        blockedBy: blockedBySet.has(id),
        muting: muteBy.has(id),
        mutingNotifications: muteBy.get(id) ?? false,
        requested: follow?.state === "pending",
        requestedBy: incomingBy.get(id) === "pending",
        domainBlocking: account.domain !== null && blockedDomains.has(account.domain.toLowerCase()),
        endorsed: endorsed.has(id),
        note: noteBy.get(id) ?? "",
      },
    ];
  });
}

export async function getRelationship(ctx: CoreContext, viewerId: string, accountId: string): Promise<Relationship> {
  const [relationship] = await getRelationships(ctx, viewerId, [accountId]);
  if (!relationship) throw new Error(`There is no account ${accountId} to relate to.`);
  return relationship;
}

/** Accounts the viewer follows that also follow the account (Mastodon's familiar followers), newest follow first. */
export async function familiarFollowers(ctx: CoreContext, viewerId: string, accountId: string): Promise<AccountRow[]> {
  return ctx.db
    .selectFrom("follows as theirs")
    .innerJoin("follows as mine", (join) => join.onRef("mine.target_account_id", "=", "theirs.account_id"))
    .innerJoin("accounts", "accounts.id", "theirs.account_id")
    .selectAll("accounts")
    .where("theirs.target_account_id", "=", accountId)
    .where("theirs.state", "=", "accepted")
    .where("mine.account_id", "=", viewerId)
    .where("mine.state", "=", "accepted")
    .orderBy("theirs.id", "desc")
    .execute();
}
