import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { Invalid } from "../../core/errors.ts";
import { blockDomain, listDomainBlocks, unblockDomain } from "../../core/relationships/domain-blocks.ts";
import { requireUser } from "../auth.ts";
import { clientUrl } from "../client-url.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { readInput, requiredText } from "../input.ts";
import { paging, setLinkHeader } from "../pagination.ts";
import { viewerOf } from "../request-accounts.ts";

const Page = { page: paging({ default: 100, max: 200 }) };

const DomainBlock = { domain: requiredText("Give the domain to block as domain=example.social.") };

/** /api/v1/domain_blocks: the servers the signed-in account hears nothing from. */
export function domainBlockRoutes({ core, origin }: { core: CoreContext; origin(): string }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/", requireUser("read:blocks"), async (c) => {
    const { page } = await readInput(c, Page);
    const blocks = await listDomainBlocks(core, viewerOf(c).id, page);
    setLinkHeader(
      c,
      blocks.map((block) => block.id),
      clientUrl(c, origin()),
      page.limit,
    );
    return c.json(blocks.map((block) => block.domain));
  });

  for (const method of ["post", "delete"] as const) {
    routes[method]("/", requireUser("write:blocks"), async (c) => {
      const { domain } = await readInput(c, DomainBlock);
      const viewer = viewerOf(c);
      if (new URL(origin()).host.toLowerCase() === domain.trim().toLowerCase()) {
        throw new Invalid("You cannot block the domain of your own instance.");
      }
      if (method === "post") await blockDomain(core, viewer.id, domain);
      else await unblockDomain(core, viewer.id, domain);
      return c.json({});
    });
  }

  return routes;
}
