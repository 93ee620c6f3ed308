import { CsvSyntaxError, formatCsv, parseCsv } from "../archive/csv.ts";
import type { InstanceDomainBlockSeverity } from "../../db/schema.ts";
import type { CoreContext } from "../context.ts";
import { Invalid } from "../errors.ts";
import { normaliseDomain } from "../relationships/domain-blocks.ts";
import type { InstanceDomainBlockRow } from "../rows.ts";
import { domainAndParents } from "../visibility/instance-domain-limits.ts";
import { write } from "../write.ts";
import {
  allInstanceDomainBlocks,
  changeInstanceDomainBlock,
  domainImpacts,
  insertInstanceDomainBlock,
  isStricterThan,
  SEVERITIES,
} from "./instance-domain-blocks.ts";

/**
 * Blocklists in Mastodon's CSV (Admin::ExportDomainBlocksController): a header line
 * `#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate`, then a line per block; or the
 * older form, one domain per line without a header. A column left out takes the importer's default: severity
 * suspend, the flags false, no comment. An import is previewed first (what each line would do, and what it
 * would cut), then applied whole in one write.
 */

export const BLOCKLIST_HEADER = ["#domain", "#severity", "#reject_media", "#reject_reports", "#public_comment", "#obfuscate"] as const;

/** Mastodon's Admin::Import refuses a file of more lines than this. */
export const MOST_BLOCKLIST_ROWS = 20_000;

/** A blocklist with every block of this instance, oldest first, booleans written as Ruby writes them. */
export async function exportBlocklist(ctx: Pick<CoreContext, "db">): Promise<string> {
  const blocks = await allInstanceDomainBlocks(ctx);
  const bool = (flag: number) => (flag === 1 ? "true" : "false");
  return formatCsv([
    BLOCKLIST_HEADER,
    ...blocks.map((block) => [
      block.domain,
      block.severity,
      bool(block.reject_media),
      bool(block.reject_reports),
      block.public_comment ?? "",
      bool(block.obfuscate),
    ]),
  ]);
}

/** One line of a blocklist, read: the block it asks for, or why it cannot be taken. */
export interface BlocklistLine {
  line: number;
  /** As written, for a line that could not be read as a domain. */
  written: string;
  domain: string | null;
  severity: InstanceDomainBlockSeverity;
  reject_media: boolean;
  reject_reports: boolean;
  public_comment: string | null;
  obfuscate: boolean;
  error: string | null;
}

/** ActiveModel::Type::Boolean's cast, as Mastodon's importer reads the flag columns: empty is absent. */
function railsBoolean(value: string | undefined): boolean | undefined {
  const trimmed = value?.trim();
  if (trimmed === undefined || trimmed === "") return undefined;
  return !["0", "f", "F", "false", "FALSE", "False", "off", "OFF", "Off"].includes(trimmed);
}

