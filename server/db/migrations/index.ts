import type { Migration } from "kysely/migration";
import * as instanceAccountsOauth from "./0001-instance-accounts-oauth.ts";
import * as fedifyStore from "./0002-fedify-store.ts";
import * as tunnelSettings from "./0003-tunnel-settings.ts";
import * as remoteActorsAndFollows from "./0004-remote-actors-and-follows.ts";
import * as oauthAuthorizationCodes from "./0005-oauth-authorization-codes.ts";
import * as social from "./0006-social.ts";
import * as outbox from "./0007-outbox.ts";
import * as signInFailures from "./0008-sign-in-failures.ts";
import * as mastodonImport from "./0009-import.ts";
import * as invites from "./0010-invites.ts";
import * as roles from "./0011-roles.ts";
import * as searchTrigram from "./0012-search-trigram.ts";
import * as accountMigrations from "./0015-account-migrations.ts";
import * as accountModeration from "./0016-account-moderation.ts";
import * as instanceDomainBlockSeverity from "./0017-instance-domain-block-severity.ts";
import * as twoFactor from "./0018-two-factor.ts";
import * as statusVisibilityIndex from "./0019-status-visibility-index.ts";

/**
 * Every migration, in order. A static list rather than a directory scan, so a packaged app (where the
 * folder may sit inside an archive) runs exactly the migrations it was built with. The keys are the names
 * databases record in kysely_migration: never rename one.
 *
 * A new migration is a file NNNN-what-it-adds.ts and a line here. Once it is final, record its sha256 in
 * ../migration-checksums.json (test/unit/migration-checksums.test.ts fails with the line to add); from then
 * on it never changes: a later change is a later migration. 0006-account-stats.ts is not a migration but a
 * step of 0006-social kept in a file of its own; it shipped under that name, so it stays there, frozen too.
 */
export const migrations: Record<string, Migration> = {
  "0001-instance-accounts-oauth": instanceAccountsOauth,
  "0002-fedify-store": fedifyStore,
  "0003-tunnel-settings": tunnelSettings,
  "0004-remote-actors-and-follows": remoteActorsAndFollows,
  "0005-oauth-authorization-codes": oauthAuthorizationCodes,
  "0006-social": social,
  "0007-outbox": outbox,
  "0008-sign-in-failures": signInFailures,
  "0009-import": mastodonImport,
  "0010-invites": invites,
  "0011-roles": roles,
  "0012-search-trigram": searchTrigram,
  "0015-account-migrations": accountMigrations,
  "0016-account-moderation": accountModeration,
  "0017-instance-domain-block-severity": instanceDomainBlockSeverity,
  "0018-two-factor": twoFactor,
  "0019-status-visibility-index": statusVisibilityIndex,
};
