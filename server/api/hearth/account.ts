import { Hono } from "hono";
import { deleteOwnAccount } from "../../core/accounts/local-account-deletion.ts";
import type { CoreContext } from "../../core/context.ts";
import { removeFiles } from "../../media/attachment-files.ts";
import type { MediaStorage } from "../../media/storage.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { readInput, text } from "../input.ts";
import { viewerOf } from "../request-accounts.ts";

const Deletion = { password: text() };

/**
 * A member's own account, where Mastodon has only its settings pages: POST /api/hearth/account/delete
 * {password} deletes it (Delete(Person) to its remote followers, its data removed, the name kept reserved)
 * and answers 200 {}. The owner's account is refused: it is the instance.
 */
export function ownAccountRoutes({ core, media }: { core: CoreContext; media: { storage: MediaStorage } }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  routes.post("/delete", requireUser("write:accounts"), async (c) => {
    const { password } = await readInput(c, Deletion);
    const { files } = await deleteOwnAccount(core, viewerOf(c).id, password ?? "");
    // After the commit: a file left by a crash here is untidy, a row pointing at a removed file would be wrong.
    await removeFiles(media.storage, files);
    c.header("Cache-Control", "no-store");
    return c.json({});
  });
  return routes;
}
