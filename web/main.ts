/**
 * The planner's page: sign in, upload, follow the job, then look at the result. All data comes from
 * the API. Each module wires its own part of index.html when imported.
 */
import "./signin.js";
import "./tabs.js";
import "./homecare.js";
import "./calls.js";
