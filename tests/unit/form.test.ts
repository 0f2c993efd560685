import { describe, expect, it } from "vitest";
import { formText } from "~/lib/form";

describe("formText", () => {
  it("returns the text of a field, and the first value of a repeated one", () => {
    const form = new FormData();
    form.append("email", " a@example.org ");
    form.append("role", "admin");
    form.append("role", "therapist");
    expect(formText(form, "email")).toBe(" a@example.org ");
    expect(formText(form, "role")).toBe("admin");
  });

  it('gives an empty text for a missing field and for a file, never "[object File]"', () => {
    const form = new FormData();
    form.append("password", new Blob(["secret"]), "password.txt");
    expect(formText(form, "password")).toBe("");
    expect(formText(form, "absent")).toBe("");
  });
});
