/**
 * The limits this instance enforces and publishes to clients (they size their compose boxes and upload
 * checks from /api/v2/instance). Mastodon's defaults, so apps behave as they do elsewhere.
 */
export const LIMITS = {
  statuses: { maxCharacters: 500, maxMediaAttachments: 4, charactersReservedPerUrl: 23 },
  media: {
    supportedMimeTypes: ["image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"],
    descriptionLimit: 1500,
    imageSizeLimit: 16 * 1024 * 1024,
    imageMatrixLimit: 33_177_600,
    videoSizeLimit: 99 * 1024 * 1024,
    videoFrameRateLimit: 120,
    videoMatrixLimit: 8_294_400,
  },
  polls: { maxOptions: 4, maxCharactersPerOption: 50, minExpiration: 300, maxExpiration: 2_629_746 },
  accounts: { maxFeaturedTags: 10, maxPinnedStatuses: 5 },
} as const;
