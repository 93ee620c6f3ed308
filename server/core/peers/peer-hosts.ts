import type { CoreContext } from "../context.ts";
import type { PeerHostRow } from "../rows.ts";
import { write } from "../write.ts";


/**
 * How each peer host has answered our deliveries. Fedify's circuit breaker decides when to hold a host's
 * deliveries; this keeps what it decided where people (and the tray) can see it.
 */

/** A host stopped answering: deliveries to it are being held. */
export async function markPeerHostFailing(ctx: CoreContext, host: string): Promise<void> {
  const now = ctx.clock.now().toISOString();
  await write(ctx, (trx) =>
    trx
      .insertInto("peer_hosts")
      .values({ host, last_failure_at: now, failing_since: now, consecutive_failures: 1 })
      .onConflict((oc) =>
        oc.column("host").doUpdateSet((eb) => ({
          last_failure_at: now,
          failing_since: eb.fn.coalesce("peer_hosts.failing_since", eb.val(now)),
          consecutive_failures: eb("peer_hosts.consecutive_failures", "+", 1),
        })),
      )
      .execute(),
  );
}

/** A host answers again. */
export async function markPeerHostHealthy(ctx: CoreContext, host: string): Promise<void> {
  const now = ctx.clock.now().toISOString();
  await write(ctx, (trx) =>
    trx
      .insertInto("peer_hosts")
      .values({ host, last_success_at: now, consecutive_failures: 0 })
      .onConflict((oc) => oc.column("host").doUpdateSet({ last_success_at: now, failing_since: null, consecutive_failures: 0 }))
      .execute(),
  );
}

export async function listFailingPeerHosts(ctx: CoreContext): Promise<PeerHostRow[]> {
  return ctx.db.selectFrom("peer_hosts").selectAll().where("failing_since", "is not", null).orderBy("failing_since").execute();
}

/**
 * A peer answered 410 Gone for an actor's inbox: the actor is gone, so it stops being a follower of our
 * accounts (and nothing more is sent to it). Returns how many follows were removed.
 */
export async function dropGoneFollowers(ctx: CoreContext, actorUris: readonly string[]): Promise<number> {
  if (actorUris.length === 0) return 0;
  return write(ctx, async (trx) => {
    const gone = await trx.selectFrom("accounts").select("id").where("uri", "in", actorUris).where("domain", "is not", null).execute();
    if (gone.length === 0) return 0;
    const result = await trx
      .deleteFrom("follows")
      .where(
        "account_id",
        "in",
        gone.map((account) => account.id),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  });
}
