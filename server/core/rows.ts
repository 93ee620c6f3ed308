/** The rows core hands around, one name per table: every folder of core (and api's entities) reads them from here. */
import type { Selectable } from "kysely";
import type {
  AccountConversationsTable,
  AccountDomainBlocksTable,
  AccountEndorsementsTable,
  AccountsTable,
  BlocksTable,
  CustomEmojisTable,
  FavouritesTable,
  FilterKeywordsTable,
  FilterStatusesTable,
  FiltersTable,
  FollowsTable,
  InstanceDomainBlocksTable,
  InstanceTable,
  InvitesTable,
  ListsTable,
  LocalUsersTable,
  MarkersTable,
  MediaAttachmentsTable,
  MutesTable,
  NotificationsTable,
  OAuthAccessTokensTable,
  OAuthApplicationsTable,
  OAuthAuthorizationCodesTable,
  PeerHostsTable,
  PollVotesTable,
  PollsTable,
  PreviewCardsTable,
  PushSubscriptionsTable,
  ReportsTable,
  ScheduledStatusesTable,
  SignInFailuresTable,
  StatusEditsTable,
  StatusesTable,
  TagsTable,
} from "../db/schema.ts";

export type AccessTokenRow = Selectable<OAuthAccessTokensTable>;
export type AccountConversationRow = Selectable<AccountConversationsTable>;
export type AccountDomainBlockRow = Selectable<AccountDomainBlocksTable>;
export type AccountRow = Selectable<AccountsTable>;
export type ApplicationRow = Selectable<OAuthApplicationsTable>;
export type AuthorizationCodeRow = Selectable<OAuthAuthorizationCodesTable>;
export type BlockRow = Selectable<BlocksTable>;
export type CustomEmojiRow = Selectable<CustomEmojisTable>;
export type EndorsementRow = Selectable<AccountEndorsementsTable>;
export type FavouriteRow = Selectable<FavouritesTable>;
export type FilterKeywordRow = Selectable<FilterKeywordsTable>;
export type FilterRow = Selectable<FiltersTable>;
export type FilterStatusRow = Selectable<FilterStatusesTable>;
export type FollowRow = Selectable<FollowsTable>;
export type InstanceDomainBlockRow = Selectable<InstanceDomainBlocksTable>;
export type InstanceRow = Selectable<InstanceTable>;
/** An invite link of the owner's; uses and revoked_at say how much of it is left. */
export type InviteRow = Selectable<InvitesTable>;
export type ListRow = Selectable<ListsTable>;
export type LocalUserRow = Selectable<LocalUsersTable>;
export type MarkerRow = Selectable<MarkersTable>;
export type MediaAttachmentRow = Selectable<MediaAttachmentsTable>;
export type MuteRow = Selectable<MutesTable>;
export type NotificationRow = Selectable<NotificationsTable>;
export type PeerHostRow = Selectable<PeerHostsTable>;
/** A polls row; its options and tallies are JSON. */
export type PollRow = Selectable<PollsTable>;
export type PollVoteRow = Selectable<PollVotesTable>;
export type PreviewCardRow = Selectable<PreviewCardsTable>;
export type PushSubscriptionRow = Selectable<PushSubscriptionsTable>;
export type ReportRow = Selectable<ReportsTable>;
export type ScheduledStatusRow = Selectable<ScheduledStatusesTable>;
export type SignInFailureRow = Selectable<SignInFailuresTable>;
/** An earlier version of an edited status. */
export type StatusEditRow = Selectable<StatusEditsTable>;
/** A statuses row (a boost is one whose reblog_of_id is set). */
export type StatusRow = Selectable<StatusesTable>;
export type TagRow = Selectable<TagsTable>;
