import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** How a request to the peer was signed, told apart by its headers. */
export type SignatureFormat = "draft-cavage" | "rfc9421" | "unsigned";

export interface InboxHit {
  path: string;
  format: SignatureFormat;
  /** What the peer answered. */
  status: number;
}

/** Decides the status of each request, knowing what came before it. */
export type InboxAnswer = (request: { path: string; format: SignatureFormat; earlier: readonly InboxHit[] }) => number;

export interface InboxPeer {
  server: Server;
  origin: string;
  host: string;
  /** Every request, in order of arrival. */
  hits: InboxHit[];
  /** The requests to `path`. */
  hitsOn(path: string): InboxHit[];
  /** Whether a request to `path` was answered 2xx: the activity was delivered. */
  took(path: string): boolean;
  /**
   * Delivery attempts to `path`: Hearth knocks with a draft-cavage signature first, so each attempt starts with
   * one (Fedify may knock once more with RFC 9421 in the same attempt).
   */
  attemptsOn(path: string): number;
  /** From now on, answer this way. */
  answer(next: InboxAnswer | number): void;
  close(): Promise<void>;
}

function signatureFormat(headers: IncomingHttpHeaders): SignatureFormat {
  // RFC 9421 puts its parameters in Signature-Input; draft-cavage has them all in Signature.
  if (headers["signature-input"] !== undefined) return "rfc9421";
  if (headers.signature !== undefined) return "draft-cavage";
  return "unsigned";
}

const always = (status: number): InboxAnswer => () => status;

/** A fake peer on loopback whose inboxes answer as told (one status, or one decided per request), recording each request. */
export async function startInboxPeer(initial: InboxAnswer | number): Promise<InboxPeer> {
  const hits: InboxHit[] = [];
  let answering = typeof initial === "number" ? always(initial) : initial;
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      const path = request.url ?? "";
      const format = signatureFormat(request.headers);
      const status = answering({ path, format, earlier: [...hits] });
      hits.push({ path, format, status });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const hitsOn = (path: string) => hits.filter((hit) => hit.path === path);
  return {
    server,
    origin: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    hits,
    hitsOn,
    took: (path) => hitsOn(path).some((hit) => hit.status >= 200 && hit.status < 300),
    attemptsOn: (path) => hitsOn(path).filter((hit) => hit.format === "draft-cavage").length,
    answer(next) {
      answering = typeof next === "number" ? always(next) : next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Fedify keeps connections alive; a closed peer is gone for good.
        server.closeAllConnections();
      }),
  };
}
