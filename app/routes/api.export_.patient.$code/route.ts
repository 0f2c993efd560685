/**
 * GET /api/export/patient/:code?format=pdf[&from=YYYY-MM-DD][&to=YYYY-MM-DD] — the PDF progress
 * report of one patient (app/lib/server/patient-report.server.ts). 400 bad parameter, 401 not
 * signed in / bad token, 404 patient missing or not visible.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { patientReportResponse } from "./patient-report.server";
import { requireApiCaller, requireApiPermission } from "~/lib/server/auth/permissions.server";
import { secureResource } from "~/lib/server/http/security-headers.server";

async function loaderUnsecured({ request, params }: LoaderFunctionArgs) {
  const caller = await requireApiCaller(request);
  requireApiPermission(caller, "export");
  return patientReportResponse(caller, params.code ?? "", new URL(request.url).searchParams);
}

export const loader = secureResource(loaderUnsecured);
