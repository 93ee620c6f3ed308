import type { CoreContext } from "../context.ts";
import { write } from "../write.ts";

/** The instance's VAPID key pair (RFC 8292), URL-safe base64 as Web Push wants: the public key is the server_key apps see. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

const SETTING_KEY = "vapid_keys";

/**
 * The key pair, made the first time it is asked for and kept for good: every push subscription an app holds
 * is bound to the public key it was given, so a new pair would silently end them all.
 */
export async function getVapidKeys(ctx: CoreContext): Promise<VapidKeys> {
  const stored = await readVapidKeys(ctx);
  if (stored) return stored;
  // Loaded only to make the pair, once in an instance's life: web-push is a heavy module to load at start.
  const { default: webPush } = await import("web-push");
  const generated = webPush.generateVAPIDKeys();
  // Two first requests may race; whichever insert lands first is the pair both read back.
  await write(ctx, (trx) =>
    trx
      .insertInto("instance_settings")
      .values({ key: SETTING_KEY, value: JSON.stringify(generated), updated_at: ctx.clock.now().toISOString() })
      .onConflict((oc) => oc.column("key").doNothing())
      .execute(),
  );
  const kept = await readVapidKeys(ctx);
  if (!kept) throw new Error("The VAPID key pair could not be stored.");
  return kept;
}

async function readVapidKeys(ctx: CoreContext): Promise<VapidKeys | undefined> {
  const row = await ctx.db.selectFrom("instance_settings").select("value").where("key", "=", SETTING_KEY).executeTakeFirst();
  if (!row) return undefined;
  const parsed = JSON.parse(row.value) as Partial<VapidKeys>;
  if (typeof parsed.publicKey !== "string" || typeof parsed.privateKey !== "string") throw new Error("The stored VAPID key pair is damaged.");
  return { publicKey: parsed.publicKey, privateKey: parsed.privateKey };
}
