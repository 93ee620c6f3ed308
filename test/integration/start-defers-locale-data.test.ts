import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstances, type InstanceGroup } from "../helpers/instances.ts";

// ICU's locale data loads at the first Intl.DisplayNames: tens of milliseconds of a start that nothing before
// GET /api/v1/instance/languages needs (issue #19).
describe("a start leaves the language names for the first request that asks for them", () => {
  const RealDisplayNames = Intl.DisplayNames;
  let made = 0;
  let group: InstanceGroup;

  beforeAll(async () => {
    const Counting = class extends RealDisplayNames {
      constructor(...args: ConstructorParameters<typeof RealDisplayNames>) {
        super(...args);
        made += 1;
      }
    };
    Object.defineProperty(Intl, "DisplayNames", { value: Counting, configurable: true, writable: true });
    group = await startInstances([{ username: "lena" }]);
  });
  afterAll(async () => {
    Object.defineProperty(Intl, "DisplayNames", { value: RealDisplayNames, configurable: true, writable: true });
    await group?.close();
  });

  it("has made no Intl.DisplayNames by the time it serves, and names the languages at the first GET /api/v1/instance/languages", async () => {
    const [lena] = group.instances;
    expect((await fetch(`${lena!.url}/healthz`)).ok).toBe(true);
    expect(made).toBe(0);
    const response = await fetch(`${lena!.url}/api/v1/instance/languages`);
    expect(response.status).toBe(200);
    const languages = (await response.json()) as Array<{ code: string; name: string }>;
    expect(languages).toContainEqual({ code: "en", name: "English" });
    expect(languages).toContainEqual({ code: "de", name: "German" });
    // The control: the counter sees the list being made, so the first assertion cannot pass on a blind counter.
    expect(made).toBe(1);
    // Made once, kept for the requests after.
    expect((await (await fetch(`${lena!.url}/api/v1/instance/languages`)).json()) as unknown).toEqual(languages);
    expect(made).toBe(1);
  });
});
