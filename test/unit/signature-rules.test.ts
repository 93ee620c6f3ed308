import { describe, expect, it } from "vitest";
import { signatureProblem } from "../../server/http/signature-rules.ts";

const body = new TextEncoder().encode('{"type":"Like"}').buffer;
const sha256 = async (algorithm: "SHA-256" | "SHA-512" = "SHA-256") => Buffer.from(await crypto.subtle.digest(algorithm, body)).toString("base64");
const now = Math.floor(Date.now() / 1000);
const input = (label: string, components: string) => `${label}=(${components});keyid="https://peer.example/users/sam#main-key";created=${now}`;
const strong = '"@method" "@target-uri" "content-digest"';

async function rfc9421(signatureInput: string, labels: string[], extra: Record<string, string> = {}) {
  const headers = new Headers({ "Signature-Input": signatureInput, Signature: labels.map((label) => `${label}=:YWJj:`).join(", "), "Content-Digest": `sha-256=:${await sha256()}:`, ...extra });
  return signatureProblem({ method: "POST", headers }, body);
}

describe("signature headers, read before Fedify", () => {
  it("lets a request without signature headers pass", async () => {
    expect(await signatureProblem({ method: "POST", headers: new Headers() }, body)).toBeNull();
  });

  it("takes an RFC 9421 signature covering what Mastodon requires (positive control)", async () => {
    expect(await rfc9421(input("sig1", strong), ["sig1"])).toBeNull();
    expect(await rfc9421(input("sig1", '"@method" "@authority" "@path" "content-digest"'), ["sig1"], { "Content-Digest": `sha-512=:${await sha256("SHA-512")}:` })).toBeNull();
  });

  it("refuses a second, weaker label beside a strong one: Fedify would take whichever verifies", async () => {
    const problem = await rfc9421(`${input("sig1", strong)}, ${input("sig2", '"@method"')}`, ["sig1", "sig2"]);
    expect(problem).toMatchObject({ status: 401, message: expect.stringMatching(/signature sig2 .* leaves out @target-uri, content-digest/) as unknown });
  });

  it("answers labels without a signature, components that are not strings and unreadable digests with 400", async () => {
    expect(await rfc9421(input("sig1", strong), ["sig2"])).toMatchObject({ status: 400, message: "The Signature header has no signature sig1." });
    expect(await rfc9421(`sig1=(1 2);keyid="k";created=${now}`, ["sig1"])).toMatchObject({ status: 400 });
    expect(await rfc9421(input("sig1", strong), ["sig1"], { "Content-Digest": "sha-256=not-bytes(" })).toMatchObject({ status: 400 });
  });

  it("refuses a draft-cavage GET that leaves out host, and takes one that covers it", async () => {
    const signature = (covered: string) => `keyId="https://peer.example/users/sam#main-key",algorithm="rsa-sha256",headers="${covered}",signature="YWJj"`;
    const get = (covered: string) => signatureProblem({ method: "GET", headers: new Headers({ Date: new Date().toUTCString(), Signature: signature(covered) }) }, null);
    expect(await get("(request-target) date")).toMatchObject({ status: 401, message: "The signature must cover (request-target), host, date; it leaves out host." });
    expect(await get("(request-target) host date")).toBeNull();
  });
});
