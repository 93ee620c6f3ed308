import { createHash } from "node:crypto";
import type { InstanceDomainBlockRow } from "../../core/rows.ts";

/** Mastodon's domain_digest: the SHA-256 of the domain, so a reader can check a name they know against an obfuscated one. */
export function domainDigest(domain: string): string {
  return createHash("sha256").update(domain).digest("hex");
}

/** Mastodon's DomainBlock#public_domain: with obfuscate, the middle half of the name's letters become "*" (dots stay). */
export function publicDomain(block: Pick<InstanceDomainBlockRow, "domain" | "obfuscate">): string {
  if (block.obfuscate !== 1) return block.domain;
  const chars = [...block.domain];
  const visible = Math.floor(chars.length / 4);
  return chars.map((char, index) => (index > visible && index < chars.length - visible && char !== "." ? "*" : char)).join("");
}

/** Admin::DomainBlock: the whole block, for the owner and moderators. */
export function toAdminDomainBlock(row: InstanceDomainBlockRow) {
  return {
    id: row.id,
    domain: row.domain,
    digest: domainDigest(row.domain),
    created_at: row.created_at,
    severity: row.severity,
    reject_media: row.reject_media === 1,
    reject_reports: row.reject_reports === 1,
    private_comment: row.private_comment,
    public_comment: row.public_comment,
    obfuscate: row.obfuscate === 1,
  };
}

/** DomainBlock, the instance's public list: the name (obfuscated if asked), its digest, severity and the public comment. */
export function toDomainBlock(row: InstanceDomainBlockRow, withComment: boolean) {
  return {
    domain: publicDomain(row),
    digest: domainDigest(row.domain),
    severity: row.severity,
    comment: withComment ? (row.public_comment ?? "") : null,
  };
}
