/** What an account does to a status: favourites, bookmarks, pins and emoji reactions. */
import type { Optional, Timestamp } from "./columns.ts";

export interface FavouritesTable {
  id: string;
  account_id: string;
  status_id: string;
  /** The Like activity's id. */
  uri: Optional<string>;
  created_at: Timestamp;
}

export interface BookmarksTable {
  id: string;
  account_id: string;
  status_id: string;
  created_at: Timestamp;
}

export interface StatusPinsTable {
  id: string;
  account_id: string;
  status_id: string;
  created_at: Timestamp;
}

export interface ReactionsTable {
  id: string;
  account_id: string;
  status_id: string;
  /** A unicode emoji, or a custom one's shortcode without colons. */
  name: string;
  custom_emoji_id: Optional<string>;
  uri: Optional<string>;
  created_at: Timestamp;
}
