import { getLogger } from "@logtape/logtape";
import type { CoreContext } from "../core/context.ts";
import { getMediaAttachment, recordCachedRemoteMedia } from "../core/media/media.ts";
import { removeFiles, writeMediaFiles } from "./attachment-files.ts";
import { PUBLISHED_SIZE_LIMITS, sniffMedia, type MediaSizeLimits } from "./media-types.ts";
import { isMediaRejectedFrom } from "../core/moderation/instance-domain-blocks.ts";
import { createOutgoingFetch } from "../net/outgoing-fetch.ts";
import { PublicFetchError } from "../net/outgoing-policy.ts";
import { fetchPublicFile } from "./public-fetch.ts";
import type { MediaStorage } from "./storage.ts";
import { checkSize } from "./uploads.ts";
import type { MediaAttachmentRow } from "../core/rows.ts";

const logger = getLogger(["hearth", "media"]);

export interface RemoteMediaCacheOptions {
  core: CoreContext;
  storage: MediaStorage;
  /** --allow-private-network: only then are peers on this machine or the LAN fetched (and over http). */
  allowPrivateNetwork: boolean;
  limits?: MediaSizeLimits;
  timeoutMs?: number;
}

export interface RemoteMediaCache {
  /**
   * The remote attachment with a copy of its file kept here (under media/cache/), fetched now if there was
   * none: its images processed as uploads are (upright, stripped, with a preview), video and audio as they
   * came. Undefined for an id that is not remote media. Throws when the peer's file cannot be had or is not
   * media we accept; the row is then left as it was, pointing at the peer.
   */
  ensureCached(mediaId: string): Promise<MediaAttachmentRow | undefined>;
}

export class RemoteMediaRefused extends Error {
  override name = "RemoteMediaRefused";
}

/** Downloads remote media on demand, one fetch per attachment however many ask at once. */
export function createRemoteMediaCache(options: RemoteMediaCacheOptions): RemoteMediaCache {
  const { core, storage } = options;
  const limits = options.limits ?? PUBLISHED_SIZE_LIMITS;
  const outgoing = createOutgoingFetch({ policy: { allowPrivateNetwork: options.allowPrivateNetwork } });
  const underWay = new Map<string, Promise<MediaAttachmentRow | undefined>>();

  async function download(row: MediaAttachmentRow & { remote_url: string }): Promise<MediaAttachmentRow | undefined> {
    // reject_media (or a suspension) of the file's host or its author's domain: the attachment stays a link to the peer.
    const author = await core.db.selectFrom("accounts").select("domain").where("id", "=", row.account_id).executeTakeFirst();
    for (const domain of [new URL(row.remote_url).host, author?.domain]) {
      if (domain && (await isMediaRejectedFrom(core, domain))) throw new RemoteMediaRefused(`Media from ${domain} is not fetched: this instance rejects its media.`);
    }
    const bytes = await fetchPublicFile(outgoing, row.remote_url, {
      allowPrivateNetwork: options.allowPrivateNetwork,
      maxBytes: Math.max(limits.imageSizeLimit, limits.videoSizeLimit),
      timeoutMs: options.timeoutMs,
    });
    const sniffed = await sniffMedia(bytes);
    if (!sniffed) throw new RemoteMediaRefused(`${row.remote_url} is not an image, video or audio file this server accepts.`);
    await checkSize(bytes, sniffed, limits, "remote file");
    const written: string[] = [];
    try {
      const stored = await writeMediaFiles(storage, "cache", row, { bytes, sniffed }, limits.imageMatrixLimit, written);
      const cached = await recordCachedRemoteMedia(core, row.id, {
        file: stored.file,
        thumbnailFile: stored.thumbnailFile,
        blurhash: stored.blurhash,
        meta: stored.meta,
      });
      if (cached) return cached;
      // Deleted meanwhile, or cached by another fetch: ours are spare.
      await removeFiles(storage, written);
      return getMediaAttachment(core, row.id);
    } catch (error) {
      await removeFiles(storage, written);
      throw error;
    }
  }

  return {
    async ensureCached(mediaId) {
      const row = await getMediaAttachment(core, mediaId);
      if (!row || row.remote_url === null) return undefined;
      if (row.file !== null) return row;
      const remoteRow = { ...row, remote_url: row.remote_url };
      let fetching = underWay.get(mediaId);
      if (!fetching) {
        fetching = download(remoteRow).finally(() => underWay.delete(mediaId));
        underWay.set(mediaId, fetching);
      }
      try {
        return await fetching;
      } catch (error) {
        if (error instanceof PublicFetchError || error instanceof RemoteMediaRefused) {
          logger.info("Remote media {id} was not cached: {message}", { id: mediaId, message: error.message });
        }
        throw error;
      }
    },
  };
}
