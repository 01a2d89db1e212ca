import { z } from "zod";
import type { Response } from "express";
import type { ApiContext } from "./context.js";
import { readHomecareInput, type StoredInput } from "./inputs.js";
import { COMMON_PROBLEMS, json, type Route } from "./route.js";
import * as S from "./schemas.js";


/** Home care: validate, score and compare a schedule; submit a roster to schedule. */
export const homecareRoutes = ({ jobOptions, submit, check }: ApiContext): Route[] => [
    {
      method: "post",
      path: "/v1/homecare/validate",
      doc: {
        summary: "Check a schedule against every hard rule of the roster",
        requestBody: { content: { "application/json": { schema: S.validateBody } } },
        responses: { "200": json(S.validation, "the violations (valid when none)"), ...COMMON_PROBLEMS },
      },
      accepts: ["application/json"],
      checksBody: true,
      async handle(req, res) {
        res.type("application/json").send(await check("validate", req, res));
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
      checksBody: true,
      async handle(req, res) {
        res.type("application/json").send(await check("score", req, res));
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
      checksBody: true,
      async handle(req, res) {
        res.type("application/json").send(await check("compare", req, res));
      },
    },
    ...(["replan", "explain", "recommend"] as const).map((kind): Route => ({
      method: "post",
      path: `/v1/homecare/${kind}`,
      doc: {
        replan: {
          summary: "Re-plan a published schedule for a list of changes (shared/spec/replan.md): sick calls, hospital stays, new visits",
          requestBody: { content: { "application/json": { schema: S.replanBody } } },
          responses: { "200": json(z.object({ schedule: z.object({}).loose(), report: z.object({}).loose(), roster: z.object({}).loose() }), "the new schedule, the change report, and the roster after the changes (homecare.md JSON), which the new schedule is valid for: the roster to ask further questions with once the re-plan is accepted"), ...COMMON_PROBLEMS },
        },
        explain: {
          summary: "Why a client meets the caregivers it meets: per visit outside its main team, what stops each team member",
          requestBody: { content: { "application/json": { schema: S.explainBody } } },
          responses: { "200": json(z.object({}).loose(), "the explanation, as `kontinuum explain --json`"), ...COMMON_PROBLEMS },
        },
        recommend: {
          summary: "Who could take this visit now: each option with the change in the client's distinct count, in travel, and what else it moves",
          requestBody: { content: { "application/json": { schema: S.recommendBody } } },
          responses: { "200": json(z.object({}).loose(), "the options, as `kontinuum recommend --json`"), ...COMMON_PROBLEMS },
        },
      }[kind],
      accepts: ["application/json"],
      checksBody: true,
      async handle(req, res) {
        res.type("application/json").send(await check(kind, req, res));
      },
    })),
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
      async handle(req, res, owner) {
        const options = jobOptions(req, "homecare");
        const input: StoredInput = { document: req.body };
        await submit(res, owner, "homecare", readHomecareInput(input).name, input, options);
      },
    },
];
