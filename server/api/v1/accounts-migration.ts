import { Hono, type Context } from "hono";
import { getLocalUser } from "../../core/accounts/accounts.ts";
import { ALIASES_MAX, setAliases } from "../../core/accounts/aliases.ts";
import { cancelMove, moveAccount } from "../../core/accounts/moves.ts";
import { signIn } from "../../core/auth/sign-in.ts";
import type { SignInLockout } from "../../core/auth/sign-in-lockout.ts";
import type { CoreContext } from "../../core/context.ts";
import { Forbidden, Invalid } from "../../core/errors.ts";
import type { AccountRow } from "../../core/rows.ts";
import { requireUser } from "../auth.ts";
import { renderCredentialAccount } from "../entities/credential-account.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { readInput, requiredText, textList } from "../input.ts";
import { viewerOf } from "../request-accounts.ts";

export interface MigrationRoutesDependencies {
  core: CoreContext;
  origin(): string;
  /** A move asks for the password, counted as every password check is. */
  signInLockout: SignInLockout;
}

// GoToSocial's field; also_known_as is taken too, the word the ActivityPub property and Mastodon's form use.
const Aliases = { also_known_as_uris: textList(), also_known_as: textList() };
const Move = {
  password: requiredText("Give the account's password as password: a move needs it."),
  moved_to_uri: requiredText("Give the account to move to as moved_to_uri (its URL, or @name@server).", { trim: true }),
};

async function answerAccount(deps: MigrationRoutesDependencies, c: Context<HonoApiEnv>, account: AccountRow, status: 200 | 202 = 200): Promise<Response> {
  const user = await getLocalUser(deps.core, account.id);
  if (!user) throw new Forbidden("This method requires a local account");
  return c.json(await renderCredentialAccount(deps.core, account, user, deps.origin()), status);
}

/**
 * Account migration as GoToSocial's API has it: POST /api/v1/accounts/alias sets the aliases (moving in),
 * POST /api/v1/accounts/move moves this account out, with its password. DELETE /api/v1/accounts/move undoes
 * the move (Mastodon's "cancel redirect", which it has only in its settings pages).
 */
export function accountMigrationRoutes(deps: MigrationRoutesDependencies): Hono<HonoApiEnv> {
  const { core, origin } = deps;
  const routes = new Hono<HonoApiEnv>();

  routes.post("/alias", requireUser("write:accounts"), async (c) => {
    const input = await readInput(c, Aliases);
    const addresses = input.also_known_as_uris ?? input.also_known_as;
    if (addresses === undefined) throw new Invalid(`Give the aliases as also_known_as_uris[] (at most ${ALIASES_MAX}); an empty list clears them.`);
    const account = await setAliases(core, viewerOf(c).id, addresses, { origin: origin() });
    return answerAccount(deps, c, account);
  });

  routes.post("/move", requireUser("write:accounts"), async (c) => {
    const input = await readInput(c, Move);
    const viewer = viewerOf(c);
    const client = { address: c.get("client").address, userAgent: c.req.header("user-agent") ?? null };
    const outcome = await signIn(core, deps.signInLockout, { username: viewer.username, password: input.password }, client);
    if (outcome.kind === "locked") {
      return c.json({ error: `Too many wrong passwords for ${viewer.username} lately; try again after ${outcome.retryAt.toISOString()}.` }, 429);
    }
    if (outcome.kind !== "signed-in" || outcome.account.id !== viewer.id) throw new Invalid("The password is wrong: the account did not move.");
    const { account } = await moveAccount(core, viewer.id, input.moved_to_uri, { origin: origin() });
    return answerAccount(deps, c, account, 202);
  });

  routes.delete("/move", requireUser("write:accounts"), async (c) => {
    const account = await cancelMove(core, viewerOf(c).id);
    return answerAccount(deps, c, account);
  });

  return routes;
}
