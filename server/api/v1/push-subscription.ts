import { createECDH } from "node:crypto";
import { Hono, type Context } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { Invalid, NotFound } from "../../core/errors.ts";
import {
  createPushSubscription,
  deletePushSubscription,
  findPushSubscription,
  PUSH_ALERT_TYPES,
  PUSH_POLICIES,
  updatePushSubscription,
  type PushAlerts,
  type PushPolicy,
} from "../../core/notifications/push-subscriptions.ts";
import { getVapidKeys } from "../../core/notifications/vapid-keys.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { toWebPushSubscription } from "../entities/web-push-subscription.ts";
import { flag, hash, presentText, readInput, type Field, type Input } from "../input.ts";

/** Each alert the app may ask for, off unless it says so. */
const Alerts = Object.fromEntries(PUSH_ALERT_TYPES.map((type) => [type, flag(false)])) as Record<(typeof PUSH_ALERT_TYPES)[number], Field<boolean>>;

/** What to push: alerts not named are off, a missing policy is "all" (Mastodon replaces data as a whole). */
const PushData = {
  data: hash({ alerts: hash(Alerts), policy: presentText() }),
  // masto sends the policy beside data rather than in it.
  policy: presentText(),
};

function pushDataOf(input: Input<typeof PushData>): { alerts: PushAlerts; policy: PushPolicy } {
  const alerts: PushAlerts = {};
  for (const type of PUSH_ALERT_TYPES) alerts[type] = input.data?.alerts?.[type] ?? false;
  const policy = input.data?.policy ?? input.policy ?? "all";
  if (!PUSH_POLICIES.includes(policy as PushPolicy)) {
    throw new Invalid(`Validation failed: Policy must be one of ${PUSH_POLICIES.join(", ")}`);
  }
  return { alerts, policy: policy as PushPolicy };
}

/** POST: the browser's subscription (its endpoint and keys), and what to push. */
const Subscribe = {
  subscription: hash({ endpoint: presentText(), keys: hash({ p256dh: presentText(), auth: presentText() }), standard: flag(false) }),
  ...PushData,
};

function readEndpoint(endpoint: string | undefined): string {
  if (!endpoint) throw new Invalid("Validation failed: Endpoint can't be blank");
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Invalid("Validation failed: Endpoint is not a valid URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Invalid("Validation failed: Endpoint is not a valid URL");
  return url.href;
}

function decodeBase64Url(value: string): Buffer {
  // Apps send either alphabet, with or without padding.
  return Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

/** The browser's keys (RFC 8291): an uncompressed P-256 point and a 16-byte secret, or nothing can be encrypted. */
function readKeys(keys: { p256dh: string | undefined; auth: string | undefined } | undefined): { p256dh: string; auth: string } {
  const p256dh = keys?.p256dh;
  const auth = keys?.auth;
  if (!p256dh) throw new Invalid("Validation failed: Key p256dh can't be blank");
  if (!auth) throw new Invalid("Validation failed: Key auth can't be blank");
  const point = decodeBase64Url(p256dh);
  try {
    if (point.length !== 65) throw new Error("not an uncompressed point");
    // computeSecret refuses a point that is not on the curve.
    const probe = createECDH("prime256v1");
    probe.generateKeys();
    probe.computeSecret(point);
  } catch {
    throw new Invalid("Validation failed: Key p256dh is not a P-256 public key");
  }
  const secret = decodeBase64Url(auth);
  if (secret.length !== 16) throw new Invalid("Validation failed: Key auth must be 16 bytes");
  // Kept in the URL-safe alphabet web-push expects, whichever the app sent.
  return { p256dh: point.toString("base64url"), auth: secret.toString("base64url") };
}

/** The signed-in token and account, which requireUser guarantees. */
function signedIn(c: Context<HonoApiEnv>) {
  const auth = c.get("auth");
  if (!auth?.account) throw new Error("requireUser lets only signed-in users through.");
  return { token: auth.token, account: auth.account };
}

/** The bearer token as the client sent it; authenticate() already proved it live. */
function bearerToken(c: Context<HonoApiEnv>): string {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "")?.[1];
  if (!token) throw new Error("A push subscription was requested without a bearer token.");
  return token;
}

/** /api/v1/push/subscription: one Web Push subscription per access token. */
export function pushSubscriptionRoutes({ core }: { core: CoreContext }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  routes.use(requireUser("push"));
  const serverKey = async () => (await getVapidKeys(core)).publicKey;

  routes.post("/", async (c) => {
    const { token, account } = signedIn(c);
    const input = await readInput(c, Subscribe);
    const endpoint = readEndpoint(input.subscription?.endpoint);
    const keys = readKeys(input.subscription?.keys);
    const data = pushDataOf(input);
    const row = await createPushSubscription(core, {
      accessTokenId: token.id,
      accessToken: bearerToken(c),
      accountId: account.id,
      endpoint,
      ...keys,
      standard: input.subscription?.standard ?? false,
      ...data,
    });
    return c.json(toWebPushSubscription(row, await serverKey()));
  });

  routes.get("/", async (c) => {
    const row = await findPushSubscription(core, signedIn(c).token.id);
    if (!row) throw new NotFound("This access token has no push subscription.");
    return c.json(toWebPushSubscription(row, await serverKey()));
  });

  routes.put("/", async (c) => {
    const data = pushDataOf(await readInput(c, PushData));
    const row = await updatePushSubscription(core, signedIn(c).token.id, data);
    if (!row) throw new NotFound("This access token has no push subscription.");
    return c.json(toWebPushSubscription(row, await serverKey()));
  });

  routes.delete("/", async (c) => {
    await deletePushSubscription(core, signedIn(c).token.id);
    return c.json({});
  });

  return routes;
}
