import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openArchiveZip } from "../../server/archive/archive-zip.ts";
import { writeZip } from "../helpers/mastodon-archive.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

describe("an attachment's file in the archive", () => {
  let dir: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    dir = makeTempDir("archive-media-entry");
  });
  afterEach(() => dir.remove());

  it("is the entry its URL's path names exactly, before any entry it merely ends with", async () => {
    const file = join(dir.path, "archive.zip");
    // Many files share a base name (every folder by id holds an original.png), one of them a suffix of another's path.
    await writeZip(file, [
      { name: "files/1/original/p.png", bytes: "short" },
      ...Array.from({ length: 50 }, (_, index) => ({ name: `media_attachments/files/${index}/original/p.png`, bytes: `picture ${index}` })),
      { name: "cache/media_attachments/files/77/original/q.png", bytes: "on object storage" },
    ]);
    const archive = await openArchiveZip(file);
    try {
      expect(archive.mediaEntry("/media_attachments/files/1/original/p.png")?.fileName).toBe("media_attachments/files/1/original/p.png");
      expect(archive.mediaEntry("https://files.old.example/media_attachments/files/42/original/p.png?v=1")?.fileName).toBe("media_attachments/files/42/original/p.png");
      // The positive control: a path that is only a suffix of an entry's is still found by the suffix.
      expect(archive.mediaEntry("/media_attachments/files/77/original/q.png")?.fileName).toBe("cache/media_attachments/files/77/original/q.png");
      expect(archive.mediaEntry("/media_attachments/files/99/original/p.png")).toBeUndefined();
    } finally {
      archive.close();
    }
  });
});