/** Reads a blocklist's lines; a text that is not CSV at all (an unclosed quote, too many lines) is refused whole. */
export function readBlocklist(text: string, ownDomain: string): BlocklistLine[] {
  let rows;
  try {
    rows = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new Invalid(`This is not a blocklist CSV: ${error.message}`);
    throw error;
  }
  const headed = rows[0]?.fields[0]?.trim() === "#domain";
  const header = headed ? rows[0]!.fields.map((name) => name.trim()) : ["#domain"];
  const body = headed ? rows.slice(1) : rows;
  if (body.length === 0) throw new Invalid("The blocklist names no domain: give a CSV with a #domain column, or one domain per line.");
  if (body.length > MOST_BLOCKLIST_ROWS) throw new Invalid(`The blocklist has ${body.length} lines; at most ${MOST_BLOCKLIST_ROWS} are taken at once.`);
  const column = (fields: string[], name: (typeof BLOCKLIST_HEADER)[number]) => {
    const index = header.indexOf(name);
    return index < 0 ? undefined : fields[index];
  };
  const seen = new Map<string, number>();
  return body.map(({ line, fields }) => {
    const written = (column(fields, "#domain") ?? "").trim();
    const severityText = column(fields, "#severity")?.trim();
    const publicComment = column(fields, "#public_comment")?.trim();
    const entry: BlocklistLine = {
      line,
      written,
      domain: null,
      severity: "suspend",
      reject_media: railsBoolean(column(fields, "#reject_media")) ?? false,
      reject_reports: railsBoolean(column(fields, "#reject_reports")) ?? false,
      public_comment: publicComment ? publicComment : null,
      obfuscate: railsBoolean(column(fields, "#obfuscate")) ?? false,
      error: null,
    };
    if (severityText) {
      if ((SEVERITIES as readonly string[]).includes(severityText)) entry.severity = severityText as InstanceDomainBlockSeverity;
      else entry.error = `severity must be one of ${SEVERITIES.join(", ")}, not "${severityText}".`;
    }
    if (written === "") {
      entry.error = "The line names no domain.";
      return entry;
    }
    try {
      entry.domain = normaliseDomain(written);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      entry.error = error.message;
      return entry;
    }
    if (entry.domain === ownDomain) entry.error = "This is this instance's own domain.";
    const earlier = seen.get(entry.domain);
    if (earlier !== undefined && entry.error === null) entry.error = `${entry.domain} is already on line ${earlier}.`;
    if (entry.error === null) seen.set(entry.domain, line);
    return entry;
  });
}

export type BlocklistAction = "new" | "change" | "unchanged" | "invalid";

/** What one line of an import would do, and what it would cut. */
export interface BlocklistPreviewLine extends BlocklistLine {
  action: BlocklistAction;
  /** The block there is now for this very domain, for "change" and "unchanged". */
  current: InstanceDomainBlockRow | null;
  /** A block on a parent domain that already covers this one as strictly (the line changes nothing). */
  covered_by: string | null;
  /** Whether the line suspends what was not suspended: follows both ways with the domain end. */
  severs: boolean;
  /** Follows of the domain's accounts by ours, our accounts' followers there, and its accounts known here. */
  follows: number;
  followers: number;
  accounts: number;
}

export interface BlocklistPreview {
  lines: BlocklistPreviewLine[];
  totals: Record<BlocklistAction, number> & { follows_cut: number; followers_cut: number; accounts_affected: number };
}

type Limits = Pick<InstanceDomainBlockRow, "severity" | "reject_media" | "reject_reports">;

function limitsOf(line: BlocklistLine): Limits {
  return { severity: line.severity, reject_media: line.reject_media ? 1 : 0, reject_reports: line.reject_reports ? 1 : 0 };
}

function sameAs(line: BlocklistLine, block: InstanceDomainBlockRow): boolean {
  return (
    block.severity === line.severity &&
    block.reject_media === (line.reject_media ? 1 : 0) &&
    block.reject_reports === (line.reject_reports ? 1 : 0) &&
    (block.public_comment ?? null) === line.public_comment &&
    block.obfuscate === (line.obfuscate ? 1 : 0)
  );
}

/**
 * What importing the lines would do, against the blocks there are and the list's own lines (a list's block of
 * example.com covers its line for social.example.com as the database's would). Nothing is written.
 */
