/** Media attachments and custom emoji. */
import type { Defaulted, Flag, Optional, Timestamp } from "./columns.ts";

export type MediaType = "image" | "gifv" | "video" | "audio" | "unknown";

export interface MediaAttachmentsTable {
  id: string;
  account_id: string;
  /** Null until a status takes the upload. */
  status_id: Optional<string>;
  position: Defaulted<number>;
  type: MediaType;
  content_type: Optional<string>;
  /** Relative to the data directory's media/ folder. */
  file: Optional<string>;
  thumbnail_file: Optional<string>;
  remote_url: Optional<string>;
  /** The peer's own preview image (a video's still frame), shown as preview_remote_url. */
  thumbnail_remote_url: Optional<string>;
  /** Set while a scheduled status holds the upload: the cleanup of unattached uploads leaves it alone. */
  scheduled_status_id: Optional<string>;
  description: Optional<string>;
  blurhash: Optional<string>;
  focus_x: Optional<number>;
  focus_y: Optional<number>;
  meta_json: Defaulted<string>;
  processing: Defaulted<"pending" | "done" | "failed">;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CustomEmojisTable {
  id: string;
  shortcode: string;
  /** Null for our own emoji. */
  domain: Optional<string>;
  uri: Optional<string>;
  image_url: string;
  file: Optional<string>;
  visible_in_picker: Flag;
  category: Optional<string>;
  updated_at: Timestamp;
}
