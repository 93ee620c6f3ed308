import { Hono, type Context } from "hono";
import type { CoreContext } from "../../core/context.ts";
import {
  addListAccounts,
  createList,
  deleteList,
  getOwnList,
  listListAccounts,
  listLists,
  removeListAccounts,
  updateList,
  type ListInput,
} from "../../core/timelines/lists.ts";
import { requireUser } from "../auth.ts";
import { clientUrl } from "../client-url.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { renderAccounts } from "../entities/account-list.ts";
import { toList } from "../entities/list.ts";
import { flag, idList, readInput, text, type Input } from "../input.ts";
import { paging, setLinkHeader } from "../pagination.ts";
import { viewerOf } from "../request-accounts.ts";

const List = { title: text(), replies_policy: text(), exclusive: flag() };

function listInputOf(input: Input<typeof List>): ListInput {
  return { title: input.title, repliesPolicy: input.replies_policy, exclusive: input.exclusive };
}

/** limit=0 asks for every member at once, without paging. */
const Members = { limit: text(), page: paging({ default: 40, max: 80 }) };

const MemberIds = { account_ids: idList() };

/** Lists and their members; another account's list, or an account not followed, is "not found". */
export function listRoutes({ core, origin }: { core: CoreContext; origin(): string }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  routes.get("/", requireUser("read:lists"), async (c) => c.json((await listLists(core, viewerOf(c).id)).map(toList)));

  routes.post("/", requireUser("write:lists"), async (c) => {
    const list = await createList(core, viewerOf(c).id, listInputOf(await readInput(c, List)));
    return c.json(toList(list));
  });

  routes.get("/:id", requireUser("read:lists"), async (c) => c.json(toList(await getOwnList(core, viewerOf(c).id, c.req.param("id")))));

  routes.put("/:id", requireUser("write:lists"), async (c) => {
    const list = await updateList(core, viewerOf(c).id, c.req.param("id"), listInputOf(await readInput(c, List)));
    return c.json(toList(list));
  });

  routes.delete("/:id", requireUser("write:lists"), async (c) => {
    await deleteList(core, viewerOf(c).id, c.req.param("id"));
    return c.json({});
  });

  routes.get("/:id/accounts", requireUser("read:lists"), async (c) => {
    const { limit, page } = await readInput(c, Members);
    const everyone = limit === "0";
    const accounts = await listListAccounts(core, viewerOf(c).id, c.req.param("id"), { ...page, limit: everyone ? null : page.limit });
    if (!everyone) {
      setLinkHeader(
        c,
        accounts.map((account) => account.id),
        clientUrl(c, origin()),
        page.limit,
      );
    }
    return c.json(await renderAccounts(core, accounts, origin()));
  });

  const changeMembers = (change: typeof addListAccounts) => async (c: Context<HonoApiEnv>) => {
    const id = c.req.param("id") ?? "";
    await change(core, viewerOf(c).id, id, (await readInput(c, MemberIds)).account_ids ?? []);
    return c.json({});
  };
  routes.post("/:id/accounts", requireUser("write:lists"), changeMembers(addListAccounts));
  routes.delete("/:id/accounts", requireUser("write:lists"), changeMembers(removeListAccounts));

  return routes;
}
