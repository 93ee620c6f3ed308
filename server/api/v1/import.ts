import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { IMPORT_MAX_BYTES, IMPORT_MODES, IMPORT_TYPES, importRelations, type ImportType } from "../../core/archive/relation-import.ts";
import { scopesAllow } from "../../core/auth/scopes.ts";
import type { CoreContext } from "../../core/context.ts";
import { Invalid } from "../../core/errors.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { file, oneOf, readInput } from "../input.ts";
import { mastodonError } from "../mastodon-error.ts";
import { viewerOf } from "../request-accounts.ts";

// Mastodon's own form names the types so; GoToSocial's API (and ours) uses the names of the export files.
const MASTODON_TYPE_NAMES: Record<string, ImportType> = { blocking: "blocks", muting: "mutes", domain_blocking: "domain_blocks" };
/** The scope each type writes with, as the endpoints that make the same relations one by one ask for. */
const TYPE_SCOPES: Record<ImportType, string> = {
  following: "write:follows",
  blocks: "write:blocks",
  mutes: "write:mutes",
  domain_blocks: "write:blocks",
  bookmarks: "write:bookmarks",
  lists: "write:lists",
};
const TYPE_WORDS = [...IMPORT_TYPES, ...Object.keys(MASTODON_TYPE_NAMES)];

const Import = {
  data: file(),
  type: oneOf(TYPE_WORDS, (value) => `"${value}" is not a type of import; use one of: ${IMPORT_TYPES.join(", ")}.`),
  mode: oneOf(IMPORT_MODES, (value) => `"${value}" is not an import mode; use merge or overwrite.`),
};

/**
 * POST /api/v1/import as GoToSocial has it (multipart: data, type, mode), for Mastodon's CSV files. Unlike
 * GoToSocial, the rows are imported before the answer, which reports them: how many were imported and, for
 * each that was not, its line and why.
 */
export function importRoutes({ core, origin }: { core: CoreContext; origin(): string }): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  const limitBody = bodyLimit({
    // The file's own limit, and room for the multipart framing around it.
    maxSize: IMPORT_MAX_BYTES + 64 * 1024,
    onError: (c) => mastodonError(c, 413, "The file is larger than 20 MB, the most an import takes."),
  });
  routes.post("/", requireUser("write:follows", "write:blocks", "write:mutes", "write:bookmarks", "write:lists"), limitBody, async (c) => {
    const input = await readInput(c, Import);
    if (!input.data) throw new Invalid("No file was uploaded: send the CSV file as the multipart field \"data\".");
    if (!input.type) throw new Invalid(`Say what the file holds in "type": one of ${IMPORT_TYPES.join(", ")}.`);
    const type = MASTODON_TYPE_NAMES[input.type] ?? (input.type as ImportType);
    if (!scopesAllow(c.get("auth")?.scopes ?? [], TYPE_SCOPES[type])) return mastodonError(c, 403, "This action is outside the authorized scopes");
    const text = new TextDecoder("utf-8").decode(await input.data.arrayBuffer());
    const report = await importRelations(core, { accountId: viewerOf(c).id, type, mode: input.mode ?? "merge", text, origin: origin() });
    return c.json(report, 202);
  });
  return routes;
}
