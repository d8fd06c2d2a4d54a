import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** Every source file of the interface but the tests and the generated bindings. */
function sources(): { path: string; text: string }[] {
  const root = join(import.meta.dirname, "..");
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((p) => /\.tsx?$/.test(p) && !/\.test\.tsx?$/.test(p) && !p.endsWith("bindings.ts"))
    .map((p) => ({ path: p, text: readFileSync(join(root, p), "utf8") }));
}

// Sentences a lead should never read: they talk about the program, not the work.
const FOR_DEVELOPERS = [
  /the code has a bug/i,
  /laid out in \$\{/i,
  /laid out in \d/i,
  /\bin \$\{[^}]*\} ?ms\b/,
];

describe("words for people", () => {
  it("no page tells the lead about the code or its timings", () => {
    const files = sources();
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((f) =>
      FOR_DEVELOPERS.filter((re) => re.test(f.text)).map((re) => `${f.path}: ${re}`),
    );
    expect(found).toEqual([]);
  });

  it("finds such a sentence where there is one", () => {
    // The source text of a template literal that would print a layout time.
    const source = ["`Laid out in $", "{ms} ms`"].join("");
    expect(FOR_DEVELOPERS.some((re) => re.test(source))).toBe(true);
    expect(FOR_DEVELOPERS.some((re) => re.test("disagree, the code has a bug."))).toBe(true);
  });
});
