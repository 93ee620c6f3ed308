import { getLogger } from "@logtape/logtape";
import { accountImageOf, cachedAccountImagePath, hasCachedAccountImage, recordCachedAccountImage, type AccountImageKind } from "../core/media/account-images.ts";
import { getAccount } from "../core/accounts/accounts.ts";
import type { CoreContext } from "../core/context.ts";
import { processProfileImage } from "./image-processing.ts";
import { extensionFor, PUBLISHED_SIZE_LIMITS, sniffMedia } from "./media-types.ts";
import { PROFILE_IMAGE_SHAPES, PROFILE_IMAGE_SIZE_LIMIT } from "./profile-images.ts";
import { isMediaRejectedFrom } from "../core/moderation/instance-domain-blocks.ts";
import { createOutgoingFetch } from "../net/outgoing-fetch.ts";
import { fetchPublicFile } from "./public-fetch.ts";
import { RemoteMediaRefused } from "./remote-cache.ts";
import type { MediaStorage } from "./storage.ts";
import type { AccountRow } from "../core/rows.ts";

const logger = getLogger(["hearth", "media"]);

export interface RemoteAccountImageCacheOptions {
  core: CoreContext;
  storage: MediaStorage;
  /** --allow-private-network: only then are peers on this machine or the LAN fetched (and over http). */
  allowPrivateNetwork: boolean;
  timeoutMs?: number;
}

export interface RemoteAccountImageCache {
  /**
   * The remote account with a copy of its current avatar or header kept here (avatar_file / header_file,
   * under media/cache/), fetched now if there was none or the peer changed the picture; processed as our own
   * profile pictures are. Undefined for an unknown or local account, or one without such a picture. Throws
   * when the peer's file cannot be had or is not an image; the account then keeps pointing at the peer.
   */
  ensureCached(accountId: string, kind: AccountImageKind): Promise<AccountRow | undefined>;
}

/**
 * Remote avatars and headers, kept as Mastodon keeps them: a copy of each in our storage, so profiles in the
 * archive keep their faces offline. The copy's name says which URL it came from (core/media/account-images.ts), so
 * a changed picture is fetched again and the old copy removed.
 */
export function createRemoteAccountImageCache(options: RemoteAccountImageCacheOptions): RemoteAccountImageCache {
  const { core, storage } = options;
  const underWay = new Map<string, Promise<AccountRow | undefined>>();
  const outgoing = createOutgoingFetch({ policy: { allowPrivateNetwork: options.allowPrivateNetwork } });

  async function download(account: AccountRow, kind: AccountImageKind, remoteUrl: string): Promise<AccountRow | undefined> {
    // reject_media (or a suspension) of the picture's host or the account's domain: it stays a link to the peer.
    for (const domain of [new URL(remoteUrl).host, account.domain]) {
      if (domain && (await isMediaRejectedFrom(core, domain))) throw new RemoteMediaRefused(`Media from ${domain} is not fetched: this instance rejects its media.`);
    }
    const bytes = await fetchPublicFile(outgoing, remoteUrl, {
      allowPrivateNetwork: options.allowPrivateNetwork,
      maxBytes: PROFILE_IMAGE_SIZE_LIMIT,
      timeoutMs: options.timeoutMs,
    });
    const sniffed = await sniffMedia(bytes);
    if (sniffed?.kind !== "image") throw new RemoteMediaRefused(`${remoteUrl} is not an image this server accepts as a ${kind}.`);
    const image = await processProfileImage(bytes, PROFILE_IMAGE_SHAPES[kind], PUBLISHED_SIZE_LIMITS.imageMatrixLimit);
    const path = cachedAccountImagePath(account.id, kind, remoteUrl, extensionFor(image.contentType));
    await storage.write(path, image.bytes);
    const recorded = await recordCachedAccountImage(core, account.id, kind, remoteUrl, path);
    if (!recorded) {
      // The peer changed the picture while we fetched: this copy is of nothing.
      await storage.remove(path);
    } else if (recorded.replaced !== null) {
      await storage.remove(recorded.replaced);
    }
    return getAccount(core, account.id);
  }

  return {
    async ensureCached(accountId, kind) {
      const account = await getAccount(core, accountId);
      if (!account || account.domain === null) return undefined;
      const { remoteUrl } = accountImageOf(account, kind);
      if (remoteUrl === null) return undefined;
      if (hasCachedAccountImage(account, kind)) return account;
      const key = `${accountId}/${kind}/${remoteUrl}`;
      let fetching = underWay.get(key);
      if (!fetching) {
        fetching = download(account, kind, remoteUrl).finally(() => underWay.delete(key));
        underWay.set(key, fetching);
      }
      try {
        return await fetching;
      } catch (error) {
        logger.info("The {kind} of remote account {id} was not cached: {message}", {
          kind,
          id: accountId,
          message: error instanceof Error ? error.message : String(error),
        });
        throw error;
      }
    },
  };
}