export async function previewBlocklist(ctx: Pick<CoreContext, "db">, lines: readonly BlocklistLine[]): Promise<BlocklistPreview> {
  const existing = new Map((await allInstanceDomainBlocks(ctx)).map((block) => [block.domain, block]));
  const listed = new Map<string, Limits>(lines.flatMap((line) => (line.domain !== null && line.error === null ? [[line.domain, limitsOf(line)] as const] : [])));
  const impacts = await domainImpacts(ctx, [...listed.keys()]);
  const previewLines = lines.map((line): BlocklistPreviewLine => {
    const base = { ...line, current: null, covered_by: null, severs: false, follows: 0, followers: 0, accounts: 0 };
    if (line.domain === null || line.error !== null) return { ...base, action: "invalid" };
    const impact = impacts.get(line.domain) ?? { follows: 0, followers: 0, accounts: 0 };
    const current = existing.get(line.domain) ?? null;
    if (current) {
      if (sameAs(line, current)) return { ...base, ...impact, current, action: "unchanged" };
      return { ...base, ...impact, current, action: "change", severs: line.severity === "suspend" && current.severity !== "suspend" };
    }
    for (const parent of domainAndParents(line.domain).slice(1)) {
      const rule = listed.get(parent) ?? existing.get(parent);
      if (!rule) continue;
      if (!isStricterThan(limitsOf(line), rule)) return { ...base, ...impact, action: "unchanged", covered_by: parent };
      break;
    }
    return { ...base, ...impact, action: "new", severs: line.severity === "suspend" };
  });
  const count = (action: BlocklistAction) => previewLines.filter((line) => line.action === action).length;
  const severing = previewLines.filter((line) => line.severs);
  return {
    lines: previewLines,
    totals: {
      new: count("new"),
      change: count("change"),
      unchanged: count("unchanged"),
      invalid: count("invalid"),
      follows_cut: severing.reduce((sum, line) => sum + line.follows, 0),
      followers_cut: severing.reduce((sum, line) => sum + line.followers, 0),
      accounts_affected: previewLines.filter((line) => line.action === "new" || line.action === "change").reduce((sum, line) => sum + line.accounts, 0),
    },
  };
}

/** What an applied line came to. */
export interface BlocklistResult {
  line: number;
  domain: string;
  action: BlocklistAction;
  /** Why a line that would have been applied was not (it is then "invalid"). */
  error: string | null;
  block_id: string | null;
}

/**
 * Applies what the preview of these lines says, in one write: new blocks made (a parent before its
 * subdomains), changed ones changed, the rest left. Each line answers for itself; a line that fails is
 * reported and the others still apply. New blocks carry a private comment saying they were imported, as
 * Mastodon's do.
 */
export async function importBlocklist(ctx: CoreContext, lines: readonly BlocklistLine[]): Promise<{ preview: BlocklistPreview; results: BlocklistResult[] }> {
  const preview = await previewBlocklist(ctx, lines);
  const note = `Imported from a blocklist on ${ctx.clock.now().toISOString().slice(0, 10)}.`;
  const order = [...preview.lines].sort((a, b) => (a.domain?.split(".").length ?? 0) - (b.domain?.split(".").length ?? 0));
  const byLine = new Map<number, BlocklistResult>();
  // Domains with follows at or under them: only their blocks need look for follows to sever, which spares a
  // scan of the accounts per line of a long list.
  const withFollows = new Set(preview.lines.flatMap((line) => (line.domain && line.follows + line.followers > 0 ? domainAndParents(line.domain) : [])));
  await write(ctx, async (trx) => {
    for (const line of order) {
      const result: BlocklistResult = { line: line.line, domain: line.domain ?? line.written, action: line.action, error: line.error, block_id: line.current?.id ?? null };
      byLine.set(line.line, result);
      if (line.domain === null || (line.action !== "new" && line.action !== "change")) continue;
      const input = {
        severity: line.severity,
        reject_media: line.reject_media,
        reject_reports: line.reject_reports,
        public_comment: line.public_comment,
        obfuscate: line.obfuscate,
      };
      try {
        const sever = withFollows.has(line.domain);
        const block =
          line.action === "new"
            ? await insertInstanceDomainBlock(ctx, trx, line.domain, { ...input, private_comment: note }, { sever })
            : await changeInstanceDomainBlock(ctx, trx, line.current!.id, input, { sever });
        result.block_id = block.id;
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        result.action = "invalid";
        result.error = error.message;
      }
    }
  });
  return { preview, results: preview.lines.map((line) => byLine.get(line.line)!) };
}
