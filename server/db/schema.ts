/**
 * The database as kysely sees it. The tables' types live one file per concern under schema/; this file
 * assembles them, and it is the one path the rest of the code imports them from.
 */
import type { InstanceSettingsTable, InstanceTable, PeerHostsTable, TunnelSettingsTable } from "./schema/instance.ts";
import type {
  AccountEndorsementsTable,
  AccountMigrationsTable,
  AccountNotesTable,
  AccountStatsTable,
  AccountsTable,
  LocalUsersTable,
} from "./schema/accounts.ts";
import type { OAuthAccessTokensTable, OAuthApplicationsTable, OAuthAuthorizationCodesTable } from "./schema/oauth.ts";
import type { AccountDomainBlocksTable, BlocksTable, FollowsTable, MutesTable } from "./schema/relationships.ts";
import type {
  IdempotencyKeysTable,
  MentionsTable,
  PollVotesTable,
  PollsTable,
  PreviewCardsTable,
  ScheduledStatusesTable,
  StatusEditsTable,
  StatusPreviewCardsTable,
  StatusSearchTable,
  StatusSearchTrigramTable,
  StatusTagsTable,
  StatusesTable,
  TagsTable,
} from "./schema/statuses.ts";
import type { BookmarksTable, FavouritesTable, ReactionsTable, StatusPinsTable } from "./schema/interactions.ts";
import type {
  AccountConversationsTable,
  ConversationMutesTable,
  ConversationsTable,
  HomeFeedTable,
  ListAccountsTable,
  ListsTable,
  MarkersTable,
  TagFollowsTable,
} from "./schema/timelines.ts";
import type { NotificationsTable, PushSubscriptionsTable } from "./schema/notifications.ts";
import type { FilterKeywordsTable, FilterStatusesTable, FiltersTable } from "./schema/filters.ts";
import type { CustomEmojisTable, MediaAttachmentsTable } from "./schema/media.ts";
import type { InstanceDomainBlocksTable, ReportsTable } from "./schema/moderation.ts";
import type { OutboxTable } from "./schema/outbox.ts";
import type { SignInFailuresTable } from "./schema/sign-in.ts";
import type { TwoFactorRecoveryCodesTable, TwoFactorTable } from "./schema/two-factor.ts";
import type { InvitesTable } from "./schema/invites.ts";

export type * from "./schema/instance.ts";
export { TUNNEL_MODES } from "./schema/instance.ts";
export type * from "./schema/accounts.ts";
export type * from "./schema/oauth.ts";
export type * from "./schema/relationships.ts";
export type * from "./schema/statuses.ts";
export type * from "./schema/interactions.ts";
export type * from "./schema/timelines.ts";
export type * from "./schema/notifications.ts";
export type * from "./schema/filters.ts";
export type * from "./schema/media.ts";
export type * from "./schema/moderation.ts";
export type * from "./schema/outbox.ts";
export type * from "./schema/sign-in.ts";
export type * from "./schema/two-factor.ts";
export type * from "./schema/invites.ts";

export interface DatabaseSchema {
  instance: InstanceTable;
  accounts: AccountsTable;
  local_users: LocalUsersTable;
  account_migrations: AccountMigrationsTable;
  oauth_applications: OAuthApplicationsTable;
  oauth_access_tokens: OAuthAccessTokensTable;
  oauth_authorization_codes: OAuthAuthorizationCodesTable;
  follows: FollowsTable;
  tunnel_settings: TunnelSettingsTable;
  conversations: ConversationsTable;
  statuses: StatusesTable;
  status_edits: StatusEditsTable;
  media_attachments: MediaAttachmentsTable;
  mentions: MentionsTable;
  tags: TagsTable;
  status_tags: StatusTagsTable;
  tag_follows: TagFollowsTable;
  custom_emojis: CustomEmojisTable;
  favourites: FavouritesTable;
  bookmarks: BookmarksTable;
  status_pins: StatusPinsTable;
  reactions: ReactionsTable;
  conversation_mutes: ConversationMutesTable;
  polls: PollsTable;
  poll_votes: PollVotesTable;
  notifications: NotificationsTable;
  home_feed: HomeFeedTable;
  blocks: BlocksTable;
  mutes: MutesTable;
  account_domain_blocks: AccountDomainBlocksTable;
  instance_domain_blocks: InstanceDomainBlocksTable;
  reports: ReportsTable;
  lists: ListsTable;
  list_accounts: ListAccountsTable;
  filters: FiltersTable;
  filter_keywords: FilterKeywordsTable;
  filter_statuses: FilterStatusesTable;
  markers: MarkersTable;
  idempotency_keys: IdempotencyKeysTable;
  scheduled_statuses: ScheduledStatusesTable;
  account_conversations: AccountConversationsTable;
  preview_cards: PreviewCardsTable;
  status_preview_cards: StatusPreviewCardsTable;
  push_subscriptions: PushSubscriptionsTable;
  instance_settings: InstanceSettingsTable;
  peer_hosts: PeerHostsTable;
  status_search: StatusSearchTable;
  status_search_trigram: StatusSearchTrigramTable;
  account_notes: AccountNotesTable;
  account_endorsements: AccountEndorsementsTable;
  account_stats: AccountStatsTable;
  outbox: OutboxTable;
  sign_in_failures: SignInFailuresTable;
  two_factor: TwoFactorTable;
  two_factor_recovery_codes: TwoFactorRecoveryCodesTable;
  invites: InvitesTable;
}
