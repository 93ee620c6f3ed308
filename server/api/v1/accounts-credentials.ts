import { Hono, type Context } from "hono";
import type { CoreContext } from "../../core/context.ts";
import { updateProfile, type ProfileChanges } from "../../core/accounts/profile.ts";
import { storeProfileImage, type ProfileImageKind } from "../../media/profile-images.ts";
import type { MediaStorage } from "../../media/storage.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { renderCredentialAccount } from "../entities/credential-account.ts";
import { clearable, file, flag, hash, hashList, readInput, text, type Input } from "../input.ts";
import { viewerOf } from "../request-accounts.ts";

export interface CredentialRoutesDependencies {
  core: CoreContext;
  origin(): string;
  /** Where avatars and headers are stored (the data directory's media folder). */
  media: { storage: MediaStorage };
}

/**
 * PATCH update_credentials: what is absent stays as it is. fields_attributes as Mastodon takes it: an array,
 * or a hash of indexes, of { name, value }. Pictures that are not files are ignored, as they always were here.
 */
const UpdateCredentials = {
  display_name: text(),
  note: text(),
  locked: flag(),
  bot: flag(),
  discoverable: flag(),
  indexable: flag(),
  fields_attributes: hashList({ name: text(), value: text() }),
  source: hash({
    privacy: text(),
    sensitive: flag(),
    // An empty language means none, as Mastodon's settings page sends it.
    language: clearable(text()),
  }),
  avatar: file({ textIsAbsent: true }),
  header: file({ textIsAbsent: true }),
};

function changesOf(input: Input<typeof UpdateCredentials>): ProfileChanges {
  return {
    displayName: input.display_name,
    note: input.note,
    locked: input.locked,
    bot: input.bot,
    discoverable: input.discoverable,
    indexable: input.indexable,
    fields: input.fields_attributes?.map((field) => ({ name: field.name ?? "", value: field.value ?? "" })),
    defaultVisibility: input.source?.privacy,
    defaultSensitive: input.source?.sensitive,
    defaultLanguage: input.source?.language,
  };
}

/** Writes the changes, removes the pictures they replaced, and answers the CredentialAccount. */
async function saveProfile(deps: CredentialRoutesDependencies, c: Context<HonoApiEnv>, changes: ProfileChanges): Promise<Response> {
  const { core, origin, media } = deps;
  const { account, user, replacedFiles } = await updateProfile(core, viewerOf(c).id, changes, { origin: origin() });
  await Promise.all(replacedFiles.map((path) => media.storage.remove(path)));
  return c.json(await renderCredentialAccount(core, account, user, origin()));
}

/**
 * PATCH /api/v1/accounts/update_credentials. New pictures are stored before the profile is written (and
 * removed again if writing fails); the pictures they replace are removed after.
 */
export function accountCredentialRoutes(deps: CredentialRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  routes.patch("/update_credentials", requireUser("write:accounts"), async (c) => {
    const input = await readInput(c, UpdateCredentials);
    const changes = changesOf(input);
    const stored: string[] = [];
    try {
      for (const kind of ["avatar", "header"] as const satisfies readonly ProfileImageKind[]) {
        const picture = input[kind];
        if (!picture) continue;
        const path = await storeProfileImage(deps.media.storage, picture, kind);
        stored.push(path);
        if (kind === "avatar") changes.avatarFile = path;
        else changes.headerFile = path;
      }
      return await saveProfile(deps, c, changes);
    } catch (error) {
      await Promise.all(stored.map((path) => deps.media.storage.remove(path)));
      throw error;
    }
  });
  return routes;
}

/** DELETE /api/v1/profile/avatar and /api/v1/profile/header (Mastodon 4.2): back to the stand-in picture. */
export function profileRoutes(deps: CredentialRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();
  routes.delete("/avatar", requireUser("write:accounts"), (c) => saveProfile(deps, c, { avatarFile: null }));
  routes.delete("/header", requireUser("write:accounts"), (c) => saveProfile(deps, c, { headerFile: null }));
  return routes;
}
