import { describe, expect, it } from "vitest";
import {
  c3dMetadataFor,
  can,
  isPatientCode,
  isRole,
  PATIENT_CODE_PATTERN,
  permissionProblem,
  scopeFor,
  scopesForRole,
  TOKEN_SCOPES,
  ROLES,
  seesTherapistIdentity,
  visiblePatients,
  type Action,
} from "~/lib/policy";

const ACTIONS: Action[] = ["review", "upload", "edit", "export", "batch", "admin", "identify"];
const allowed = (role: Parameters<typeof can>[0]) => ACTIONS.filter((action) => can(role, action));

describe("the permission table (docs/product roles)", () => {
  it("therapists review, upload, edit, export and batch-export their own patients, and see identity; never administer", () => {
    expect(allowed("therapist")).toEqual(["review", "upload", "edit", "export", "batch", "identify"]);
  });
  it("researchers review, export and batch-export pseudonymised; never upload, edit, administer or identify", () => {
    expect(allowed("researcher")).toEqual(["review", "export", "batch"]);
  });
  it("admins may do everything", () => {
    expect(allowed("admin")).toEqual(ACTIONS);
  });
  it("answers the same for a role and for a caller holding it", () => {
    for (const role of ROLES) expect(allowed({ role })).toEqual(allowed(role));
  });
  it("nobody, and an unknown role, may do nothing", () => {
    expect(allowed(null)).toEqual([]);
    expect(allowed(undefined)).toEqual([]);
    expect(allowed("guest" as never)).toEqual([]);
    expect(allowed({ role: "guest" as never })).toEqual([]);
  });
});

describe("roles", () => {
  it("knows exactly the three roles", () => {
    expect(ROLES.filter(isRole)).toEqual(["therapist", "researcher", "admin"]);
    for (const other of ["Admin", "guest", "", null, 1]) expect(isRole(other)).toBe(false);
  });
});

describe("which patients a role sees (the repositories' patientScope)", () => {
  it("therapists their own, researchers and admins all, anyone else none", () => {
    expect(visiblePatients({ role: "therapist" })).toBe("treated");
    expect(visiblePatients("researcher")).toBe("all");
    expect(visiblePatients("admin")).toBe("all");
    expect(visiblePatients("guest" as never)).toBe("none");
    expect(visiblePatients(null)).toBe("none");
  });
});

describe("pseudonymisation (what the session and patient repositories return)", () => {
  it("only researchers lose therapist identity", () => {
    expect(seesTherapistIdentity({ role: "researcher" })).toBe(false);
    expect(seesTherapistIdentity({ role: "therapist" })).toBe(true);
    expect(seesTherapistIdentity({ role: "admin" })).toBe(true);
    expect(seesTherapistIdentity("guest" as never)).toBe(false);
  });

  const metadata = {
    subjects: { PLAYER_NAME: "Ann Example", NAMES: ["Ann"], USED: 1 },
    info: { THERAPIST_ID: "t-17", PATIENT_NAME: "Ann Example", SYSTEM: "GHOSTLY" },
    analog: { RATE: 990 },
  };
  it("nulls the C3D parameters that can name a person for researchers, keeps every other value", () => {
    expect(c3dMetadataFor({ role: "researcher" }, metadata)).toEqual({
      subjects: { PLAYER_NAME: null, NAMES: null, USED: 1 },
      info: { THERAPIST_ID: null, PATIENT_NAME: null, SYSTEM: "GHOSTLY" },
      analog: { RATE: 990 },
    });
    expect(metadata.subjects.PLAYER_NAME, "the stored object is not changed").toBe("Ann Example");
  });
  it("gives therapists and admins the metadata as stored", () => {
    expect(c3dMetadataFor({ role: "therapist" }, metadata)).toBe(metadata);
    expect(c3dMetadataFor({ role: "admin" }, metadata)).toBe(metadata);
  });
});

describe("the patient-code rule", () => {
  it("is P followed by three to nine digits", () => {
    for (const code of ["P001", "P014", "P1234", "P123456789"]) expect(isPatientCode(code)).toBe(true);
    for (const code of ["P01", "p001", "X001", "P001 ", " P001", "P00A", "PP001", "", "P1234567890", `P${"9".repeat(300)}`]) {
      expect(isPatientCode(code), code).toBe(false);
    }
  });
  it("is the pattern the upload form's input carries", () => {
    // An HTML pattern is anchored by the browser: ^(?:pattern)$ with the v flag.
    const browser = new RegExp(`^(?:${PATIENT_CODE_PATTERN})$`, "v");
    for (const code of ["P001", "P1234", "P01", "X001", "P1234567890"]) expect(browser.test(code), code).toBe(isPatientCode(code));
  });
});

describe("API token scopes (docs/decisions/037-token-scopes-and-expiry.md)", () => {
  it("put every action in exactly one of export, upload, manage, admin", () => {
    expect(TOKEN_SCOPES).toEqual(["export", "upload", "manage", "admin"]);
    expect(Object.fromEntries(ACTIONS.map((a) => [a, scopeFor(a)]))).toEqual({
      review: "export",
      upload: "upload",
      edit: "manage",
      export: "export",
      batch: "export",
      admin: "admin",
      identify: "export",
    });
  });
  it("limit a token to its scopes, on top of the role", () => {
    const uploader = { role: "therapist" as const, scopes: ["upload" as const] };
    expect(ACTIONS.filter((a) => can(uploader, a))).toEqual(["upload"]);
    expect(permissionProblem(uploader, "export")).toEqual({ kind: "scope", scope: "export" });
    expect(permissionProblem(uploader, "admin")).toEqual({ kind: "role" });
    const everything = { role: "researcher" as const, scopes: [...TOKEN_SCOPES] };
    expect(ACTIONS.filter((a) => can(everything, a))).toEqual(allowed("researcher"));
  });
  it("leave a caller without scopes (a browser session) to its role", () => {
    for (const role of ROLES) expect(ACTIONS.filter((a) => can({ role, scopes: undefined }, a))).toEqual(allowed(role));
    expect(permissionProblem({ role: "admin" }, "admin")).toBeNull();
  });
  it("offer each role the scopes it can use", () => {
    expect(scopesForRole("therapist")).toEqual(["export", "upload", "manage"]);
    expect(scopesForRole("researcher")).toEqual(["export"]);
    expect(scopesForRole("admin")).toEqual([...TOKEN_SCOPES]);
    expect(scopesForRole(null)).toEqual([]);
  });
});
