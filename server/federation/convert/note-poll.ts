import { Collection, Question, type DocumentLoader, type Object as ApObject } from "@fedify/vocab";
import { REMOTE_STATUS_LIMITS, type RemotePoll } from "../../core/statuses/remote-status-record.ts";
import { embeddedOnly, instantToIso } from "./embedded.ts";

function count(value: number | null | undefined): number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : 0;
}

interface PollOptions {
  options: string[];
  tallies: number[];
}

async function readOptions(items: AsyncIterable<ApObject>, contextLoader: DocumentLoader | undefined): Promise<PollOptions | "too-many"> {
  const options: string[] = [];
  const tallies: number[] = [];
  for await (const option of items) {
    if (options.length >= REMOTE_STATUS_LIMITS.maxPollOptions) return "too-many";
    const title = option.name === null ? "" : String(option.name).trim();
    if (title === "") continue;
    const replies = await option.getReplies(embeddedOnly(contextLoader)).catch(() => null);
    options.push(title.slice(0, REMOTE_STATUS_LIMITS.maxPollOptionLength));
    tallies.push(replies instanceof Collection ? count(replies.totalItems) : 0);
  }
  return { options, tallies };
}

/**
 * A Question's poll: oneOf (single choice) or anyOf (multiple), each option's tally from its replies'
 * totalItems, as Mastodon and Misskey send it. Returns "too-many" for more options than any client can show,
 * and null when the object is not a poll.
 */
export async function readPoll(question: ApObject, contextLoader: DocumentLoader | undefined, now: Date): Promise<RemotePoll | "too-many" | null> {
  if (!(question instanceof Question)) return null;
  const loaders = embeddedOnly(contextLoader);
  let multiple = false;
  let read = await readOptions(question.getExclusiveOptions(loaders), contextLoader);
  if (read !== "too-many" && read.options.length === 0) {
    multiple = true;
    read = await readOptions(question.getInclusiveOptions(loaders), contextLoader);
  }
  if (read === "too-many") return "too-many";
  if (read.options.length === 0) return null;
  const expiresAt = instantToIso(question.endTime);
  const closed = question.closed;
  const closedAt = closed === true ? (expiresAt ?? now.toISOString()) : closed ? instantToIso(closed) : null;
  return {
    options: read.options,
    tallies: read.tallies,
    multiple,
    votersCount: question.voters === null ? null : count(question.voters),
    expiresAt,
    closedAt,
  };
}
