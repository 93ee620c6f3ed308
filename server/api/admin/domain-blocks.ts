import { Hono } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { Invalid } from "../../core/errors.ts";
import {
  createInstanceDomainBlock,
  deleteInstanceDomainBlock,
  ExistingDomainBlock,
  getInstanceDomainBlock,
  listInstanceDomainBlocks,
  SEVERITIES,
  updateInstanceDomainBlock,
  type InstanceDomainBlockInput,
} from "../../core/moderation/instance-domain-blocks.ts";
import { requireUser } from "../auth.ts";
import { clientUrl } from "../client-url.ts";
import { toAdminDomainBlock } from "../entities/domain-block.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { clearable, flag, oneOf, pathId, readInput, requiredText, text, type Input } from "../input.ts";
import { paging, setLinkHeader } from "../pagination.ts";

const Page = { page: paging({ default: 100, max: 200 }) };

const severity = oneOf(SEVERITIES, (value) => `severity must be one of ${SEVERITIES.join(", ")}, not "${value}".`);

const Changes = {
  severity,
  reject_media: flag(),
  reject_reports: flag(),
  private_comment: clearable(text()),
  public_comment: clearable(text()),
  obfuscate: flag(),
};

const NewBlock = { domain: requiredText("Give the domain to block as domain=example.social.", { trim: true }), ...Changes };

function blockInput(input: Input<typeof Changes>): InstanceDomainBlockInput {
  return {
    severity: input.severity,
    reject_media: input.reject_media,
    reject_reports: input.reject_reports,
    private_comment: input.private_comment,
    public_comment: input.public_comment,
    obfuscate: input.obfuscate,
  };
}

/** Which scopes the routes ask: Mastodon's admin ones for /api/v1/admin, plain read/write for the web client's /api/hearth. */
export interface DomainBlockScopes {
  read: [string, ...string[]];
  write: [string, ...string[]];
}

export const ADMIN_SCOPES: DomainBlockScopes = { read: ["admin:read:domain_blocks"], write: ["admin:write:domain_blocks"] };

/**
 * The instance's domain blocks as Mastodon's Api::V1::Admin::DomainBlocksController has them: list, show,
 * create, update, delete, each an Admin::DomainBlock. The route table guards them with manageBlocks (owner
 * and moderators).
 */
export function adminDomainBlockRoutes({ core, origin }: { core: CoreContext; origin(): string }, scopes: DomainBlockScopes = ADMIN_SCOPES): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/", requireUser(...scopes.read), async (c) => {
    const { page } = await readInput(c, Page);
    const blocks = await listInstanceDomainBlocks(core, page);
    setLinkHeader(
      c,
      blocks.map((block) => block.id),
      clientUrl(c, origin()),
      page.limit,
    );
    return c.json(blocks.map(toAdminDomainBlock));
  });

  routes.get("/:id", requireUser(...scopes.read), async (c) => c.json(toAdminDomainBlock(await getInstanceDomainBlock(core, pathId(c)))));

  routes.post("/", requireUser(...scopes.write), async (c) => {
    const input = await readInput(c, NewBlock);
    if (new URL(origin()).host.toLowerCase() === input.domain.toLowerCase()) throw new Invalid("This instance cannot block its own domain.");
    try {
      return c.json(toAdminDomainBlock(await createInstanceDomainBlock(core, input.domain, blockInput(input))));
    } catch (error) {
      // As Mastodon: 422 with the block that already rules the domain, so a tool can update it instead.
      if (error instanceof ExistingDomainBlock) return c.json({ error: error.message, existing_domain_block: toAdminDomainBlock(error.existing) }, 422);
      throw error;
    }
  });

  routes.put("/:id", requireUser(...scopes.write), async (c) => {
    const id = pathId(c);
    const input = await readInput(c, Changes);
    return c.json(toAdminDomainBlock(await updateInstanceDomainBlock(core, id, blockInput(input))));
  });

  routes.delete("/:id", requireUser(...scopes.write), async (c) => {
    await deleteInstanceDomainBlock(core, pathId(c));
    return c.json({});
  });

  return routes;
}
