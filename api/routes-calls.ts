import { callsFromValue, readStaffing } from "../src/calls/io.js";
import { validateStaffingFile } from "../src/calls/rules.js";
import { z } from "zod";
import { readCallsMultipart, readEnvelope } from "./bodies.js";
import type { ApiContext } from "./context.js";
import { inPart, readCallsInput } from "./inputs.js";
import { COMMON_PROBLEMS, json, type Route } from "./route.js";
import * as S from "./schemas.js";

/** 1177: submit a calls input to staff; validate a staffing file. */
export const callsRoutes = ({ jobOptions, submit, check }: ApiContext): Route[] => [
    {
      method: "post",
      path: "/v1/calls/jobs",
      doc: {
        summary: "Choose and assign 1177 nurse shifts against the call load (runs in the background)",
        requestParams: { query: S.jobQuery },
        requestBody: { content: { "application/json": { schema: S.calls }, "multipart/form-data": { schema: S.callsMultipart } } },
        responses: { "202": { ...json(S.job, "queued; poll the Location"), headers: { Location: { description: "/v1/jobs/{id}", schema: { type: "string" } } } }, ...COMMON_PROBLEMS },
      },
      accepts: ["application/json", "multipart/form-data"],
      async handle(req, res, owner) {
        const options = jobOptions(req, "calls");
        const multipart = req.is("multipart/form-data");
        const input = multipart ? await readCallsMultipart(req) : { document: req.body };
        await submit(res, owner, "calls", readCallsInput(input, multipart ? "calls" : "body").name, input, options);
      },
    },
    {
      method: "post",
      path: "/v1/calls/restaff",
      doc: {
        summary: "Fill a nurse's absence in a published staffing with the fewest changes, every rule kept",
        requestBody: { content: { "application/json": { schema: S.restaffBody } } },
        responses: { "200": json(z.object({ staffing: z.object({}).loose(), restaff: z.object({}).loose() }), "the new staffing file (with the leave) and the changes with the service level before and after"), ...COMMON_PROBLEMS },
      },
      accepts: ["application/json"],
      checksBody: true,
      async handle(req, res) {
        res.type("application/json").send(await check("restaff", req, res));
      },
    },
    {
      method: "post",
      path: "/v1/calls/validate",
      doc: {
        summary: "Check a staffing file's roster against every rule (templates, rest, contract...)",
        requestBody: { content: { "application/json": { schema: S.validateStaffingBody } } },
        responses: { "200": json(S.staffingValidation, "the violations (valid when none)"), ...COMMON_PROBLEMS },
      },
      accepts: ["application/json"],
      handle(req, res) {
        const parts = readEnvelope(req.body, S.validateStaffingBody);
        const problem = inPart("calls", () => callsFromValue(parts.calls, undefined, { loadRequired: false }));
        const file = inPart("staffing", () => readStaffing(typeof parts.staffing === "string" ? parts.staffing : JSON.stringify(parts.staffing), problem));
        const violations = validateStaffingFile(problem, file);
        res.json({ valid: violations.length === 0, shifts: file.roster.length, violations });
      },
    },
];
