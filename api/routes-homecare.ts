import { z } from "zod";
import { compareMetrics } from "../src/homecare/compare.js";
import { computeMetrics } from "../src/homecare/figures.js";
import { validateSchedule } from "../src/homecare/rules.js";
import { homecareBody } from "./bodies.js";
import type { ApiContext } from "./context.js";
import { readHomecareInput, type StoredInput } from "./inputs.js";
import { COMMON_PROBLEMS, json, type Route } from "./route.js";
import * as S from "./schemas.js";

/** Home care: validate, score and compare a schedule; submit a roster to schedule. */
export const homecareRoutes = ({ jobOptions, submit }: ApiContext): Route[] => [
    {
      method: "post",
      path: "/v1/homecare/validate",
      doc: {
        summary: "Check a schedule against every hard rule of the roster",
        requestBody: { content: { "application/json": { schema: S.validateBody } } },
        responses: { "200": json(S.validation, "the violations (valid when none)"), ...COMMON_PROBLEMS },
      },
      accepts: ["application/json"],
      handle(req, res) {
        const { roster, schedules: { schedule } } = homecareBody(req.body, S.validateBody, ["schedule"]);
        const violations = validateSchedule(roster, schedule);
        res.json({ valid: violations.length === 0, assigned: schedule.assignments.length, unassigned: schedule.unassigned.length, violations });
      },
    },
    {
      method: "post",
      path: "/v1/homecare/score",
      doc: {
        summary: "Kolada continuity (U21401/U21402/U21436), travel and unassigned of a schedule",
        requestBody: { content: { "application/json": { schema: S.scoreBody } } },
        responses: { "200": json(z.object({}).loose(), "the metrics, as `kontinuum score --json`"), ...COMMON_PROBLEMS },
      },
      accepts: ["application/json"],
      handle(req, res) {
        const { roster, schedules } = homecareBody(req.body, S.scoreBody, ["schedule"]);
        res.json(computeMetrics(roster, schedules.schedule));
      },
    },
    {
      method: "post",
      path: "/v1/homecare/compare",
      doc: {
        summary: "Before and after, per client (largest gain first) and in total",
        requestBody: { content: { "application/json": { schema: S.compareBody } } },
        responses: { "200": json(z.object({}).loose(), "the comparison, as `kontinuum compare --json`"), ...COMMON_PROBLEMS },
      },
      accepts: ["application/json"],
      handle(req, res) {
        const { roster, schedules } = homecareBody(req.body, S.compareBody, ["before", "after"]);
        res.json(compareMetrics(computeMetrics(roster, schedules.before), computeMetrics(roster, schedules.after)));
      },
    },
    {
      method: "post",
      path: "/v1/homecare/jobs",
      doc: {
        summary: "Schedule a roster for continuity (runs in the background)",
        requestParams: { query: S.jobQuery },
        requestBody: { content: { "application/json": { schema: S.roster } } },
        responses: { "202": { ...json(S.job, "queued; poll the Location"), headers: { Location: { description: "/v1/jobs/{id}", schema: { type: "string" } } } }, ...COMMON_PROBLEMS },
      },
      accepts: ["application/json"],
      handle(req, res, owner) {
        const options = jobOptions(req, "homecare");
        const input: StoredInput = { document: req.body };
        submit(res, owner, "homecare", readHomecareInput(input).name, input, options);
      },
    },
];
