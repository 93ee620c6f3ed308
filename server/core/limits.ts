/**
 * What uploads may be, by the type sniffed from their bytes. Mastodon's list, less what we cannot decode
 * (HEIC) or never detect (ASF); the audio list keeps the other names clients give the same formats.
 */
const IMAGE_MIME_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"] as const;
const VIDEO_MIME_TYPES = ["video/mp4", "video/webm", "video/quicktime", "video/ogg"] as const;
const AUDIO_MIME_TYPES = [
  "audio/mpeg",
  "audio/mp3",
  "audio/ogg",
  "audio/vorbis",
  "audio/wav",
  "audio/wave",
  "audio/x-wav",
  "audio/vnd.wave",
  "audio/flac",
  "audio/aac",
  "audio/mp4",
  "audio/m4a",
  "audio/x-m4a",
] as const;

/**
 * The limits this instance enforces and publishes to clients (they size their compose boxes and upload
 * checks from /api/v2/instance). Mastodon's defaults, so apps behave as they do elsewhere.
 */
export const LIMITS = {
  statuses: { maxCharacters: 500, maxMediaAttachments: 4, charactersReservedPerUrl: 23 },
  media: {
    imageMimeTypes: IMAGE_MIME_TYPES,
    videoMimeTypes: VIDEO_MIME_TYPES,
    audioMimeTypes: AUDIO_MIME_TYPES,
    supportedMimeTypes: [...IMAGE_MIME_TYPES, ...VIDEO_MIME_TYPES, ...AUDIO_MIME_TYPES],
    descriptionLimit: 1500,
    imageSizeLimit: 16 * 1024 * 1024,
    imageMatrixLimit: 33_177_600,
    /** Audio shares the video limit, as on Mastodon. */
    videoSizeLimit: 99 * 1024 * 1024,
    videoFrameRateLimit: 120,
    videoMatrixLimit: 8_294_400,
  },
  polls: { maxOptions: 4, maxCharactersPerOption: 50, minExpiration: 300, maxExpiration: 2_629_746 },
  accounts: { maxFeaturedTags: 10, maxPinnedStatuses: 5 },
} as const;
