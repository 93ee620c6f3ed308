import { LIMITS } from "../../core/limits.ts";
import type { InstanceUsage } from "../../core/instance/instance-usage.ts";
import { HEARTH_VERSION, MASTODON_COMPATIBLE_VERSION } from "../../version.ts";
import type { MastodonAccount } from "./account.ts";
import type { InstanceRow } from "../../core/rows.ts";

/** What both instance entities are made from. */
export interface InstanceFacts {
  instance: InstanceRow | undefined;
  origin: string;
  owner: MastodonAccount | null;
  usage: InstanceUsage;
  domainCount: number;
  thumbnailUrl: string;
  /** The VAPID public key apps subscribe to Web Push with. */
  vapidPublicKey: string;
  /** Whether some invite link can still make an account. */
  invitesEnabled: boolean;
}

function streamingUrl(origin: string): string {
  return origin.replace(/^http/, "ws");
}

function statusesConfiguration() {
  return {
    max_characters: LIMITS.statuses.maxCharacters,
    max_media_attachments: LIMITS.statuses.maxMediaAttachments,
    characters_reserved_per_url: LIMITS.statuses.charactersReservedPerUrl,
  };
}

function mediaConfiguration() {
  const media = LIMITS.media;
  return {
    supported_mime_types: [...media.supportedMimeTypes],
    description_limit: media.descriptionLimit,
    image_size_limit: media.imageSizeLimit,
    image_matrix_limit: media.imageMatrixLimit,
    video_size_limit: media.videoSizeLimit,
    video_frame_rate_limit: media.videoFrameRateLimit,
    video_matrix_limit: media.videoMatrixLimit,
  };
}

function pollsConfiguration() {
  return {
    max_options: LIMITS.polls.maxOptions,
    max_characters_per_option: LIMITS.polls.maxCharactersPerOption,
    min_expiration: LIMITS.polls.minExpiration,
    max_expiration: LIMITS.polls.maxExpiration,
  };
}

/** Mastodon's Instance entity of /api/v2/instance. */
export function toInstanceV2(facts: InstanceFacts) {
  const { instance, origin } = facts;
  return {
    domain: new URL(origin).host,
    title: instance?.name ?? "Hearth",
    version: MASTODON_COMPATIBLE_VERSION,
    // Hearth has no public source address yet; an empty string rather than a made-up one.
    source_url: "",
    description: instance?.description ?? "",
    usage: { users: { active_month: facts.usage.users.activeMonth } },
    thumbnail: { url: facts.thumbnailUrl, blurhash: null, versions: {} },
    icon: [],
    languages: ["en"],
    configuration: {
      urls: { streaming: streamingUrl(origin), status: null, about: `${origin}/about`, privacy_policy: null, terms_of_service: null },
      vapid: { public_key: facts.vapidPublicKey },
      accounts: { max_featured_tags: LIMITS.accounts.maxFeaturedTags, max_pinned_statuses: LIMITS.accounts.maxPinnedStatuses },
      statuses: statusesConfiguration(),
      media_attachments: mediaConfiguration(),
      polls: pollsConfiguration(),
      translation: { enabled: false },
      limited_federation: false,
    },
    // Invite-only by design: friends and family join by the owner's invitation, never by open sign-up, so
    // registrations stay closed even while an invite link is usable (Mastodon says the same of invite-only).
    registrations: { enabled: false, approval_required: false, reason_required: false, message: null, min_age: null, url: null },
    // Mastodon's API version 2 (4.3) is grouped notifications at /api/v2/notifications, which apps such as
    // Phanpy look for here. Later versions are not claimed.
    api_versions: { mastodon: 2 },
    contact: { email: "", account: facts.owner },
    rules: [],
    hearth: { version: HEARTH_VERSION },
  };
}

/** The older /api/v1/instance, which many apps still read first. */
export function toInstanceV1(facts: InstanceFacts) {
  const { instance, origin } = facts;
  return {
    uri: new URL(origin).host,
    title: instance?.name ?? "Hearth",
    short_description: instance?.description ?? "",
    description: instance?.description ?? "",
    email: "",
    version: MASTODON_COMPATIBLE_VERSION,
    urls: { streaming_api: streamingUrl(origin) },
    stats: { user_count: facts.usage.users.total, status_count: facts.usage.localPosts, domain_count: facts.domainCount },
    thumbnail: facts.thumbnailUrl,
    languages: ["en"],
    registrations: false,
    approval_required: false,
    invites_enabled: facts.invitesEnabled,
    configuration: {
      accounts: { max_featured_tags: LIMITS.accounts.maxFeaturedTags },
      statuses: statusesConfiguration(),
      media_attachments: mediaConfiguration(),
      polls: pollsConfiguration(),
    },
    contact_account: facts.owner,
    rules: [],
  };
}
