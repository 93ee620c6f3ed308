import { useCallback, useEffect, useState, type ChangeEvent, type FormEvent } from "react";
import {
  createDomainBlock,
  deleteDomainBlock,
  getDomainBlocks,
  importBlocklist,
  previewBlocklist,
  updateDomainBlock,
  type BlocklistPreview,
  type DomainBlock,
} from "../api/hearth.ts";
import { useApp } from "../app-context.ts";

const SEVERITIES: Array<[DomainBlock["severity"], string]> = [
  ["suspend", "Suspend"],
  ["silence", "Limit"],
  ["noop", "None (flags only)"],
];
const SEVERITY_WORDS = Object.fromEntries(SEVERITIES) as Record<DomainBlock["severity"], string>;

const ACTION_WORDS = { new: "New block", change: "Changes the block", unchanged: "Unchanged", invalid: "Not taken" } as const;

/** The newest blocks shown at once; the export has them all. */
const SHOWN = 200;

function describeBlock(block: DomainBlock): string {
  const flags = [block.reject_media && "rejects media", block.reject_reports && "rejects reports", block.obfuscate && "name hidden in the public list"].filter(Boolean);
  return [SEVERITY_WORDS[block.severity], ...flags].join(" · ");
}

/** One block's line: what it does, its comments, and its edit (severity and flags) and remove. */
function BlockRow({ block, onChanged, onError }: { block: DomainBlock; onChanged(): void; onError(message: string): void }) {
  const { api } = useApp();
  const [isEditing, setEditing] = useState(false);
  const [severity, setSeverity] = useState(block.severity);
  const [rejectMedia, setRejectMedia] = useState(block.reject_media);
  const [publicComment, setPublicComment] = useState(block.public_comment ?? "");
  const act = (work: Promise<unknown>) =>
    work.then(() => {
      setEditing(false);
      onChanged();
    }, (caught: unknown) => onError((caught as Error).message));
  return (
    <tr>
      <th scope="row">{block.domain}</th>
      <td>
        {isEditing ? (
          <>
            <select aria-label={`Severity for ${block.domain}`} value={severity} onChange={(event) => setSeverity(event.target.value as DomainBlock["severity"])}>
              {SEVERITIES.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
            <label>
              <input type="checkbox" checked={rejectMedia} onChange={(event) => setRejectMedia(event.target.checked)} /> Reject media
            </label>
            <input aria-label={`Public comment for ${block.domain}`} value={publicComment} onChange={(event) => setPublicComment(event.target.value)} />
          </>
        ) : (
          describeBlock(block)
        )}
      </td>
      <td>
        {block.public_comment && <span>{block.public_comment}</span>}
        {block.private_comment && <span className="hint"> (private: {block.private_comment})</span>}
      </td>
      <td>
        {isEditing ? (
          <button type="button" onClick={() => void act(updateDomainBlock(api, block.id, { severity, reject_media: rejectMedia, public_comment: publicComment }))}>
            Save
          </button>
        ) : (
          <button type="button" onClick={() => setEditing(true)}>
            Edit
          </button>
        )}{" "}
        <button type="button" onClick={() => void act(deleteDomainBlock(api, block.id))}>
          Remove
        </button>
      </td>
    </tr>
  );
}

/** The preview of an import: totals, what it would cut, and each line's fate. */
function PreviewTable({ preview }: { preview: BlocklistPreview }) {
  const { totals } = preview;
  return (
    <>
      <p role="status">
        {totals.new} new, {totals.change} changed, {totals.unchanged} unchanged, {totals.invalid} not taken. It would cut {totals.follows_cut} follows and{" "}
        {totals.followers_cut} followers, and affect {totals.accounts_affected} known accounts.
      </p>
      <div className="domain-block-preview">
        <table aria-label="Import preview">
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Domain</th>
              <th scope="col">Does</th>
              <th scope="col">Severity</th>
              <th scope="col">Cuts</th>
            </tr>
          </thead>
          <tbody>
            {preview.lines.map((line) => (
              <tr key={line.line}>
                <td>{line.line}</td>
                <td>{line.domain ?? line.written}</td>
                <td>
                  {ACTION_WORDS[line.action]}
                  {line.error && `: ${line.error}`}
                  {line.covered_by && `: ${line.covered_by} already covers it`}
                  {line.action === "change" && line.current && ` (was ${SEVERITY_WORDS[line.current.severity]})`}
                </td>
                <td>{SEVERITY_WORDS[line.severity]}</td>
                <td>{line.severs ? `${line.follows} follows, ${line.followers} followers` : line.accounts > 0 ? `${line.accounts} accounts limited` : "nothing"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** The instance's domain blocks, for the owner and moderators: list, add, edit, remove, import and export Mastodon's CSV. */
export function DomainBlocksPanel() {
  const { api } = useApp();
  const [blocks, setBlocks] = useState<DomainBlock[]>();
  const [error, setError] = useState<string>();
  const [domain, setDomain] = useState("");
  const [severity, setSeverity] = useState<DomainBlock["severity"]>("suspend");
  const [rejectMedia, setRejectMedia] = useState(false);
  const [rejectReports, setRejectReports] = useState(false);
  const [publicComment, setPublicComment] = useState("");
  const [privateComment, setPrivateComment] = useState("");
  const [csv, setCsv] = useState<string>();
  const [preview, setPreview] = useState<BlocklistPreview>();
  const [outcome, setOutcome] = useState<string>();
  const [isBusy, setBusy] = useState(false);

  const reload = useCallback(() => {
    getDomainBlocks(api)
      .then(setBlocks)
      .catch((caught: unknown) => setError((caught as Error).message));
  }, [api]);
  useEffect(reload, [reload]);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await createDomainBlock(api, domain, { severity, reject_media: rejectMedia, reject_reports: rejectReports, public_comment: publicComment, private_comment: privateComment });
      setDomain("");
      setPublicComment("");
      setPrivateComment("");
      reload();
    } catch (caught) {
      setError((caught as Error).message);
    }
  };

  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    setPreview(undefined);
    setOutcome(undefined);
    setError(undefined);
    if (!file) return;
    setBusy(true);
    try {
      const text = await file.text();
      setCsv(text);
      setPreview(await previewBlocklist(api, text));
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const confirm = async () => {
    if (csv === undefined) return;
    setBusy(true);
    setError(undefined);
    try {
      const { totals } = await importBlocklist(api, csv);
      setOutcome(`Imported: ${totals.created} new, ${totals.changed} changed, ${totals.unchanged} unchanged, ${totals.failed} not taken.`);
      setPreview(undefined);
      setCsv(undefined);
      reload();
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const exportCsv = async () => {
    setError(undefined);
    try {
      const response = await fetch(`${api.base}/api/hearth/domain_blocks/export`, { headers: api.token ? { Authorization: `Bearer ${api.token}` } : {} });
      if (!response.ok) throw new Error(`The export failed (${response.status}).`);
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = "domain_blocks.csv";
      link.click();
      URL.revokeObjectURL(url);
    } catch (caught) {
      setError((caught as Error).message);
    }
  };

  return (
    <>
      <p className="hint">
        Suspend: nothing from the server is stored or sent to it, and follows with it end. Limit: its accounts stay out of public timelines and notify only
        those who follow them.
      </p>
      {error && <p role="alert">{error}</p>}
      <form className="stack" onSubmit={(event) => void add(event)}>
        <label>
          Domain
          <input value={domain} onChange={(event) => setDomain(event.target.value)} placeholder="example.social" required />
        </label>
        <label>
          Severity
          <select aria-label="Severity" value={severity} onChange={(event) => setSeverity(event.target.value as DomainBlock["severity"])}>
            {SEVERITIES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={rejectMedia} onChange={(event) => setRejectMedia(event.target.checked)} /> Reject media files
        </label>
        <label>
          <input type="checkbox" checked={rejectReports} onChange={(event) => setRejectReports(event.target.checked)} /> Reject reports
        </label>
        <label>
          Public comment
          <input value={publicComment} onChange={(event) => setPublicComment(event.target.value)} />
        </label>
        <label>
          Private comment
          <input value={privateComment} onChange={(event) => setPrivateComment(event.target.value)} />
        </label>
        <button type="submit">Block domain</button>
      </form>

      {blocks === undefined ? (
        <span className="spinner" role="progressbar" aria-label="Loading" />
      ) : blocks.length === 0 ? (
        <p>No domain is blocked.</p>
      ) : (
        <table aria-label="Blocked domains">
          <tbody>
            {blocks.slice(0, SHOWN).map((block) => (
              <BlockRow key={`${block.id}-${block.severity}-${block.reject_media}`} block={block} onChanged={reload} onError={setError} />
            ))}
          </tbody>
        </table>
      )}
      {blocks !== undefined && blocks.length >= SHOWN && <p className="hint">The newest {SHOWN} are shown; the export has them all.</p>}

      <h3>Blocklist</h3>
      <p className="hint">Mastodon's CSV: #domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate, or one domain per line.</p>
      <label>
        Import a blocklist CSV
        <input type="file" accept=".csv,text/csv,text/plain" onChange={(event) => void choose(event)} disabled={isBusy} />
      </label>
      {isBusy && <span className="spinner" role="progressbar" aria-label="Working" />}
      {preview && (
        <>
          <PreviewTable preview={preview} />
          <button type="button" onClick={() => void confirm()} disabled={isBusy || preview.totals.new + preview.totals.change === 0}>
            Apply {preview.totals.new + preview.totals.change} blocks
          </button>
        </>
      )}
      {outcome && <p role="status">{outcome}</p>}
      <p>
        <button type="button" onClick={() => void exportCsv()}>
          Export blocklist CSV
        </button>
      </p>
    </>
  );
}
