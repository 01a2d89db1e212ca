import { z } from "zod";
import type { Response } from "express";
import { runHomecareCheck } from "./checks.js";
import type { ApiContext } from "./context.js";
import { readHomecareInput, type StoredInput } from "./inputs.js";
import { COMMON_PROBLEMS, json, type Route } from "./route.js";
import * as S from "./schemas.js";

/** The decoded body's size (app.ts records it): what decides whether a check runs inline or in a worker. */
const bodyBytes = (res: Response) => Number(res.locals.bodyBytes ?? 0);

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
      async handle(req, res) {
        res.type("application/json").send(await runHomecareCheck("validate", req.body, bodyBytes(res)));
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
      async handle(req, res) {
        res.type("application/json").send(await runHomecareCheck("score", req.body, bodyBytes(res)));
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
      async handle(req, res) {
        res.type("application/json").send(await runHomecareCheck("compare", req.body, bodyBytes(res)));
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
