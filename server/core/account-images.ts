import type { AccountRow } from "./accounts.ts";
import { mediaFileUrl } from "./media.ts";

/** Where the stand-in pictures are served, at Mastodon's own paths, for accounts that have none. */
export const MISSING_AVATAR_PATH = "/avatars/original/missing.png";
export const MISSING_HEADER_PATH = "/headers/original/missing.png";

/** A stored file (storeProfileImage's path, relative to the media folder) is served under /media/. */
function imageUrl(origin: string, file: string | null, remoteUrl: string | null, missingPath: string): string {
  if (file) return mediaFileUrl(origin, file);
  return remoteUrl ?? new URL(missingPath, origin).href;
}

/** The avatar's address as clients and peers see it: our file, the remote server's, or the stand-in. */
export function avatarUrl(account: AccountRow, origin: string): string {
  return imageUrl(origin, account.avatar_file, account.avatar_remote_url, MISSING_AVATAR_PATH);
}

export function headerUrl(account: AccountRow, origin: string): string {
  return imageUrl(origin, account.header_file, account.header_remote_url, MISSING_HEADER_PATH);
}
